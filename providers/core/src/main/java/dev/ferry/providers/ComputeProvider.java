package dev.ferry.providers;

import dev.ferry.api.ComputeHandle;
import dev.ferry.api.ComputeSpec;
import dev.ferry.api.ComputeState;
import dev.ferry.api.ProvisionRequest;
import dev.ferry.api.TeardownReceipt;
import java.util.List;

/**
 * A place Ferry can run an external worker: a local process, a container, a batch job, an app.
 *
 * <p>Implementations must be thread-safe: the orchestrator calls them from many activity threads at
 * once. Every method may be retried after a crash, so each must be safe to call again with the same
 * arguments: {@link #provision} is get-or-create by name and {@link #deprovision} treats a missing
 * resource as success. Failures are thrown as {@link ProviderException}s.
 */
public interface ComputeProvider {

  /** The id users select the provider by, e.g. {@code local} or {@code docker}. */
  String id();

  /**
   * Rejects a spec this provider cannot run, before anything is created.
   *
   * @throws ProviderException.InvalidSpec naming the problem
   */
  default void validate(ComputeSpec spec) {}

  /**
   * For providers that run the external-worker image: rejects a spec without one, saying where an
   * image comes from.
   *
   * @throws ProviderException.InvalidSpec when the spec names no image
   */
  static void requireImage(String provider, ComputeSpec spec) {
    if (spec.image() == null) {
      throw new ProviderException.InvalidSpec(
          "provider '"
              + provider
              + "' runs an image: set FERRY_IMAGE (or"
              + " IMAGE_REGISTRY/IMAGE_REPOSITORY/IMAGE_TAG) or the run's image");
    }
  }

  /**
   * The reference every attempt of a run uses instead of {@code image}: resolved once, when the run
   * starts, to one exact image, so that a tag moved mid-run cannot change the code a resumed run
   * executes. A reference that is already pinned ({@code @sha256:...}) is returned as it is.
   *
   * <p>By default the registry's digest ({@code REGISTRY/REPOSITORY@sha256:...}, through the
   * registry HTTP API with the Docker config's credentials). The reference is kept as it is, with a
   * warning, and the platform pulls the tag, when the registry cannot be reached, or when the
   * reference names no registry (Docker Hub) and the Docker config holds no Docker Hub login.
   *
   * @throws ProviderException.Auth when the registry refuses the credentials
   * @throws ProviderException.InvalidSpec when the registry has no such image
   */
  default String pinImage(String image) {
    return ImagePinning.pinOrKeep(image);
  }

  /**
   * Creates the resource named {@code request.name()}, or returns the one that already exists.
   *
   * <p>The request's environment already holds everything the worker needs, secrets included.
   */
  ComputeHandle provision(ProvisionRequest request);

  /** The resource's state now; {@link ComputeState.Gone} when there is no such resource. */
  ComputeState describe(ComputeHandle handle);

  /**
   * Captures what the resource left behind (exit code, last log lines), then removes it and waits
   * until the platform confirms it is gone. A resource that is already gone yields a receipt with
   * {@code found == false}.
   */
  TeardownReceipt deprovision(ComputeHandle handle);

  /**
   * Every resource this provider holds that carries all of the selector's labels, with its labels,
   * so that the reaper can judge it by the run it belongs to and its lease.
   */
  List<LabelledResource> listLabelled(LabelSelector selector);

  /** Every resource this provider holds that carries all of the selector's labels. */
  default List<ComputeHandle> list(LabelSelector selector) {
    return listLabelled(selector).stream().map(LabelledResource::handle).toList();
  }
}
