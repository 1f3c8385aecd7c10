namespace QuotaAutomation.Core.Fleet;

/// <summary>What one shard's cycle came to.</summary>
/// <param name="Status"><c>ok</c>, <c>partial</c> (some rules or actions failed) or <c>failed</c> (the shard could not run, or every rule failed).</param>
/// <param name="Error">Why the shard failed, or its first rule failure; null when ok.</param>
/// <param name="Drift">Standby quotas below the primary's peak × factor after this cycle.</param>
/// <param name="NextDue">
/// When the shard next needs a cycle: the earliest next read its quotas' cadence calls for (5 minutes near a threshold,
/// up to hourly when far and calm). Null when unknown (no cadence, or the shard failed): the next fleet cycle runs it.
/// </param>
public sealed record ShardResult(string ShardId, string AccountId, string Region, string Status, int Rules, int Actions, int Errors, string? Error,
    IReadOnlyList<ParityDrift>? Drift = null, DateTimeOffset? NextDue = null)
{
    public const string Ok = "ok";
    public const string Partial = "partial";
    public const string Failed = "failed";

    /// <summary>A shard that did not run at all (role not assumable, timeout, bad item).</summary>
    public static ShardResult NotRun(FleetShard shard, string error) =>
        new(shard.ShardId, shard.AccountId, shard.Region, Failed, shard.RuleIds.Count, 0, 1, error);
}

/// <summary>A standby quota short of what failover parity asks: the primary's peak × factor.</summary>
public sealed record ParityDrift(string RuleId, string Standby, string Primary, double PrimaryPeak, double Target, double StandbyValue)
{
    public double Shortfall => Math.Max(0, Target - StandbyValue);

    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"rule '{RuleId}': standby {Standby} is {StandbyValue:0.##}, below {Target:0.##} (primary {Primary} peak {PrimaryPeak:0.##} × factor)");
}
