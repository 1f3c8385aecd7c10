using System.Text.Json;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Lambda;

/// <summary>
/// The fleet shard a quota event wakes, with the fleet on (docs/fleet-wakes.md): the account is the quota's
/// <c>account_id</c>, else the envelope's <c>account</c> (the account the event came from), else the hub's; the Region is
/// the quota's, else AWS Health's <c>detail.eventRegion</c>, else the envelope's <c>region</c>. The quotas are the event's
/// quota, or for an AWS Health threshold notification the service of each <c>resources</c> entry (<c>{service}/*</c>:
/// it names the quota by its name, not its code).
/// </summary>
public sealed record ShardWake(string AccountId, string Region, IReadOnlyList<string> QuotaIds)
{
    public string ShardId => FleetShard.IdOf(AccountId, Region);

    /// <summary>Which shard <paramref name="e"/> wakes, or a message naming the event and each field that is wrong.</summary>
    public static Result<ShardWake> Of(QuotaEvent e, string hubAccountId)
    {
        ArgumentNullException.ThrowIfNull(e);
        var problems = new List<string>();
        var (account, accountField) = e.Quota?.AccountId is { } named ? (named, "detail.quota.account_id") : (e.Account ?? hubAccountId, "account");
        if (!RuleTargets.IsAccountId(account)) problems.Add($"{accountField} '{Echo.Of(account)}' must be a 12-digit account id");
        var (region, regionField) = e.Quota is { } quota ? (quota.Region, "detail.quota.region")
            : Text(e.Detail, "eventRegion") is { } eventRegion ? (eventRegion, "detail.eventRegion")
            : (e.Region, "region");
        if (region is null) problems.Add("region is missing");
        else if (!RegionName.IsValid(region)) problems.Add($"{regionField} '{Echo.Of(region)}' must be a Region such as 'us-east-1'");
        var ids = new List<string>();
        if (e.Quota is { } q)
        {
            var id = ShardWakeIds.Of(q.ServiceCode, q.QuotaCode);
            if (ShardWakeIds.IsQuotaId(id) && q.QuotaCode != "*") ids.Add(id);
            else problems.Add($"detail.quota '{Echo.Of(id)}' must be a service code and a quota code (letters, digits and '-')");
        }
        else if (e.Source == "aws.health")
        {
            for (var i = 0; i < e.Resources.Count; i++)
                if (HealthService(e.Resources[i]) is { } service) ids.Add(ShardWakeIds.Of(service, "*"));
                else problems.Add($"resources[{i}] {(e.Resources[i] is { } r ? $"'{Echo.Of(r)}'" : "(not a string)")} must be 'Service: {{service code}} | Quota Name: …'");
        }
        return problems.Count > 0
            ? Result.Fail<ShardWake>($"{e.Kind} '{e.EventId}': {string.Join("; ", problems)}")
            : Result.Ok(new ShardWake(account, region!, ShardWakeIds.Quotas(ids))); // region is set when there is no problem
    }

    /// <summary>The service code of an AWS Health threshold notification's resource, e.g. <c>Service: ec2 | Quota Name: … | Utilization: 80.0%</c>.</summary>
    private static string? HealthService(string? resource)
    {
        const string Prefix = "Service:";
        if (resource is null || !resource.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var end = resource.IndexOf('|', StringComparison.Ordinal);
        var service = (end < 0 ? resource[Prefix.Length..] : resource[Prefix.Length..end]).Trim();
        return ShardWakeIds.IsQuotaId(service + "/*") ? service : null;
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && JsonStrings.Read(v) is { Length: > 0 } s ? s : null;
}
