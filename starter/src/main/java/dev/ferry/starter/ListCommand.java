package dev.ferry.starter;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry list}: recent runs, newest first. */
@Command(name = "list", description = "List runs, newest first.")
final class ListCommand implements Callable<Integer> {

  private static final String RUN_WORKFLOW = "RunWorkflow";

  private final CliContext context;

  @Option(names = "--limit", description = "most runs to show (default 50)")
  int limit = 50;

  @Option(names = "--json", description = "machine-readable output on stdout")
  boolean json;

  ListCommand(CliContext context) {
    this.context = context;
  }

  /** One run in the list. */
  record Row(String workflowId, String status, Instant startedAt) {}

  @Override
  public Integer call() {
    List<Row> rows = rows(context.client().get());
    if (json) {
      context.out().println(Output.json(rows));
    } else {
      context.out().printf("%-40s %-12s %s%n", "ID", "STATUS", "STARTED");
      rows.forEach(
          r -> context.out().printf("%-40s %-12s %s%n", r.workflowId(), r.status(), r.startedAt()));
    }
    return FerryCli.OK;
  }

  private List<Row> rows(WorkflowClient client) {
    try {
      return client
          .listExecutions("WorkflowType = '" + RUN_WORKFLOW + "'")
          .limit(limit)
          .map(ListCommand::row)
          .toList();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
      // The embedded test server has no visibility queries, only the older open/closed lists.
      return openAndClosed(client);
    }
  }

  private List<Row> openAndClosed(WorkflowClient client) {
    var stub = client.getWorkflowServiceStubs().blockingStub();
    String namespace = client.getOptions().getNamespace();
    List<WorkflowExecutionInfo> infos = new ArrayList<>();
    infos.addAll(
        stub.listOpenWorkflowExecutions(
                ListOpenWorkflowExecutionsRequest.newBuilder()
                    .setNamespace(namespace)
                    .setMaximumPageSize(limit)
                    .build())
            .getExecutionsList());
    infos.addAll(
        stub.listClosedWorkflowExecutions(
                ListClosedWorkflowExecutionsRequest.newBuilder()
                    .setNamespace(namespace)
                    .setMaximumPageSize(limit)
                    .build())
            .getExecutionsList());
    Map<String, Row> newest = new LinkedHashMap<>();
    infos.stream()
        .filter(i -> i.getType().getName().equals(RUN_WORKFLOW))
        .map(ListCommand::row)
        .sorted(Comparator.comparing(Row::startedAt).reversed())
        .forEach(r -> newest.putIfAbsent(r.workflowId(), r));
    return newest.values().stream().limit(limit).toList();
  }

  private static Row row(WorkflowExecutionMetadata metadata) {
    return new Row(
        metadata.getExecution().getWorkflowId(),
        shortStatus(metadata.getStatus().name()),
        metadata.getStartTime());
  }

  private static Row row(WorkflowExecutionInfo info) {
    return new Row(
        info.getExecution().getWorkflowId(),
        shortStatus(info.getStatus().name()),
        Instant.ofEpochSecond(info.getStartTime().getSeconds(), info.getStartTime().getNanos()));
  }

  private static String shortStatus(String status) {
    return status.replace("WORKFLOW_EXECUTION_STATUS_", "");
  }
}
