package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.providers.ProviderException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkerEnvNamesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "LD_PRELOAD",
        "LD_LIBRARY_PATH",
        "LD_AUDIT",
        "ld_preload",
        "JAVA_TOOL_OPTIONS",
        "JDK_JAVA_OPTIONS",
        "_JAVA_OPTIONS",
        "JAVA_OPTS",
        "CLASSPATH",
        "DYLD_INSERT_LIBRARIES",
        "BASH_ENV",
        "ENV",
        "PATH",
        "FERRY_TASK_QUEUE",
        "FERRY_GIT_TOKEN",
        "TEMPORAL_ADDRESS",
        "TEMPORAL_API_KEY"
      })
  void loaderJvmShellAndFerrysOwnNamesAreRefusedByName(String name) {
    assertThatThrownBy(() -> WorkerEnvNames.check(Set.of("GRADLE_OPTS", name)))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageStartingWith("compute.env must not set '" + name + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"GRADLE_OPTS", "MY_PATH", "LANG", "CI", "JAVA_HOME_X", "XFERRY_A"})
  void otherNamesAreAllowed(String name) {
    assertThat(WorkerEnvNames.refusal(name)).isNull();
    assertThatCode(() -> WorkerEnvNames.check(Set.of(name))).doesNotThrowAnyException();
  }

  @Test
  void ferrysOwnNamesSayWhoSetsThem() {
    assertThat(WorkerEnvNames.refusal("FERRY_IDLE_TIMEOUT")).contains("Ferry sets its own");
    assertThat(WorkerEnvNames.refusal("LD_PRELOAD")).contains("inject code");
  }
}
