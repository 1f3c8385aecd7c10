using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// Lambda's function and layer storage from <c>GetAccountSettings</c>: the usage and the limit, in one call per account
/// and Region. The API counts bytes; Service Quotas' quota is in GB of 2^30 bytes (its 75 is the API's 80,530,636,800),
/// so both are converted. Concurrent executions (L-B99A9384) is not served: the API gives its limit but not its usage,
/// which only the <c>AWS/Lambda ConcurrentExecutions</c> metric has.
/// </summary>
public sealed class LambdaAccountSettingsCounter : IQuotaCounter
{
    private const double BytesPerGb = 1024d * 1024 * 1024;

    private static readonly CountedQuota CodeStorage = new("lambda", "L-2ACBD22F", CountScope.Region, "GB of function and layer storage");

    public string Name => "lambda:GetAccountSettings";

    public UsageSourceKind Kind => UsageSourceKind.AccountLimitApi;

    public IReadOnlyList<CountedQuota> Serves { get; } = [CodeStorage];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(wanted);
        if (!wanted.Contains(CodeStorage)) return [];
        var settings = await scope.Clients.Lambda(scope.Probe("lambda")).GetAccountSettingsAsync(ct);
        return settings.AccountUsage?.TotalCodeSize is { } used
            ? [new QuotaCount(CodeStorage, used / BytesPerGb, Limit: settings.AccountLimit?.TotalCodeSize / BytesPerGb)]
            : [];
    }
}
