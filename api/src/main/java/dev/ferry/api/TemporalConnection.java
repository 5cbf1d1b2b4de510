package dev.ferry.api;

import io.temporal.client.WorkflowClient;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.envconfig.LoadClientConfigProfileOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The Temporal connection every Ferry process makes: temporal-envconfig (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE), and, with no address set,
 * the orchestrator's embedded server on loopback at FERRY_TEMPORAL_PORT (7233).
 */
public final class TemporalConnection {

  private TemporalConnection() {}

  /** The address to connect to. */
  public static String address(Map<String, String> env) {
    String address = env.get("TEMPORAL_ADDRESS");
    if (address != null && !address.isBlank()) {
      return address.trim();
    }
    return "127.0.0.1:" + env.getOrDefault("FERRY_TEMPORAL_PORT", "7233").trim();
  }

  /** The connection profile, with the address resolved as {@link #address} says. */
  public static ClientConfigProfile profile(Map<String, String> env) {
    try {
      ClientConfigProfile profile =
          ClientConfigProfile.load(
              LoadClientConfigProfileOptions.newBuilder().setEnvOverrides(env).build());
      ClientConfigProfile.Builder builder = profile.toBuilder().setAddress(address(env));
      if (profile.getNamespace() == null || profile.getNamespace().isBlank()) {
        builder.setNamespace("default");
      }
      return builder.build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Temporal client configuration", e);
    }
  }

  /** A client for the profile; the caller owns the returned client's service stubs. */
  public static WorkflowClient client(Map<String, String> env) {
    ClientConfigProfile profile = profile(env);
    return WorkflowClient.newInstance(
        WorkflowServiceStubs.newServiceStubs(stubsOptions(profile)),
        profile.toWorkflowClientOptions());
  }

  /**
   * The service-stub options of a profile. An API key turns TLS on by default, and
   * temporal-envconfig 1.38 leaves it on even when {@code TEMPORAL_TLS=false} (or {@code
   * tls.disabled}) says otherwise; an explicit "off" is honoured here.
   */
  public static WorkflowServiceStubsOptions stubsOptions(ClientConfigProfile profile) {
    WorkflowServiceStubsOptions options = profile.toWorkflowServiceStubsOptions();
    if (profile.getTls() != null && Boolean.TRUE.equals(profile.getTls().isDisabled())) {
      return WorkflowServiceStubsOptions.newBuilder(options).setEnableHttps(false).build();
    }
    return options;
  }
}
