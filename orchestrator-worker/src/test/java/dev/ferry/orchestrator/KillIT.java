package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.PrimesCheckpoint;
import dev.ferry.api.RunResult;
import dev.ferry.api.RunWorkflow;
import dev.ferry.providers.FaultReport;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the external worker mid-run (frozen first, so that it cannot finish or move on while
 * the test reads its checkpoint): the run finishes on new compute, from that checkpoint.
 */
@Tag("fault")
class KillIT {

  @TempDir Path dir;

  @Test
  void aKilledWorkerIsReplacedAndTheRunResumesFromItsCheckpoint() throws Exception {
    long start = System.nanoTime();
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      ferry.startOrchestrator();
      WorkflowClient client = ferry.client();
      RunWorkflow run = LongPrimesRun.start(client, "kill-test");

      LongPrimesRun.awaitCheckpoint(client, "kill-test");
      long pid = Long.parseLong(run.status().compute().resourceId());
      FrozenCompute worker = FrozenCompute.process(pid);
      PrimesCheckpoint lastSeen = LongPrimesRun.frozenCheckpoint(client, "kill-test");
      worker.kill();
      RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

      long secondPid = Long.parseLong(result.attempts().getLast().compute().resourceId());
      FaultReport.record(
          new FaultReport.Outcome(
              "worker-killed",
              "local",
              "kill -9 of the worker process mid-run",
              1,
              1,
              LongPrimesRun.resumedAfterLoss(result, lastSeen) ? 1 : 0,
              ferry.localResources().size()
                  + (ProcessHandle.of(pid).isPresent() ? 1 : 0)
                  + (ProcessHandle.of(secondPid).isPresent() ? 1 : 0),
              null,
              FerryProcesses.since(start)));
      LongPrimesRun.assertResumedAfterLoss(result, lastSeen);
      assertThat(result.attempts().getFirst().teardown().exitCode()).isEqualTo(137);
      FerryProcesses.assertGone(pid);
      FerryProcesses.assertGone(Long.parseLong(result.attempts().getLast().compute().resourceId()));
      assertThat(ferry.localResources()).isEmpty();
    }
  }
}
