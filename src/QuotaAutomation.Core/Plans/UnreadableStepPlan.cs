using System.Globalization;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Plans;

/// <summary>
/// A stored step-plan item that does not read as a <see cref="Ports.StepPlan"/> (a hand edit, a bug in a writer): which
/// item, which field and what is wrong, with what could still be read of its rule and quota. A store skips it in its
/// listings, so one bad item stops neither the cycle nor any other quota's plan.
/// </summary>
/// <param name="Item">The item as its store names it (table and key).</param>
/// <param name="Field">The first field found wrong.</param>
/// <param name="Problem">What is wrong with it, e.g. "must be a non-empty list of positive numbers".</param>
/// <param name="Stored">The item as stored (JSON), so dropping it loses nothing.</param>
public sealed record UnreadableStepPlan(string Item, string Field, string Problem, string? RuleId, QuotaKey? Quota, string Stored)
{
    /// <summary>The audit action of the record that reports it.</summary>
    public const string AuditAction = "plan_unreadable";

    /// <summary>What people read: the item, the field and the problem.</summary>
    public string Message => $"step plan {Item}: field '{Field}' {Problem}";

    /// <summary>
    /// The audit record of a store that dropped the item (an Error naming the rule when it could be read): its id is
    /// the item's and the time's, so two cycles dropping it in the same second write one record between them.
    /// </summary>
    public AuditRecord ToAudit(DateTimeOffset now)
    {
        var runId = string.Create(CultureInfo.InvariantCulture, $"plans-{now:yyyyMMdd'T'HHmmss'Z'}");
        return new AuditRecord($"{runId}/{Echo.Of(Item)}", runId, now, AuditKind.Error, Echo.Of(RuleId ?? "-"), Quota, AuditAction,
            Echo.Of($"{Message}; the item is dropped: the rule decides afresh, and plans again if it still needs to"), null,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["item"] = Echo.Of(Item), ["field"] = Echo.Of(Field), ["stored"] = Echo.Of(Clip(Stored)) });
    }

    /// <summary>An item is at most 400 KB; the audit keeps its first 2,000 characters, enough to see and redo a hand edit.</summary>
    private static string Clip(string text) => text.Length <= 2000 ? text : text[..2000] + "…";
}
