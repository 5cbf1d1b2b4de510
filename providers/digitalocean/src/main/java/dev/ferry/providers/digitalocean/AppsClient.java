package dev.ferry.providers.digitalocean;

import dev.ferry.providers.digitalocean.AppModels.App;
import dev.ferry.providers.digitalocean.AppModels.AppResponse;
import dev.ferry.providers.digitalocean.AppModels.AppSpec;
import dev.ferry.providers.digitalocean.AppModels.AppsResponse;
import dev.ferry.providers.digitalocean.AppModels.CreateAppRequest;
import dev.ferry.providers.digitalocean.AppModels.Deployment;
import dev.ferry.providers.digitalocean.AppModels.DeploymentsResponse;
import dev.ferry.providers.digitalocean.AppModels.LogUrls;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A small typed client for exactly the App Platform calls Ferry makes (no maintained Java library
 * covers App Platform). Thread-safe.
 */
final class AppsClient {

  static final int PAGE_SIZE = 200;
  private static final int MAX_PAGES = 100;

  private final DoHttp http;

  AppsClient(DoHttp http) {
    this.http = http;
  }

  App create(AppSpec spec) {
    return http.send(
            "creating app " + spec.name(),
            "POST",
            "/v2/apps",
            new CreateAppRequest(spec),
            AppResponse.class)
        .app();
  }

  /** The app with this id, or empty when there is none. */
  Optional<App> get(String id) {
    return http.sendOrEmpty("reading app " + id, "GET", "/v2/apps/" + enc(id), AppResponse.class)
        .map(AppResponse::app);
  }

  /** The app named {@code name}; names are unique per account. */
  Optional<App> findByName(String name) {
    return list().stream().filter(app -> name.equals(app.name())).findFirst();
  }

  /** Every app of the account, page by page. */
  List<App> list() {
    List<App> all = new ArrayList<>();
    for (int page = 1; page <= MAX_PAGES; page++) {
      AppsResponse response =
          http.send(
              "listing apps",
              "GET",
              "/v2/apps?page=" + page + "&per_page=" + PAGE_SIZE,
              null,
              AppsResponse.class);
      List<App> apps = response.apps() == null ? List.of() : response.apps();
      all.addAll(apps);
      if (apps.size() < PAGE_SIZE) {
        break;
      }
    }
    return all;
  }

  /** Deletes the app; false when there was no such app. */
  boolean delete(String id) {
    return http.sendOrEmpty("deleting app " + id, "DELETE", "/v2/apps/" + enc(id), Object.class)
        .isPresent();
  }

  /** The app's newest deployment, for apps whose deployment is neither in progress nor active. */
  Optional<Deployment> newestDeployment(String appId) {
    return http.sendOrEmpty(
            "listing deployments of app " + appId,
            "GET",
            "/v2/apps/" + enc(appId) + "/deployments?page=1&per_page=1",
            DeploymentsResponse.class)
        .flatMap(
            r -> r.deployments() == null ? Optional.empty() : r.deployments().stream().findFirst());
  }

  /** Where the run-time logs of one component of a deployment are. */
  Optional<LogUrls> logs(String appId, String deploymentId, String component) {
    return http.sendOrEmpty(
        "reading the log URLs of app " + appId,
        "GET",
        "/v2/apps/"
            + enc(appId)
            + "/deployments/"
            + enc(deploymentId)
            + "/components/"
            + enc(component)
            + "/logs?type=RUN&follow=false",
        LogUrls.class);
  }

  DoHttp http() {
    return http;
  }

  private static String enc(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8);
  }
}
