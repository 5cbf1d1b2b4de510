package dev.ferry.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.api.ConcurrencyLimit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConcurrencyLimitsTest {

  private static final List<String> PROVIDERS = List.of("aws-batch", "do-app", "local");

  @Test
  void readsALimitPerProviderUnderItsUpperCasedName() {
    ConcurrencyLimits limits =
        ConcurrencyLimits.fromEnvironment(
            Map.of(
                "FERRY_MAX_CONCURRENT_LOCAL", "5",
                "FERRY_MAX_CONCURRENT_DO_APP", " 20 ",
                "FERRY_PROVIDER", "local"),
            PROVIDERS);

    assertThat(limits.limitFor("local")).isEqualTo(new ConcurrencyLimit("local", 5));
    assertThat(limits.limitFor("do-app")).isEqualTo(new ConcurrencyLimit("do-app", 20));
    assertThat(limits.limitFor("aws-batch").unlimited()).isTrue();
    assertThat(ConcurrencyLimits.variable("aws-batch")).isEqualTo("FERRY_MAX_CONCURRENT_AWS_BATCH");
  }

  @Test
  void unsetOrEmptyMeansNoLimit() {
    ConcurrencyLimits limits =
        ConcurrencyLimits.fromEnvironment(Map.of("FERRY_MAX_CONCURRENT_LOCAL", ""), PROVIDERS);

    assertThat(limits.limitFor("local").unlimited()).isTrue();
    assertThat(limits.asMap()).isEmpty();
  }

  @Test
  void refusesAValueThatIsNotAPositiveWholeNumberNamingTheVariable() {
    for (String bad : List.of("0", "-3", "five", "2.5", "99999999999")) {
      assertThatThrownBy(
              () ->
                  ConcurrencyLimits.fromEnvironment(
                      Map.of("FERRY_MAX_CONCURRENT_DO_APP", bad), PROVIDERS))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("FERRY_MAX_CONCURRENT_DO_APP must be a positive whole number")
          .hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void refusesAVariableNamingNoKnownProvider() {
    assertThatThrownBy(
            () ->
                ConcurrencyLimits.fromEnvironment(
                    Map.of("FERRY_MAX_CONCURRENT_LOCL", "5"), PROVIDERS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FERRY_MAX_CONCURRENT_LOCL names no known provider")
        .hasMessageContaining("FERRY_MAX_CONCURRENT_LOCAL");
  }
}
