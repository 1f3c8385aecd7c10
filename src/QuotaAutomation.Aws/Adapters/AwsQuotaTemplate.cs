using System.Globalization;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>What a template sync did: the changes it found, those that failed (with AWS's answer), and the association.</summary>
/// <param name="Association"><c>ASSOCIATED</c>, <c>DISASSOCIATED</c>, or <c>NOT_IN_USE</c> (never associated).</param>
public sealed record TemplateSyncReport(TemplateChanges Changes, IReadOnlyList<string> Failures, string Association, bool Applied);

/// <summary>
/// The organization's quota request template (Service Quotas, called from the management account in the Region the
/// template is managed from), made to hold what the rules ask for: stale entries removed, changed ones updated,
/// missing ones added, then the template associated with the organization so new accounts get them. Every change is
/// audited as an intent and its outcome; one that fails is recorded and the others go on.
/// </summary>
/// <remarks>
/// AWS allows 1 PutServiceQuotaIncreaseRequestIntoTemplate and 2 DeleteServiceQuotaIncreaseRequestFromTemplate a
/// second (Service Quotas' own quotas): at most 10 entries, so a sync takes seconds; throttling is retried by the transport.
/// </remarks>
public sealed class AwsQuotaTemplate(ServiceQuotasClient quotas, IAuditLog audit, TimeProvider time)
{
    private int _sequence;

    /// <summary>Every entry the template holds now.</summary>
    public async Task<IReadOnlyList<TemplateEntry>> ReadAsync(CancellationToken ct)
    {
        var entries = new List<TemplateEntry>();
        string? next = null;
        do
        {
            var page = await quotas.ListServiceQuotaIncreaseRequestsInTemplateAsync(new ListServiceQuotaIncreaseRequestsInTemplateRequest { NextToken = next, MaxResults = 100 }, ct);
            foreach (var e in page.ServiceQuotaIncreaseRequestInTemplateList ?? [])
                if (e is { ServiceCode.Length: > 0, QuotaCode.Length: > 0, AwsRegion.Length: > 0, DesiredValue: { } value })
                    entries.Add(new TemplateEntry(e.ServiceCode, e.QuotaCode, e.AwsRegion, value));
            next = Paging.Next(next, page.NextToken, "ListServiceQuotaIncreaseRequestsInTemplate");
        }
        while (next is not null);
        return entries;
    }

    /// <summary>The template's association with the organization: ASSOCIATED, DISASSOCIATED or NOT_IN_USE.</summary>
    public async Task<string> AssociationAsync(CancellationToken ct)
    {
        try
        {
            return (await quotas.GetAssociationForServiceQuotaTemplateAsync(new GetAssociationForServiceQuotaTemplateRequest(), ct)).ServiceQuotaTemplateAssociationStatus ?? "DISASSOCIATED";
        }
        catch (AwsServiceException e) when (e.ErrorCode == "ServiceQuotaTemplateNotInUseException")
        {
            return NotInUse;
        }
    }

    /// <summary>The association status of a template never associated.</summary>
    public const string NotInUse = "NOT_IN_USE";

    /// <summary>
    /// Makes the template hold <paramref name="desired"/>. With <paramref name="apply"/> false nothing is changed: the
    /// report says what would be.
    /// </summary>
    public async Task<TemplateSyncReport> SyncAsync(IReadOnlyList<TemplateEntry> desired, string runId, bool apply, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var changes = TemplateChanges.Between(desired, await ReadAsync(ct));
        var association = await AssociationAsync(ct);
        if (!apply) return new TemplateSyncReport(changes, [], association, Applied: false);

        var failures = new List<string>();
        foreach (var entry in changes.Remove)
            await ChangeAsync(runId, entry, "template_remove", $"remove {entry} ({Show(entry.DesiredValue)}): no rule asks for it", failures,
                () => quotas.DeleteServiceQuotaIncreaseRequestFromTemplateAsync(new(entry.ServiceCode, entry.QuotaCode, entry.Region), ct), ct);
        foreach (var entry in changes.Update.Concat(changes.Add))
            await ChangeAsync(runId, entry, changes.Add.Contains(entry) ? "template_add" : "template_update", $"put {entry} = {Show(entry.DesiredValue)}", failures,
                () => quotas.PutServiceQuotaIncreaseRequestIntoTemplateAsync(new()
                {
                    ServiceCode = entry.ServiceCode, QuotaCode = entry.QuotaCode, AwsRegion = entry.Region, DesiredValue = entry.DesiredValue,
                }, ct), ct);
        if (association != "ASSOCIATED" && desired.Count > 0)
        {
            var ok = await ChangeAsync(runId, null, "template_associate", "associate the template with the organization: new accounts get its increases", failures,
                () => quotas.AssociateServiceQuotaTemplateAsync(new AssociateServiceQuotaTemplateRequest(), ct), ct);
            if (ok) association = "ASSOCIATED";
        }
        return new TemplateSyncReport(changes, failures, association, Applied: true);
    }

    private async Task<bool> ChangeAsync(string runId, TemplateEntry? entry, string action, string message, List<string> failures, Func<Task> call, CancellationToken ct)
    {
        var quota = entry is null ? null : new QuotaKey(entry.ServiceCode, entry.QuotaCode, entry.Region);
        var ruleId = entry?.RuleId ?? "quota-template";
        var intent = await AppendAsync(runId, AuditKind.Intent, ruleId, quota, action, message, null, ct);
        try
        {
            await call();
            await AppendAsync(runId, AuditKind.Outcome, ruleId, quota, action, $"{message}: done", intent, ct);
            return true;
        }
        catch (AwsServiceException e) when (!ct.IsCancellationRequested)
        {
            // One entry AWS refuses (quota not adjustable, template full, no permission) is recorded; the others go on.
            failures.Add($"{message}: {e.Message}");
            await AppendAsync(runId, AuditKind.Outcome, ruleId, quota, action, $"{message}: failed: {e.Message}", intent, ct);
            return false;
        }
    }

    private async Task<string> AppendAsync(string runId, AuditKind kind, string ruleId, QuotaKey? quota, string action, string message, string? actionId, CancellationToken ct)
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"{runId}/{Interlocked.Increment(ref _sequence):D5}");
        await audit.AppendAsync(new AuditRecord(id, runId, time.GetUtcNow(), kind, Echo.Of(ruleId), quota, action, Echo.Of(message), actionId), ct);
        return id;
    }

    private static string Show(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
