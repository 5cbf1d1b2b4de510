package dev.ferry.providers;

import dev.ferry.api.ComputeHandle;
import java.util.Map;

/**
 * A resource a provider holds, with the labels it carries: what the reaper needs to judge it.
 *
 * @param handle finds the resource again
 * @param labels its labels as they were given at provisioning (see {@link dev.ferry.api.Labels}); a
 *     label the platform could not keep readable is absent
 */
public record LabelledResource(ComputeHandle handle, Map<String, String> labels) {

  public LabelledResource {
    if (handle == null) {
      throw new IllegalArgumentException("handle must be set");
    }
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
