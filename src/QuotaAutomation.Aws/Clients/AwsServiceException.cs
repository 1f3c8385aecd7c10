using System.Net;

namespace QuotaAutomation.Aws.Clients;

/// <summary>
/// An error answered by an AWS service, by its error code (the API's shape name, e.g. <c>ThrottlingException</c>).
/// Named like the SDK's <c>AmazonServiceException</c>; <see cref="Create"/> returns the typed subclass for the codes
/// the engine acts on.
/// </summary>
public class AwsServiceException(string errorCode, string message, HttpStatusCode statusCode, string operation, string? requestId)
    : Exception($"{operation}: {errorCode}: {message}")
{
    public string ErrorCode { get; } = errorCode;

    public string ErrorMessage { get; } = message;

    public HttpStatusCode StatusCode { get; } = statusCode;

    public string Operation { get; } = operation;

    public string? RequestId { get; } = requestId;

    /// <summary>Throttling codes across the services used (Service Quotas, CloudWatch, SNS, Step Functions, Support, EventBridge, DynamoDB, Organizations, Account).</summary>
    public bool IsThrottling => ErrorCode is "ThrottlingException" or "Throttling" or "TooManyRequestsException" or "RequestLimitExceeded"
        or "ProvisionedThroughputExceededException" or "RequestThrottledException" or "ThrottledException" || StatusCode == (HttpStatusCode)429;

    /// <summary>
    /// Worth another try: throttling or a server-side failure (5xx). Client errors are not retried, nor an HTML error
    /// page: emulators answer operations they lack that way (AWS never does), and asking again changes nothing.
    /// </summary>
    public bool IsRetryable => ErrorCode != HtmlErrorPage && (IsThrottling || (int)StatusCode >= 500);

    /// <summary>The code given to an error answered with an HTML page instead of an AWS error body.</summary>
    public const string HtmlErrorPage = "HtmlErrorPage";

    public static AwsServiceException Create(string code, string message, HttpStatusCode status, string operation, string? requestId) => code switch
    {
        "ThrottlingException" or "Throttling" or "TooManyRequestsException" => new ThrottlingException(code, message, status, operation, requestId),
        "ResourceAlreadyExistsException" => new ResourceAlreadyExistsException(code, message, status, operation, requestId),
        "QuotaExceededException" => new QuotaExceededException(code, message, status, operation, requestId),
        "NoSuchResourceException" => new NoSuchResourceException(code, message, status, operation, requestId),
        "IllegalArgumentException" => new IllegalArgumentException(code, message, status, operation, requestId),
        "InvalidResourceStateException" => new InvalidResourceStateException(code, message, status, operation, requestId),
        "AccessDeniedException" or "AccessDenied" or "AuthorizationError" => new AccessDeniedException(code, message, status, operation, requestId),
        _ => new AwsServiceException(code, message, status, operation, requestId),
    };
}

#pragma warning disable CA1032 // AWS error types are built by AwsServiceException.Create only: the standard constructors would let them lose their code
public sealed class ThrottlingException(string code, string message, HttpStatusCode status, string operation, string? requestId)
    : AwsServiceException(code, message, status, operation, requestId);

public sealed class ResourceAlreadyExistsException(string code, string message, HttpStatusCode status, string operation, string? requestId)
    : AwsServiceException(code, message, status, operation, requestId);

public sealed class QuotaExceededException(string code, string message, HttpStatusCode status, string operation, string? requestId)
    : AwsServiceException(code, message, status, operation, requestId);

public sealed class NoSuchResourceException(string code, string message, HttpStatusCode status, string operation, string? requestId)
    : AwsServiceException(code, message, status, operation, requestId);

public sealed class IllegalArgumentException(string code, string message, HttpStatusCode status, string operation, string? requestId)
    : AwsServiceException(code, message, status, operation, requestId);

public sealed class InvalidResourceStateException(string code, string message, HttpStatusCode status, string operation, string? requestId)
    : AwsServiceException(code, message, status, operation, requestId);

public sealed class AccessDeniedException(string code, string message, HttpStatusCode status, string operation, string? requestId)
    : AwsServiceException(code, message, status, operation, requestId);
#pragma warning restore CA1032
