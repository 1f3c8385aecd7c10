namespace QuotaAutomation.Core.Usage;

/// <summary>How a quota's usage is observed, best first: the kind a coverage report shows and a decision rests on.</summary>
public enum UsageSourceKind
{
    /// <summary>The quota's own CloudWatch usage metric (<c>AWS/Usage</c> and the like), or the utilization report that samples it.</summary>
    UsageMetric,
    /// <summary>An API that returns the usage and the limit together (IAM <c>GetAccountSummary</c>, RDS <c>DescribeAccountAttributes</c>, …).</summary>
    AccountLimitApi,
    /// <summary>Resources counted through describe or list APIs (EC2 <c>DescribeVpcs</c>, DynamoDB <c>ListTables</c>, …).</summary>
    DescribeCount,
    /// <summary>A Trusted Advisor Service Limits check, as of its last refresh.</summary>
    TrustedAdvisor,
    /// <summary>Nothing observes it: a rule on it fails with "no usage source".</summary>
    None,
}

/// <summary>The wire names of <see cref="UsageSourceKind"/> (JSON output, docs/coverage.md).</summary>
public static class UsageSourceKindNames
{
    public static string Name(this UsageSourceKind kind) => kind switch
    {
        UsageSourceKind.UsageMetric => "metric",
        UsageSourceKind.AccountLimitApi => "account-limit-api",
        UsageSourceKind.DescribeCount => "describe-count",
        UsageSourceKind.TrustedAdvisor => "trusted-advisor",
        _ => "none",
    };
}
