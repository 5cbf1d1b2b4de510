package dev.ferry.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.Progress;
import dev.ferry.api.Secrets;
import dev.ferry.api.WorkloadActivity;
import dev.ferry.api.WorkloadHeartbeat;
import dev.ferry.api.WorkloadResult;
import dev.ferry.api.WorkloadTask;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Whatever a workload reports with a credential of the worker in it leaves redacted. */
class WorkloadRedactionTest {

  private static final String KEY = "key-0123456789abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestActivityEnvironment env = TestActivityEnvironment.newInstance();
  private final List<WorkloadHeartbeat> heartbeats = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    env.close();
  }

  @Test
  void heartbeatsAndTheResultAreRedacted() {
    WorkloadResult result = activity().run(task("report"));

    assertThat(heartbeats).isNotEmpty();
    assertThat(heartbeats.getLast().progress().message()).isEqualTo("saw " + Secrets.REDACTED);
    assertThat(heartbeats.getLast().checkpoint().toString()).doesNotContain(KEY);
    assertThat(result.output().toString())
        .doesNotContain(KEY)
        .contains("\"tail\":[\"TEMPORAL_API_KEY=" + Secrets.REDACTED + "\"]");
  }

  @Test
  void aFailuresMessageAndDetailsAreRedacted() {
    assertThatThrownBy(() -> activity().run(task("fail")))
        .isInstanceOf(ActivityFailure.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure -> {
              assertThat(failure.getOriginalMessage()).isEqualTo("failed with " + Secrets.REDACTED);
              assertThat(failure.isNonRetryable()).isTrue();
              assertThat(failure.getDetails().get(JsonNode.class).toString())
                  .doesNotContain(KEY)
                  .contains(Secrets.REDACTED);
            });
  }

  @Test
  void anUnexpectedExceptionLeavesWithoutItsCauseAndRedacted() {
    assertThatThrownBy(() -> activity().run(task("break")))
        .isInstanceOf(ActivityFailure.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure -> {
              assertThat(failure.getOriginalMessage()).isEqualTo("broke on " + Secrets.REDACTED);
              assertThat(failure.getType()).isEqualTo(IllegalStateException.class.getName());
              assertThat(failure.getCause()).isNull();
            });
  }

  private WorkloadActivity activity() {
    env.setActivityHeartbeatListener(WorkloadHeartbeat.class, heartbeats::add);
    env.registerActivitiesImplementations(
        new WorkloadActivityImpl(
            WorkloadRegistry.builtIns().with(new Leaky()),
            Secrets.of(Map.of("TEMPORAL_API_KEY", KEY))));
    return env.newActivityStub(
        WorkloadActivity.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(1))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  private static WorkloadTask task(String how) {
    return new WorkloadTask("leaky", JSON.createObjectNode().put("how", how), null, 1);
  }

  /** Puts the key in everything it reports. */
  private static final class Leaky implements WorkloadRunner<String> {

    @Override
    public String id() {
      return "leaky";
    }

    @Override
    public String parseInput(JsonNode input) {
      return input.path("how").asText();
    }

    @Override
    public JsonNode run(String how, JsonNode checkpoint, HeartbeatReporter heartbeat)
        throws WorkloadFailedException {
      heartbeat.report(new Progress(1, 2, "saw " + KEY), JSON.createObjectNode().put("k", KEY));
      JsonNode tail =
          JSON.createObjectNode()
              .set("tail", JSON.createArrayNode().add("TEMPORAL_API_KEY=" + KEY));
      return switch (how) {
        case "fail" -> throw new WorkloadFailedException("failed with " + KEY, tail);
        case "break" -> throw new IllegalStateException("broke on " + KEY);
        default -> tail;
      };
    }
  }
}
