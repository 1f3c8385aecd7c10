namespace QuotaAutomation.Replay;

/// <summary>
/// The replay's world, every constant a flag (docs/simulation.md): how a trace becomes a quota's usage and how the
/// simulated AWS answers increase requests. The defaults are the issue's scenario model, so results compare with
/// other implementations of it.
/// </summary>
public sealed record ReplayScenario
{
    public const string AsIs = "as-is";
    public const string Growth = "growth";
    public static readonly IReadOnlyList<string> Names = [AsIs, Growth];

    /// <summary><see cref="AsIs"/>, or <see cref="Growth"/>: usage × a ramp from 1 at the end of warm-up to <see cref="GrowthTo"/> at the end.</summary>
    public string Name { get; init; } = AsIs;

    /// <summary>The first share of the grid is history only; decisions and figures cover the rest.</summary>
    public double WarmupShare { get; init; } = 0.2;

    /// <summary>The trace is scaled so the 95th percentile of its warm-up is this.</summary>
    public double WarmupP95 { get; init; } = 600;

    public double InitialQuota { get; init; } = 1000;

    public double GrowthTo { get; init; } = 2.0;

    /// <summary>A request up to <see cref="LargeFactor"/> × the current quota is decided after this long…</summary>
    public TimeSpan ApprovalDelay { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>…a larger one after this long.</summary>
    public TimeSpan LargeApprovalDelay { get; init; } = TimeSpan.FromHours(24);

    public double LargeFactor { get; init; } = 2.0;

    /// <summary>Share of requests denied (drawn per request number from the seed), after the same delay.</summary>
    public double DenyProbability { get; init; } = 0.05;

    /// <summary>No value above this × the initial quota can be requested.</summary>
    public double CapFactor { get; init; } = 10;

    public int Seed { get; init; } = 42;

    /// <summary>
    /// How old the usage in the Service Quotas utilization report is when the engine reads it instead of GetMetricData
    /// (adaptive cadence): AWS does not document the report's freshness, so it is a flag (docs/fleet.md).
    /// </summary>
    public TimeSpan ReportLag { get; init; } = TimeSpan.FromMinutes(5);

    public double Cap => CapFactor * InitialQuota;

    /// <summary>The problems with these settings, one message each; empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Names.Contains(Name)) problems.Add($"scenario '{Name}' must be one of {string.Join(", ", Names)}");
        if (WarmupShare is <= 0 or >= 1) problems.Add($"warm-up share {WarmupShare} must be between 0 and 1");
        if (WarmupP95 <= 0 || InitialQuota <= 0) problems.Add("the warm-up 95th percentile and the initial quota must be > 0");
        if (GrowthTo <= 0) problems.Add($"growth {GrowthTo} must be > 0");
        if (ApprovalDelay < TimeSpan.Zero || LargeApprovalDelay < TimeSpan.Zero) problems.Add("approval delays must be ≥ 0");
        if (LargeFactor <= 1) problems.Add($"large-request factor {LargeFactor} must be > 1");
        if (DenyProbability is < 0 or > 1) problems.Add($"deny probability {DenyProbability} must be between 0 and 1");
        if (CapFactor <= 1) problems.Add($"cap factor {CapFactor} must be > 1");
        if (ReportLag < TimeSpan.Zero) problems.Add($"report lag {ReportLag.TotalMinutes} minutes must be ≥ 0");
        return problems;
    }
}
