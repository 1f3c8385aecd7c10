using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Rules;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Core.Governance;

/// <summary>What the compliance check of an account and Region reads, and its findings: for <c>compliance</c>, the report and the Lambda's weekly report.</summary>
public sealed record ComplianceReading(IReadOnlyList<ComplianceFinding> Findings, IReadOnlyList<ObservedUtilization> Observed, IReadOnlyList<QuotaRule> Rules, int UnreadValues)
{
    /// <summary>Reads the coverage, the rules and the usage history through the ports and checks them (<see cref="ComplianceCheck"/>).</summary>
    public static async Task<ComplianceReading> ReadAsync(EnginePorts ports, string region, DateTimeOffset now, double nearPercent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var quotas = ports.Coverage is { } coverage ? await coverage.ListAsync(null, region, null, includeUnobserved: false, ct) : [];
        var parsed = (await ports.Rules.LoadRulesAsync(ct)).Select(raw => (Raw: raw, Result: RuleParser.Parse(raw))).ToList();
        var rules = parsed.Where(p => p.Result.Success).Select(p => p.Result.Value).ToList();
        var rejected = parsed.Where(p => !p.Result.Success).Select(p => (RuleParser.NameOf(p.Raw), p.Result.Error!)).ToList(); // Error is set when !Success
        var observedKeys = quotas.Where(q => q.Source != UsageSourceKind.None).Select(q => q.Key).ToList();
        var samples = await ports.History.ReadManyAsync(observedKeys, now - new EngineOptions().HistoryWindow, now, ct);
        var values = await ports.Quotas.GetQuotasAsync(observedKeys, ct);
        var observed = quotas.Where(q => values.ContainsKey(q.Key))
            .Select(q => new ObservedUtilization(q.Key, q.QuotaName, values[q.Key].Value, samples.GetValueOrDefault(q.Key) is [.., var last] ? last.Value : null)).ToList();
        return new ComplianceReading(ComplianceCheck.Find(rules, rejected, GoverningRule.For(rules, quotas), observed, nearPercent), observed, rules, values.Failed.Count);
    }
}
