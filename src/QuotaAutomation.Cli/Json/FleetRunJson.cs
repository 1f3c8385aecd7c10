using QuotaAutomation.Cli.Commands;
using QuotaAutomation.Core.Fleet;

namespace QuotaAutomation.Cli.Json;

/// <summary><c>run --fleet --output json</c>: each fleet cycle's plan, totals, failures by account, every shard's result and the digest.</summary>
internal sealed record FleetRunDocument(string Backend, IReadOnlyList<FleetRunCycleDocument> Cycles);

/// <param name="ElapsedSeconds">Real time the cycle took in this process (plan, shards, summary).</param>
/// <param name="PlannedShards">Shards the plan found; <c>totals.shards</c> of them were due and ran, <paramref name="NotDue"/> waited.</param>
/// <param name="NewDeferred">New shards (never run) over <c>--new-shards-per-cycle</c>, among those that waited: a later cycle admits them.</param>
internal sealed record FleetRunCycleDocument(string FleetRunId, DateTimeOffset At, string OrganizationId, int Accounts, int Parallel, double ElapsedSeconds,
    string Status, FleetRunTotals Totals, IReadOnlyList<AccountFailureDocument> AccountsFailed, IReadOnlyList<SkippedAccountDocument> Skipped,
    IReadOnlyList<string> Overlaps, IReadOnlyList<RejectedRuleDocument> RejectedRules, IReadOnlyList<ShardDocument> Shards, string Digest,
    int PlannedShards, int NotDue, int NewDeferred);

internal sealed record FleetRunTotals(int Shards, int Ok, int Partial, int Failed, int Rules, int Actions, int Errors);

internal sealed record AccountFailureDocument(string AccountId, string? Name, int Shards, int Failed, string FirstError);

internal sealed record SkippedAccountDocument(string AccountId, string Name, string Reason);

internal sealed record RejectedRuleDocument(string RuleId, string Error);

/// <summary>One shard's result, as the Lambda's shard step returns it (<paramref name="NextDue"/>: when it next needs a cycle; null: the next one).</summary>
internal sealed record ShardDocument(string ShardId, string AccountId, string Region, string Status, int Rules, int Actions, int Errors, string? Error, DateTimeOffset? NextDue);

internal static class FleetRunJson
{
    public static FleetRunDocument Document(string backend, IReadOnlyList<FleetRunReport> runs) => new(backend, runs.Select(Cycle).ToList());

    private static FleetRunCycleDocument Cycle(FleetRunReport run)
    {
        var s = run.Result.Summary;
        var names = run.Organization.Accounts.ToDictionary(a => a.Id, a => a.Name, StringComparer.Ordinal);
        return new FleetRunCycleDocument(run.FleetRunId, run.At, run.Organization.Id, run.Result.Plan.Accounts, run.Parallel, Math.Round(run.Elapsed.TotalSeconds, 3),
            s.Status, new FleetRunTotals(s.Shards, s.Ok, s.Partial, s.Failed, s.Rules, s.Actions, s.Errors),
            s.AccountsFailed.Select(f => new AccountFailureDocument(f.AccountId, names.GetValueOrDefault(f.AccountId), f.Shards, f.Failed, f.FirstError)).ToList(),
            s.Skipped.Select(k => new SkippedAccountDocument(k.AccountId, k.Name, k.Reason)).ToList(),
            run.Result.Plan.Overlaps.Select(o => o.ToString()).ToList(),
            run.Result.Rejected.Select(r => new RejectedRuleDocument(r.RuleId, r.Error)).ToList(),
            run.Result.Results.Select(r => new ShardDocument(r.ShardId, r.AccountId, r.Region, r.Status, r.Rules, r.Actions, r.Errors, r.Error, r.NextDue)).ToList(),
            s.Digest(), run.PlannedShards, run.PlannedShards - s.Shards, run.NewDeferred);
    }
}
