package dev.ferry.providers.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.ComputeState;
import dev.ferry.providers.digitalocean.AppModels.Deployment;
import dev.ferry.providers.digitalocean.AppModels.Phase;
import dev.ferry.providers.digitalocean.AppModels.Progress;
import dev.ferry.providers.digitalocean.AppModels.Reason;
import dev.ferry.providers.digitalocean.AppModels.Step;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every deployment phase App Platform reports; no API needed. */
class AppPhasesTest {

  @Test
  void mapsEveryDeploymentPhase() {
    Map<Phase, ComputeState> expected = new EnumMap<>(Phase.class);
    expected.put(Phase.UNKNOWN, new ComputeState.Pending("deployment phase UNKNOWN"));
    expected.put(Phase.PENDING_BUILD, new ComputeState.Pending("deployment PENDING_BUILD"));
    expected.put(Phase.BUILDING, new ComputeState.Pending("deployment BUILDING"));
    expected.put(Phase.PENDING_DEPLOY, new ComputeState.Pending("deployment PENDING_DEPLOY"));
    expected.put(Phase.DEPLOYING, new ComputeState.Pending("deployment DEPLOYING"));
    expected.put(Phase.ACTIVE, new ComputeState.Running());
    expected.put(
        Phase.SUPERSEDED, new ComputeState.Pending("deployment SUPERSEDED by a newer one"));
    expected.put(
        Phase.ERROR,
        new ComputeState.Failed("App Platform deployment d-1 failed: initial deployment"));
    expected.put(
        Phase.CANCELED,
        new ComputeState.Failed("App Platform deployment d-1 was canceled: initial deployment"));

    assertThat(expected.keySet()).containsExactlyInAnyOrder(Phase.values());
    expected.forEach(
        (phase, state) ->
            assertThat(AppPhases.toComputeState(deployment(phase, null)))
                .as(phase.name())
                .isEqualTo(state));
  }

  @Test
  void aFailedDeploymentNamesTheStepThatFailedAndWhy() {
    Step failed =
        new Step("worker", "ERROR", new Reason("ImagePullError", "manifest unknown"), null);
    Progress progress = new Progress(List.of(new Step("deploy", "ERROR", null, List.of(failed))));

    assertThat(AppPhases.toComputeState(deployment(Phase.ERROR, progress)))
        .isEqualTo(
            new ComputeState.Failed(
                "App Platform deployment d-1 failed: step worker: manifest unknown"
                    + " (ImagePullError)"));
  }

  @Test
  void readsAPhaseANewerApiAddsAsUnknown() throws Exception {
    Deployment read =
        DoHttp.JSON.readValue("{\"id\":\"d-1\",\"phase\":\"HIBERNATING\"}", Deployment.class);

    assertThat(read.phase()).isEqualTo(Phase.UNKNOWN);
    assertThat(AppPhases.toComputeState(new Deployment("d-1", null, null, null)))
        .isEqualTo(new ComputeState.Pending("deployment phase UNKNOWN"));
  }

  private static Deployment deployment(Phase phase, Progress progress) {
    return new Deployment("d-1", phase, "initial deployment", progress);
  }
}
