package dev.ferry.orchestrator;

import io.temporal.client.WorkflowClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A workflow's whole history as text to search: the events as JSON, and every payload in them
 * decoded (in the JSON, a payload's data is base64, so a search of the JSON alone would never find
 * a value sent in an input, a result or a heartbeat).
 */
final class HistoryText {

  private static final Pattern PAYLOAD_DATA = Pattern.compile("\"data\":\\s*\"([A-Za-z0-9+/=]*)\"");

  private HistoryText() {}

  static String of(WorkflowClient client, String workflowId) {
    // The JSON printer escapes '=' (base64 padding) as \u003d.
    String json = client.fetchHistory(workflowId).toJson(true).replace("\\u003d", "=");
    StringBuilder text = new StringBuilder(json);
    Matcher data = PAYLOAD_DATA.matcher(json);
    while (data.find()) {
      text.append('\n')
          .append(new String(Base64.getDecoder().decode(data.group(1)), StandardCharsets.UTF_8));
    }
    return text.toString();
  }
}
