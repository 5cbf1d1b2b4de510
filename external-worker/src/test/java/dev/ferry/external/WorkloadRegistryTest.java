package dev.ferry.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.api.Workload;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WorkloadRegistryTest {

  @Test
  void builtInsRunEveryWorkloadTheApiNames() {
    WorkloadRegistry builtIns = WorkloadRegistry.builtIns();

    assertThat(builtIns.ids())
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(Workload.values()).map(Workload::id).toList());
  }

  @Test
  void rejectsTwoWorkloadsWithOneId() {
    assertThatThrownBy(() -> WorkloadRegistry.builtIns().with(new ShellWorkload()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'shell'");
  }
}
