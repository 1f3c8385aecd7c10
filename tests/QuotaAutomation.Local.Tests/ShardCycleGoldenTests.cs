using System.Globalization;
using System.Text;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Local.Tests;

/// <summary>
/// Issue 14: a cycle over many rules must decide exactly as the engine did before it was made fast. The golden file was
/// written by the unoptimised engine (one forecast per rule and horizon, one audit transaction per record); every
/// decision (kind, reason, values, forecast, breach), action, published event and audit record of three cycles over
/// 1,326 generated rules is compared with it, line by line. Set <c>QA_WRITE_GOLDEN=1</c> to write it again on purpose.
/// </summary>
public sealed class ShardCycleGoldenTests : IAsyncLifetime
{
    private static readonly string GoldenPath = Path.Combine(Testing.Repository.Root, "tests", "QuotaAutomation.Local.Tests", "Golden", "shard-cycles.txt");

    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task ThreeCycles_ManyRulesSharingQuotas_DecideAndAuditAsTheGoldenFileSays()
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // records print their doubles with the current culture
        try
        {
            var backend = await _db.OpenAsync(sampleRules: false, resources: false); // the 13 built-in quotas with their usage shapes, as the golden file was made
            await backend.Rules.UpsertAsync(GeneratedRules(100).Select(r => ((string)r["rule_id"]!, (IReadOnlyDictionary<string, object?>)r)), CancellationToken.None);
            var approvals = 0;
            var model = QuotaAutomation.Forecasting.ModelForecaster.Load(Path.Combine(Testing.Repository.Root, "models", QuotaAutomation.Forecasting.ModelTrainer.ModelFile));
            var engine = new AutomationEngine(backend.Ports, model, backend.Clock, new EngineOptions
            {
                NewRunNonce = () => "golden",
                NewApprovalId = () => string.Create(CultureInfo.InvariantCulture, $"apr-{++approvals:D32}"),
                // The golden file predates quota dependencies (issue 15): it pins the fast engine's equivalence, not them.
                Dependencies = QuotaAutomation.Core.Dependencies.QuotaDependencies.None,
            });

            var lines = new List<string>();
            for (var cycle = 0; cycle < 3; cycle++) lines.AddRange(Describe(await TempDatabase.CycleAsync(backend, engine)));
            lines.AddRange((await backend.Audit.QueryAsync(null, null, 1_000_000, CancellationToken.None))
                .Select(a => $"audit {a.Id} {a.Timestamp:O} {a.Kind} {a.RuleId} {a.Quota} {a.Action} {a.ActionId} | {a.Message}"));

            if (Environment.GetEnvironmentVariable("QA_WRITE_GOLDEN") == "1")
            {
                Directory.CreateDirectory(Path.GetDirectoryName(GoldenPath)!);
                await File.WriteAllLinesAsync(GoldenPath, lines, new UTF8Encoding(false));
            }
            var golden = await File.ReadAllLinesAsync(GoldenPath);
            var firstDifference = Enumerable.Range(0, Math.Min(golden.Length, lines.Count)).FirstOrDefault(i => golden[i] != lines[i], -1);
            Assert.True(firstDifference < 0, firstDifference < 0 ? "" : $"line {firstDifference + 1}:\n golden: {golden[firstDifference]}\n now:    {lines[firstDifference]}");
            Assert.Equal(golden.Length, lines.Count);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    private static IEnumerable<string> Describe(CycleReport report)
    {
        yield return $"cycle {report.RunId} {report.StartedAt:O}";
        foreach (var r in report.Rules)
            yield return $"rule {r.Decision} | quota {r.Quota?.Value} usage {r.CurrentUsage} forecast {r.Forecast} breach {r.Breach} cleared {r.Cleared} spike {r.NewSpike}";
        foreach (var a in report.Actions) yield return $"action {a}";
        foreach (var c in report.StatusChanges) yield return $"change {c}";
        foreach (var e in report.Published) yield return $"event {e.EventId} {e.EventType} {e.Quota} {e.DetailJson}";
    }

    /// <summary>
    /// <paramref name="perQuota"/> rules on each of the simulated account's 13 quotas (seeded): every level, thresholds,
    /// horizons from 1 h to 14 days, multipliers, caps, approvals, business hours; plus rejected and disabled rules.
    /// </summary>
    internal static List<Dictionary<string, object?>> GeneratedRules(int perQuota)
    {
        var random = new Random(14);
        string[] levels = ["monitor_only", "alert_only", "auto_request", "auto_approve", "full_auto"];
        int[] horizons = [1, 6, 24, 72, 168, 336];
        var rules = new List<Dictionary<string, object?>>();
        var quotas = BuiltInAccount.Quotas.Take(13).Select(q => q.Quota.Key).ToList(); // the account's quotas when the golden file was written
        for (var i = 0; i < perQuota * quotas.Count; i++)
        {
            var quota = quotas[i % quotas.Count];
            var warning = random.Next(40, 80);
            var rule = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["rule_id"] = string.Create(CultureInfo.InvariantCulture, $"g{i:D5}-{quota.ServiceCode}-{quota.QuotaCode}"),
                ["service_code"] = quota.ServiceCode,
                ["quota_code"] = quota.QuotaCode,
                ["region"] = quota.Region,
                ["automation_level"] = levels[random.Next(levels.Length)],
                ["threshold_warning"] = warning,
                ["threshold_critical"] = warning + random.Next(5, 12),
                ["threshold_emergency"] = warning + random.Next(13, 20),
                ["forecast_horizon_hours"] = horizons[random.Next(horizons.Length)],
                ["auto_increase_multiplier"] = 1.2 + random.Next(0, 9) / 10.0,
                ["max_auto_increase"] = random.Next(4) == 0 ? 300 : 100_000,
            };
            if (random.Next(5) == 0) (rule["approval_required"], rule["cost_threshold"]) = (true, random.Next(3) * 500.0);
            if (random.Next(6) == 0) rule["business_hours_only"] = true;
            if (random.Next(40) == 0) rule["enabled"] = false;
            if (random.Next(60) == 0) rule["threshold_critical"] = 130; // rejected: audited each cycle, never decided
            rules.Add(rule);
        }
        return rules;
    }
}
