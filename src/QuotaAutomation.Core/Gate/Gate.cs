using System.Globalization;
using QuotaAutomation.Core.Events;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Gate;

/// <summary>The gate's verdict on a change: one line per quota it consumes.</summary>
public sealed record GateReport(IReadOnlyList<GateLine> Lines, double Buffer)
{
    public bool Enough => Lines.All(l => l.Enough);

    /// <summary>Quotas read and found short (what <c>check --request</c> files for).</summary>
    public IEnumerable<GateLine> Shortfalls => Lines.Where(l => l.Readable && !l.Enough);

    /// <summary>Quotas whose value or current usage could not be read: the gate cannot decide on them.</summary>
    public IEnumerable<GateLine> Unreadable => Lines.Where(l => !l.Readable);
}

/// <summary>
/// Quotas as a deployment gate (seed, Example 4): reads each consumed quota and its current usage through the engine's
/// ports (so it works on the embedded backend and on AWS alike) and compares need = usage + added × (1 + buffer).
/// </summary>
public static class DeploymentGate
{
    public static async Task<GateReport> CheckAsync(IReadOnlyList<QuotaNeed> needs, IQuotaSource quotas, IUsageSource usage, DateTimeOffset now, double buffer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(needs);
        ArgumentNullException.ThrowIfNull(quotas);
        ArgumentNullException.ThrowIfNull(usage);
        var found = await quotas.GetQuotasAsync(needs.Select(n => n.Quota).ToList(), ct);
        // ReadAsync, as the engine reads: quotas with no usage metric (network interfaces, EBS storage) are counted by the backend's other sources.
        var reading = await usage.ReadAsync(found.Values.Select(q => new UsageQuery(q, now - TimeSpan.FromHours(1))).ToList(), now, ct);
        return new GateReport(needs.Select(n => GateLine.Evaluate(n, found.GetValueOrDefault(n.Quota),
            reading.Samples.TryGetValue(n.Quota, out var s) && s.Count > 0 ? s[^1].Value : null, buffer, reading.Failures.GetValueOrDefault(n.Quota))).ToList(), buffer);
    }

    /// <summary>What the engine should expect of each short quota: the planned addition (with the buffer) on top of its usage.</summary>
    public static IReadOnlyDictionary<QuotaKey, Expectation> Expectations(GateReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Shortfalls.ToDictionary(l => l.Need.Quota, l => new Expectation(1, 0, null,
            string.Create(CultureInfo.InvariantCulture, $"a deployment adds {l.Need.Added:0.##} (+{report.Buffer * 100:0.#}% buffer): {string.Join(", ", l.Need.From)}"),
            l.Need.Added * (1 + report.Buffer)));
    }

    /// <summary>The rule id the gate gives a short quota that no rule governs.</summary>
    public static string ImplicitRuleId(QuotaKey quota)
    {
        ArgumentNullException.ThrowIfNull(quota);
        return $"gate-{quota.ServiceCode}-{quota.QuotaCode}-{quota.Region}";
    }
}

/// <summary>
/// The rule store as the gate's request sees it: the stored rules, plus an <c>auto_approve</c> rule at default settings
/// for each short quota that no stored rule governs (not saved), so the engine sizes, caps, limits and audits the
/// increase like any other.
/// </summary>
public sealed class GateRules(IRuleStore stored, IReadOnlyCollection<QuotaKey> shortQuotas) : IRuleStore
{
    public async Task<IReadOnlyList<RawRule>> LoadRulesAsync(CancellationToken ct)
    {
        var rules = await stored.LoadRulesAsync(ct);
        var governed = rules.Select(r => RuleParser.Parse(r)).Where(p => p.Success).Select(p => p.Value.Quota).ToHashSet();
        return [.. rules, .. shortQuotas.Where(q => !governed.Contains(q)).Select(Implicit)];
    }

    private static RawRule Implicit(QuotaKey q)
    {
        var item = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["rule_id"] = DeploymentGate.ImplicitRuleId(q),
            ["service_code"] = q.ServiceCode,
            ["quota_code"] = q.QuotaCode,
            ["region"] = q.Region,
            ["automation_level"] = "auto_approve",
            ["description"] = "implicit: check --request for a deployment's shortfall",
        };
        if (q.AccountId is { } account) item["account_id"] = account;
        return new RawRule("check --request", item);
    }
}
