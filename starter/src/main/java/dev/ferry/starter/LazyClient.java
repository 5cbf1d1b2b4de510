package dev.ferry.starter;

import io.temporal.client.WorkflowClient;
import java.util.function.Supplier;

/** Connects on first use, so that {@code --help} and usage errors need no Temporal server. */
final class LazyClient {

  private final Supplier<WorkflowClient> factory;
  private WorkflowClient client;

  LazyClient(Supplier<WorkflowClient> factory) {
    this.factory = factory;
  }

  synchronized WorkflowClient get() {
    if (client == null) {
      client = factory.get();
    }
    return client;
  }
}
