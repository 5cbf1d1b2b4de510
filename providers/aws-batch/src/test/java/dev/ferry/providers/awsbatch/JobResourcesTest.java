package dev.ferry.providers.awsbatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.api.ComputeSpec;
import dev.ferry.providers.ProviderException;
import dev.ferry.providers.awsbatch.BatchSettings.Platform;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobResourcesTest {

  private static ComputeSpec spec(double cpus, int memoryMb) {
    return new ComputeSpec("aws-batch", "img:1", cpus, memoryMb, null, Map.of());
  }

  @Test
  void defaultsToOneVcpuAndTwoGigabytes() {
    assertThat(JobResources.of(spec(0, 0), Platform.EC2)).isEqualTo(new JobResources("1", 2048));
    assertThat(JobResources.of(spec(0, 0), Platform.FARGATE))
        .isEqualTo(new JobResources("1", 2048));
  }

  @Test
  void ec2TakesWholeVcpus() {
    assertThat(JobResources.of(spec(4, 512), Platform.EC2)).isEqualTo(new JobResources("4", 512));
    assertThatThrownBy(() -> JobResources.of(spec(0.5, 0), Platform.EC2))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageContaining("compute.cpus must be a whole number");
    assertThatThrownBy(() -> JobResources.of(spec(1, 2), Platform.EC2))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageContaining("compute.memoryMb must be at least 4");
  }

  @Test
  void fargateTakesItsSizesOnly() {
    assertThat(JobResources.of(spec(0.25, 512), Platform.FARGATE))
        .isEqualTo(new JobResources("0.25", 512));
    assertThatThrownBy(() -> JobResources.of(spec(3, 8192), Platform.FARGATE))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageContaining("Fargate's sizes");
    assertThatThrownBy(() -> JobResources.of(spec(1, 1024), Platform.FARGATE))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageContaining("2048 to 8192 MiB in steps of 1024 for 1 vCPU");
  }
}
