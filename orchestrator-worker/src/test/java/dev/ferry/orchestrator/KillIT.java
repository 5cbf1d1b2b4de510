package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.RunResult;
import dev.ferry.api.RunStatus;
import dev.ferry.api.RunWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of the external worker mid-run: the run finishes on new compute, from its checkpoint. */
class KillIT {

  @TempDir Path dir;

  @Test
  void aKilledWorkerIsReplacedAndTheRunResumesFromItsCheckpoint() throws Exception {
    try (FerryProcesses ferry = new FerryProcesses(dir)) {
      ferry.startOrchestrator();
      WorkflowClient client = ferry.client();
      RunWorkflow run = LongPrimesRun.start(client, "kill-test");

      RunStatus running = LongPrimesRun.awaitProgress(run, 10.0);
      long pid = Long.parseLong(running.compute().resourceId());
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      RunResult result = WorkflowStub.fromTyped(run).getResult(RunResult.class);

      LongPrimesRun.assertResumedAfterLoss(result);
      assertThat(result.attempts().getFirst().teardown().exitCode()).isEqualTo(137);
      FerryProcesses.assertGone(pid);
      FerryProcesses.assertGone(Long.parseLong(result.attempts().getLast().compute().resourceId()));
      assertThat(ferry.localResources()).isEmpty();
    }
  }
}
