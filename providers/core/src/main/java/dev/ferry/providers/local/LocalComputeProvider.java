package dev.ferry.providers.local;

import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeState;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.TaskQueues;
import dev.ferry.api.TeardownReceipt;
import dev.ferry.providers.ComputeProvider;
import dev.ferry.providers.LabelSelector;
import dev.ferry.providers.LabelledResource;
import dev.ferry.providers.ProviderException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each external worker as a child process of the orchestrator: no isolation, no image, but the
 * same lifecycle as remote compute, and nothing to install. A worker sees the spec's environment,
 * {@code FERRY_LOCAL_RESOURCE} (its resource name) and, of the orchestrator's own, only {@code
 * PATH}, {@code HOME}, {@code LANG}, {@code TMPDIR} and {@code TZ} (the spec wins where both set
 * one).
 */
public final class LocalComputeProvider implements ComputeProvider {

  public static final String ID = "local";
  static final int LOG_TAIL_LINES = 200;
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);
  private static final Logger log = LoggerFactory.getLogger(LocalComputeProvider.class);
  private static final List<String> INHERITED_ENV = List.of("PATH", "HOME", "LANG", "TMPDIR", "TZ");

  private final List<String> command;
  private final LocalStateStore store;
  private final Duration stopGrace;
  private final Clock clock;
  private final Map<String, Process> children = new ConcurrentHashMap<>();
  // One lock per resource name: provision, teardown and the exit callback of one resource must not
  // interleave (a late exit callback would otherwise write back a record teardown just deleted).
  private final NameLocks locks = new NameLocks();

  /**
   * @param command what to run for each resource (the external worker, in production)
   * @param stateDir where resource records and logs live
   * @param stopGrace how long a worker has after SIGTERM before it is killed
   */
  public LocalComputeProvider(List<String> command, Path stateDir, Duration stopGrace) {
    this.command = List.copyOf(command);
    this.store = new LocalStateStore(stateDir);
    this.stopGrace = stopGrace;
    this.clock = Clock.systemUTC();
  }

  @Override
  public String id() {
    return ID;
  }

  /** A child JVM runs no image, so there is nothing to pin and no registry to ask. */
  @Override
  public String pinImage(String image) {
    return image;
  }

  /**
   * Why a callback-mode request is refused: callback compute runs an image of the caller's
   * choosing, and this provider runs only Ferry's own worker, which would wait for a queue it is
   * never given.
   */
  public static final String NO_CALLBACK_MODE =
      "callback mode needs a provider that runs images (docker, aws-batch, do-app, do-droplet):"
          + " the local provider runs only Ferry's own worker, not an image";

  /**
   * @throws ProviderException.InvalidSpec for a callback-mode request, before anything is started
   */
  @Override
  public ComputeHandle provision(ProvisionRequest request) {
    if (TaskQueues.CALLBACKS.equals(request.taskQueue())) {
      throw new ProviderException.InvalidSpec(NO_CALLBACK_MODE);
    }
    return locks.with(request.name(), () -> getOrStart(request));
  }

  /**
   * Adopts what an earlier call made, else starts the worker. The record is written before the
   * process starts: a call that fails or dies after the start leaves a record that leads a retry to
   * the running worker, never a second worker on the same task queue.
   */
  private ComputeHandle getOrStart(ProvisionRequest request) {
    Optional<LocalProcessRecord> existing = store.read(request.name());
    if (existing.isPresent() && existing.get().started()) {
      return handle(existing.get());
    }
    if (existing.isPresent()) {
      // A start that never recorded its pid: the worker may run all the same.
      Optional<ProcessHandle> orphan = started(request.name());
      if (orphan.isPresent()) {
        LocalProcessRecord adopted =
            existing
                .get()
                .withProcess(
                    orphan.get().pid(), orphan.get().info().startInstant().orElse(clock.instant()));
        store.write(adopted);
        log.info("adopted {}: process {} was started before", request.name(), adopted.pid());
        return handle(adopted);
      }
    } else {
      store.write(LocalProcessRecord.starting(request.name(), request.labels()));
    }
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    Map<String, String> inherited = Map.copyOf(env);
    env.clear();
    INHERITED_ENV.forEach(
        key -> Optional.ofNullable(inherited.get(key)).ifPresent(v -> env.put(key, v)));
    env.putAll(request.spec().env());
    env.put(ProcessMarker.VARIABLE, request.name());
    builder.redirectErrorStream(true);
    builder.redirectOutput(
        ProcessBuilder.Redirect.appendTo(store.logFile(request.name()).toFile()));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      store.delete(request.name());
      throw new ProviderException.InvalidSpec("cannot start " + command + ": " + e.getMessage(), e);
    }
    children.put(request.name(), process);
    // Async: the JDK completes every onExit future of a pid on one reaper thread; blocking it on
    // the resource lock here would starve the teardown that holds the lock and waits for that exit.
    process.onExit().thenAcceptAsync(done -> recordExit(request.name(), done.exitValue()));
    Instant startedAt = process.info().startInstant().orElse(clock.instant());
    LocalProcessRecord record =
        LocalProcessRecord.starting(request.name(), request.labels())
            .withProcess(process.pid(), startedAt);
    store.write(record);
    log.info("started {} as process {}", request.name(), process.pid());
    return handle(record);
  }

  @Override
  public ComputeState describe(ComputeHandle handle) {
    Optional<LocalProcessRecord> record = store.read(handle.name());
    if (record.isEmpty()) {
      return new ComputeState.Gone();
    }
    if (!record.get().started()) {
      return new ComputeState.Pending("its process is being started");
    }
    if (live(record.get()).isPresent()) {
      return new ComputeState.Running();
    }
    return exitCode(record.get())
        .<ComputeState>map(ComputeState.Exited::new)
        .orElseGet(
            () ->
                new ComputeState.Failed(
                    "process " + record.get().pid() + " ended; its exit code was not observed"));
  }

  @Override
  public TeardownReceipt deprovision(ComputeHandle handle) {
    return locks.with(handle.name(), () -> stopAndRemove(handle));
  }

  private TeardownReceipt stopAndRemove(ComputeHandle handle) {
    Optional<LocalProcessRecord> found = store.read(handle.name());
    if (found.isEmpty()) {
      return TeardownReceipt.alreadyGone(handle, clock.instant());
    }
    LocalProcessRecord record = found.get();
    Optional<ProcessHandle> running = record.started() ? live(record) : started(record.name());
    running.ifPresent(process -> stop(record.name(), process));
    Integer exitCode = exitCode(record).orElse(null);
    List<String> tail = store.logTail(record.name(), LOG_TAIL_LINES);
    store.delete(record.name());
    children.remove(record.name());
    log.info("removed {} (process {}, exit code {})", record.name(), record.pid(), exitCode);
    return new TeardownReceipt(
        ID, record.name(), resourceId(record), true, exitCode, tail, clock.instant());
  }

  @Override
  public List<LabelledResource> listLabelled(LabelSelector selector) {
    return store.all().stream()
        .filter(record -> selector.matches(record.labels()))
        .map(record -> new LabelledResource(handle(record), record.labels()))
        .toList();
  }

  private static ComputeHandle handle(LocalProcessRecord record) {
    return new ComputeHandle(ID, record.name(), resourceId(record));
  }

  private static String resourceId(LocalProcessRecord record) {
    return record.started() ? String.valueOf(record.pid()) : null;
  }

  /** The live worker of a record without a pid: our own child, or one found by its marker. */
  private Optional<ProcessHandle> started(String name) {
    return Optional.ofNullable(children.get(name))
        .filter(Process::isAlive)
        .map(Process::toHandle)
        .or(() -> ProcessMarker.find(name));
  }

  /** The record's process if it still runs; a reused pid with another start time is not it. */
  private Optional<ProcessHandle> live(LocalProcessRecord record) {
    return ProcessHandle.of(record.pid())
        .filter(ProcessHandle::isAlive)
        .filter(
            p ->
                p.info()
                    .startInstant()
                    .map(start -> Duration.between(start, record.startedAt()).abs().toSeconds() < 2)
                    .orElse(true));
  }

  private Optional<Integer> exitCode(LocalProcessRecord record) {
    Process child = children.get(record.name());
    if (child != null) {
      try {
        // The JDK may tell a ProcessHandle of the exit a moment before the Process knows its code.
        if (child.waitFor(2, TimeUnit.SECONDS)) {
          return Optional.of(child.exitValue());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return store.read(record.name()).map(LocalProcessRecord::exitCode);
  }

  private void stop(String name, ProcessHandle process) {
    Process child = children.get(name);
    // The worker hears first: were its children stopped first, it could end on their exit before
    // its own SIGTERM handler ran. They are listed before, as they leave the tree when it ends.
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    descendants.forEach(ProcessHandle::destroy);
    if (awaitExit(child, process, stopGrace)) {
      return;
    }
    log.warn("process {} ignored SIGTERM for {}; killing it", process.pid(), stopGrace);
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    if (!awaitExit(child, process, KILL_WAIT)) {
      throw new ProviderException.Unavailable(
          "process " + process.pid() + " survived SIGKILL for " + KILL_WAIT, null);
    }
  }

  /**
   * Waits for the process to end. Our own children are waited for through their {@link Process}:
   * the JDK reaps them there, and a {@link ProcessHandle#onExit()} of a child reaped that way can
   * miss the exit and never complete. Processes of an earlier orchestrator are polled.
   */
  private static boolean awaitExit(Process child, ProcessHandle process, Duration timeout) {
    try {
      if (child != null) {
        return child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      while (process.isAlive()) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        Thread.sleep(50);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException.Unavailable("interrupted while stopping " + process.pid(), e);
    }
  }

  private void recordExit(String name, int code) {
    locks.with(
        name,
        () -> {
          store.read(name).ifPresent(record -> store.write(record.withExitCode(code)));
          return null;
        });
  }
}
