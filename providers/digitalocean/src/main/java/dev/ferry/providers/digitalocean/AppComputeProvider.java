package dev.ferry.providers.digitalocean;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ComputeState;
import dev.ferry.api.Labels;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.Secrets;
import dev.ferry.api.TeardownReceipt;
import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.LabelSelector;
import dev.ferry.providers.LabelledResource;
import dev.ferry.providers.ProviderException;
import dev.ferry.providers.digitalocean.AppModels.App;
import dev.ferry.providers.digitalocean.AppModels.AppSpec;
import dev.ferry.providers.digitalocean.AppModels.Deployment;
import dev.ferry.providers.digitalocean.AppModels.EnvVar;
import dev.ferry.providers.digitalocean.AppModels.LogUrls;
import dev.ferry.providers.digitalocean.AppModels.WorkerSpec;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each external worker as the single {@code worker} component of its own App Platform app,
 * named after the request, so a retried provision or a restarted orchestrator finds it by name. App
 * Platform has no labels: they travel as the GENERAL variable {@value #LABELS_VARIABLE}.
 *
 * <p>App Platform lets an app spec lock down little: no capabilities, no read-only root, no process
 * bound, no user to run as. The worker runs as its image's {@code USER} (the worker image's is
 * non-root), and every credential travels as a SECRET variable, encrypted by the platform and not
 * shown in the app's spec.
 *
 * <p>Thread-safe: no state beyond the client. DigitalOcean keeps app names unique per account, so
 * two concurrent provisions of one name make one app.
 */
public final class AppComputeProvider implements ComputeProvider {

  public static final String ID = "do-app";
  static final String COMPONENT = "worker";
  static final String NAME_PREFIX = "ferry-";
  static final String LABELS_VARIABLE = "FERRY_LABELS";
  static final String CALLBACK_URL = "FERRY_CALLBACK_URL";
  static final Pattern APP_NAME = Pattern.compile("^[a-z][a-z0-9-]{0,30}[a-z0-9]$");
  static final int LOG_TAIL_LINES = 200;
  private static final Pattern SECRET_NAME =
      Pattern.compile("(?i).*(SECRET|TOKEN|PASSWORD|API_KEY|CREDENTIAL|PRIVATE).*");
  private static final Logger log = LoggerFactory.getLogger(AppComputeProvider.class);

  private final AppsClient apps;
  private final DoSettings settings;
  private final String region;
  private final String instanceSize;
  private final Duration removalConfirmation;

  AppComputeProvider(
      AppsClient apps, DoSettings settings, String instanceSize, Duration removalConfirmation) {
    this.apps = apps;
    this.settings = settings;
    this.region = settings.appRegion();
    this.instanceSize = instanceSize;
    this.removalConfirmation = removalConfirmation;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void validate(ComputeSpec spec) {
    ComputeProvider.requireImage(ID, spec);
    try {
      ImageReference.parse(spec.image());
    } catch (IllegalArgumentException e) {
      throw new ProviderException.InvalidSpec(e.getMessage(), e);
    }
    if (spec.region() != null && DoSettings.appRegion(spec.region()).isEmpty()) {
      throw new ProviderException.InvalidSpec(
          "compute.region '"
              + spec.region()
              + "' is not an App Platform region; DigitalOcean lists "
              + String.join(", ", DoSettings.APP_REGIONS));
    }
  }

  @Override
  public ComputeHandle provision(ProvisionRequest request) {
    validate(request.spec());
    String name = appName(request.name());
    Optional<App> existing = apps.findByName(name);
    if (existing.isPresent()) {
      log.info(
          "adopted app {} ({}), which an earlier provision created", name, existing.get().id());
      return handle(name, existing.get().id());
    }
    App created;
    try {
      created = apps.create(spec(request, name));
    } catch (ProviderException.InvalidSpec | ProviderException.Unavailable e) {
      // A concurrent or earlier attempt may have created it (names are unique per account).
      Optional<App> raced = apps.findByName(name);
      if (raced.isPresent()) {
        return handle(name, raced.get().id());
      }
      throw e;
    }
    log.info("created app {} ({}) from {}", name, created.id(), request.spec().image());
    return handle(name, created.id());
  }

  /**
   * The app spec: one worker, GENERAL variables in the clear, secrets encrypted by the platform.
   */
  AppSpec spec(ProvisionRequest request, String name) {
    ComputeSpec spec = request.spec();
    List<EnvVar> envs = new ArrayList<>();
    new TreeMap<>(spec.env())
        .forEach(
            (key, value) ->
                envs.add(isSecret(key) ? EnvVar.secret(key, value) : EnvVar.general(key, value)));
    envs.add(EnvVar.general(LABELS_VARIABLE, labelsJson(request.labels())));
    WorkerSpec worker =
        new WorkerSpec(
            COMPONENT,
            ImageReference.parse(spec.image()).toSource(settings.registryCredentials()),
            instanceSize,
            1,
            List.copyOf(envs));
    String appRegion =
        spec.region() != null ? DoSettings.appRegion(spec.region()).orElseThrow() : region;
    return new AppSpec(name, appRegion, List.of(worker));
  }

  /**
   * Whether a variable is sent as a SECRET: every credential {@link Secrets} knows, the TLS
   * material, and the callback URL, whose signed token lets its holder complete the run's activity.
   */
  static boolean isSecret(String key) {
    return key.equals("TEMPORAL_API_KEY")
        || key.startsWith("TEMPORAL_TLS")
        || key.startsWith("TEMPORAL_GRPC_META_")
        || key.equals(CALLBACK_URL)
        || Secrets.isSecretName(key)
        || SECRET_NAME.matcher(key).matches();
  }

  @Override
  public ComputeState describe(ComputeHandle handle) {
    return find(handle)
        .map(app -> newestDeployment(app).map(AppPhases::toComputeState).orElse(waiting()))
        .orElseGet(ComputeState.Gone::new);
  }

  private static ComputeState waiting() {
    return new ComputeState.Pending("waiting for the first deployment");
  }

  @Override
  public TeardownReceipt deprovision(ComputeHandle handle) {
    Optional<App> found = find(handle);
    if (found.isEmpty()) {
      return TeardownReceipt.alreadyGone(handle, Instant.now());
    }
    App app = found.get();
    Optional<Deployment> deployment = newestDeployment(app);
    List<String> tail = new ArrayList<>();
    tail.add(
        "last deployment phase: "
            + deployment.map(d -> String.valueOf(d.phase())).orElse("(no deployment)"));
    deployment.ifPresent(d -> tail.addAll(logTail(app.id(), d.id())));
    boolean deleted = apps.delete(app.id());
    awaitRemoval(app);
    log.info("deleted app {} ({}){}", app.name(), app.id(), deleted ? "" : ", already gone");
    return new TeardownReceipt(ID, handle.name(), app.id(), true, null, tail, Instant.now());
  }

  @Override
  public List<LabelledResource> listLabelled(LabelSelector selector) {
    return apps.list().stream()
        .filter(app -> app.name() != null && app.name().startsWith(NAME_PREFIX))
        .filter(app -> selector.matches(labels(app)))
        .map(app -> new LabelledResource(handle(app.name(), app.id()), labels(app)))
        .toList();
  }

  /** The app of a handle: by id when known (cheaper), else by name. */
  private Optional<App> find(ComputeHandle handle) {
    if (handle.resourceId() != null) {
      return apps.get(handle.resourceId());
    }
    return apps.findByName(handle.name());
  }

  private Optional<Deployment> newestDeployment(App app) {
    Optional<Deployment> current = app.currentDeployment();
    // A first deployment that failed is neither in progress nor active: only the list shows it.
    return current.isPresent() ? current : apps.newestDeployment(app.id());
  }

  /** The last log lines of the worker; evidence, not the goal, so failures become a line. */
  private List<String> logTail(String appId, String deploymentId) {
    try {
      Optional<LogUrls> urls = apps.logs(appId, deploymentId, COMPONENT);
      if (urls.isEmpty()) {
        return List.of("(no logs: App Platform has none for deployment " + deploymentId + ")");
      }
      List<String> sources = new ArrayList<>();
      if (urls.get().historicUrls() != null) {
        sources.addAll(urls.get().historicUrls());
      }
      if (sources.isEmpty() && urls.get().liveUrl() != null) {
        sources.add(urls.get().liveUrl());
      }
      ArrayDeque<String> tail = new ArrayDeque<>();
      for (String source : sources) {
        URI uri = URI.create(source);
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
          continue; // A wss:// live stream: not something to wait on during teardown.
        }
        for (String line :
            apps.http().fetchTail("reading logs of app " + appId, uri, LOG_TAIL_LINES)) {
          if (tail.size() == LOG_TAIL_LINES) {
            tail.removeFirst();
          }
          tail.addLast(line);
        }
      }
      return List.copyOf(tail);
    } catch (ProviderException | IllegalArgumentException e) {
      return List.of("(logs unreadable: " + e.getMessage() + ")");
    }
  }

  private void awaitRemoval(App app) {
    Instant deadline = Instant.now().plus(removalConfirmation);
    while (apps.get(app.id()).isPresent()) {
      if (Instant.now().isAfter(deadline)) {
        throw new ProviderException.Unavailable(
            "app " + app.name() + " is still listed " + removalConfirmation + " after deletion",
            null);
      }
      try {
        Thread.sleep(Duration.ofSeconds(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProviderException.Unavailable("interrupted while deleting " + app.name(), e);
      }
    }
  }

  /** The request's name as an app name; Ferry's names ({@code ferry-<hash>-a<N>}) already fit. */
  static String appName(String requestName) {
    if (!APP_NAME.matcher(requestName).matches()) {
      throw new ProviderException.InvalidSpec(
          "resource name '"
              + requestName
              + "' is not a valid App Platform app name (^[a-z][a-z0-9-]{0,30}[a-z0-9]$)");
    }
    return requestName;
  }

  private static String labelsJson(Map<String, String> labels) {
    try {
      return DoHttp.JSON.writeValueAsString(new TreeMap<>(labels));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("labels are strings", e);
    }
  }

  /** An app's labels; an app of Ferry's prefix without them counts as managed and nothing else. */
  static Map<String, String> labels(App app) {
    return app.workerVariable(LABELS_VARIABLE)
        .flatMap(
            json -> {
              try {
                return Optional.of(
                    DoHttp.JSON.readValue(json, new TypeReference<Map<String, String>>() {}));
              } catch (JsonProcessingException e) {
                return Optional.empty();
              }
            })
        .orElse(Map.of(Labels.MANAGED, "true"));
  }

  private static ComputeHandle handle(String name, String id) {
    return new ComputeHandle(ID, name, id);
  }
}
