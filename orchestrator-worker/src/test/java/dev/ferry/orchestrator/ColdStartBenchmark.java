package dev.ferry.orchestrator;

import static dev.ferry.orchestrator.ColdStartFixtures.IMAGE;
import static dev.ferry.orchestrator.ColdStartFixtures.PROBE_QUEUE;
import static dev.ferry.orchestrator.ColdStartFixtures.RUN_TIMEOUT;
import static dev.ferry.orchestrator.ColdStartFixtures.WORKER_JAR;
import static dev.ferry.orchestrator.ColdStartFixtures.Workers.exec;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.WorkloadResult;
import dev.ferry.api.WorkloadTask;
import dev.ferry.orchestrator.ColdStartFixtures.FirstPollServer;
import dev.ferry.orchestrator.ColdStartFixtures.ProbeRequest;
import dev.ferry.orchestrator.ColdStartFixtures.ProbeWorkflow;
import dev.ferry.orchestrator.ColdStartFixtures.ProbeWorkflowImpl;
import dev.ferry.orchestrator.ColdStartFixtures.Variant;
import dev.ferry.orchestrator.ColdStartFixtures.Workers;
import dev.ferry.orchestrator.ColdStartFixtures.Workers.Finished;
import dev.ferry.orchestrator.ColdStartFixtures.Workers.Launched;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * How long Ferry's external worker takes from launch to work, three ways: its Docker image with the
 * class-data-sharing (CDS) archive built into it, the same image with {@code -Xshare:off}, and
 * {@code java -jar} as a local child process on this benchmark's own JVM. It is a {@code main}, not
 * a JUnit test: it prints figures and asserts nothing about them.
 *
 * <p>Every run gets a fresh task queue. t0 is taken just before {@code docker run -d} (so the
 * docker CLI, container create and start count) or {@code ProcessBuilder.start()}; at t0 a probe
 * workflow in this JVM is started, from another thread, that schedules the "Workload" activity
 * (primes below 1000) on that queue. Two figures per run, both from t0: <b>first poll</b>, when the
 * worker's first PollActivityTaskQueue reached the in-process Temporal test server (noted on
 * arrival by an interceptor, since the test server does not implement DescribeTaskQueue); and
 * <b>workload started</b>, the event time of the run's ActivityTaskStarted event (same process,
 * same clock, millisecond resolution). Each variant has one warm-up run; then the runs go in
 * rounds, one run of each variant per round in rotating order, so that load from elsewhere on the
 * machine falls on all three alike.
 *
 * <p>From the repository root, with the external worker jar and its image built (see
 * docs/benchmarks.md); the status listener only quiets logback, which finds two logback-test.xml on
 * the test classpath:
 *
 * <pre>{@code
 * ./mvnw -B -q -o -pl orchestrator-worker test-compile
 * ./mvnw -B -q -o -pl orchestrator-worker dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/ferry-cold-start-cp.txt -Dmdep.includeScope=test
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java \
 *     -Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener \
 *     -cp orchestrator-worker/target/test-classes:orchestrator-worker/target/classes:$(cat /tmp/ferry-cold-start-cp.txt) \
 *     dev.ferry.orchestrator.ColdStartBenchmark 10
 * }</pre>
 *
 * <p>Every container it starts carries a label with this benchmark's session id and is removed with
 * {@code docker rm -f} after its run, also when the run fails, and by a shutdown hook on Ctrl-C;
 * the benchmark ends by checking that none is left.
 */
public final class ColdStartBenchmark {

  private static final long PRIMES_BELOW_1000 = 168;
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One run's figures, each counted from t0.
   *
   * @param queued when the probe had scheduled the activity (ActivityTaskScheduled event time)
   * @param firstPoll when the worker's first activity poll reached the server
   * @param workloadStarted when the activity started (ActivityTaskStarted event time)
   */
  record Sample(Duration queued, Duration firstPoll, Duration workloadStarted) {}

  /** Median, min and max of one figure over a variant's runs, in milliseconds. */
  record Stats(double median, double min, double max) {

    static Stats of(List<Sample> samples, Function<Sample, Duration> figure) {
      double[] ms =
          samples.stream().map(figure).mapToDouble(ColdStartBenchmark::millis).sorted().toArray();
      int mid = ms.length / 2;
      double median = ms.length % 2 == 1 ? ms[mid] : (ms[mid - 1] + ms[mid]) / 2;
      return new Stats(median, ms[0], ms[ms.length - 1]);
    }

    String row() {
      return String.format(Locale.ROOT, "%8.1f %8.1f %8.1f", median, min, max);
    }
  }

  private final int runs;
  private final FirstPollServer temporal;
  private final WorkflowClient client;
  private final Workers workers;
  private final ExecutorService starter = Executors.newSingleThreadExecutor();

  private ColdStartBenchmark(
      int runs, FirstPollServer temporal, WorkflowClient client, Workers workers) {
    this.runs = runs;
    this.temporal = temporal;
    this.client = client;
    this.workers = workers;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the benchmark; the working directory must be the repository root.
   *
   * @return 0 when every run finished and no container is left; 1 when not, or when the jar or the
   *     image is missing; 2 for a usage error
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    int runs;
    try {
      runs = args.length == 0 ? 10 : Integer.parseInt(args[0]);
    } catch (NumberFormatException e) {
      runs = 0;
    }
    if (runs < 1 || args.length > 1) {
      err.println("usage: ColdStartBenchmark [runs per variant, default 10]");
      return 2;
    }
    if (!Files.isRegularFile(WORKER_JAR)) {
      err.println(WORKER_JAR.toAbsolutePath() + " is missing: run from the repository root");
      return 1;
    }
    Finished image = exec("docker", "image", "inspect", "--format", "{{.Id}}", IMAGE);
    if (image.exitCode() != 0) {
      err.println(IMAGE + " is missing; docs/benchmarks.md says how to build it: " + image.out());
      return 1;
    }
    int port = FerryProcesses.freePort();
    String session = UUID.randomUUID().toString().substring(0, 8);
    Path logDir = null;
    try (FirstPollServer temporal = new FirstPollServer(port)) {
      logDir = Files.createTempDirectory("ferry-cold-start-");
      Workers workers = new Workers(image.out(), session, port, logDir);
      return measureAll(runs, temporal, workers, out);
    } catch (Exception e) {
      err.println("cold-start benchmark failed: " + e);
      e.printStackTrace(err);
      return 1;
    } finally {
      if (logDir != null) {
        Workers.deleteQuietly(logDir);
      }
    }
  }

  private static int measureAll(
      int runs, FirstPollServer temporal, Workers workers, PrintStream out) throws Exception {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address()).build());
    WorkflowClient client = WorkflowClient.newInstance(stubs);
    WorkerFactory factory = WorkerFactory.newInstance(client);
    factory.newWorker(PROBE_QUEUE).registerWorkflowImplementationTypes(ProbeWorkflowImpl.class);
    factory.start();
    ColdStartBenchmark benchmark = new ColdStartBenchmark(runs, temporal, client, workers);
    Thread cleanup = new Thread(workers::removeAll, "cold-start-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      benchmark.printFacts(out);
      printSummary(benchmark.measureRounds(out), out);
      out.println("load average (1, 5, 15 min) at the end: " + loadAverage());
    } finally {
      benchmark.starter.shutdownNow();
      factory.shutdownNow();
      stubs.shutdownNow();
      workers.removeAll();
      Runtime.getRuntime().removeShutdownHook(cleanup);
    }
    List<String> left = workers.containersLeft();
    out.println("containers of this benchmark left behind: " + left.size());
    return left.isEmpty() ? 0 : 1;
  }

  private Map<Variant, List<Sample>> measureRounds(PrintStream out) throws Exception {
    Variant[] variants = Variant.values();
    for (Variant variant : variants) {
      print(out, "warm-up", variant, measure(variant));
    }
    Map<Variant, List<Sample>> samples = new EnumMap<>(Variant.class);
    for (int round = 0; round < runs; round++) {
      for (int i = 0; i < variants.length; i++) {
        Variant variant = variants[(round + i) % variants.length];
        Sample sample = measure(variant);
        samples.computeIfAbsent(variant, v -> new ArrayList<>()).add(sample);
        print(out, "run " + (round + 1) + "/" + runs, variant, sample);
      }
    }
    return samples;
  }

  private Sample measure(Variant variant) throws Exception {
    String queue =
        "cold-start-"
            + variant.name().toLowerCase(Locale.ROOT).replace('_', '-')
            + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    ProbeWorkflow probe =
        client.newWorkflowStub(
            ProbeWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(PROBE_QUEUE)
                .setWorkflowId(queue)
                .setWorkflowExecutionTimeout(RUN_TIMEOUT)
                .build());
    WorkloadTask task =
        new WorkloadTask("primes", JSON.createObjectNode().put("below", 1000), null, 1);
    ProbeRequest request = new ProbeRequest(queue, task);
    ProcessBuilder prepared = workers.prepare(variant, queue);

    long t0Nanos = System.nanoTime();
    Instant t0 = Instant.now();
    CompletableFuture<?> started =
        CompletableFuture.supplyAsync(() -> WorkflowClient.start(probe::run, request), starter);
    Launched worker = workers.start(variant, queue, prepared);
    try {
      workers.awaitLaunched(worker);
      started.get(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      WorkloadResult result;
      try {
        result =
            WorkflowStub.fromTyped(probe)
                .getResult(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS, WorkloadResult.class);
      } catch (RuntimeException | TimeoutException e) {
        throw new IllegalStateException(
            variant.label + " on " + queue + " failed; its output:\n" + workers.output(worker), e);
      }
      if (result.output().path("count").asLong() != PRIMES_BELOW_1000) {
        throw new IllegalStateException(variant.label + " counted wrong: " + result.output());
      }
      int exitCode = workers.awaitExit(worker);
      if (exitCode != 0) {
        throw new IllegalStateException(
            variant.label + " exited " + exitCode + "; its output:\n" + workers.output(worker));
      }
      long firstPoll =
          temporal
              .firstActivityPoll(queue)
              .orElseThrow(() -> new IllegalStateException("no poll was seen on " + queue));
      List<HistoryEvent> events = client.fetchHistory(queue).getEvents();
      return new Sample(
          Duration.between(t0, eventTime(events, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)),
          Duration.ofNanos(firstPoll - t0Nanos),
          Duration.between(t0, eventTime(events, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)));
    } finally {
      workers.remove(worker);
    }
  }

  private static Instant eventTime(List<HistoryEvent> events, EventType type) {
    HistoryEvent event =
        events.stream()
            .filter(e -> e.getEventType() == type)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no " + type + " in the history"));
    return Instant.ofEpochSecond(
        event.getEventTime().getSeconds(), event.getEventTime().getNanos());
  }

  private void printFacts(PrintStream out) throws IOException {
    long memoryKb = Long.parseLong(procField("/proc/meminfo", "MemTotal").replaceAll("\\D", ""));
    out.printf(
        Locale.ROOT,
        "machine: %d processors (nproc), %s, %.1f GiB memory, %s %s%n",
        Runtime.getRuntime().availableProcessors(),
        procField("/proc/cpuinfo", "model name"),
        memoryKb / 1024.0 / 1024.0,
        System.getProperty("os.name"),
        System.getProperty("os.version"));
    out.println("load average (1, 5, 15 min) at the start: " + loadAverage());
    out.printf(
        "benchmark JVM, also the local variant's: %s %s at %s%n",
        System.getProperty("java.vm.vendor"), Runtime.version(), System.getProperty("java.home"));
    out.println("image JDK: " + workers.imageJavaVersion());
    String docker = "client {{.Client.Version}}, server {{.Server.Version}}";
    out.println("docker: " + exec("docker", "version", "--format", docker).out());
    String created = "{{.Created}}";
    out.printf(
        "image: %s = %s, created %s%n",
        IMAGE,
        workers.imageId(),
        exec("docker", "image", "inspect", "--format", created, workers.imageId()).out());
    out.printf(
        "worker jar: %s, %d bytes, modified %s%n",
        WORKER_JAR, Files.size(WORKER_JAR), Files.getLastModifiedTime(WORKER_JAR));
    out.printf(
        "Temporal test server on %s; %d runs per variant after one warm-up run each%n%n",
        temporal.address(), runs);
  }

  private static void printSummary(Map<Variant, List<Sample>> samples, PrintStream out) {
    out.println();
    out.printf(
        "%-24s | %-26s | %-26s%n", "", "t0 -> first poll (ms)", "t0 -> workload started (ms)");
    out.printf(
        "%-24s | %8s %8s %8s | %8s %8s %8s%n",
        "variant (runs)", "median", "min", "max", "median", "min", "max");
    samples.forEach(
        (variant, runs) ->
            out.printf(
                "%-24s | %s | %s%n",
                variant.label + " (" + runs.size() + ")",
                Stats.of(runs, Sample::firstPoll).row(),
                Stats.of(runs, Sample::workloadStarted).row()));
    out.printf(
        Locale.ROOT,
        "median ratio, docker with CDS / without: first poll %.2f, workload started %.2f%n",
        cdsRatio(samples, Sample::firstPoll),
        cdsRatio(samples, Sample::workloadStarted));
  }

  private static double cdsRatio(
      Map<Variant, List<Sample>> samples, Function<Sample, Duration> figure) {
    return Stats.of(samples.get(Variant.DOCKER_CDS), figure).median()
        / Stats.of(samples.get(Variant.DOCKER_NO_CDS), figure).median();
  }

  private static void print(PrintStream out, String what, Variant variant, Sample sample) {
    out.printf(
        Locale.ROOT,
        "%-10s %-20s  queued %+6.1f ms  first poll %+8.1f ms  workload started %+8.1f ms%s%n",
        what,
        variant.label,
        millis(sample.queued()),
        millis(sample.firstPoll()),
        millis(sample.workloadStarted()),
        // Then "workload started" timed the probe, not the worker.
        sample.queued().compareTo(sample.firstPoll()) > 0 ? "  (queued after the first poll)" : "");
  }

  private static String procField(String file, String key) throws IOException {
    return Files.readAllLines(Path.of(file)).stream()
        .filter(line -> line.startsWith(key))
        .map(line -> line.substring(line.indexOf(':') + 1).strip())
        .findFirst()
        .orElse("unknown");
  }

  private static String loadAverage() throws IOException {
    String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return String.join(" ", fields[0], fields[1], fields[2]);
  }

  private static double millis(Duration duration) {
    return duration.toNanos() / 1e6;
  }
}
