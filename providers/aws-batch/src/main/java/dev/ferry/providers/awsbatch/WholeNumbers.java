package dev.ferry.providers.awsbatch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Lets the SDK read the responses of emulators (moto) that write integers as floats ({@code
 * "vcpus": 1.0}, {@code "timestamp": 1763775596123.456}) where AWS writes integers, which the SDK
 * refuses to parse: the fraction is dropped. Installed only with an endpoint override: AWS's own
 * endpoints never need it.
 */
final class WholeNumbers implements ExecutionInterceptor {

  /** Counts and epoch milliseconds: integers in AWS's models, written with a fraction by moto. */
  private static final Pattern WHOLE_FLOAT =
      Pattern.compile(
          "(\"(?:vcpus|timestamp|ingestionTime|[A-Za-z]+(?:At|Time|Timestamp))\"\\s*:\\s*)"
              + "(-?\\d+)\\.\\d+(?:[eE][+-]?\\d+)?(?=\\s*[,}\\]])");

  static String fix(String json) {
    return WHOLE_FLOAT.matcher(json).replaceAll("$1$2");
  }

  @Override
  public Optional<InputStream> modifyHttpResponseContent(
      Context.ModifyHttpResponse context, ExecutionAttributes executionAttributes) {
    Optional<InputStream> body = context.responseBody();
    if (body.isEmpty()) {
      return body;
    }
    try (InputStream in = body.get()) {
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return Optional.of(new ByteArrayInputStream(fix(json).getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("reading a Batch response", e);
    }
  }
}
