package dev.ferry.providers.awsbatch;

import dev.ferry.providers.ProviderException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Translates the AWS SDK's exceptions into {@link ProviderException}s, so nothing AWS-specific
 * leaves the provider. The SDK has already retried what its retry policy retries (throttling
 * included, with backoff) by the time an exception gets here.
 */
final class BatchErrors {

  private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);

  private BatchErrors() {}

  /**
   * The neutral form of a failure while doing {@code action}; a failure that is not the SDK's (a
   * bug) is returned as it is.
   */
  static RuntimeException translate(String action, RuntimeException e) {
    if (e instanceof ProviderException) {
      return e;
    }
    if (e instanceof AwsServiceException aws) {
      return service(action, aws);
    }
    if (e instanceof SdkClientException) {
      return new ProviderException.Unavailable(
          "aws-batch: " + action + ": AWS is unreachable: " + e.getMessage(), e);
    }
    if (e instanceof SdkException) {
      return new ProviderException.Unavailable("aws-batch: " + action + ": " + e.getMessage(), e);
    }
    return e;
  }

  private static RuntimeException service(String action, AwsServiceException e) {
    String code = e.awsErrorDetails() == null ? "" : nullToEmpty(e.awsErrorDetails().errorCode());
    String said = said(e);
    String message = "aws-batch: " + action + ": " + (code.isEmpty() ? "" : code + ": ") + said;
    if (e.isThrottlingException() || code.equals("TooManyRequestsException")) {
      return new ProviderException.RateLimited(message, retryAfter(e), e);
    }
    if (isAuth(code, e.statusCode())) {
      return new ProviderException.Auth(message + permissionHint(said), e);
    }
    if (code.equals("ResourceNotFoundException")) {
      return new ProviderException.NotFound(message, e);
    }
    if (code.contains("Limit") || code.contains("Quota")) {
      return new ProviderException.Quota(message, e);
    }
    int status = e.statusCode();
    if (status >= 400 && status < 500) {
      // Batch answers ClientException for what it cannot accept: an unknown queue or job
      // definition, an invalid name, resources out of range.
      return new ProviderException.InvalidSpec(message, e);
    }
    return new ProviderException.Unavailable(message, e);
  }

  private static boolean isAuth(String code, int status) {
    return switch (code) {
      case "AccessDeniedException",
          "AccessDenied",
          "UnauthorizedOperation",
          "UnrecognizedClientException",
          "InvalidClientTokenId",
          "InvalidSignatureException",
          "SignatureDoesNotMatch",
          "ExpiredTokenException",
          "ExpiredToken",
          "MissingAuthenticationTokenException" ->
          true;
      default -> status == 401 || status == 403;
    };
  }

  /** AWS names the action it refused ("is not authorized to perform: batch:SubmitJob"). */
  private static String permissionHint(String said) {
    int at = said.toLowerCase(Locale.ROOT).indexOf("perform: ");
    if (at < 0) {
      return "";
    }
    String action = said.substring(at + "perform: ".length()).split("[\\s,]")[0];
    return action.isEmpty() ? "" : " (grant " + action + " to Ferry's AWS identity)";
  }

  private static Duration retryAfter(AwsServiceException e) {
    Optional<String> header =
        e.awsErrorDetails() == null || e.awsErrorDetails().sdkHttpResponse() == null
            ? Optional.empty()
            : e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("Retry-After");
    try {
      return header
          .map(v -> Duration.ofSeconds(Long.parseLong(v.strip())))
          .orElse(DEFAULT_RETRY_AFTER);
    } catch (NumberFormatException ignored) {
      return DEFAULT_RETRY_AFTER;
    }
  }

  private static String said(AwsServiceException e) {
    String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
    return message == null || message.isBlank() ? String.valueOf(e.getMessage()) : message;
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }
}
