package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.providers.ProviderException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AllowedImagesTest {

  private static final String CONFIGURED = "ferry-external-worker:local";

  private static AllowedImages allowed(String value) {
    return AllowedImages.fromEnvironment(Map.of(AllowedImages.ENV, value));
  }

  @Test
  void withNothingSetOnlyTheConfiguredImageIsAllowed() {
    AllowedImages none = AllowedImages.fromEnvironment(Map.of());

    assertThat(none.allows(CONFIGURED, CONFIGURED)).isTrue();
    assertThat(none.allows("ferry-external-worker:other", CONFIGURED)).isFalse();
    assertThatThrownBy(() -> none.check("evil:1", CONFIGURED))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessage(
            "compute.image 'evil:1' is not allowed: this orchestrator runs only its configured"
                + " image ferry-external-worker:local");
  }

  @Test
  void withNoConfiguredImageAndNothingSetEveryNamedImageIsRefused() {
    assertThatThrownBy(() -> AllowedImages.ONLY_CONFIGURED.check("any:1", null))
        .hasMessageContaining("no configured image")
        .hasMessageContaining("FERRY_ALLOWED_IMAGES");
  }

  @Test
  void aRunThatNamesNoImageIsNotChecked() {
    AllowedImages.ONLY_CONFIGURED.check(null, null);
  }

  @ParameterizedTest
  @CsvSource({
    "registry.example/team/*, registry.example/team/worker:1, true",
    "registry.example/team/*, registry.example/team/sub/worker:1, true",
    "registry.example/team/*, registry.example/other/worker:1, false",
    "registry.example/team/*, evil.example/registry.example/team/worker:1, false",
    "registry.example/team/*, registry.example/teamx/worker:1, false",
    "ferry-external-worker:*, ferry-external-worker:e2e, true",
    "ferry-external-worker:*, ferry-external-worker-evil:1, false",
    "ferry-external-worker:*, docker.io/library/ferry-external-worker:1, false",
    "ferry-external-worker:e2e, ferry-external-worker:e2e, true",
    "ferry-external-worker:e2e, ferry-external-worker:e2e2, false",
    "ferry-external-worker:e2e, ferry-external-worker:e2e@sha256:"
        + "0000000000000000000000000000000000000000000000000000000000000000, false",
    "repo@sha256:*, repo@sha256:"
        + "0000000000000000000000000000000000000000000000000000000000000000, true",
    "a.b+c:1, a.b+c:1, true",
    "a.b+c:1, aXb+c:1, false",
  })
  void aPatternMatchesTheWholeReferenceWithStarForAnyRun(
      String pattern, String image, boolean expected) {
    assertThat(allowed(pattern).allows(image, CONFIGURED)).isEqualTo(expected);
  }

  @Test
  void severalPatternsAreCommaSeparatedAndTheConfiguredImageStaysAllowed() {
    AllowedImages images = allowed(" ferry-callback-example:* , registry.example/team/* ");

    assertThat(images.allows("ferry-callback-example:e2e", CONFIGURED)).isTrue();
    assertThat(images.allows("registry.example/team/w:2", CONFIGURED)).isTrue();
    assertThat(images.allows(CONFIGURED, CONFIGURED)).isTrue();
    assertThatThrownBy(() -> images.check("other:1", CONFIGURED))
        .hasMessageContaining("'other:1' is not allowed")
        .hasMessageContaining("ferry-callback-example:*, registry.example/team/*");
  }

  @Test
  void anEmptyPatternIsAConfigurationError() {
    assertThatThrownBy(() -> allowed("a:*,,b:*"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FERRY_ALLOWED_IMAGES");
  }
}
