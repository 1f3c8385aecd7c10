using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// CloudFormation's stack quota: the limit from <c>DescribeAccountLimits</c> (<c>StackLimit</c>), the usage counted with
/// <c>ListStacks</c> over every status but <c>DELETE_COMPLETE</c> (deleted stacks stay listed for 90 days and do not
/// count; nested stacks and a StackSet's stack instances in this account are stacks and do), every page of both.
/// </summary>
public sealed class CloudFormationStacksCounter : IQuotaCounter
{
    private static readonly CountedQuota Stacks = new("cloudformation", "L-0485CB21", CountScope.Region, "stacks");

    /// <summary>Every stack status but DELETE_COMPLETE (botocore cloudformation 2010-05-15's StackStatus).</summary>
    public static IReadOnlyList<string> LiveStatuses { get; } =
    [
        "CREATE_IN_PROGRESS", "CREATE_FAILED", "CREATE_COMPLETE", "ROLLBACK_IN_PROGRESS", "ROLLBACK_FAILED", "ROLLBACK_COMPLETE",
        "DELETE_IN_PROGRESS", "DELETE_FAILED", "UPDATE_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_COMPLETE",
        "UPDATE_FAILED", "UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_FAILED", "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
        "UPDATE_ROLLBACK_COMPLETE", "REVIEW_IN_PROGRESS", "IMPORT_IN_PROGRESS", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_IN_PROGRESS",
        "IMPORT_ROLLBACK_FAILED", "IMPORT_ROLLBACK_COMPLETE",
    ];

    public string Name => "cloudformation:DescribeAccountLimits+ListStacks";

    public UsageSourceKind Kind => UsageSourceKind.AccountLimitApi;

    public IReadOnlyList<CountedQuota> Serves { get; } = [Stacks];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(wanted);
        if (!wanted.Contains(Stacks)) return [];
        var client = scope.Clients.CloudFormation(scope.Probe("cloudformation"));
        long? limit = null;
        string? next = null;
        do
        {
            var page = await client.DescribeAccountLimitsAsync(next, ct);
            limit ??= page.AccountLimits.FirstOrDefault(l => l.Name == "StackLimit")?.Value;
            next = page.NextToken;
        }
        while (next is not null);
        var stacks = 0;
        var request = new ListStacksRequest { StackStatusFilter = LiveStatuses };
        do
        {
            var page = await client.ListStacksAsync(request, ct);
            // The filter is the server's; a stack it lets through in DELETE_COMPLETE is still not counted.
            stacks += page.StackSummaries.Count(s => s.StackStatus != "DELETE_COMPLETE");
            request = request with { NextToken = page.NextToken };
        }
        while (request.NextToken is not null);
        return [new QuotaCount(Stacks, stacks, Limit: limit)];
    }
}
