package dev.ferry.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WorkerLockdownTest {

  @ParameterizedTest
  @CsvSource({
    "'',true",
    "root,true",
    "0,true",
    "0:0,true",
    "root:10001,true",
    "000,true",
    "10001,false",
    "10001:10001,false",
    "ferry,false",
    "10,false"
  })
  void aUserIsRootWhenEmptyRootOrUidZero(String user, boolean root) {
    assertThat(WorkerLockdown.runsAsRoot(user)).isEqualTo(root);
  }

  @Test
  void defaultsToTheWorkerImagesUserAndReadsAnother() {
    assertThat(WorkerLockdown.fromEnv(Map.of())).isEqualTo(WorkerLockdown.DEFAULT);
    assertThat(WorkerLockdown.DEFAULT.user()).isEqualTo("10001:10001");
    assertThat(WorkerLockdown.fromEnv(Map.of("FERRY_WORKER_USER", " 2000:3000 ")).user())
        .isEqualTo("2000:3000");
  }

  @ParameterizedTest
  @ValueSource(strings = {"root", "0", "0:0", "root:ferry", "a b", "x;rm -rf /", "1:2:3"})
  void refusesRootAndAnythingButUserColonGroupNamingTheVariable(String user) {
    assertThatThrownBy(() -> WorkerLockdown.fromEnv(Map.of("FERRY_WORKER_USER", user)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("FERRY_WORKER_USER must");
  }

  @Test
  void givesDockerRunTheFlagsTheDockerProviderSetsThroughItsApi() {
    assertThat(String.join(" ", WorkerLockdown.DEFAULT.dockerRunArguments()))
        .isEqualTo(
            "--cap-drop ALL --security-opt no-new-privileges --pids-limit 512 --read-only"
                + " --tmpfs /tmp:rw,exec,nosuid,nodev,mode=1777 --user 10001:10001");
  }
}
