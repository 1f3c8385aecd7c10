namespace QuotaAutomation.Aws.Clients;

// Step Functions over JSON 1.0 (botocore stepfunctions 2016-11-23; camelCase members), named as in AWSSDK.StepFunctions.

public sealed record StartExecutionRequest(string StateMachineArn, string? Name, string? Input);

public sealed record StartExecutionResponse(string? ExecutionArn, DateTimeOffset? StartDate);

public sealed record DescribeExecutionRequest(string ExecutionArn);

public sealed record DescribeExecutionResponse(string? ExecutionArn, string? StateMachineArn, string? Name, string? Status,
    DateTimeOffset? StartDate, DateTimeOffset? StopDate, string? Input, string? Output, string? Error, string? Cause);

public sealed record SendTaskSuccessRequest(string TaskToken, string Output);

public sealed record SendTaskFailureRequest(string TaskToken, string? Error, string? Cause);

/// <summary>Step Functions (<c>AWSStepFunctions</c>, signing name <c>states</c>).</summary>
public sealed class StepFunctionsClient(AwsClientOptions options) : AwsJsonClient(new AwsTransport(options, "states", "states"), "1.0", "AWSStepFunctions", AwsJson.Camel)
{
    public Task<StartExecutionResponse> StartExecutionAsync(StartExecutionRequest request, CancellationToken ct) =>
        CallAsync<StartExecutionResponse>("StartExecution", request, ct);

    public Task<DescribeExecutionResponse> DescribeExecutionAsync(DescribeExecutionRequest request, CancellationToken ct) =>
        CallAsync<DescribeExecutionResponse>("DescribeExecution", request, ct);

    public Task SendTaskSuccessAsync(SendTaskSuccessRequest request, CancellationToken ct) =>
        CallAsync<EmptyResponse>("SendTaskSuccess", request, ct);

    public Task SendTaskFailureAsync(SendTaskFailureRequest request, CancellationToken ct) =>
        CallAsync<EmptyResponse>("SendTaskFailure", request, ct);
}
