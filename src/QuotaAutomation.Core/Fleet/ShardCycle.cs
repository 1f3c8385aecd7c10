using System.Globalization;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Events;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// One shard through the unchanged engine: its rules made concrete (<see cref="ScopedRuleStore"/>), the standby rules
/// raised to the primary's peak × factor (failover parity), and the cycle's report folded into a
/// <see cref="ShardResult"/>. The ports must serve the shard's account (AWS: clients under its member role).
/// </summary>
public sealed class ShardCycle(EnginePorts ports, IForecaster forecaster, TimeProvider time, EngineOptions options, string? hubAccountId) : IShardRunner
{
    public async Task<ShardResult> RunAsync(FleetShard shard, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(shard);
        try
        {
            bool InShard(QuotaKey key) => key.Region == shard.Region && (key.AccountId ?? hubAccountId) == shard.AccountId;
            var scoped = ports with
            {
                Rules = new ScopedRuleStore(ports.Rules, shard, hubAccountId),
                Requests = new ShardRequestStore(ports.Requests, InShard),
                Approvals = new ShardApprovalStore(ports.Approvals, InShard),
            };
            var peaks = await PrimaryPeaksAsync(shard, ct);
            var expectations = peaks.ToDictionary(p => p.Standby, p => new Expectation(1, 0, null,
                string.Create(CultureInfo.InvariantCulture, $"failover parity with {p.Primary}: its {p.Link.PeakWindowDays:0.#}-day peak {p.Peak:0.##} × {p.Link.Factor:0.##}"),
                AtLeast: p.Peak * p.Link.Factor));
            var report = await new AutomationEngine(scoped, forecaster, time, options with { DigestQuietDecisions = true, PlaceOf = _ => new Governance.AccountPlace(shard.AccountId, shard.Parents) }).RunCycleAsync(expectations, await WokenAsync(shard, scoped.Rules, ct), ct);
            return Result(shard, report, peaks);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return ShardResult.NotRun(shard, $"shard {shard.ShardId} failed: {e.Message}");
        }
    }

    /// <summary>The key a shard's quota has: the hub's own account is the engine's "self" (no account id).</summary>
    public QuotaKey KeyIn(string accountId, string region, string serviceCode, string quotaCode) =>
        new(serviceCode, quotaCode, region, string.Equals(accountId, hubAccountId, StringComparison.Ordinal) ? null : accountId);

    /// <summary>
    /// The quotas an event woke (<see cref="FleetShard.Woken"/>) as this shard's keys, for the engine to read in detail
    /// this cycle. <c>{service}/*</c> (an AWS Health notification names no quota code) is every quota of the service the
    /// shard's rules govern: that alone costs one more read of the rules, and only when such a wake is pending.
    /// </summary>
    private async Task<IReadOnlyCollection<QuotaKey>?> WokenAsync(FleetShard shard, Ports.IRuleStore rules, CancellationToken ct)
    {
        if (shard.Woken is not { Count: > 0 } ids) return null;
        var named = ids.Select(ShardWakeIds.Split).OfType<(string Service, string Code)>().ToList();
        var keys = named.Where(n => n.Code != "*").Select(n => KeyIn(shard.AccountId, shard.Region, n.Service, n.Code)).ToHashSet();
        if (named.Any(n => n.Code == "*"))
            foreach (var rule in (await rules.LoadRulesAsync(ct)).Select(Rules.RuleParser.Parse).Where(r => r.Success))
                if (ids.Any(id => ShardWakeIds.Names(id, rule.Value.Quota))) keys.Add(rule.Value.Quota);
        return keys;
    }

    private async Task<List<(ParityLink Link, QuotaKey Standby, QuotaKey Primary, double Peak)>> PrimaryPeaksAsync(FleetShard shard, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var peaks = new List<(ParityLink, QuotaKey, QuotaKey, double)>();
        foreach (var link in shard.Parity ?? [])
        {
            var primary = KeyIn(link.PrimaryAccountId, link.PrimaryRegion, link.ServiceCode, link.QuotaCode);
            var history = await ports.History.ReadAsync(primary, now - TimeSpan.FromDays(link.PeakWindowDays), now, ct);
            if (history.Count == 0) continue; // no primary usage seen yet: nothing to keep parity with
            peaks.Add((link, KeyIn(shard.AccountId, shard.Region, link.ServiceCode, link.QuotaCode), primary, history.Max(s => s.Value)));
        }
        return peaks;
    }

    private static ShardResult Result(FleetShard shard, CycleReport report, List<(ParityLink Link, QuotaKey Standby, QuotaKey Primary, double Peak)> peaks)
    {
        var errors = report.Rejected + report.ActionsFailed;
        var firstError = report.Rules.Select(r => r.Decision).OfType<Failed>().Select(f => f.Reason).FirstOrDefault()
            ?? report.Actions.FirstOrDefault(a => a.Outcome == ActionOutcome.Failed)?.Detail;
        var status = report.Rules.Count > 0 && report.Rejected == report.Rules.Count ? ShardResult.Failed
            : errors > 0 || report.NotReached > 0 ? ShardResult.Partial
            : ShardResult.Ok;
        var drift = new List<ParityDrift>();
        foreach (var (link, standby, primary, peak) in peaks)
        {
            var value = report.Rules.FirstOrDefault(r => r.Decision.RuleId == link.RuleId)?.Quota?.Value;
            var target = peak * link.Factor;
            if (value is { } v && v < target) drift.Add(new ParityDrift(link.RuleId, standby.ToString(), primary.ToString(), peak, target, v));
        }
        return new ShardResult(shard.ShardId, shard.AccountId, shard.Region, status, report.Rules.Count, report.Actions.Count, errors,
            status == ShardResult.Ok ? null : firstError ?? $"{report.NotReached} action(s) not reached", drift.Count == 0 ? null : drift,
            status == ShardResult.Ok ? report.NextCycleDue : null); // a partial or failed shard runs again next cycle
    }
}
