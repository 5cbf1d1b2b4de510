package dev.ferry.external;

import dev.ferry.api.Secrets;
import dev.ferry.api.TemporalConnection;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.PrintStream;
import java.util.Map;

/** Entry point of the external worker process: runs one workload task, then exits. */
public final class ExternalWorkerMain {

  private ExternalWorkerMain() {}

  public static void main(String[] args) {
    System.exit(run(System.getenv(), System.err));
  }

  /**
   * Runs the worker the environment describes.
   *
   * @return the process exit code
   */
  static int run(Map<String, String> env, PrintStream err) {
    // Before anything runs the workload's code, which must not read the credentials back.
    NonDumpable.apply();
    ExternalWorkerConfig config;
    WorkflowClient client;
    try {
      config = ExternalWorkerConfig.fromEnvironment(env);
      WorkflowServiceStubs stubs =
          WorkflowServiceStubs.newServiceStubs(TemporalConnection.stubsOptions(config.temporal()));
      client = WorkflowClient.newInstance(stubs, config.temporal().toWorkflowClientOptions());
    } catch (RuntimeException e) {
      err.println("external-worker: " + e.getMessage());
      return ExitCode.BAD_CONFIG.code();
    }
    ExternalWorker worker =
        new ExternalWorker(
            client, config, new WorkloadActivityImpl(WorkloadRegistry.builtIns(), Secrets.of(env)));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // Teardown often sends SIGTERM while a worker whose task is done and reported
                  // is still stopping; that worker did its job, and its exit code should say so.
                  if (worker.terminate() == ExitCode.TASK_DONE) {
                    Runtime.getRuntime().halt(ExitCode.TASK_DONE.code());
                  }
                },
                "ferry-sigterm"));
    try {
      return worker.run().code();
    } catch (StatusRuntimeException e) {
      err.println("external-worker: Temporal refused the connection: " + e.getStatus());
      return ExitCode.BAD_CONFIG.code();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCode.TERMINATED.code();
    }
  }
}
