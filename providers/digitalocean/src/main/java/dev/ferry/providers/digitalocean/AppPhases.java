package dev.ferry.providers.digitalocean;

import dev.ferry.api.ComputeState;
import dev.ferry.providers.digitalocean.AppModels.Deployment;
import dev.ferry.providers.digitalocean.AppModels.Phase;
import dev.ferry.providers.digitalocean.AppModels.Step;
import java.util.List;
import java.util.Optional;

/**
 * Maps an App Platform deployment's phase to a {@link ComputeState}: the one place that knows them.
 */
final class AppPhases {

  private AppPhases() {}

  static ComputeState toComputeState(Deployment deployment) {
    Phase phase = deployment.phase() == null ? Phase.UNKNOWN : deployment.phase();
    return switch (phase) {
      case UNKNOWN -> new ComputeState.Pending("deployment phase UNKNOWN");
      case PENDING_BUILD, BUILDING, PENDING_DEPLOY, DEPLOYING ->
          new ComputeState.Pending("deployment " + phase);
      case ACTIVE -> new ComputeState.Running();
      // Ferry never redeploys its apps: a newer deployment took over, and is what to follow.
      case SUPERSEDED -> new ComputeState.Pending("deployment SUPERSEDED by a newer one");
      // Boot failures: reported at once, long before the boot timeout would notice.
      case ERROR ->
          new ComputeState.Failed(
              "App Platform deployment " + deployment.id() + " failed: " + cause(deployment));
      case CANCELED ->
          new ComputeState.Failed(
              "App Platform deployment " + deployment.id() + " was canceled: " + cause(deployment));
    };
  }

  /** The first failed step's reason, else what DigitalOcean gives as the deployment's cause. */
  static String cause(Deployment deployment) {
    Optional<String> failedStep =
        deployment.progress() == null
            ? Optional.empty()
            : failedStep(deployment.progress().steps());
    return failedStep.orElse(
        deployment.cause() == null || deployment.cause().isBlank()
            ? "DigitalOcean gave no cause"
            : deployment.cause());
  }

  private static Optional<String> failedStep(List<Step> steps) {
    if (steps == null) {
      return Optional.empty();
    }
    for (Step step : steps) {
      Optional<String> inner = failedStep(step.steps());
      if (inner.isPresent()) {
        return inner;
      }
      if ("ERROR".equals(step.status()) && step.reason() != null) {
        return Optional.of(
            "step "
                + step.name()
                + ": "
                + step.reason().message()
                + " ("
                + step.reason().code()
                + ")");
      }
    }
    return Optional.empty();
  }
}
