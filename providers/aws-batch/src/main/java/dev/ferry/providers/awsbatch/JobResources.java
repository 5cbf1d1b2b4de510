package dev.ferry.providers.awsbatch;

import dev.ferry.api.ComputeSpec;
import dev.ferry.providers.ProviderException;
import dev.ferry.providers.awsbatch.BatchSettings.Platform;
import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * The vCPU and memory a job asks Batch for, checked against Batch's limits for the platform.
 *
 * @param vcpus vCPUs, as Batch takes them ({@code 1}, {@code 0.25})
 * @param memoryMb memory in MiB
 */
record JobResources(String vcpus, int memoryMb) {

  static final double DEFAULT_VCPUS = 1;
  static final int DEFAULT_MEMORY_MB = 2048;
  static final int EC2_MIN_MEMORY_MB = 4;

  /** Fargate's vCPU sizes and, for each, its memory range and step in MiB. */
  private static final Map<Double, int[]> FARGATE =
      new TreeMap<>(
          Map.of(
              0.25, new int[] {512, 2048, 512},
              0.5, new int[] {1024, 4096, 1024},
              1.0, new int[] {2048, 8192, 1024},
              2.0, new int[] {4096, 16384, 1024},
              4.0, new int[] {8192, 30720, 1024},
              8.0, new int[] {16384, 61440, 4096},
              16.0, new int[] {32768, 122880, 8192}));

  /**
   * The resources for {@code spec} on {@code platform}.
   *
   * @throws ProviderException.InvalidSpec naming the field Batch would refuse
   */
  static JobResources of(ComputeSpec spec, Platform platform) {
    double cpus = spec.cpus() > 0 ? spec.cpus() : DEFAULT_VCPUS;
    int memory = spec.memoryMb() > 0 ? spec.memoryMb() : DEFAULT_MEMORY_MB;
    return switch (platform) {
      case EC2 -> ec2(cpus, memory);
      case FARGATE -> fargate(cpus, memory);
    };
  }

  private static JobResources ec2(double cpus, int memory) {
    if (cpus != Math.rint(cpus)) {
      throw new ProviderException.InvalidSpec(
          "compute.cpus must be a whole number of vCPUs on aws-batch with EC2, was " + cpus);
    }
    if (memory < EC2_MIN_MEMORY_MB) {
      throw new ProviderException.InvalidSpec(
          "compute.memoryMb must be at least "
              + EC2_MIN_MEMORY_MB
              + " on aws-batch (Batch's minimum), was "
              + memory);
    }
    return new JobResources(format(cpus), memory);
  }

  private static JobResources fargate(double cpus, int memory) {
    int[] range = FARGATE.get(cpus);
    if (range == null) {
      throw new ProviderException.InvalidSpec(
          "compute.cpus must be one of Fargate's sizes 0.25, 0.5, 1, 2, 4, 8, 16 on aws-batch"
              + " with FARGATE, was "
              + cpus);
    }
    if (memory < range[0] || memory > range[1] || (memory - range[0]) % range[2] != 0) {
      throw new ProviderException.InvalidSpec(
          "compute.memoryMb must be "
              + range[0]
              + " to "
              + range[1]
              + " MiB in steps of "
              + range[2]
              + " for "
              + format(cpus)
              + " vCPU on Fargate, was "
              + memory);
    }
    return new JobResources(format(cpus), memory);
  }

  private static String format(double cpus) {
    return BigDecimal.valueOf(cpus).stripTrailingZeros().toPlainString();
  }
}
