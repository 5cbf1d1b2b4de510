package dev.ferry.orchestrator;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for mTLS tests, made with Bouncy Castle (on the classpath
 * through docker-java): a self-signed CA, a server certificate for 127.0.0.1 and localhost, and a
 * client certificate, all EC P-256, valid for a day, written as PEM files.
 */
final class TestPki {

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A certificate, its key, and where both are written. */
  record Issued(X509Certificate certificate, PrivateKey key, Path certFile, Path keyFile) {}

  private final Issued ca;
  private final Issued server;
  private final Issued client;

  private TestPki(Issued ca, Issued server, Issued client) {
    this.ca = ca;
    this.server = server;
    this.client = client;
  }

  /** Makes the CA and both certificates, and writes them as PEM files in {@code dir}. */
  static TestPki create(Path dir) throws IOException, GeneralSecurityException {
    Files.createDirectories(dir);
    KeyPair caKeys = keyPair();
    X500Name caName = new X500Name("CN=Ferry test CA");
    X509v3CertificateBuilder caBuilder = builder(caName, caName, caKeys);
    caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    caBuilder.addExtension(
        Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    Issued ca = write(dir, "ca", sign(caBuilder, caKeys.getPrivate()), caKeys.getPrivate());

    KeyPair serverKeys = keyPair();
    X509v3CertificateBuilder serverBuilder =
        builder(caName, new X500Name("CN=localhost"), serverKeys);
    serverBuilder.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
              new GeneralName(GeneralName.dNSName, "localhost")
            }));
    serverBuilder.addExtension(
        Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    Issued server =
        write(dir, "server", sign(serverBuilder, caKeys.getPrivate()), serverKeys.getPrivate());

    KeyPair clientKeys = keyPair();
    X509v3CertificateBuilder clientBuilder =
        builder(caName, new X500Name("CN=ferry-worker"), clientKeys);
    clientBuilder.addExtension(
        Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    Issued client =
        write(dir, "client", sign(clientBuilder, caKeys.getPrivate()), clientKeys.getPrivate());
    return new TestPki(ca, server, client);
  }

  Issued ca() {
    return ca;
  }

  Issued server() {
    return server;
  }

  Issued client() {
    return client;
  }

  /** The lines of the client key's PEM body: what must never show up in history or logs. */
  List<String> clientKeyLines() throws IOException {
    return Files.readAllLines(client.keyFile()).stream()
        .filter(line -> !line.startsWith("-----"))
        .toList();
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    return generator.generateKeyPair();
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, KeyPair subjectKeys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(1))),
        subject,
        subjectKeys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static Issued write(Path dir, String name, X509Certificate certificate, PrivateKey key)
      throws IOException, GeneralSecurityException {
    Path certFile = dir.resolve(name + ".pem");
    Path keyFile = dir.resolve(name + ".key");
    Files.writeString(certFile, pem("CERTIFICATE", certificate.getEncoded()));
    Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
    return new Issued(certificate, key, certFile, keyFile);
  }

  private static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
