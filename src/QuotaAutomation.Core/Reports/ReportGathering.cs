using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Reports;

/// <summary>
/// Reads what a report of accounts and Regions needs through the engine's ports: the CLI's <c>report</c> and the
/// Lambda's weekly report gather the same way. Every Region is read the same way (a quota's key names its Region; the
/// audit trail is one for all of them); one Region that cannot be read is a finding, not the end of the report. The audit trail is read through the reader each backend has (SQLite's
/// table, DynamoDB's kind index): the ports' audit log only appends.
/// </summary>
public static class ReportGathering
{
    public static readonly TimeSpan ForecastHorizon = TimeSpan.FromDays(7);

    /// <summary>How the audit names the hub's own account: its records carry no account id.</summary>
    private const string HubAccount = "";

    /// <param name="regions">The Regions to report on (at least one; the first is the budgets' and the hub's own).</param>
    /// <param name="members">Member accounts to include (one heat-map row each).</param>
    /// <param name="includeHub">Whether the hub's own account is in the report too (not in an OU's that does not hold it).</param>
    /// <param name="filePolicies">Policies given beside the stored ones (<c>--policies FILE</c>), for their budgets.</param>
    public static async Task<ReportInput> GatherAsync(EnginePorts ports, IReadOnlyList<string> regions, DateTimeOffset now, TimeSpan period, IForecaster forecaster,
        Func<AuditFilter, CancellationToken, Task<IReadOnlyList<AuditRecord>>> readAudit, IReadOnlyList<QuotaPolicy> filePolicies,
        IReadOnlyList<string> members, string scope, CancellationToken ct, bool includeHub = true)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(forecaster);
        ArgumentNullException.ThrowIfNull(readAudit);
        ArgumentNullException.ThrowIfNull(members);
        if (regions is not { Count: > 0 }) throw new ArgumentException("a report needs at least one Region", nameof(regions));
        var since = now - period;
        var listed = new List<Ports.ObservableQuota>();
        var findings = new List<ComplianceFinding>();
        var rules = new List<Rules.QuotaRule>();
        var unreadable = new Dictionary<string, (List<string> Regions, string Why)>(StringComparer.Ordinal); // one finding an account, naming its Regions
        foreach (var region in regions.Distinct(StringComparer.Ordinal))
        {
            ComplianceReading compliance;
            try
            {
                compliance = await ComplianceReading.ReadAsync(ports, region, now, ComplianceCheck.DefaultNearPercent, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                findings.Add(new ComplianceFinding(FindingKind.UnreachableAccount, $"self in {region}", $"the report could not read {region}: {e.GetType().Name}: {e.Message}"));
                continue;
            }
            findings.AddRange(compliance.Findings);
            rules.AddRange(compliance.Rules);
            if (ports.Coverage is not { } coverage) continue;
            foreach (var account in includeHub ? members.Prepend(null) : members)
            {
                try
                {
                    listed.AddRange((await coverage.ListAsync(account, region, null, includeUnobserved: false, ct))
                        .Select(q => account is not null && q.Key.AccountId is null ? q with { Key = q.Key with { AccountId = account } } : q)); // a member's quotas are its own
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One account the hub cannot read (no member role) is a finding of the report, not the end of it.
                    var name = account ?? "self";
                    if (unreadable.TryGetValue(name, out var known)) known.Regions.Add(region);
                    else unreadable[name] = ([region], $"{e.GetType().Name}: {e.Message}");
                }
            }
        }
        findings.AddRange(unreadable.Select(u => new ComplianceFinding(FindingKind.UnreachableAccount, u.Key,
            $"the report could not read account {u.Key} in {string.Join(", ", u.Value.Regions)}: {u.Value.Why}")));
        var keys = listed.Where(q => q.Source != Usage.UsageSourceKind.None).Select(q => q.Key)
            .Concat(rules.Where(r => !r.IsFleetRule && !Rules.WildcardRules.IsWildcard(r.Quota)).Select(r => r.Quota)).Distinct().ToList();
        var values = await ports.Quotas.GetQuotasAsync(keys, ct);
        var history = await ports.History.ReadManyAsync(keys, since, now, ct);
        var warnings = rules.Where(r => r.Enabled).GroupBy(r => r.Quota).ToDictionary(g => g.Key, g => g.Min(r => r.Thresholds.Warning));
        var quotas = keys.Where(values.ContainsKey).Select(k =>
        {
            var usage = history.GetValueOrDefault(k) ?? [];
            return new QuotaObservation(values[k], usage)
            {
                Forecast = usage.Count == 0 ? null : forecaster.Predict(k.ToString(), usage, now, ForecastHorizon).Quantiles,
                ForecastHorizon = ForecastHorizon,
                WarningPercent = warnings.GetValueOrDefault(k, Decisions.RightSizing.NoRuleWarningPercent),
            };
        }).ToList();
        return new ReportInput(scope, since, now, now)
        {
            Quotas = quotas,
            // The hub's own records carry no account id ("").
            Audit = await readAudit(new AuditFilter(ChangesOnly: true, Since: since, Until: now.AddSeconds(1))
            {
                Accounts = members.Count == 0 ? null : includeHub ? [.. members, HubAccount] : [.. members],
            }, ct),
            Budgets = await BudgetsAsync(ports, regions[0], now, filePolicies, ct),
            Findings = [.. findings.Distinct()],
        };
    }

    /// <summary>This month's spend of each budget of the stored policies and the given ones (per-account budgets: the hub's own account).</summary>
    private static async Task<IReadOnlyList<BudgetStatus>> BudgetsAsync(EnginePorts ports, string region, DateTimeOffset now, IReadOnlyList<QuotaPolicy> filePolicies, CancellationToken ct)
    {
        if (ports.Budgets is not { } ledger) return [];
        var stored = ports.Policies is { } store ? PolicyParser.ParseAll(await store.LoadPoliciesAsync(ct)).Policies : [];
        var month = Budgets.Month(now);
        var self = new QuotaKey("-", "-", region);
        var rows = new List<BudgetStatus>();
        foreach (var p in filePolicies.Concat(stored).Where(p => p.Enabled && p.MonthlyBudget is not null))
            rows.Add(new BudgetStatus(Budgets.Describe(p, self), month, p.MonthlyBudget!.Value, await ledger.SpentAsync(Budgets.Key(p, self), month, ct)));
        return rows;
    }
}
