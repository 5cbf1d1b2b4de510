package dev.ferry.providers.digitalocean;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;

/**
 * A self-signed certificate for 127.0.0.1, made with the JDK's keytool once per test JVM: the
 * scenario server serves TLS with it, and the droplet client (HTTPS only) trusts exactly it.
 */
final class TestTls {

  private static final char[] PASSWORD = "ferry-test".toCharArray();
  private static KeyStore store;

  private TestTls() {}

  static SSLContext serverContext() {
    try {
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store(), PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An HTTP client that trusts the test certificate and nothing else. */
  static CloseableHttpClient trustingClient() {
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return HttpClients.custom().setSSLContext(context).build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static synchronized KeyStore store() {
    if (store != null) {
      return store;
    }
    try {
      Path dir = Files.createTempDirectory("ferry-do-tls");
      Path file = dir.resolve("test.p12");
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      Process process =
          new ProcessBuilder(
                  List.of(
                      keytool,
                      "-genkeypair",
                      "-alias",
                      "ferry-test",
                      "-keyalg",
                      "EC",
                      "-groupname",
                      "secp256r1",
                      "-dname",
                      "CN=127.0.0.1",
                      "-ext",
                      "SAN=ip:127.0.0.1",
                      "-validity",
                      "2",
                      "-storetype",
                      "PKCS12",
                      "-keystore",
                      file.toString(),
                      "-storepass",
                      new String(PASSWORD)))
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + output);
      }
      KeyStore loaded = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(file)) {
        loaded.load(in, PASSWORD);
      }
      Files.delete(file);
      Files.delete(dir);
      store = loaded;
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the test certificate", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
