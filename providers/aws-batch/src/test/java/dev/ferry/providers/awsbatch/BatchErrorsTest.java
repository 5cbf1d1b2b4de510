package dev.ferry.providers.awsbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.providers.ProviderException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.batch.model.BatchException;
import software.amazon.awssdk.services.batch.model.ClientException;

class BatchErrorsTest {

  private static RuntimeException aws(int status, String code, String message) {
    return BatchException.builder()
        .statusCode(status)
        .awsErrorDetails(
            AwsErrorDetails.builder()
                .errorCode(code)
                .errorMessage(message)
                .sdkHttpResponse(
                    SdkHttpResponse.builder()
                        .statusCode(status)
                        .putHeader("Retry-After", "7")
                        .build())
                .build())
        .build();
  }

  @Test
  void throttlingIsRateLimitedWithTheServersRetryAfter() {
    RuntimeException e =
        BatchErrors.translate("submitting job x", aws(429, "TooManyRequestsException", "slow"));

    assertThat(e).isInstanceOf(ProviderException.RateLimited.class);
    assertThat(((ProviderException.RateLimited) e).retryAfter()).isEqualTo(Duration.ofSeconds(7));
    assertThat(BatchErrors.translate("x", aws(400, "ThrottlingException", "Rate exceeded")))
        .isInstanceOf(ProviderException.RateLimited.class);
  }

  @Test
  void accessDeniedIsAuthNamingThePermission() {
    RuntimeException e =
        BatchErrors.translate(
            "submitting job x",
            aws(
                403,
                "AccessDeniedException",
                "User: arn:aws:iam::1:user/ferry is not authorized to perform: batch:SubmitJob on"
                    + " resource: arn:aws:batch:us-east-1:1:job-queue/q"));

    assertThat(e)
        .isInstanceOf(ProviderException.Auth.class)
        .hasMessageContaining("submitting job x")
        .hasMessageContaining("grant batch:SubmitJob");
  }

  @Test
  void aRefusedRequestIsAnInvalidSpec() {
    RuntimeException refused =
        ClientException.builder()
            .statusCode(400)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("ClientException")
                    .errorMessage("Job queue nope does not exist")
                    .build())
            .build();

    assertThat(BatchErrors.translate("submitting job x", refused))
        .isInstanceOf(ProviderException.InvalidSpec.class)
        .hasMessageContaining("Job queue nope does not exist");
  }

  @Test
  void serverErrorsAndConnectionProblemsAreUnavailable() {
    assertThat(BatchErrors.translate("x", aws(500, "ServerException", "boom")))
        .isInstanceOf(ProviderException.Unavailable.class);
    assertThat(BatchErrors.translate("x", SdkClientException.create("connection refused")))
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessageContaining("unreachable");
  }

  @Test
  void leavesBugsAlone() {
    IllegalStateException bug = new IllegalStateException("bug");
    assertThat(BatchErrors.translate("x", bug)).isSameAs(bug);
  }
}
