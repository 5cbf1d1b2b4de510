package dev.ferry.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.FailureTypes;
import dev.ferry.api.PrimesCheckpoint;
import dev.ferry.api.PrimesInput;
import dev.ferry.api.PrimesOutput;
import dev.ferry.api.Progress;
import dev.ferry.api.ShellInput;
import dev.ferry.api.ShellOutput;
import dev.ferry.api.WorkloadActivity;
import dev.ferry.api.WorkloadHeartbeat;
import dev.ferry.api.WorkloadResult;
import dev.ferry.api.WorkloadTask;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadActivityImplTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TestActivityEnvironment env;
  private WorkloadActivity activity;

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new WorkloadActivityImpl(WorkloadRegistry.builtIns()));
    activity =
        env.newActivityStub(
            WorkloadActivity.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(1))
                .setHeartbeatTimeout(Duration.ofSeconds(2))
                .build());
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void runsTheNamedWorkloadAndEchoesTheCheckpointItResumedFrom() throws Exception {
    JsonNode checkpoint = JSON.valueToTree(new PrimesCheckpoint(10, 4));

    WorkloadResult result = activity.run(task("primes", new PrimesInput(100), checkpoint));

    assertThat(JSON.treeToValue(result.output(), PrimesOutput.class))
        .isEqualTo(new PrimesOutput(100, 25));
    // Compared as records: Jackson reads small numbers back as ints, so the trees differ in type.
    assertThat(JSON.treeToValue(result.resumedFrom(), PrimesCheckpoint.class))
        .isEqualTo(new PrimesCheckpoint(10, 4));
  }

  @Test
  void heartbeatsCarryProgressAndCheckpoint() throws Exception {
    List<WorkloadHeartbeat> heartbeats = new CopyOnWriteArrayList<>();
    env.setActivityHeartbeatListener(WorkloadHeartbeat.class, heartbeats::add);

    activity.run(task("primes", new PrimesInput(10_000_000), null));

    // The SDK throttles heartbeats but always sends the first at once.
    WorkloadHeartbeat first = heartbeats.getFirst();
    assertThat(first.progress())
        .isEqualTo(new Progress(1_048_576, 10_000_000, "82025 primes below 1048576"));
    assertThat(JSON.treeToValue(first.checkpoint(), PrimesCheckpoint.class))
        .isEqualTo(new PrimesCheckpoint(1_048_576, 82_025));
  }

  @Test
  void failsWithoutRetryOnAnUnknownWorkload() {
    assertWorkloadFailedForGood(
        () -> activity.run(task("nope", JSON.createObjectNode(), null)),
        failure -> {
          assertThat(failure.getOriginalMessage())
              .isEqualTo("unknown workload 'nope'; known workloads: primes, shell, pr-check");
        });
  }

  @Test
  void failsWithoutRetryOnInvalidInput() {
    JsonNode tooSmall = JSON.createObjectNode().put("below", 1);

    assertWorkloadFailedForGood(
        () -> activity.run(new WorkloadTask("primes", tooSmall, null, 1)),
        failure -> {
          assertThat(failure.getOriginalMessage())
              .startsWith("invalid input for workload 'primes'")
              .contains("below must be between 2");
        });
  }

  @Test
  void failsWithoutRetryWithTheExitCodeAndTailOfAFailingCommand() {
    assertWorkloadFailedForGood(
        () -> activity.run(task("shell", new ShellInput("echo no; exit 3"), null)),
        failure -> {
          assertThat(failure.getOriginalMessage()).isEqualTo("command exited with code 3: no");
          assertThat(failure.getDetails().get(ShellOutput.class))
              .isEqualTo(new ShellOutput(3, List.of("no")));
        });
  }

  @Test
  void cancellationStopsTheCommandAndItsChildren(@TempDir Path dir) throws Exception {
    Path pids = dir.resolve("pids");
    CompletableFuture<WorkloadResult> running =
        CompletableFuture.supplyAsync(
            () ->
                activity.run(
                    task(
                        "shell",
                        new ShellInput(
                            "sleep 60 & echo $$ $! > "
                                + pids
                                + ".tmp && mv "
                                + pids
                                + ".tmp "
                                + pids
                                + "; wait"),
                        null)));
    // Written whole, then renamed: once it exists, both pids are in it.
    waitForFile(pids);

    env.requestCancelActivity();

    assertThat(running)
        .failsWithin(20, TimeUnit.SECONDS)
        .withThrowableThat()
        .havingRootCause()
        .isInstanceOf(CanceledFailure.class);
    for (String pid : Files.readString(pids).trim().split(" ")) {
      assertThat(ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive))
          .as("process %s", pid)
          .isEmpty();
    }
  }

  private static WorkloadTask task(String workload, Object input, JsonNode checkpoint) {
    return new WorkloadTask(workload, JSON.valueToTree(input), checkpoint, 1);
  }

  private static void waitForFile(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(file) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(file).exists();
  }

  /** The activity fails with a non-retryable WorkloadFailed; {@code more} checks the rest. */
  private static void assertWorkloadFailedForGood(
      ThrowingCallable call, Consumer<ApplicationFailure> more) {
    assertThatThrownBy(call)
        .isInstanceOf(ActivityFailure.class)
        .cause()
        .asInstanceOf(type(ApplicationFailure.class))
        .satisfies(
            failure -> {
              assertThat(failure.getType()).isEqualTo(FailureTypes.WORKLOAD_FAILED);
              assertThat(failure.isNonRetryable()).isTrue();
              more.accept(failure);
            });
  }
}
