package dev.ferry.api;

/** Puts one part of a request through {@link RequestBounds}, as every entry point does. */
final class Bounds {

  private Bounds() {}

  static ComputeSpec checked(ComputeSpec spec) {
    RequestBounds.check(null, valid().withCompute(spec));
    return spec;
  }

  static RunTimeouts checked(RunTimeouts timeouts) {
    RequestBounds.check(null, valid().withTimeouts(timeouts));
    return timeouts;
  }

  static RunRequest checked(RunRequest request) {
    RequestBounds.check(null, request);
    return request;
  }

  /** A request within every bound. */
  static RunRequest valid() {
    return RunRequest.of(
        "primes",
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
            .objectNode()
            .put("below", 100));
  }
}
