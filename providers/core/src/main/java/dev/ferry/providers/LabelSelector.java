package dev.ferry.providers;

import dev.ferry.api.Labels;
import java.util.Map;

/**
 * Selects resources that carry all of the given labels.
 *
 * @param labels label keys and the values they must have
 */
public record LabelSelector(Map<String, String> labels) {

  public LabelSelector {
    labels = Map.copyOf(labels);
  }

  /** Every resource Ferry manages. */
  public static LabelSelector managed() {
    return new LabelSelector(Map.of(Labels.MANAGED, "true"));
  }

  public LabelSelector and(String key, String value) {
    var merged = new java.util.HashMap<>(labels);
    merged.put(key, value);
    return new LabelSelector(merged);
  }

  public boolean matches(Map<String, String> resourceLabels) {
    return labels.entrySet().stream()
        .allMatch(e -> e.getValue().equals(resourceLabels.get(e.getKey())));
  }
}
