package dev.ferry.providers.digitalocean;

import com.myjeeva.digitalocean.common.DropletStatus;
import dev.ferry.api.ComputeState;

/**
 * Maps a droplet's status to a {@link ComputeState}: the one place that knows DigitalOcean's
 * droplet statuses ({@code new, active, off, archive}).
 */
final class DropletStates {

  private DropletStates() {}

  static ComputeState toComputeState(DropletStatus status) {
    if (status == null) {
      return new ComputeState.Pending("droplet status unknown");
    }
    return switch (status) {
      case NEW -> new ComputeState.Pending("droplet new (booting)");
      // Active means the machine runs; cloud-init then pulls and starts the worker image.
      case ACTIVE -> new ComputeState.Running();
      // The worker's exit powers the droplet off, as does its lease: no exit code crosses the API.
      case OFF ->
          new ComputeState.Failed(
              "droplet is powered off: its worker ended or its lease ran out (no exit code is"
                  + " readable through DigitalOcean's API)");
      case ARCHIVE -> new ComputeState.Failed("droplet is archived");
    };
  }
}
