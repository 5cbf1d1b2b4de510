package dev.ferry.providers.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DropletTagsTest {

  private static final Pattern ALLOWED = Pattern.compile("[a-zA-Z0-9_:-]{1,255}");

  @Test
  void writesLabelsInTheAlphabetDigitalOceanAllows() {
    assertThat(DropletTags.of(Map.of("ferry.managed", "true", "ferry.workflow-id", "pr/o r:1_ü")))
        .containsExactly("ferry_2emanaged:true", "ferry_2eworkflow-id:pr_2fo_20r_3a1_5f_c3_bc")
        .allMatch(tag -> ALLOWED.matcher(tag).matches());
  }

  @Test
  void hashesAValueTooLongForATag() {
    String tag = DropletTags.tag("ferry.workflow-id", "x".repeat(300));

    assertThat(tag).startsWith("ferry_2eworkflow-id:sha256-").matches(ALLOWED);
    assertThat(DropletTags.tag("ferry.workflow-id", "x".repeat(300))).isEqualTo(tag);
  }

  @Test
  void readsLabelsBackFromTheirTags() {
    Map<String, String> labels =
        Map.of(
            "ferry.managed", "true",
            "ferry.workflow-id", "pr/o r:1_ü",
            "ferry.lease-expires", "2026-11-22T05:00:00Z");

    assertThat(DropletTags.labels(DropletTags.of(labels))).isEqualTo(labels);
  }

  @Test
  void leavesOutHashedValuesAndForeignTags() {
    var tags =
        java.util.List.of(
            DropletTags.tag("ferry.workflow-id", "x".repeat(300)),
            DropletTags.tag("ferry.run-id", "r1"),
            "env:prod:eu",
            "web",
            "bad:_zz");

    assertThat(DropletTags.labels(tags)).containsExactly(Map.entry("ferry.run-id", "r1"));
  }
}
