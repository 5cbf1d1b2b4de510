package dev.ferry.providers.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;

import com.myjeeva.digitalocean.common.DropletStatus;
import dev.ferry.api.ComputeState;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every droplet status DigitalOcean reports. */
class DropletStatesTest {

  @Test
  void mapsEveryDropletStatus() {
    Map<DropletStatus, Class<? extends ComputeState>> expected = new EnumMap<>(DropletStatus.class);
    expected.put(DropletStatus.NEW, ComputeState.Pending.class);
    expected.put(DropletStatus.ACTIVE, ComputeState.Running.class);
    expected.put(DropletStatus.OFF, ComputeState.Failed.class);
    expected.put(DropletStatus.ARCHIVE, ComputeState.Failed.class);

    assertThat(expected.keySet()).containsExactlyInAnyOrder(DropletStatus.values());
    expected.forEach(
        (status, type) ->
            assertThat(DropletStates.toComputeState(status)).as(status.name()).isInstanceOf(type));
    assertThat(DropletStates.toComputeState(DropletStatus.OFF).toString())
        .contains("powered off")
        .contains("lease");
    assertThat(DropletStates.toComputeState(null)).isInstanceOf(ComputeState.Pending.class);
  }
}
