using QuotaAutomation.Core.Actions;

namespace QuotaAutomation.Local.Simulation;

/// <summary>How the simulated account answers increase requests.</summary>
public sealed record SimulationOptions
{
    public int Seed { get; init; } = 42;

    /// <summary>A request up to <see cref="LargeFactor"/> × the quota is decided after this delay.</summary>
    public TimeSpan ApprovalDelay { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>A larger request waits this long, as AWS sends big ones to a person.</summary>
    public TimeSpan LargeApprovalDelay { get; init; } = TimeSpan.FromHours(24);

    public double LargeFactor { get; init; } = 2.0;

    /// <summary>Share of requests denied (drawn per request from the seed).</summary>
    public double DenyProbability { get; init; } = 0.1;

    /// <summary>AWS's open-request limits, enforced with AWS's error names.</summary>
    public RequestLimits Limits { get; init; } = RequestLimits.Aws;

    /// <summary>
    /// Usage sources that fail, by the name the coverage report gives them (<c>ec2:DescribeSubnets</c>,
    /// <c>AWS/Usage ResourceCount</c>): their quotas go unread, as when a role lacks the permission.
    /// </summary>
    public IReadOnlySet<string> FailingSources { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}
