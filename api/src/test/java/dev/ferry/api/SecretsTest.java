package dev.ferry.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "TEMPORAL_API_KEY",
        "TEMPORAL_GRPC_META_AUTHORIZATION",
        "TEMPORAL_TLS_CLIENT_KEY_DATA",
        "GITHUB_TOKEN",
        "FERRY_GIT_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "DIGITALOCEAN_TOKEN",
        "GITHUB_WEBHOOK_SECRET",
        "DB_PASSWORD",
        "github_token"
      })
  void namesThatHoldCredentials(String name) {
    assertThat(Secrets.isSecretName(name)).isTrue();
    assertThat(Secrets.isHiddenFromWorkloads(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "PATH",
        "HOME",
        "TEMPORAL_ADDRESS",
        "TEMPORAL_TLS_CLIENT_KEY_PATH",
        "AWS_ACCESS_KEY_ID",
        "FERRY_TASK_QUEUE"
      })
  void namesThatDoNot(String name) {
    assertThat(Secrets.isSecretName(name)).isFalse();
  }

  @Test
  void workloadsSeeNoneOfTheTemporalConnection() {
    assertThat(Secrets.isHiddenFromWorkloads("TEMPORAL_ADDRESS")).isTrue();
    assertThat(Secrets.isHiddenFromWorkloads("TEMPORAL_TLS_CLIENT_KEY_PATH")).isTrue();
    assertThat(Secrets.isHiddenFromWorkloads("PATH")).isFalse();
    assertThat(Secrets.isHiddenFromWorkloads("FERRY_TASK_QUEUE")).isFalse();
  }

  @Test
  void redactsEveryOccurrenceOfEverySecretValue() {
    Secrets secrets =
        Secrets.of(
            Map.of(
                "TEMPORAL_API_KEY", "key-0123456789",
                "GITHUB_TOKEN", "ghp_abcdefgh",
                "PATH", "/usr/bin:/bin-long-enough"));

    assertThat(secrets.redact("a key-0123456789 b ghp_abcdefgh c key-0123456789"))
        .isEqualTo("a [redacted] b [redacted] c [redacted]");
    assertThat(secrets.redact("PATH=/usr/bin:/bin-long-enough")).contains("/usr/bin");
    assertThat(secrets.redact(List.of("x=key-0123456789", "y")))
        .containsExactly("x=[redacted]", "y");
    assertThat(secrets.redact((String) null)).isNull();
  }

  @Test
  void aSecretContainingAnotherIsRedactedWhole() {
    Secrets secrets = Secrets.of(Map.of("A_TOKEN", "abcdefgh", "B_TOKEN", "abcdefgh-and-more"));

    assertThat(secrets.redact("abcdefgh-and-more")).isEqualTo("[redacted]");
  }

  @Test
  void shortValuesAreNotRedacted() {
    Secrets secrets = Secrets.of(Map.of("FLAG_TOKEN", "true", "EMPTY_SECRET", ""));

    assertThat(secrets.isEmpty()).isTrue();
    assertThat(secrets.redact("true")).isEqualTo("true");
  }

  @Test
  void aMultiLineKeyIsRedactedWholeAndLineByLine() {
    String pem =
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
    Secrets secrets = Secrets.of(Map.of("TEMPORAL_TLS_CLIENT_KEY_DATA", pem));

    assertThat(secrets.redact("key: " + pem.strip())).isEqualTo("key: [redacted]");
    assertThat(secrets.redact("line MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"))
        .isEqualTo("line [redacted]");
  }

  @Test
  void twoSetsTogetherRedactBothLongestFirst() {
    Secrets both =
        Secrets.of(Map.of("TEMPORAL_API_KEY", "key-0123456789"))
            .and(Secrets.of(Map.of("X_API_KEY", "key-0123456789-longer")));

    assertThat(both.redact("a key-0123456789 b key-0123456789-longer"))
        .isEqualTo("a [redacted] b [redacted]");
  }

  @Test
  void redactsStringsAndFieldNamesInJson() throws Exception {
    Secrets secrets = Secrets.of(Map.of("TEMPORAL_API_KEY", "key-0123456789"));
    JsonNode node =
        new ObjectMapper()
            .readTree(
                "{\"tail\":[\"KEY=key-0123456789\",\"ok\"],\"n\":3,"
                    + "\"key-0123456789\":{\"m\":\"key-0123456789\"}}");

    JsonNode redacted = secrets.redact(node);

    assertThat(redacted.toString())
        .doesNotContain("key-0123456789")
        .isEqualTo(
            "{\"tail\":[\"KEY=[redacted]\",\"ok\"],\"n\":3,\"[redacted]\":{\"m\":\"[redacted]\"}}");
    assertThat(node.toString()).as("the input is left as it was").contains("key-0123456789");
  }
}
