package dev.ferry.orchestrator;

import dev.ferry.api.ConcurrencyLimitActivities;
import dev.ferry.api.ConcurrencyLimitWorkflow;
import dev.ferry.api.LimitState;
import dev.ferry.api.PermitNotice;
import dev.ferry.api.PermitRelease;
import dev.ferry.api.PermitRequest;
import dev.ferry.api.RunIds;
import dev.ferry.api.RunWorkflow;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;

/**
 * A provider's concurrency limit as a semaphore workflow: runs signal {@code acquire} and {@code
 * release}; it grants places first come, first served, by signalling the run back, and tells every
 * waiting run its place. A run that ended without releasing (terminated, timed out) is noticed when
 * a signal to it fails, and, while runs wait for a full limit, by looking at the holders every
 * {@link LimitState#checkInterval()}; its place is taken back. Continues as new past its event
 * budget.
 */
public class ConcurrencyLimitWorkflowImpl implements ConcurrencyLimitWorkflow {

  private static final Logger log = Workflow.getLogger(ConcurrencyLimitWorkflowImpl.class);

  private final ConcurrencyLimitActivities activities =
      Workflow.newActivityStub(
          ConcurrencyLimitActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(1))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(1))
                      .setMaximumInterval(Duration.ofSeconds(30))
                      .setMaximumAttempts(5)
                      .build())
              .build());

  private final String provider;
  private int limit;
  private final int eventBudget;
  private final Duration checkInterval;
  private long sequence;
  private int reclaimed;

  /** Holders, with the sequence number of their latest grant. */
  private final Map<String, Long> holders = new LinkedHashMap<>();

  private final Set<String> queue = new LinkedHashSet<>();

  /** Holders asking again (a retried request, a run continued as new): granted again. */
  private final Set<String> regrants = new LinkedHashSet<>();

  /** The place last sent to each waiting run. */
  private final Map<String, Integer> placeSent = new HashMap<>();

  private int signalsInFlight;
  private boolean changed;

  /** Restores the state before any signal is handled, so that none can overtake it. */
  @WorkflowInit
  public ConcurrencyLimitWorkflowImpl(LimitState state) {
    provider = state.provider();
    limit = state.limit();
    eventBudget = state.eventBudget();
    checkInterval = state.checkInterval();
    sequence = state.sequence();
    reclaimed = state.reclaimed();
    state.holders().forEach(id -> holders.put(id, 0L));
    queue.addAll(state.queue());
  }

  @Override
  public void run(LimitState state) {
    changed = true;
    Promise<Void> check = null;
    while (true) {
      if (changed) {
        changed = false;
        grantAndTellPlaces();
      }
      if (overBudget()) {
        // Every notice sent must be delivered (or known undeliverable) before the state moves on.
        Workflow.await(() -> signalsInFlight == 0);
        if (!changed) {
          log.info("queue for {} continues as new: {}", provider, status());
          Workflow.continueAsNew(status());
        }
        continue;
      }
      boolean starved = !queue.isEmpty() && holders.size() >= limit;
      if (starved && check == null) {
        check = Workflow.newTimer(checkInterval);
      }
      Promise<Void> timer = check;
      Workflow.await(
          () ->
              changed
                  || (timer != null && timer.isCompleted())
                  || (signalsInFlight == 0 && overBudget()));
      if (timer != null && timer.isCompleted()) {
        check = null;
        if (!queue.isEmpty() && holders.size() >= limit) {
          reclaimEndedHolders();
        }
      }
    }
  }

  private boolean overBudget() {
    return Workflow.getInfo().getHistoryLength() > eventBudget
        || Workflow.getInfo().isContinueAsNewSuggested();
  }

  @Override
  public void acquire(PermitRequest request) {
    if (request.limit() != limit) {
      log.info(
          "limit for {} is now {} (was {}), as {}'s orchestrator has it",
          provider,
          request.limit(),
          limit,
          request.workflowId());
      limit = request.limit();
    }
    String id = request.workflowId();
    if (holders.containsKey(id)) {
      regrants.add(id);
    } else if (queue.contains(id)) {
      placeSent.remove(id);
    } else {
      queue.add(id);
    }
    changed = true;
  }

  @Override
  public void release(PermitRelease release) {
    String id = release.workflowId();
    boolean held = holders.remove(id) != null;
    boolean waited = queue.remove(id);
    regrants.remove(id);
    placeSent.remove(id);
    if (held || waited) {
      log.info("{} {} on {}", id, held ? "released its place" : "left the queue", provider);
      changed = true;
    }
  }

  @Override
  public LimitState status() {
    return new LimitState(
        provider,
        limit,
        List.copyOf(holders.keySet()),
        List.copyOf(queue),
        sequence,
        reclaimed,
        eventBudget,
        checkInterval);
  }

  private void grantAndTellPlaces() {
    for (String id : List.copyOf(regrants)) {
      holders.put(id, ++sequence);
      send(id, 0);
    }
    regrants.clear();
    while (holders.size() < limit && !queue.isEmpty()) {
      String next = queue.iterator().next();
      queue.remove(next);
      placeSent.remove(next);
      holders.put(next, ++sequence);
      log.info("{} may start on {} ({} of {})", next, provider, holders.size(), limit);
      send(next, 0);
    }
    int place = 1;
    for (String id : queue) {
      if (!Objects.equals(placeSent.get(id), place)) {
        placeSent.put(id, place);
        send(id, place);
      }
      place++;
    }
  }

  private void send(String workflowId, int place) {
    long notice = ++sequence;
    RunWorkflow run = Workflow.newExternalWorkflowStub(RunWorkflow.class, workflowId);
    signalsInFlight++;
    Async.procedure(run::permit, new PermitNotice(provider, limit, place, notice))
        .handle(
            (ignored, failure) -> {
              signalsInFlight--;
              if (failure != null) {
                undeliverable(workflowId, place, notice);
              }
              return null;
            });
  }

  /** The run has ended: a place granted to it is taken back, and it leaves the queue. */
  private void undeliverable(String workflowId, int place, long notice) {
    if (place == 0) {
      Long grant = holders.get(workflowId);
      if (grant != null && grant <= notice) {
        holders.remove(workflowId);
        reclaimed++;
        log.warn("{} ended before its grant on {} arrived: place taken back", workflowId, provider);
        changed = true;
      }
    } else if (queue.remove(workflowId)) {
      placeSent.remove(workflowId);
      log.warn("{} ended while it waited on {}: removed from the queue", workflowId, provider);
      changed = true;
    }
  }

  /** Takes back the places of holders that ended without releasing them. */
  private void reclaimEndedHolders() {
    long asOf = sequence;
    RunIds closed;
    try {
      closed = activities.closedRuns(new RunIds(new ArrayList<>(holders.keySet())));
    } catch (ActivityFailure e) {
      log.warn("could not look at the holders on {}: {}", provider, e.getCause());
      return;
    }
    for (String id : closed.workflowIds()) {
      Long grant = holders.get(id);
      // A grant after the look began belongs to a newer run under the same id.
      if (grant != null && grant <= asOf) {
        holders.remove(id);
        reclaimed++;
        log.warn("{} ended without releasing its place on {}: taken back", id, provider);
        changed = true;
      }
    }
  }
}
