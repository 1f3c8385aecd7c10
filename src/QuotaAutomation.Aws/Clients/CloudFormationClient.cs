namespace QuotaAutomation.Aws.Clients;

// AWS CloudFormation over its query protocol (botocore cloudformation 2010-05-15, signing name cloudformation), the
// operations the usage counters call, named as in AWSSDK.CloudFormation (not served here) except DescribeAccountLimits'
// reply, named as botocore's shape (Auto Scaling has an operation of the same name).

/// <summary>One account limit: <c>StackLimit</c>, <c>StackOutputsLimit</c>, <c>ConcurrentResourcesLimit</c>.</summary>
public sealed record AccountLimit(string Name, long Value);

public sealed record DescribeAccountLimitsOutput(IReadOnlyList<AccountLimit> AccountLimits, string? NextToken);

public sealed record ListStacksRequest
{
    /// <summary>Only stacks in these statuses; none lists every status, deleted stacks (kept 90 days) included.</summary>
    public IReadOnlyList<string>? StackStatusFilter { get; init; }

    public string? NextToken { get; init; }
}

public sealed record StackSummary(string StackName, string StackStatus);

public sealed record ListStacksResponse(IReadOnlyList<StackSummary> StackSummaries, string? NextToken);

/// <summary>AWS CloudFormation.</summary>
public sealed class CloudFormationClient(AwsClientOptions options) : IDisposable
{
    private const string Version = "2010-05-15";
    private readonly AwsTransport _transport = new(options, "cloudformation", "cloudformation");

    public async Task<DescribeAccountLimitsOutput> DescribeAccountLimitsAsync(string? nextToken, CancellationToken ct)
    {
        const string operation = "DescribeAccountLimits";
        var result = (await _transport.QueryAsync(Version, operation, nextToken is null ? [] : [new("NextToken", nextToken)], ct)).Result(operation);
        var limits = result.Child("AccountLimits").Children("member")
            .Where(m => m.Text("Name") is { Length: > 0 })
            .Select(m => new AccountLimit(m.Text("Name")!, m.Count("Value", operation) ?? 0)) // filtered above
            .ToList();
        return new DescribeAccountLimitsOutput(limits, NextToken(result));
    }

    /// <summary>One page of stack summaries (up to 100 a page, AWS's choice).</summary>
    public async Task<ListStacksResponse> ListStacksAsync(ListStacksRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        const string operation = "ListStacks";
        var form = (request.StackStatusFilter ?? []).Select((status, i) => KeyValuePair.Create($"StackStatusFilter.member.{i + 1}", status)).ToList();
        if (request.NextToken is { } token) form.Add(new("NextToken", token));
        var result = (await _transport.QueryAsync(Version, operation, form, ct)).Result(operation);
        var stacks = result.Child("StackSummaries").Children("member")
            .Select(m => new StackSummary(m.Text("StackName") ?? "", m.Text("StackStatus") ?? ""))
            .ToList();
        return new ListStacksResponse(stacks, NextToken(result));
    }

    private static string? NextToken(System.Xml.Linq.XElement result) => result.Text("NextToken") is { Length: > 0 } token ? token : null;

    public void Dispose() => _transport.Dispose();
}
