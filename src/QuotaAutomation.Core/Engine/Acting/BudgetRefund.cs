using System.Globalization;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Core.Engine.Acting;

/// <summary>
/// Gives back budget charges when what they paid for adds no quota: it was not filed, AWS denied it, or it never reached
/// AWS. Only where that is known: an outcome that is unknown (a timeout while filing) keeps its charge until the request
/// is found, over-counting the month rather than under.
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
    public static Task ForUnfiledAsync(EnginePorts ports, CycleAudit audit, RequestIncrease wanted, string why, CancellationToken ct) =>
        ForAsync(ports, audit, wanted.RuleId, wanted.Quota, wanted.Charged, $"nothing was filed ({why})", ct);

    /// <summary>Refunds what a filed request was charged once AWS has said no (or it never reached AWS), and audits it.</summary>
    public static Task ForRefusedAsync(EnginePorts ports, CycleAudit audit, QuotaRequest request, CancellationToken ct) =>
        ForAsync(ports, audit, request.RuleId, request.Quota, request.Charged,
            $"request {request.AwsRequestId ?? request.Id} ended {request.Status.ToApiName()}{(request.Error is { } error ? $" ({error})" : "")}: no quota was added", ct);

    private static async Task ForAsync(EnginePorts ports, CycleAudit audit, string ruleId, Quotas.QuotaKey quota, ChargedBudgets? charges, string why, CancellationToken ct)
    {
        if (charges is not { } charged || ports.Budgets is not { } ledger) return;
        var failed = await RefundAsync(ledger, charged.Keys, charged.Month, charged.Cost, CancellationToken.None);
        var refunded = charged.Keys.Except(failed).ToList();
        var text = $"${DecisionTable.Num(charged.Cost)}/month refunded to {Describe(refunded)} for {charged.Month}: {why}"
            + (failed.Count == 0 ? "" : $"; could not refund {Describe(failed)}: the month stays over-counted");
        try
        {
            await audit.WriteAsync(failed.Count == 0 ? AuditKind.Decision : AuditKind.Error, ruleId, quota, "budget_refund", text, ct,
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
