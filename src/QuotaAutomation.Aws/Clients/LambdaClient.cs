namespace QuotaAutomation.Aws.Clients;

// AWS Lambda over REST-JSON (botocore lambda 2015-03-31, signing name lambda), the one operation the usage counters
// call, named as in AWSSDK.Lambda (not served here).

/// <summary>The account's Lambda limits; sizes in bytes.</summary>
public sealed record LambdaAccountLimit
{
    /// <summary>Storage for every function's deployment packages and layers, in bytes (75 GB by default).</summary>
    public long? TotalCodeSize { get; init; }

    public long? CodeSizeUnzipped { get; init; }
    public long? CodeSizeZipped { get; init; }
    public long? ConcurrentExecutions { get; init; }
    public long? UnreservedConcurrentExecutions { get; init; }
}

/// <summary>What the account uses; sizes in bytes.</summary>
public sealed record LambdaAccountUsage
{
    public long? TotalCodeSize { get; init; }
    public long? FunctionCount { get; init; }
}

public sealed record GetAccountSettingsResponse(LambdaAccountLimit? AccountLimit, LambdaAccountUsage? AccountUsage);

/// <summary>AWS Lambda.</summary>
public sealed class LambdaClient(AwsClientOptions options) : IDisposable
{
    private readonly AwsTransport _transport = new(options, "lambda", "lambda");

    /// <summary>The Region's limits and usage, in one call.</summary>
    public async Task<GetAccountSettingsResponse> GetAccountSettingsAsync(CancellationToken ct)
    {
        const string operation = "GetAccountSettings";
        using var reply = await _transport.GetJsonAsync(operation, "/2016-08-19/account-settings", ct);
        return AwsJsonClient.Read<GetAccountSettingsResponse>(reply, operation, AwsJson.Pascal);
    }

    public void Dispose() => _transport.Dispose();
}
