package dev.ferry.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.api.TemporalConnection;
import io.temporal.envconfig.ClientConfigTLS;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExternalWorkerConfigTest {

  @Test
  void readsTheQueueTheIdleTimeoutAndTheTemporalConnection() {
    ExternalWorkerConfig config =
        ExternalWorkerConfig.fromEnvironment(
            Map.of(
                "FERRY_TASK_QUEUE", "ferry-run-abc-1",
                "FERRY_IDLE_TIMEOUT", "PT2M",
                "TEMPORAL_ADDRESS", "temporal.example:7233",
                "TEMPORAL_NAMESPACE", "ferry"));

    assertThat(config.taskQueue()).isEqualTo("ferry-run-abc-1");
    assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.temporal().getAddress()).isEqualTo("temporal.example:7233");
    assertThat(config.temporal().getNamespace()).isEqualTo("ferry");
  }

  /**
   * What the orchestrator hands a worker for mTLS: the PEMs as {@code *_DATA}. The connection is
   * made from them alone (no file), with ALPN h2 as gRPC needs; {@code MtlsComputeIT} connects with
   * it through an mTLS front.
   */
  @Test
  void connectsWithTlsMaterialGivenAsData(@TempDir Path dir) throws Exception {
    String[] pem = selfSignedPem(dir);
    ExternalWorkerConfig config =
        ExternalWorkerConfig.fromEnvironment(
            Map.of(
                "FERRY_TASK_QUEUE",
                "q",
                "TEMPORAL_ADDRESS",
                "127.0.0.1:7233",
                "TEMPORAL_TLS_CLIENT_CERT_DATA",
                pem[0],
                "TEMPORAL_TLS_CLIENT_KEY_DATA",
                pem[1],
                "TEMPORAL_TLS_SERVER_CA_CERT_DATA",
                pem[0],
                "TEMPORAL_TLS_SERVER_NAME",
                "localhost"));

    ClientConfigTLS tls = config.temporal().getTls();
    assertThat(tls.getClientCertPath()).isNull();
    assertThat(tls.getClientKeyPath()).isNull();
    assertThat(tls.getServerCACertPath()).isNull();
    assertThat(new String(tls.getClientCertData(), StandardCharsets.UTF_8)).isEqualTo(pem[0]);
    assertThat(new String(tls.getClientKeyData(), StandardCharsets.UTF_8)).isEqualTo(pem[1]);
    assertThat(new String(tls.getServerCACertData(), StandardCharsets.UTF_8)).isEqualTo(pem[0]);
    assertThat(tls.getServerName()).isEqualTo("localhost");
    var ssl = TemporalConnection.stubsOptions(config.temporal()).getSslContext();
    assertThat(ssl).isNotNull();
    assertThat(ssl.isClient()).isTrue();
    assertThat(ssl.applicationProtocolNegotiator().protocols()).contains("h2");
  }

  /** A self-signed EC certificate and its PKCS#8 key as PEM, made by the JDK's keytool. */
  private static String[] selfSignedPem(Path dir) throws Exception {
    Path store = dir.resolve("worker.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-keyalg",
                "EC",
                "-alias",
                "worker",
                "-dname",
                "CN=worker",
                "-validity",
                "1",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor(1, TimeUnit.MINUTES)).as("keytool ends").isTrue();
    assertThat(keytool.exitValue()).as(out).isZero();
    KeyStore keys = KeyStore.getInstance(store.toFile(), "changeit".toCharArray());
    Base64.Encoder base64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
    return new String[] {
      "-----BEGIN CERTIFICATE-----\n"
          + base64.encodeToString(keys.getCertificate("worker").getEncoded())
          + "\n-----END CERTIFICATE-----\n",
      "-----BEGIN PRIVATE KEY-----\n"
          + base64.encodeToString(keys.getKey("worker", "changeit".toCharArray()).getEncoded())
          + "\n-----END PRIVATE KEY-----\n"
    };
  }

  @Test
  void readsAPlainIdleTimeoutAsSeconds() {
    ExternalWorkerConfig config =
        ExternalWorkerConfig.fromEnvironment(
            Map.of("FERRY_TASK_QUEUE", "q", "FERRY_IDLE_TIMEOUT", "300"));

    assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(300));
  }

  @Test
  void waitsFiveMinutesForATaskByDefault() {
    ExternalWorkerConfig config =
        ExternalWorkerConfig.fromEnvironment(Map.of("FERRY_TASK_QUEUE", "q"));

    assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void namesTheMissingTaskQueueVariable() {
    assertThatThrownBy(() -> ExternalWorkerConfig.fromEnvironment(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FERRY_TASK_QUEUE");
  }

  @ParameterizedTest
  @ValueSource(strings = {"soon", "5m", "PT0S", "-PT1M", "0"})
  void namesTheIdleTimeoutVariableWhenItIsInvalid(String value) {
    Map<String, String> env = Map.of("FERRY_TASK_QUEUE", "q", "FERRY_IDLE_TIMEOUT", value);

    assertThatThrownBy(() -> ExternalWorkerConfig.fromEnvironment(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FERRY_IDLE_TIMEOUT")
        .hasMessageContaining(value);
  }

  @Test
  void readsTheLeaseAndTheHeartbeatTimeout() {
    ExternalWorkerConfig config =
        ExternalWorkerConfig.fromEnvironment(
            Map.of(
                "FERRY_TASK_QUEUE", "q",
                "FERRY_LEASE_EXPIRES", "2026-11-22T05:00:00Z",
                "FERRY_HEARTBEAT_TIMEOUT", "PT30S"));

    assertThat(config.leaseExpires()).isEqualTo(java.time.Instant.parse("2026-11-22T05:00:00Z"));
    assertThat(config.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void hasNoLeaseAndNoHeartbeatLimitUnlessTold() {
    ExternalWorkerConfig config =
        ExternalWorkerConfig.fromEnvironment(Map.of("FERRY_TASK_QUEUE", "q"));

    assertThat(config.leaseExpires()).isNull();
    assertThat(config.heartbeatTimeout()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"FERRY_LEASE_EXPIRES=tomorrow", "FERRY_HEARTBEAT_TIMEOUT=PT0S"})
  void namesTheLifetimeVariableWhenItIsInvalid(String setting) {
    String[] pair = setting.split("=", 2);
    Map<String, String> env = Map.of("FERRY_TASK_QUEUE", "q", pair[0], pair[1]);

    assertThatThrownBy(() -> ExternalWorkerConfig.fromEnvironment(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(pair[0])
        .hasMessageContaining(pair[1]);
  }
}
