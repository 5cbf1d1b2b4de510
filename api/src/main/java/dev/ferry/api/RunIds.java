package dev.ferry.api;

import java.util.List;

/**
 * Workflow ids of runs.
 *
 * @param workflowIds the ids
 */
public record RunIds(List<String> workflowIds) {

  public RunIds {
    workflowIds = workflowIds == null ? List.of() : List.copyOf(workflowIds);
  }
}
