package dev.ferry.providers.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ComputeState;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.TeardownReceipt;
import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.LabelSelector;
import dev.ferry.providers.LabelledResource;
import dev.ferry.providers.ProviderException;
import dev.ferry.providers.registry.ImageName;
import dev.ferry.providers.registry.RegistryClient;
import dev.ferry.providers.registry.RegistryCredentials;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each external worker as a container on a Docker engine, named after the request and carrying
 * its labels, so that a restarted orchestrator finds it again by name or label.
 *
 * <p>Thread-safe: it keeps no state of its own beyond the (thread-safe) client; the engine's unique
 * container names make concurrent provisions of one name create one container.
 */
public final class DockerComputeProvider implements ComputeProvider, AutoCloseable {

  public static final String ID = "docker";
  static final int LOG_TAIL_LINES = 200;
  static final int MIN_MEMORY_MB = 6;
  static final double MIN_CPUS = 0.01;
  private static final Duration PULL_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration CREATION_CONFIRMATION = Duration.ofSeconds(10);
  private static final Duration REMOVAL_CONFIRMATION = Duration.ofSeconds(10);
  private static final Duration LOG_READ_TIMEOUT = Duration.ofSeconds(30);
  private static final Logger log = LoggerFactory.getLogger(DockerComputeProvider.class);

  private final DockerClient client;
  private final DockerSettings settings;
  private final DockerErrors errors;
  private final DockerImages images;
  private final RegistryClient registry;
  private volatile Integer engineCpus;

  /** A provider that owns {@code client} and closes it in {@link #close()}. */
  DockerComputeProvider(DockerClient client, DockerSettings settings) {
    this(client, settings, RegistryCredentials.fromEnvironment(System.getenv()));
  }

  /** A provider that pulls with the logins of {@code credentials}. */
  DockerComputeProvider(
      DockerClient client, DockerSettings settings, RegistryCredentials credentials) {
    this.client = client;
    this.settings = settings;
    this.errors = new DockerErrors(settings.dockerHost().toString());
    this.registry = new RegistryClient(credentials);
    this.images = new DockerImages(client, errors, PULL_TIMEOUT, credentials);
  }

  /** Whether the engine has this image already, without pulling it. */
  public boolean hasImage(String image) {
    return images.isPresent(image);
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public void validate(ComputeSpec spec) {
    ComputeProvider.requireImage(ID, spec);
    if (spec.memoryMb() > 0 && spec.memoryMb() < MIN_MEMORY_MB) {
      throw new ProviderException.InvalidSpec(
          "compute.memoryMb must be 0 (default) or at least "
              + MIN_MEMORY_MB
              + " on provider 'docker' (Docker's minimum), was "
              + spec.memoryMb());
    }
    if (spec.cpus() > 0 && spec.cpus() < MIN_CPUS) {
      throw new ProviderException.InvalidSpec(
          "compute.cpus must be 0 (default) or at least "
              + MIN_CPUS
              + " on provider 'docker' (Docker's minimum), was "
              + spec.cpus());
    }
    if (spec.cpus() > 0 && spec.cpus() > engineCpus()) {
      throw new ProviderException.InvalidSpec(
          "compute.cpus is "
              + spec.cpus()
              + " but the Docker engine at "
              + settings.dockerHost()
              + " has only "
              + engineCpus()
              + " CPUs");
    }
  }

  /**
   * The registry's digest when the reference names a registry; an image only this engine has (no
   * registry named, or the registry unreachable) is pinned to its repo digest here, else its image
   * id, so that a re-tag on the engine cannot change it either.
   */
  @Override
  public String pinImage(String image) {
    ImageName name;
    try {
      name = ImageName.parse(image);
    } catch (IllegalArgumentException e) {
      throw new ProviderException.InvalidSpec(e.getMessage(), e);
    }
    if (name.pinned()) {
      return image;
    }
    if (!name.explicitRegistry()) {
      Optional<String> local = images.localPin(image);
      if (local.isPresent()) {
        return local.get();
      }
    }
    try {
      return registry.pin(image);
    } catch (ProviderException.Unavailable e) {
      Optional<String> local = images.localPin(image);
      if (local.isEmpty()) {
        throw e;
      }
      log.warn("{}; using the engine's copy of {}: {}", e.getMessage(), image, local.get());
      return local.get();
    }
  }

  @Override
  public ComputeHandle provision(ProvisionRequest request) {
    validate(request.spec());
    String name = request.name();
    Optional<InspectContainerResponse> existing = inspect(name);
    if (existing.isPresent()) {
      return adopt(name, existing.get());
    }
    images.ensurePresent(request.spec().image());
    refuseRoot(request.spec().image());
    String id;
    try {
      id = create(request);
    } catch (ConflictException e) {
      // A concurrent provision of the same name created it first; that one starts it.
      return handle(name, awaitCreation(name, e).getId());
    } catch (RuntimeException e) {
      removeAfterFailure(name, e);
      throw errors.translate("creating container " + name, e);
    }
    start(name, id);
    log.info("started container {} ({}) from {}", name, id, request.spec().image());
    return handle(name, id);
  }

  /** Refuses an image whose user is root, unless the operator allowed root. */
  private void refuseRoot(String image) {
    if (settings.allowRoot()) {
      return;
    }
    String user;
    try {
      var config = client.inspectImageCmd(image).exec().getConfig();
      user = config == null ? null : config.getUser();
    } catch (RuntimeException e) {
      throw errors.translate("inspecting image " + image, e);
    }
    ContainerLockdown.refuseRoot(image, user);
  }

  /** The engine reserves a name before the container can be inspected by it. */
  private InspectContainerResponse awaitCreation(String name, ConflictException conflict) {
    Instant deadline = Instant.now().plus(CREATION_CONFIRMATION);
    Optional<InspectContainerResponse> container = inspect(name);
    while (container.isEmpty() && Instant.now().isBefore(deadline)) {
      sleep(Duration.ofMillis(50));
      container = inspect(name);
    }
    return container.orElseThrow(() -> errors.translate("creating container " + name, conflict));
  }

  private String create(ProvisionRequest request) {
    ComputeSpec spec = request.spec();
    HostConfig host =
        HostConfig.newHostConfig()
            .withNetworkMode(settings.network())
            // Teardown reads the exit code and logs, so the engine must not remove it on exit.
            .withAutoRemove(false)
            // An init as PID 1 forwards SIGTERM to the worker and reaps its children.
            .withInit(true);
    ContainerLockdown.apply(host, settings);
    if (spec.cpus() > 0) {
      host.withNanoCPUs(Math.round(spec.cpus() * 1e9));
    }
    if (spec.memoryMb() > 0) {
      long bytes = spec.memoryMb() * 1024L * 1024L;
      host.withMemory(bytes).withMemorySwap(bytes);
    }
    List<String> env =
        spec.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    return client
        .createContainerCmd(spec.image())
        .withName(request.name())
        .withLabels(request.labels())
        .withEnv(env)
        .withStopTimeout(settings.stopGraceSeconds())
        .withHostConfig(host)
        .exec()
        .getId();
  }

  /** The existing container of a retried provision; started if a crash left it only created. */
  private ComputeHandle adopt(String name, InspectContainerResponse container) {
    if (DockerStates.awaitsStart(container.getState())) {
      start(name, container.getId());
      log.info(
          "started container {} ({}), which an earlier provision created", name, container.getId());
    }
    return handle(name, container.getId());
  }

  private void start(String name, String id) {
    try {
      client.startContainerCmd(id).exec();
    } catch (NotModifiedException e) {
      // Already started by a concurrent provision of the same name.
    } catch (RuntimeException e) {
      removeAfterFailure(id, e);
      throw errors.translate("starting container " + name, e);
    }
  }

  /** Removes what a failed provision left, so that nothing outlives the failure. */
  private void removeAfterFailure(String nameOrId, RuntimeException failure) {
    try {
      client.removeContainerCmd(nameOrId).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException e) {
      // Nothing was created.
    } catch (RuntimeException e) {
      log.warn("could not remove container {} after a failed provision", nameOrId, e);
      failure.addSuppressed(e);
    }
  }

  @Override
  public ComputeState describe(ComputeHandle handle) {
    return inspect(handle.name())
        .map(container -> DockerStates.toComputeState(container.getState()))
        .orElseGet(ComputeState.Gone::new);
  }

  @Override
  public TeardownReceipt deprovision(ComputeHandle handle) {
    String name = handle.name();
    Optional<InspectContainerResponse> found = inspect(name);
    if (found.isEmpty()) {
      return TeardownReceipt.alreadyGone(handle, Instant.now());
    }
    String id = found.get().getId();
    stop(name, id, found.get().getState());
    Integer exitCode =
        inspect(id).map(container -> DockerStates.exitCode(container.getState())).orElse(null);
    List<String> tail = logTail(id);
    remove(name, id);
    awaitRemoval(name, id);
    log.info("removed container {} ({}, exit code {})", name, id, exitCode);
    return new TeardownReceipt(ID, name, id, true, exitCode, tail, Instant.now());
  }

  private void stop(String name, String id, InspectContainerResponse.ContainerState state) {
    if (!Boolean.TRUE.equals(state.getRunning())) {
      return;
    }
    try {
      client.stopContainerCmd(id).withTimeout(settings.stopGraceSeconds()).exec();
    } catch (NotModifiedException | NotFoundException e) {
      // Stopped or removed meanwhile: either way it no longer runs.
    } catch (DockerException e) {
      // E.g. a paused container: the forced removal that follows kills it all the same.
      log.warn("could not stop container {} gracefully; removing it by force", name, e);
    } catch (RuntimeException e) {
      throw errors.translate("stopping container " + name, e);
    }
  }

  private List<String> logTail(String id) {
    LogTail tail = new LogTail(LOG_TAIL_LINES);
    try {
      boolean complete =
          CallbackWaits.awaitOrClose(
              client
                  .logContainerCmd(id)
                  .withStdOut(true)
                  .withStdErr(true)
                  .withTail(LOG_TAIL_LINES)
                  .exec(tail),
              LOG_READ_TIMEOUT);
      if (!complete) {
        return Stream.concat(
                tail.lines().stream(),
                Stream.of("(logs incomplete: read for " + LOG_READ_TIMEOUT + ")"))
            .toList();
      }
      return tail.lines();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException.Unavailable("interrupted while reading logs of " + id, e);
    } catch (RuntimeException e) {
      // The logs are evidence, not the goal: teardown goes on, and the receipt says why.
      String reason = e instanceof DockerException docker ? DockerErrors.reason(docker) : "" + e;
      return List.of("(logs unreadable: " + reason + ")");
    }
  }

  private void remove(String name, String id) {
    try {
      client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException e) {
      // Already removed: the goal is reached.
    } catch (ConflictException e) {
      // Another teardown is removing it; awaitRemoval confirms it goes.
      log.debug("container {} is already being removed", name);
    } catch (RuntimeException e) {
      throw errors.translate("removing container " + name, e);
    }
  }

  private void awaitRemoval(String name, String id) {
    Instant deadline = Instant.now().plus(REMOVAL_CONFIRMATION);
    while (inspect(id).isPresent()) {
      if (Instant.now().isAfter(deadline)) {
        throw new ProviderException.Unavailable(
            "container "
                + name
                + " is still on the engine "
                + REMOVAL_CONFIRMATION
                + " after removal",
            null);
      }
      sleep(Duration.ofMillis(100));
    }
  }

  @Override
  public List<LabelledResource> listLabelled(LabelSelector selector) {
    List<Container> containers =
        call(
            "listing containers",
            () ->
                client
                    .listContainersCmd()
                    .withShowAll(true)
                    .withLabelFilter(selector.labels())
                    .exec());
    return containers.stream()
        .map(
            container ->
                new LabelledResource(
                    handle(name(container), container.getId()), container.getLabels()))
        .toList();
  }

  /** Closes the connection to the engine; the containers are not touched. */
  @Override
  public void close() throws IOException {
    client.close();
  }

  /** The container with this name or id, or empty when the engine has none. */
  private Optional<InspectContainerResponse> inspect(String nameOrId) {
    try {
      return Optional.of(client.inspectContainerCmd(nameOrId).exec());
    } catch (NotFoundException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      throw errors.translate("inspecting container " + nameOrId, e);
    }
  }

  private int engineCpus() {
    Integer cpus = engineCpus;
    if (cpus == null) {
      cpus = call("reading engine info", () -> client.infoCmd().exec().getNCPU());
      engineCpus = cpus;
    }
    return cpus;
  }

  private <T> T call(String action, Supplier<T> request) {
    try {
      return request.get();
    } catch (RuntimeException e) {
      throw errors.translate(action, e);
    }
  }

  private static String name(Container container) {
    String[] names = container.getNames();
    if (names == null || names.length == 0) {
      return container.getId();
    }
    return names[0].startsWith("/") ? names[0].substring(1) : names[0];
  }

  private static ComputeHandle handle(String name, String id) {
    return new ComputeHandle(ID, name, id);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException.Unavailable("interrupted while waiting for the engine", e);
    }
  }
}
