package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevServerSettingsTest {

  private static final Path HOME = Path.of("/home/ada");

  @Test
  void keepsStateUnderTheUsersDataDirectoryOnDefaultPorts() {
    DevServerSettings settings = DevServerSettings.fromEnvironment(Map.of("HOME", "/home/ada"));

    assertThat(settings)
        .isEqualTo(
            new DevServerSettings(
                false, Path.of("/home/ada/.local/share/ferry"), 7233, 8233, HOME, "ferry"));
    assertThat(settings.database()).isEqualTo(Path.of("/home/ada/.local/share/ferry/temporal.db"));
    assertThat(settings.address()).isEqualTo("127.0.0.1:7233");
  }

  @Test
  void usesItsOwnNamespaceUnlessTemporalNamespaceNamesAnother() {
    assertThat(DevServerSettings.fromEnvironment(Map.of()).namespace()).isEqualTo("ferry");
    assertThat(
            DevServerSettings.fromEnvironment(Map.of("TEMPORAL_NAMESPACE", "builds")).namespace())
        .isEqualTo("builds");
  }

  @Test
  void followsXdgDataHome() {
    assertThat(DevServerSettings.dataDir(Map.of("XDG_DATA_HOME", "/data/ada"), HOME))
        .isEqualTo(Path.of("/data/ada/ferry"));
  }

  @Test
  void ignoresARelativeXdgDataHomeAsTheSpecificationSays() {
    assertThat(DevServerSettings.dataDir(Map.of("XDG_DATA_HOME", "data"), HOME))
        .isEqualTo(Path.of("/home/ada/.local/share/ferry"));
  }

  @Test
  void ferryDataDirWinsOverXdgDataHome() {
    assertThat(
            DevServerSettings.dataDir(
                Map.of("FERRY_DATA_DIR", "/srv/ferry", "XDG_DATA_HOME", "/data/ada"), HOME))
        .isEqualTo(Path.of("/srv/ferry"));
  }

  @Test
  void readsPortsAndTheInMemoryMode() {
    DevServerSettings settings =
        DevServerSettings.fromEnvironment(
            Map.of(
                "HOME", "/home/ada",
                "FERRY_TEMPORAL_PORT", "17233",
                "FERRY_TEMPORAL_UI_PORT", "18233",
                "FERRY_TEMPORAL", "memory"));

    assertThat(settings.port()).isEqualTo(17233);
    assertThat(settings.uiPort()).isEqualTo(18233);
    assertThat(settings.inMemory()).isTrue();
  }

  @Test
  void namesTheBadVariable() {
    assertThatThrownBy(() -> DevServerSettings.fromEnvironment(Map.of("FERRY_TEMPORAL", "disk")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FERRY_TEMPORAL must be dev-server (the default) or memory");
    assertThatThrownBy(
            () -> DevServerSettings.fromEnvironment(Map.of("FERRY_TEMPORAL_UI_PORT", "0")))
        .hasMessageContaining("FERRY_TEMPORAL_UI_PORT must be a port number");
    assertThatThrownBy(
            () -> DevServerSettings.fromEnvironment(Map.of("FERRY_TEMPORAL_UI_PORT", "7233")))
        .hasMessageContaining("FERRY_TEMPORAL_PORT and FERRY_TEMPORAL_UI_PORT must differ");
  }
}
