package dev.ferry.orchestrator;

import dev.ferry.api.ReaperState;
import dev.ferry.api.ReaperWorkflow;
import dev.ferry.api.TaskQueues;
import dev.ferry.api.TemporalConnection;
import dev.ferry.providers.ProviderException;
import dev.ferry.providers.ProviderRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.DataConverterException;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkflowImplementationOptions;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The orchestrator's object graph: Temporal connection, providers, and the polling worker. */
public final class Orchestrator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Orchestrator.class);

  private final EmbeddedTemporal embedded;
  private final WorkflowServiceStubs stubs;
  private final WorkflowClient client;
  private final WorkerFactory factory;
  private final CallbackTokens callbacks;
  private final ComputeDefaults defaults;

  private Orchestrator(
      EmbeddedTemporal embedded,
      WorkflowServiceStubs stubs,
      WorkflowClient client,
      WorkerFactory factory,
      CallbackTokens callbacks,
      ComputeDefaults defaults) {
    this.callbacks = callbacks;
    this.defaults = defaults;
    this.embedded = embedded;
    this.stubs = stubs;
    this.client = client;
    this.factory = factory;
  }

  /**
   * Connects (starting the embedded server if configured so), checks the default provider's
   * configuration, and starts polling.
   *
   * @throws IllegalArgumentException when the configuration is wrong, naming the variable
   * @throws IllegalStateException when the embedded server cannot start
   */
  public static Orchestrator start(OrchestratorConfig config) {
    ProviderRegistry providers = ProviderRegistry.load(config.env());
    ReaperSettings reaper = ReaperSettings.fromEnvironment(config.env());
    try {
      providers.get(config.defaults().provider());
    } catch (ProviderException.InvalidSpec e) {
      throw new IllegalArgumentException("FERRY_PROVIDER: " + e.getMessage(), e);
    } catch (ProviderException e) {
      // Retried when a run needs it; at start-up, a provider nobody can reach is worth a stop.
      throw new IllegalArgumentException(
          "FERRY_PROVIDER: provider '"
              + config.defaults().provider()
              + "' cannot be reached: "
              + e.getMessage(),
          e);
    }
    ConcurrencyLimits limits = ConcurrencyLimits.fromEnvironment(config.env(), providers.ids());
    EmbeddedTemporal embedded =
        config.embedded() ? EmbeddedTemporal.start(config.embeddedPort()) : null;
    try {
      ClientConfigProfile profile = TemporalConnection.profile(config.env());
      WorkflowServiceStubs stubs =
          WorkflowServiceStubs.newServiceStubs(TemporalConnection.stubsOptions(profile));
      WorkflowClient client = WorkflowClient.newInstance(stubs, profile.toWorkflowClientOptions());
      WorkerFactory factory = WorkerFactory.newInstance(client);
      Worker worker = factory.newWorker(TaskQueues.ORCHESTRATOR);
      worker.registerWorkflowImplementationTypes(
          workflowOptions(),
          ReaperWorkflowImpl.class,
          RunWorkflowImpl.class,
          PullRequestWorkflowImpl.class,
          PullRequestCoordinatorImpl.class,
          ConcurrencyLimitWorkflowImpl.class);
      GitHubSettings github = GitHubSettings.fromEnvironment(config.env());
      worker.registerActivitiesImplementations(new GitHubStatuses(github));
      CallbackTokens callbacks = CallbackTokens.fromEnvironment(config.env());
      WorkerEnvironment workerEnvironment =
          new WorkerEnvironment(
              config.externalTemporalAddress(),
              config.namespace(),
              config.computeConnection(),
              config.env(),
              callbacks);
      worker.registerActivitiesImplementations(
          new ComputeActivitiesImpl(providers, config.defaults(), workerEnvironment, limits),
          new ReaperActivitiesImpl(
              providers,
              config.defaults().provider(),
              workerEnvironment.scope(),
              Clock.systemUTC()));
      worker.registerActivitiesImplementations(new ConcurrencyLimitActivitiesImpl());
      factory
          .newWorker(TaskQueues.CALLBACKS)
          .registerActivitiesImplementations(new CallbackWorkloadActivity());
      factory.start();
      startReaper(client, reaper);
      log.info(
          "orchestrator polling {} on {} (namespace {}), default provider {}",
          TaskQueues.ORCHESTRATOR,
          config.clientAddress(),
          config.namespace(),
          config.defaults().provider());
      if (!limits.asMap().isEmpty()) {
        log.info("concurrency limits (runs at once per provider): {}", limits.asMap());
      }
      if (github.token() == null) {
        log.info("no GITHUB_TOKEN: commit statuses are logged, not sent to GitHub");
      } else {
        log.info("commit statuses go to {}", github.apiUrl());
      }
      return new Orchestrator(embedded, stubs, client, factory, callbacks, config.defaults());
    } catch (RuntimeException e) {
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  /**
   * Starts the one reaper under its fixed id; when another orchestrator (a replica, or this one
   * before a restart) already runs it, that one goes on.
   */
  static void startReaper(WorkflowClient client, ReaperSettings settings) {
    ReaperWorkflow reaper =
        client.newWorkflowStub(
            ReaperWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(ReaperWorkflow.ID)
                .setTaskQueue(TaskQueues.ORCHESTRATOR)
                .build());
    try {
      WorkflowClient.start(reaper::run, ReaperState.starting(settings.interval()));
      log.info(
          "reaper started: every {}, it removes compute of closed runs and expired leases",
          settings.interval());
    } catch (WorkflowExecutionAlreadyStarted e) {
      log.info("reaper already running ({}); this orchestrator shares it", ReaperWorkflow.ID);
    }
  }

  /**
   * A request that cannot be read (a zero timeout sent by a client that skipped validation) fails
   * its run at once, instead of failing its workflow task over and over.
   */
  static WorkflowImplementationOptions workflowOptions() {
    return WorkflowImplementationOptions.newBuilder()
        .setFailWorkflowExceptionTypes(DataConverterException.class)
        .build();
  }

  /** The HTTP API's endpoints, served by this orchestrator's client. */
  java.util.List<HttpApi.Routes> httpRoutes(java.util.Map<String, String> env) {
    GitHubSettings github = GitHubSettings.fromEnvironment(env);
    if (github.webhookSecret() == null) {
      log.info("no GITHUB_WEBHOOK_SECRET: POST /github/webhook answers 401 to every delivery");
    }
    return java.util.List.of(
        new RunRoutes(client, defaults),
        new PullRequestRoutes(client, github.webhookSecret(), PullRequestRoutes.checkForks(env)),
        new CallbackRoutes(client, callbacks));
  }

  public WorkflowClient client() {
    return client;
  }

  /** Stops polling, lets running tasks finish for a few seconds, and closes the connection. */
  @Override
  public void close() {
    factory.shutdown();
    factory.awaitTermination(10, TimeUnit.SECONDS);
    stubs.shutdown();
    stubs.awaitTermination(5, TimeUnit.SECONDS);
    if (embedded != null) {
      embedded.close();
    }
  }
}
