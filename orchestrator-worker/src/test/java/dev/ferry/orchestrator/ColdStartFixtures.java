package dev.ferry.orchestrator;

import dev.ferry.api.WorkloadActivity;
import dev.ferry.api.WorkloadResult;
import dev.ferry.api.WorkloadTask;
import io.grpc.ForwardingServerCallListener;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.common.RetryOptions;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What {@link ColdStartBenchmark} runs against: a Temporal test server that notes when each queue
 * is first polled, the probe workflow that schedules the workload, and the worker under test,
 * started as a container or a child process and removed again.
 */
final class ColdStartFixtures {

  static final String IMAGE = "ferry-external-worker:local";
  static final Path WORKER_JAR = Path.of("external-worker/target/external-worker.jar");

  /** The benchmark JVM's own queue, where the probe workflow runs. */
  static final String PROBE_QUEUE = "cold-start-probe";

  /** Bounds one run: start, workload, result. */
  static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

  private ColdStartFixtures() {}

  /** The three ways the worker is started. */
  enum Variant {
    DOCKER_CDS("docker, CDS archive"),
    DOCKER_NO_CDS("docker, -Xshare:off"),
    LOCAL("local java -jar");

    final String label;

    Variant(String label) {
      this.label = label;
    }
  }

  /**
   * Starts the worker under test, as a container or as a child process of this JVM, and removes it
   * again. Every container carries the benchmark session's label, so that cleanup finds all of them
   * and touches no one else's.
   */
  static final class Workers {

    private static final String SESSION_LABEL = "dev.ferry.benchmark.session";
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(1);

    /** A started worker, to wait for and remove. */
    sealed interface Launched permits Container, LocalProcess {}

    /** A worker container; {@code dockerRun} is the {@code docker run -d} that creates it. */
    record Container(String name, Process dockerRun, Path dockerRunOutput) implements Launched {}

    /** A worker as a child process of this JVM, its output in {@code log}. */
    record LocalProcess(Process process, Path log) implements Launched {}

    /** What a finished command printed, stdout and stderr together. */
    record Finished(int exitCode, String out) {}

    private final String imageId;
    private final String sessionLabel;
    private final String temporalAddress;
    private final Path logDir;
    private final Set<Launched> live = ConcurrentHashMap.newKeySet();

    /**
     * @param imageId the image to run, by id: a rebuild of {@value #IMAGE} during the benchmark
     *     must not mix two images
     * @param session labels this benchmark's containers
     * @param logDir where the workers' output goes, one file per run, deleted with the run
     */
    Workers(String imageId, String session, int temporalPort, Path logDir) {
      this.imageId = imageId;
      this.sessionLabel = SESSION_LABEL + "=" + session;
      this.temporalAddress = "127.0.0.1:" + temporalPort;
      this.logDir = logDir;
    }

    String imageId() {
      return imageId;
    }

    /** Everything but the start itself, so that t0 can be taken right before the launch. */
    ProcessBuilder prepare(Variant variant, String queue) {
      List<String> command = new ArrayList<>();
      switch (variant) {
        case DOCKER_CDS -> command.addAll(dockerRun(queue, List.of(imageId)));
        case DOCKER_NO_CDS -> {
          command.addAll(dockerRun(queue, List.of("--entrypoint", "java", imageId)));
          command.addAll(List.of("@/opt/ferry/jvm.options", "-Xshare:off"));
          command.addAll(List.of("-jar", "/opt/ferry/external-worker.jar"));
        }
        case LOCAL -> {
          command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
          if (Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow");
            command.add("--enable-native-access=ALL-UNNAMED");
          }
          command.addAll(List.of("-jar", WORKER_JAR.toAbsolutePath().toString()));
        }
      }
      Path output = logDir.resolve(queue + ".log");
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
      if (variant == Variant.LOCAL) {
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("TEMPORAL_") || key.startsWith("FERRY_"));
        env.putAll(workerEnvironment(queue));
        builder.directory(logDir.toFile());
      }
      return builder;
    }

    /** Starts what {@link #prepare} made; nothing else happens between t0 and this start. */
    Launched start(Variant variant, String queue, ProcessBuilder prepared) throws IOException {
      Process process = prepared.start();
      Path output = prepared.redirectOutput().file().toPath();
      Launched launched =
          switch (variant) {
            case DOCKER_CDS, DOCKER_NO_CDS -> new Container(queue, process, output);
            case LOCAL -> new LocalProcess(process, output);
          };
      live.add(launched);
      return launched;
    }

    /** Waits until a container is created and started; a child process is once it exists. */
    void awaitLaunched(Launched worker) throws IOException, InterruptedException {
      switch (worker) {
        case Container c -> {
          if (!c.dockerRun().waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
              || c.dockerRun().exitValue() != 0) {
            throw new IllegalStateException(
                "docker run " + c.name() + " failed: " + Files.readString(c.dockerRunOutput()));
          }
        }
        case LocalProcess p -> {
          // ProcessBuilder.start() returned: the process exists.
        }
      }
    }

    /**
     * Waits for the worker to exit by itself, as it does once its one task is reported.
     *
     * @return its exit code; -1 if it did not exit in time
     */
    int awaitExit(Launched worker) throws InterruptedException {
      return switch (worker) {
        case Container c -> {
          Finished waited = exec("docker", "wait", c.name());
          yield waited.exitCode() == 0 ? Integer.parseInt(waited.out()) : -1;
        }
        case LocalProcess p ->
            p.process().waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                ? p.process().exitValue()
                : -1;
      };
    }

    /** What the worker printed, for failure messages. */
    String output(Launched worker) {
      try {
        return switch (worker) {
          case Container c -> exec("docker", "logs", c.name()).out();
          case LocalProcess p -> Files.readString(p.log());
        };
      } catch (IOException e) {
        return "(output unavailable: " + e + ")";
      }
    }

    /** Best effort: what cannot be removed here shows in {@link #containersLeft()}. */
    void remove(Launched worker) {
      switch (worker) {
        case Container c -> {
          c.dockerRun().destroyForcibly();
          exec("docker", "rm", "-f", c.name());
          deleteQuietly(c.dockerRunOutput());
        }
        case LocalProcess p -> {
          p.process().descendants().forEach(ProcessHandle::destroyForcibly);
          p.process().destroyForcibly();
          try {
            p.process().waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          deleteQuietly(p.log());
        }
      }
      live.remove(worker);
    }

    /** Removes every worker still running, then any container of this session that escaped. */
    void removeAll() {
      List.copyOf(live).forEach(this::remove);
      containersLeft().forEach(id -> exec("docker", "rm", "-f", id));
    }

    /** Ids of this session's containers, running or not. */
    List<String> containersLeft() {
      Finished ps = exec("docker", "ps", "-aq", "--filter", "label=" + sessionLabel);
      if (ps.exitCode() != 0) {
        throw new IllegalStateException("docker ps failed: " + ps.out());
      }
      return ps.out().lines().filter(line -> !line.isBlank()).toList();
    }

    /** {@code java -version} inside the image, on one line. */
    String imageJavaVersion() {
      List<String> command = new ArrayList<>(List.of("docker", "run", "--rm", "--network", "host"));
      command.addAll(List.of("--label", sessionLabel, "--entrypoint", "java", imageId, "-version"));
      return String.join(" | ", exec(command.toArray(String[]::new)).out().lines().toList());
    }

    private List<String> dockerRun(String queue, List<String> image) {
      List<String> command = new ArrayList<>(List.of("docker", "run", "-d", "--network", "host"));
      command.addAll(List.of("--name", queue, "--label", sessionLabel));
      workerEnvironment(queue)
          .forEach((key, value) -> command.addAll(List.of("-e", key + "=" + value)));
      command.addAll(image);
      return command;
    }

    private Map<String, String> workerEnvironment(String queue) {
      return Map.of(
          "FERRY_TASK_QUEUE", queue,
          "TEMPORAL_ADDRESS", temporalAddress,
          "FERRY_IDLE_TIMEOUT", IDLE_TIMEOUT.toString());
    }

    /** Runs a short command to its end; stdout and stderr together, stripped. */
    static Finished exec(String... command) {
      String line = String.join(" ", command);
      try {
        Path output = Files.createTempFile("ferry-cold-start-", ".out");
        try {
          Process process =
              new ProcessBuilder(command)
                  .redirectErrorStream(true)
                  .redirectOutput(output.toFile())
                  .start();
          if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Finished(-1, line + " took over " + COMMAND_TIMEOUT);
          }
          return new Finished(process.exitValue(), Files.readString(output).strip());
        } finally {
          deleteQuietly(output);
        }
      } catch (IOException e) {
        return new Finished(-1, line + ": " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Finished(-1, line + ": interrupted");
      }
    }

    static void deleteQuietly(Path file) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // A file left in the temp directory harms nothing; a directory left non-empty neither.
      }
    }
  }

  /**
   * Temporal's test server on a loopback port, put together as {@code
   * TestServer.createPortBoundServer(port, true)} does it, that also notes when each activity task
   * queue is first polled. The test server cannot be asked that: it answers DescribeTaskQueue with
   * UNIMPLEMENTED (temporal-test-server 1.38.0). The interceptor needs the test server's internal
   * (but public) classes; this is the only place that uses them.
   */
  static final class FirstPollServer implements AutoCloseable {

    private static final String POLL_ACTIVITY_TASK_QUEUE =
        WorkflowServiceGrpc.getPollActivityTaskQueueMethod().getFullMethodName();

    private final TestServicesStarter services;
    private final Server server;
    private final Map<String, Long> firstActivityPolls = new ConcurrentHashMap<>();
    private final int port;

    FirstPollServer(int port) {
      this.port = port;
      // Time skipping stays locked, as with createPortBoundServer(port, true): real time.
      this.services = new TestServicesStarter(true, 0);
      NettyServerBuilder builder =
          NettyServerBuilder.forAddress(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
              InsecureServerCredentials.create());
      GRPCServerHelper.registerServicesAndHealthChecks(
          services.getServices(), builder, List.of(new FirstPollRecorder()));
      try {
        this.server = builder.build().start();
      } catch (IOException e) {
        services.close();
        throw new UncheckedIOException("cannot start the Temporal test server on port " + port, e);
      }
    }

    String address() {
      return "127.0.0.1:" + port;
    }

    /**
     * When the first PollActivityTaskQueue request for {@code taskQueue} reached the server.
     *
     * @return a {@link System#nanoTime()} reading; empty if nothing has polled that queue
     */
    OptionalLong firstActivityPoll(String taskQueue) {
      Long nanos = firstActivityPolls.get(taskQueue);
      return nanos == null ? OptionalLong.empty() : OptionalLong.of(nanos);
    }

    @Override
    public void close() {
      server.shutdown();
      try {
        server.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server.shutdownNow();
      services.close();
    }

    private final class FirstPollRecorder implements ServerInterceptor {

      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> listener = next.startCall(call, headers);
        if (!call.getMethodDescriptor().getFullMethodName().equals(POLL_ACTIVITY_TASK_QUEUE)) {
          return listener;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
          @Override
          public void onMessage(Q message) {
            long arrived = System.nanoTime();
            if (message instanceof PollActivityTaskQueueRequest poll) {
              firstActivityPolls.putIfAbsent(poll.getTaskQueue().getName(), arrived);
            }
            super.onMessage(message);
          }
        };
      }
    }
  }

  /**
   * Input of the probe workflow.
   *
   * @param taskQueue the run's own queue, which only the worker under test polls
   * @param task the workload task to schedule there
   */
  public record ProbeRequest(String taskQueue, WorkloadTask task) {

    public ProbeRequest {
      if (taskQueue == null || taskQueue.isBlank() || task == null) {
        throw new IllegalArgumentException("a probe needs a task queue and a task");
      }
    }
  }

  /** Schedules one workload task on a run's queue and returns its result. */
  @WorkflowInterface
  public interface ProbeWorkflow {

    @WorkflowMethod
    WorkloadResult run(ProbeRequest request);
  }

  /** The probe, registered on the benchmark JVM's own worker. */
  public static final class ProbeWorkflowImpl implements ProbeWorkflow {

    @Override
    public WorkloadResult run(ProbeRequest request) {
      WorkloadActivity workload =
          Workflow.newActivityStub(
              WorkloadActivity.class,
              ActivityOptions.newBuilder()
                  .setTaskQueue(request.taskQueue())
                  .setScheduleToCloseTimeout(RUN_TIMEOUT)
                  // A failed start is a failed run: timing a retry would be timing something else.
                  .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                  .build());
      return workload.run(request.task());
    }
  }
}
