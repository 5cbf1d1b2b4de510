package dev.ferry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StrictJsonTest {

  @Test
  void readsWellFormedJson() {
    assertThat(StrictJson.readTree("{\"a\":{\"b\":[1,2.5,\"x\"]}} ").path("a").path("b").size())
        .isEqualTo(3);
  }

  @Test
  void refusesTextAfterTheValue() {
    assertThatThrownBy(() -> StrictJson.readTree("{\"a\":1} x"))
        .isInstanceOf(StrictJson.Invalid.class)
        .hasMessageContaining("'x'");
    assertThatThrownBy(() -> StrictJson.readTree("{\"a\":1}{}"))
        .isInstanceOf(StrictJson.Invalid.class)
        .hasMessageStartingWith("unexpected text after the JSON value");
  }

  @Test
  void refusesADuplicateKeyNamingIt() {
    assertThatThrownBy(() -> StrictJson.readTree("{\"a\":{\"b\":1,\"b\":2}}"))
        .isInstanceOfSatisfying(StrictJson.Invalid.class, e -> assertThat(e.key()).isEqualTo("b"))
        .hasMessage("duplicate key 'b': each key once");
  }

  @Test
  void refusesStringsForNumbersAndFractionsForWholeNumbers() throws Exception {
    assertThatThrownBy(() -> StrictJson.MAPPER.readValue("{\"below\":\"10\"}", PrimesInput.class))
        .hasMessageContaining("below");
    assertThatThrownBy(() -> StrictJson.MAPPER.readValue("{\"below\":10.5}", PrimesInput.class))
        .hasMessageContaining("below");
    assertThat(StrictJson.MAPPER.readValue("{\"below\":10}", PrimesInput.class))
        .isEqualTo(new PrimesInput(10));
  }
}
