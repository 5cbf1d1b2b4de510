package dev.ferry.external;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The workloads a worker can run, by id. Immutable. */
public final class WorkloadRegistry {

  private final Map<String, WorkloadRunner<?>> runners;

  private WorkloadRegistry(Map<String, WorkloadRunner<?>> runners) {
    this.runners = Collections.unmodifiableMap(runners);
  }

  /**
   * The workloads every Ferry client can name: {@code primes}, {@code shell} and {@code pr-check},
   * the last with the git token from this process's environment.
   */
  public static WorkloadRegistry builtIns() {
    return of(
        new PrimesWorkload(),
        new ShellWorkload(),
        new PrCheckWorkload(GitCheckout.fromEnvironment(System.getenv())));
  }

  /**
   * A registry of exactly these runners.
   *
   * @throws IllegalArgumentException when two share an id
   */
  public static WorkloadRegistry of(WorkloadRunner<?>... runners) {
    Map<String, WorkloadRunner<?>> byId = new LinkedHashMap<>();
    for (WorkloadRunner<?> runner : runners) {
      if (byId.putIfAbsent(runner.id(), runner) != null) {
        throw new IllegalArgumentException("two workloads have the id '" + runner.id() + "'");
      }
    }
    return new WorkloadRegistry(byId);
  }

  /**
   * This registry plus one more runner, such as a test workload.
   *
   * @throws IllegalArgumentException when its id is taken
   */
  public WorkloadRegistry with(WorkloadRunner<?> runner) {
    List<WorkloadRunner<?>> all = new ArrayList<>(runners.values());
    all.add(runner);
    return of(all.toArray(WorkloadRunner<?>[]::new));
  }

  public Optional<WorkloadRunner<?>> find(String id) {
    return Optional.ofNullable(runners.get(id));
  }

  /** Every id, in registration order. */
  public Set<String> ids() {
    return runners.keySet();
  }
}
