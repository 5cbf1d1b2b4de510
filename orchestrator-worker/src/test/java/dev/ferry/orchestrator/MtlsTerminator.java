package dev.ferry.orchestrator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS front for a plaintext gRPC server on loopback, as Temporal Cloud is one for its namespaces:
 * it requires a client certificate issued by the test's CA, offers ALPN {@code h2} (which gRPC
 * clients insist on), and forwards the decrypted bytes both ways to the backend port. The Temporal
 * dev server has no TLS options of its own.
 */
final class MtlsTerminator implements AutoCloseable {

  private final SSLServerSocket server;
  private final int backendPort;
  private final AtomicInteger accepted = new AtomicInteger();
  private final List<String> refused = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  MtlsTerminator(TestPki pki, int backendPort) throws IOException, GeneralSecurityException {
    this.backendPort = backendPort;
    char[] password = "test".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "server",
        pki.server().key(),
        password,
        new Certificate[] {pki.server().certificate(), pki.ca().certificate()});
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, password);
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("ca", pki.ca().certificate());
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
    server =
        (SSLServerSocket)
            context
                .getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    SSLParameters parameters = server.getSSLParameters();
    parameters.setNeedClientAuth(true);
    parameters.setApplicationProtocols(new String[] {"h2"});
    server.setSSLParameters(parameters);
    acceptor = Thread.ofPlatform().daemon().name("mtls-terminator").start(this::acceptLoop);
  }

  /** Where clients connect: {@code 127.0.0.1:<port>}. */
  String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** Connections whose client presented a certificate of the CA. */
  int accepted() {
    return accepted.get();
  }

  /** Why each refused handshake failed, as the JDK said it. */
  List<String> refused() {
    return List.copyOf(refused);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        SSLSocket client = (SSLSocket) server.accept();
        open.add(client);
        Thread.ofVirtual().start(() -> serve(client));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(SSLSocket client) {
    try {
      client.startHandshake();
    } catch (SSLException e) {
      refused.add(String.valueOf(e.getMessage()));
      close(client);
      return;
    } catch (IOException e) {
      close(client);
      return;
    }
    accepted.incrementAndGet();
    Socket backend = new Socket();
    open.add(backend);
    try {
      backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), backendPort));
      InputStream fromBackend = backend.getInputStream();
      OutputStream toClient = client.getOutputStream();
      Thread.ofVirtual().start(() -> pump(fromBackend, toClient, client, backend));
      pump(client.getInputStream(), backend.getOutputStream(), client, backend);
    } catch (IOException e) {
      close(client);
      close(backend);
    }
  }

  /** Copies until either side ends, then closes both: gRPC connections end whole. */
  private static void pump(InputStream in, OutputStream out, Socket a, Socket b) {
    byte[] buffer = new byte[16 * 1024];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException ended) {
      // The other side closed; close ours below.
    } finally {
      close(a);
      close(b);
    }
  }

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing is all that is left to do with it.
    }
  }

  @Override
  public void close() throws InterruptedException {
    close(server);
    open.forEach(MtlsTerminator::close);
    acceptor.join(10_000);
  }

  private static void close(SSLServerSocket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing is all that is left to do with it.
    }
  }
}
