using System.Globalization;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Core.Engine.Acting;

/// <summary>
/// Gives back budget charges when what they paid for was not filed. Only where nothing can have reached AWS: an
/// outcome that is unknown (a timeout while filing) keeps its charge, over-counting the month rather than under.
/// </summary>
internal static class BudgetRefund
{
    /// <summary>Refunds every key; a refund that fails leaves the month over-counted, which only sends more to people.</summary>
    /// <returns>The keys that could not be refunded.</returns>
    public static async Task<IReadOnlyList<string>> RefundAsync(IBudgetLedger ledger, IEnumerable<string> keys, string month, double cost, CancellationToken ct)
    {
        var failed = new List<string>();
        foreach (var key in keys)
        {
            try
            {
                await ledger.RefundAsync(key, month, cost, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed.Add(key);
            }
        }
        return failed;
    }

    /// <summary>Refunds what <paramref name="wanted"/> was charged, because <paramref name="why"/>, and audits it.</summary>
    public static async Task ForUnfiledAsync(EnginePorts ports, CycleAudit audit, RequestIncrease wanted, string why, CancellationToken ct)
    {
        if (wanted.Charged is not { } charged || ports.Budgets is not { } ledger) return;
        var failed = await RefundAsync(ledger, charged.Keys, charged.Month, charged.Cost, CancellationToken.None);
        var refunded = charged.Keys.Except(failed).ToList();
        var text = $"${DecisionTable.Num(charged.Cost)}/month refunded to {Describe(refunded)} for {charged.Month}: nothing was filed ({why})"
            + (failed.Count == 0 ? "" : $"; could not refund {Describe(failed)}: the month stays over-counted");
        try
        {
            await audit.WriteAsync(failed.Count == 0 ? AuditKind.Decision : AuditKind.Error, wanted.RuleId, wanted.Quota, "budget_refund", text, ct,
                details: new Dictionary<string, string>
                {
                    ["refunded"] = string.Join(",", refunded),
                    ["monthly_cost"] = charged.Cost.ToString("R", CultureInfo.InvariantCulture),
                    ["month"] = charged.Month,
                });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The refund stands; the trail that could not take it is the cycle's own failure, reported where it happens.
        }
    }

    private static string Describe(IReadOnlyList<string> keys) => keys.Count == 0 ? "no budget" : string.Join(", ", keys.Select(k => $"'{k}'"));
}
