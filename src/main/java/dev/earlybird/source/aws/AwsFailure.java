package dev.earlybird.source.aws;

import dev.earlybird.source.ErrorReason;
import dev.earlybird.source.SourceException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns an SDK exception into a {@link SourceException} with a reason an operator can act on. Messages name the
 * IAM action that was denied, because "access denied" alone sends people hunting through policies. No message
 * holds credentials: the SDK's own messages carry the service, status and request id only.
 */
public final class AwsFailure {
  private static final Set<String> THROTTLED = Set.of("ThrottlingException", "Throttling", "ThrottledException",
      "RequestLimitExceeded", "TooManyRequestsException", "RequestThrottled", "RequestThrottledException",
      "SlowDown", "PriorRequestNotComplete", "LimitExceededException");
  private static final Set<String> DENIED = Set.of("AccessDenied", "AccessDeniedException", "NotAuthorizedException",
      "UnauthorizedOperation", "UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken",
      "ExpiredTokenException", "SignatureDoesNotMatch", "MissingAuthenticationToken", "AuthFailure");
  private static final Set<String> BAD_REQUEST = Set.of("InvalidArgumentException", "InvalidParameterValue",
      "InvalidParameterValueException", "InvalidParameterCombination", "ValidationError", "ValidationException",
      "MissingParameter", "MissingRequiredParameter");

  private AwsFailure() {}

  /**
   * @param context what was being done, e.g. "target aurora-1: Performance Insights"
   * @param action the IAM action of the call, e.g. {@code pi:DescribeDimensionKeys}
   */
  public static SourceException of(String context, String action, SdkException error) {
    ErrorReason reason = classify(error);
    String what = switch (reason) {
      case AUTH -> NO_CREDENTIALS;
      case PERMISSION -> "access denied for " + action + " (" + code(error)
          + "); grant the agent's role " + action + " on this resource";
      case THROTTLED -> "throttled by AWS on " + action + " after the SDK's retries; lower aws.requestsPerSecond "
          + "or raise the interval";
      case DNS -> "the AWS endpoint does not resolve; check the region, aws.endpoint and DNS";
      case CONNECT -> "cannot reach the AWS endpoint; check aws.endpoint, proxies and VPC endpoints";
      case TIMEOUT -> "the AWS call timed out";
      case NOT_ENABLED -> action + ": " + firstLine(error.getMessage()) + "; enable the feature on the instance";
      default -> action + " failed: " + firstLine(error.getMessage());
    };
    return new SourceException(reason, context + ": " + what, error);
  }

  public static ErrorReason classify(SdkException error) {
    if (noCredentials(error)) {
      return ErrorReason.AUTH;
    }
    if (error instanceof AwsServiceException service) {
      String code = code(service);
      if (THROTTLED.contains(code) || service.isThrottlingException()) {
        return ErrorReason.THROTTLED;
      }
      if (DENIED.contains(code) || service.statusCode() == 403) {
        return ErrorReason.PERMISSION;
      }
      String message = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorMessage();
      if (message != null && message.matches("(?is).*(not enabled|isn't enabled|is disabled|not been enabled).*")) {
        return ErrorReason.NOT_ENABLED;
      }
      if (BAD_REQUEST.contains(code)) {
        return ErrorReason.BAD_VALUE;
      }
      return ErrorReason.OTHER;
    }
    if (error instanceof ApiCallTimeoutException || error instanceof ApiCallAttemptTimeoutException) {
      return ErrorReason.TIMEOUT;
    }
    for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof UnknownHostException) {
        return ErrorReason.DNS;
      }
      if (t instanceof SocketTimeoutException) {
        return ErrorReason.TIMEOUT;
      }
      if (t instanceof ConnectException) {
        return ErrorReason.CONNECT;
      }
    }
    return ErrorReason.OTHER;
  }

  /**
   * The SDK found no credentials anywhere. Its own message lists every provider of the chain and why each failed,
   * hundreds of characters that bury the one thing to do; this is that thing.
   */
  static final String NO_CREDENTIALS = "no AWS credentials found; give the agent an IAM role (EC2 instance "
      + "profile, ECS task role or EKS service account) or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
      + "AWS_SECRET_ACCESS_KEY";

  private static boolean noCredentials(SdkException error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SdkClientException && t.getMessage() != null
          && t.getMessage().startsWith("Unable to load credentials")) {
        return true;
      }
    }
    return false;
  }

  private static String code(SdkException error) {
    if (error instanceof AwsServiceException service && service.awsErrorDetails() != null
        && service.awsErrorDetails().errorCode() != null) {
      return service.awsErrorDetails().errorCode();
    }
    return error.getClass().getSimpleName();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no message";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
