package dev.ferry.api;

import java.util.List;

/**
 * One round's look at every configured provider.
 *
 * @param candidates resources to remove, each with its reason
 * @param kept how many resources stay: their run is open and their lease has not expired
 * @param unreachable providers that could not be listed this round, each with the reason
 */
public record ReaperSurvey(List<ReapCandidate> candidates, int kept, List<String> unreachable) {

  public ReaperSurvey {
    candidates = candidates == null ? List.of() : List.copyOf(candidates);
    unreachable = unreachable == null ? List.of() : List.copyOf(unreachable);
  }
}
