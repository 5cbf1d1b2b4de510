package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.api.Secrets;
import dev.ferry.api.TemporalConnection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComputeConnectionTest {

  private static final String CERT = pem("CERTIFICATE", "Y2xpZW50LWNlcnRpZmljYXRlLWJvZHk=");
  private static final String KEY = pem("PRIVATE KEY", "Y2xpZW50LXByaXZhdGUta2V5LWJvZHktbGluZQ==");
  private static final String CA = pem("CERTIFICATE", "Y2VydGlmaWNhdGUtYXV0aG9yaXR5LWJvZHk=");

  @TempDir Path dir;
  private Path cert;
  private Path key;
  private Path ca;

  @BeforeEach
  void pemFiles() throws Exception {
    cert = Files.writeString(dir.resolve("client.pem"), CERT);
    key = Files.writeString(dir.resolve("client.key"), KEY);
    ca = Files.writeString(dir.resolve("ca.pem"), CA);
  }

  @Test
  void filesNamedInTheEnvironmentTravelAsTheirContent() {
    Map<String, String> env = new HashMap<>();
    env.put("TEMPORAL_ADDRESS", "ns.acct.tmprl.cloud:7233");
    env.put("TEMPORAL_TLS_CLIENT_CERT_PATH", cert.toString());
    env.put("TEMPORAL_TLS_CLIENT_KEY_PATH", key.toString());
    env.put("TEMPORAL_TLS_SERVER_CA_CERT_PATH", ca.toString());
    env.put("TEMPORAL_TLS_SERVER_NAME", "ns.acct.tmprl.cloud");
    env.put("TEMPORAL_GRPC_META_X_TENANT", "acme");
    env.put("TEMPORAL_CONFIG_FILE", dir.resolve("absent.toml").toString());

    assertThat(of(env))
        .containsOnly(
            Map.entry("TEMPORAL_TLS_CLIENT_CERT_DATA", CERT),
            Map.entry("TEMPORAL_TLS_CLIENT_KEY_DATA", KEY),
            Map.entry("TEMPORAL_TLS_SERVER_CA_CERT_DATA", CA),
            Map.entry("TEMPORAL_TLS_SERVER_NAME", "ns.acct.tmprl.cloud"),
            Map.entry("TEMPORAL_GRPC_META_X_TENANT", "acme"));
  }

  @Test
  void aProfileOfTheConfigFileTravelsAsDataWithoutTheProfileOrTheFile() throws Exception {
    Path toml =
        Files.writeString(
            dir.resolve("temporal.toml"),
            """
            [profile.cloud]
            address = "ns.acct.tmprl.cloud:7233"
            namespace = "ns.acct"
            api_key = "profile-api-key-123"

            [profile.cloud.tls]
            client_cert_path = "%s"
            client_key_path = "%s"
            server_ca_cert_data = '''%s'''
            """
                .formatted(cert, key, CA));
    Map<String, String> env =
        Map.of(
            "TEMPORAL_ADDRESS", "ns.acct.tmprl.cloud:7233",
            "TEMPORAL_CONFIG_FILE", toml.toString(),
            "TEMPORAL_PROFILE", "cloud");

    OrchestratorConfig config = OrchestratorConfig.fromEnvironment(env);

    assertThat(config.namespace()).isEqualTo("ns.acct");
    assertThat(config.computeConnection())
        .containsOnly(
            Map.entry("TEMPORAL_API_KEY", "profile-api-key-123"),
            Map.entry("TEMPORAL_TLS_CLIENT_CERT_DATA", CERT),
            Map.entry("TEMPORAL_TLS_CLIENT_KEY_DATA", KEY),
            Map.entry("TEMPORAL_TLS_SERVER_CA_CERT_DATA", CA));
  }

  @Test
  void dataAndAnExplicitTlsSettingPassAsTheyAre() {
    assertThat(
            of(
                Map.of(
                    "TEMPORAL_API_KEY",
                    "k-123456789",
                    "TEMPORAL_TLS",
                    "false",
                    "TEMPORAL_TLS_CLIENT_KEY_DATA",
                    KEY,
                    "TEMPORAL_CONFIG_FILE",
                    dir.resolve("absent.toml").toString())))
        .containsOnly(
            Map.entry("TEMPORAL_API_KEY", "k-123456789"),
            Map.entry("TEMPORAL_TLS", "false"),
            Map.entry("TEMPORAL_TLS_CLIENT_KEY_DATA", KEY));
  }

  @Test
  void anUnreadableFileIsRefusedNamingTheVariableAndThePath() {
    Path missing = dir.resolve("nope/client.key");

    assertThatThrownBy(
            () ->
                of(
                    Map.of(
                        "TEMPORAL_TLS_CLIENT_CERT_PATH", cert.toString(),
                        "TEMPORAL_TLS_CLIENT_KEY_PATH", missing.toString(),
                        "TEMPORAL_CONFIG_FILE", dir.resolve("absent.toml").toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("TEMPORAL_TLS_CLIENT_KEY_PATH names " + missing)
        .hasMessageContaining("no such file")
        .hasMessageContaining("TEMPORAL_TLS_CLIENT_KEY_DATA");
  }

  @Test
  void anUnreadableFileOfTheConfigFileIsNamedByItsKeyAndProfile() throws Exception {
    Path toml =
        Files.writeString(
            dir.resolve("temporal.toml"),
            """
            [profile.cloud.tls]
            server_ca_cert_path = "%s"
            """
                .formatted(dir));

    assertThatThrownBy(
            () -> of(Map.of("TEMPORAL_CONFIG_FILE", toml.toString(), "TEMPORAL_PROFILE", "cloud")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "tls.server_ca_cert_path of Temporal profile 'cloud' in " + toml + " names " + dir);
  }

  @Test
  void theServerExitsTwoNamingTheFileBeforeItStartsAnything() {
    Path missing = dir.resolve("client.crt");
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit =
        OrchestratorMain.run(
            new String[] {"server"},
            Map.of(
                "TEMPORAL_TLS_CLIENT_CERT_PATH", missing.toString(),
                "TEMPORAL_TLS_CLIENT_KEY_PATH", key.toString(),
                "TEMPORAL_CONFIG_FILE", dir.resolve("absent.toml").toString(),
                "FERRY_DATA_DIR", dir.resolve("data").toString(),
                // Were the dev server started first, it would stop here, never install one.
                "FERRY_TEMPORAL_CLI", dir.resolve("no-temporal").toString(),
                "FERRY_HTTP_PORT", "0"),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("ferry: TEMPORAL_TLS_CLIENT_CERT_PATH names " + missing)
        .doesNotContain("Exception");
    assertThat(dir.resolve("data")).as("no Temporal dev server was started").doesNotExist();
  }

  @Test
  void theWorkerGetsDataOnlyAndAKeyReadFromAFileIsRedacted() {
    WorkerEnvironment worker =
        new WorkerEnvironment(
            "127.0.0.1:7233",
            "default",
            Map.of(
                "TEMPORAL_TLS_CLIENT_CERT_PATH", cert.toString(),
                "TEMPORAL_TLS_CLIENT_KEY_PATH", key.toString(),
                "TEMPORAL_CONFIG_FILE", dir.resolve("absent.toml").toString()));

    Map<String, String> env = worker.forQueue(Map.of(), "q");

    assertThat(env.keySet())
        .noneMatch(name -> name.endsWith("_PATH"))
        .doesNotContain("TEMPORAL_PROFILE", "TEMPORAL_CONFIG_FILE");
    assertThat(env).containsEntry("TEMPORAL_TLS_CLIENT_KEY_DATA", KEY);
    String keyLine = KEY.lines().skip(1).findFirst().orElseThrow();
    assertThat(worker.secrets().redact("printed " + keyLine))
        .isEqualTo("printed " + Secrets.REDACTED);
  }

  private static Map<String, String> of(Map<String, String> env) {
    return ComputeConnection.of(TemporalConnection.profile(env), env);
  }

  private static String pem(String type, String body) {
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
