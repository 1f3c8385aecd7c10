using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// IAM's quotas from <c>GetAccountSummary</c>, which returns each entity's count beside its quota (<c>Roles</c>,
/// <c>RolesQuota</c>) in one call per account. IAM is global: the quotas are read in the Region their keys name (us-east-1).
/// Counted as IAM counts them: every role, service-linked roles included; customer managed policies only (<c>Policies</c>
/// excludes AWS managed ones). The summary's per-entity limits (policies per role, keys per user, policy sizes) come
/// without usage and are not served; nor is Users per account, whose only code in the catalog (L-C61EE368) is from
/// 2019 and not among today's IAM quotas.
/// </summary>
public sealed class IamAccountSummaryCounter : IQuotaCounter
{
    /// <summary>Each served quota and the summary's keys for its usage and its limit.</summary>
    private static readonly IReadOnlyList<(CountedQuota Quota, string Used, string Limit)> Keys =
    [
        (new("iam", "L-FE177D64", CountScope.Account, "roles"), "Roles", "RolesQuota"),
        (new("iam", "L-F4A5425F", CountScope.Account, "groups"), "Groups", "GroupsQuota"),
        (new("iam", "L-6E65F664", CountScope.Account, "instance profiles"), "InstanceProfiles", "InstanceProfilesQuota"),
        (new("iam", "L-E95E4862", CountScope.Account, "customer managed policies"), "Policies", "PoliciesQuota"),
        (new("iam", "L-BF35879D", CountScope.Account, "server certificates"), "ServerCertificates", "ServerCertificatesQuota"),
    ];

    public string Name => "iam:GetAccountSummary";

    public UsageSourceKind Kind => UsageSourceKind.AccountLimitApi;

    public IReadOnlyList<CountedQuota> Serves { get; } = Keys.Select(k => k.Quota).ToList();

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(wanted);
        var summary = (await scope.Clients.Iam(scope.Probe("iam")).GetAccountSummaryAsync(ct)).SummaryMap;
        return Keys
            .Where(k => wanted.Contains(k.Quota) && summary.ContainsKey(k.Used))
            .Select(k => new QuotaCount(k.Quota, summary[k.Used], Limit: summary.TryGetValue(k.Limit, out var limit) ? limit : null))
            .ToList();
    }
}
