package dev.ferry.providers.digitalocean;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of App Platform's JSON that Ferry sends and reads (snake_case on the wire). An app read
 * back keeps only its name, its workers' variables (SECRET ones come back only in the platform's
 * encrypted form) and its deployments; none of it leaves the provider.
 */
final class AppModels {

  private AppModels() {}

  /** {@code POST /v2/apps}. */
  record CreateAppRequest(AppSpec spec) {}

  /** What Ferry creates: one app with one worker component. */
  record AppSpec(String name, String region, List<WorkerSpec> workers) {}

  /** A worker component: no HTTP routes, just a process that runs the image. */
  record WorkerSpec(
      String name,
      ImageSource image,
      String instanceSizeSlug,
      Integer instanceCount,
      List<EnvVar> envs) {}

  /** Where the image comes from; {@code registry} stays empty for DOCR. */
  record ImageSource(
      String registryType,
      String registry,
      String repository,
      String tag,
      String digest,
      String registryCredentials) {}

  /** One environment variable; {@code SECRET}s are encrypted by the platform on submission. */
  record EnvVar(String key, String value, String type, String scope) {

    static EnvVar general(String key, String value) {
      return new EnvVar(key, value, "GENERAL", "RUN_TIME");
    }

    static EnvVar secret(String key, String value) {
      return new EnvVar(key, value, "SECRET", "RUN_TIME");
    }
  }

  /** An app as read back. */
  record App(
      String id,
      SpecSummary spec,
      Deployment activeDeployment,
      Deployment inProgressDeployment,
      Deployment pendingDeployment) {

    String name() {
      return spec == null ? null : spec.name();
    }

    /** The deployment that says most about the app now: in progress, pending, then active. */
    Optional<Deployment> currentDeployment() {
      if (inProgressDeployment != null) {
        return Optional.of(inProgressDeployment);
      }
      if (pendingDeployment != null) {
        return Optional.of(pendingDeployment);
      }
      return Optional.ofNullable(activeDeployment);
    }

    /** The value of a GENERAL variable of a worker component, if set. */
    Optional<String> workerVariable(String key) {
      if (spec == null || spec.workers() == null) {
        return Optional.empty();
      }
      return spec.workers().stream()
          .filter(w -> w.envs() != null)
          .flatMap(w -> w.envs().stream())
          .filter(e -> key.equals(e.key()) && !"SECRET".equals(e.type()))
          .map(EnvVar::value)
          .findFirst();
    }
  }

  /** An app's spec as read back: its name and its workers' variables. */
  record SpecSummary(String name, List<ComponentSummary> workers) {}

  record ComponentSummary(String name, List<EnvVar> envs) {}

  record AppResponse(App app) {}

  record AppsResponse(List<App> apps, Map<String, Object> meta) {}

  /** One deployment of an app. */
  record Deployment(String id, Phase phase, String cause, Progress progress) {}

  record DeploymentsResponse(List<Deployment> deployments) {}

  record Progress(List<Step> steps) {}

  record Step(String name, String status, Reason reason, List<Step> steps) {}

  record Reason(String code, String message) {}

  /** Where a deployment's logs can be fetched; the URLs are pre-signed, no token is needed. */
  record LogUrls(String liveUrl, List<String> historicUrls) {}

  /** A deployment's phase, DigitalOcean's closed set ({@code apps_deployment_phase}). */
  enum Phase {
    @JsonEnumDefaultValue
    UNKNOWN,
    PENDING_BUILD,
    BUILDING,
    PENDING_DEPLOY,
    DEPLOYING,
    ACTIVE,
    SUPERSEDED,
    ERROR,
    CANCELED
  }
}
