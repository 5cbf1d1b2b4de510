package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.ConcurrencyLimitWorkflow;
import dev.ferry.api.LimitState;
import dev.ferry.api.RunPhase;
import dev.ferry.api.RunRequest;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunStatus;
import dev.ferry.api.RunWorkflow;
import dev.ferry.api.TaskQueues;
import dev.ferry.providers.FaultReport;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The concurrency limit as users meet it: 50 {@code primes} runs at once on the {@code local}
 * provider through a real orchestrator process with {@code FERRY_MAX_CONCURRENT_LOCAL=5}, against a
 * port-bound Temporal test server, the workers as child processes.
 */
@Tag("fault")
class ConcurrencyLimitIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RUNS = 50;
  private static final int LIMIT = 5;
  private static final int EARLY = 20;
  private static final Pattern HTTP_PORT = Pattern.compile("HTTP API on http://[^:]+:(\\d+)");

  @TempDir Path dir;

  @Test
  void fiftyRunsWithALimitOfFiveAllFinishWithNeverMoreThanFiveLiveResources() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      Process orchestrator =
          ferry.startOrchestrator(Map.of("FERRY_MAX_CONCURRENT_LOCAL", String.valueOf(LIMIT)));
      int httpPort = httpPort(ferry, orchestrator);
      Sampler sampler = new Sampler(ferry);
      sampler.start();
      long started = System.nanoTime();

      WorkflowClient client = ferry.client();
      List<WorkflowStub> runs = new ArrayList<>();
      for (int i = 0; i < EARLY; i++) {
        runs.add(startPrimes(client, "limit-" + i));
      }
      awaitTrue(
          "the first " + EARLY + " runs reached the queue",
          Duration.ofMinutes(3),
          () -> runs.stream().allMatch(r -> arrived(client, r.getExecution().getWorkflowId())));
      // One through the CLI, following its progress as a user would; it waits a little while.
      ExecutorService cliThread = Executors.newSingleThreadExecutor();
      CompletableFuture<FerryProcesses.Finished> viaCli =
          CompletableFuture.supplyAsync(
              () ->
                  ferry.cli(
                      "run",
                      "primes",
                      "--input",
                      "{\"below\": 100000}",
                      "--wait",
                      "--json",
                      "--id",
                      "limit-cli"),
              cliThread);
      awaitTrue(
          "limit-cli reached the queue", Duration.ofMinutes(3), () -> arrived(client, "limit-cli"));
      for (int i = EARLY; i < RUNS - 1; i++) {
        runs.add(startPrimes(client, "limit-" + i));
      }

      // The last run started waits long enough to be looked at while queued.
      String lastId = "limit-" + (RUNS - 2);
      RunWorkflow lastRun = client.newWorkflowStub(RunWorkflow.class, lastId);
      awaitTrue(
          lastId + " waits in the queue at place 10 or later",
          Duration.ofMinutes(3),
          new Check() {
            RunStatus status;

            @Override
            public boolean holds() {
              status = lastRun.status();
              return status.phase() == RunPhase.QUEUED
                  && status.queue().place() != null
                  && status.queue().place() >= 10;
            }

            @Override
            public Object seen() {
              return status + "; queue " + queueStatus(client);
            }
          });
      FerryProcesses.Finished status = ferry.cli("status", lastId);
      JsonNode overHttp = JSON.readTree(get(httpPort, "/runs/" + lastId));

      FerryProcesses.Finished cli = viaCli.get(6, TimeUnit.MINUTES);
      cliThread.shutdown();
      int completed = 0;
      for (WorkflowStub run : runs) {
        RunResult result = run.getResult(10, TimeUnit.MINUTES, RunResult.class);
        completed += result.output().get("count").asLong() == 9_592 ? 1 : 0;
      }
      Duration elapsed = FerryProcesses.since(started);
      sampler.close();
      FaultReport.record(
          new FaultReport.Outcome(
              "over-the-limit",
              "local",
              RUNS
                  + " runs at once, FERRY_MAX_CONCURRENT_LOCAL="
                  + LIMIT
                  + " (most live at once: "
                  + sampler.maxRecords.get()
                  + ")",
              RUNS - LIMIT,
              runs.size(),
              completed,
              ferry.localResources().size(),
              null,
              elapsed));
      assertThat(completed).as("runs that counted 9592").isEqualTo(runs.size());
      System.out.printf(
          "%d runs, limit %d: %.1f s; most live at once: %d records, %d worker processes"
              + " (%d samples)%n",
          RUNS,
          LIMIT,
          elapsed.toMillis() / 1000.0,
          sampler.maxRecords.get(),
          sampler.maxProcesses.get(),
          sampler.samples.get());

      assertThat(cli.exitCode()).as(cli.stderr() + ferry.log("orchestrator.log")).isZero();
      assertThat(JSON.readTree(cli.stdout()).at("/output/count").asLong()).isEqualTo(9_592);
      assertThat(cli.stderr())
          .as("ferry run --wait shows the run queued, then running")
          .containsPattern("\\[QUEUED\\] · place \\d+ in the queue for local \\(limit 5 at once\\)")
          .contains("[SUCCEEDED]");
      assertThat(status.stdout())
          .as("ferry status of a queued run")
          .containsPattern(lastId + " \\[QUEUED\\] · place \\d+ in the queue for local");
      assertThat(overHttp.at("/status/phase").asText()).isEqualTo("QUEUED");
      assertThat(overHttp.at("/status/queue/provider").asText()).isEqualTo("local");
      assertThat(overHttp.at("/status/queue/place").asInt()).isGreaterThanOrEqualTo(1);

      assertThat(sampler.samples.get()).as("samples taken").isGreaterThan(100);
      assertThat(sampler.maxRecords.get())
          .as("most local-provider records at once")
          .isEqualTo(LIMIT);
      assertThat(sampler.maxProcesses.get())
          .as("most worker processes at once")
          .isBetween(1, LIMIT);
      assertThat(ferry.localResources()).as("records left").isEmpty();
      assertThat(ferry.processesInDirectory())
          .as("worker processes left")
          .noneMatch(p -> FerryProcesses.runs(p, FerryProcesses.WORKER_JAR));
      LimitState queue =
          client
              .newWorkflowStub(
                  ConcurrencyLimitWorkflow.class, ConcurrencyLimitWorkflow.workflowId("local"))
              .status();
      assertThat(queue.holders()).as("places still held").isEmpty();
      assertThat(queue.queue()).as("runs still waiting").isEmpty();
      assertThat(queue.limit()).isEqualTo(LIMIT);
    }
  }

  @Test
  void aBadLimitIsAStartUpErrorNamingTheVariable() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      Process orchestrator = ferry.startOrchestrator(Map.of("FERRY_MAX_CONCURRENT_LOCAL", "five"));

      assertThat(orchestrator.waitFor(1, TimeUnit.MINUTES)).as("orchestrator exits").isTrue();
      assertThat(orchestrator.exitValue()).isEqualTo(2);
      assertThat(ferry.log("orchestrator.log"))
          .contains("FERRY_MAX_CONCURRENT_LOCAL must be a positive whole number", "'five'")
          .doesNotContain("Exception");
    }
  }

  private static WorkflowStub startPrimes(WorkflowClient client, String id) {
    RunWorkflow run =
        client.newWorkflowStub(
            RunWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.ORCHESTRATOR)
                .build());
    WorkflowClient.start(
        run::run, RunRequest.of("primes", JSON.createObjectNode().put("below", 100_000)));
    return WorkflowStub.fromTyped(run);
  }

  /** Whether the run has its place in the queue, or is past it. */
  private static boolean arrived(WorkflowClient client, String id) {
    RunStatus status = client.newWorkflowStub(RunWorkflow.class, id).status();
    return status.attempt() > 0
        || status.phase() == RunPhase.QUEUED && status.queue().place() != null;
  }

  private static Object queueStatus(WorkflowClient client) {
    try {
      return client
          .newWorkflowStub(
              ConcurrencyLimitWorkflow.class, ConcurrencyLimitWorkflow.workflowId("local"))
          .status();
    } catch (RuntimeException e) {
      return e;
    }
  }

  private static int httpPort(FerryProcesses ferry, Process orchestrator)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (true) {
      Matcher port = HTTP_PORT.matcher(ferry.log("orchestrator.log"));
      if (port.find()) {
        return Integer.parseInt(port.group(1));
      }
      assertThat(orchestrator.isAlive()).as(ferry.log("orchestrator.log")).isTrue();
      assertThat(System.nanoTime()).as("HTTP API up within a minute").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static String get(int port, String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  private static void awaitTrue(String what, Duration timeout, Check condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Object seen = null;
    while (true) {
      try {
        if (condition.holds()) {
          return;
        }
        seen = condition.seen();
      } catch (RuntimeException notYet) {
        // not started, or its first workflow task has not run yet
        seen = notYet;
      }
      assertThat(System.nanoTime())
          .as("waiting until %s; last seen: %s", what, seen)
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** A condition that can say what it saw last. */
  private interface Check {
    boolean holds();

    default Object seen() {
      return null;
    }
  }

  /**
   * Counts, over and over on a thread of its own, the local provider's records and the worker
   * processes of this test's directory, keeping the most seen at once.
   */
  private static final class Sampler implements AutoCloseable {
    private final FerryProcesses ferry;
    final AtomicInteger maxRecords = new AtomicInteger();
    final AtomicInteger maxProcesses = new AtomicInteger();
    final AtomicInteger samples = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Thread thread;

    Sampler(FerryProcesses ferry) {
      this.ferry = ferry;
    }

    void start() {
      thread =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    while (running.get()) {
                      try {
                        maxRecords.accumulateAndGet(ferry.localResources().size(), Math::max);
                        long workers =
                            ferry.processesInDirectory().stream()
                                .filter(p -> FerryProcesses.runs(p, FerryProcesses.WORKER_JAR))
                                .count();
                        maxProcesses.accumulateAndGet((int) workers, Math::max);
                        samples.incrementAndGet();
                        Thread.sleep(20);
                      } catch (InterruptedException e) {
                        return;
                      } catch (RuntimeException fileGoneMidList) {
                        // a record removed while listed: the next sample counts again
                      }
                    }
                  });
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(10_000);
    }
  }
}
