using System.Collections.Concurrent;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Usage;
using QuotaAutomation.Local.Storage;

namespace QuotaAutomation.Local.Simulation;

/// <summary>One account of a virtual organization as the simulated AWS sees it: whether the hub may act in it, and where.</summary>
/// <param name="Id">The account id; "" is the hub's own account (keys with no account).</param>
/// <param name="HasMemberRole">False when the member role is missing: every call fails as STS AssumeRole would.</param>
public sealed record SimulatedMember(string Id, bool HasMemberRole, IReadOnlySet<string> EnabledRegions);

/// <summary>
/// The simulated AWS of many accounts behind the single-account ports: each call goes by its quota's
/// <see cref="QuotaKey.AccountId"/> to that account's <see cref="SimulatedAccount"/>, made on first use (a few
/// references; the account's quotas in a Region are written to the file the first time that Region is asked for), so
/// 1,000 accounts × 17 Regions cost what their rows cost, not 17,000 objects. Keys with no account go to the hub's own
/// account, exactly as before there was a fleet; so does every key while no organization is joined, or whose account
/// is not in it (which then answers that it does not serve it).
/// </summary>
public sealed class SimulatedFleet(SqliteDatabase db, TimeProvider time, SimulationOptions options, DateTimeOffset genesis, SimulatedAccount hub)
    : IQuotaSource, IUsageSource, IQuotaRequester, IUsageCoverage
{
    private readonly ConcurrentDictionary<string, SimulatedAccount> _accounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Account, string Region), Lazy<Task>> _regions = new();
    private IReadOnlyDictionary<string, SimulatedMember>? _members;
    private string _hubAccountId = "";

    /// <summary>The hub's own account (keys with no account id).</summary>
    public SimulatedAccount Hub => hub;

    /// <summary>Serves the accounts of an organization from now on; <paramref name="hubAccountId"/> is the account the hub runs in.</summary>
    public void Join(string hubAccountId, IEnumerable<SimulatedMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        _hubAccountId = hubAccountId;
        _members = members.ToDictionary(m => m.Id, StringComparer.Ordinal);
    }

    /// <summary>The simulated account a key's calls go to, its quotas in the key's Region written if they were not.</summary>
    public async Task<SimulatedAccount> AccountForAsync(QuotaKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        var id = key.AccountId ?? "";
        if (_members is not { } members || !members.TryGetValue(id, out var member)) return hub;
        if (!member.HasMemberRole) throw new MemberRoleMissingException(id, _hubAccountId);
        var account = id.Length == 0 ? hub : _accounts.GetOrAdd(id, a => new SimulatedAccount(db, time, options, genesis, a));
        if (member.EnabledRegions.Contains(key.Region))
            await _regions.GetOrAdd((id, key.Region), k => new Lazy<Task>(() => account.EnsureQuotasAsync(MemberAccountQuotas.For(options.Seed, k.Account, k.Region), CancellationToken.None))).Value;
        return account;
    }

    public async Task<QuotaDictionary> GetQuotasAsync(IReadOnlyCollection<QuotaKey> keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var found = new Dictionary<QuotaKey, QuotaInfo>();
        var failed = new Dictionary<QuotaKey, string>();
        foreach (var group in keys.GroupBy(k => (k.AccountId, k.Region)))
        {
            var answer = await (await AccountForAsync(group.First(), ct)).GetQuotasAsync(group.ToList(), ct);
            foreach (var (key, info) in answer) found[key] = info;
            foreach (var (key, why) in answer.Failed) failed[key] = why;
        }
        return new QuotaDictionary(found, failed);
    }

    public async Task<QuotaInfo?> GetQuotaAsync(QuotaKey key, CancellationToken ct) => await (await AccountForAsync(key, ct)).GetQuotaAsync(key, ct);

    public async Task<IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>> GetUsageAsync(IReadOnlyList<UsageQuery> queries, DateTimeOffset until, CancellationToken ct) =>
        (await ReadAsync(queries, until, ct)).Samples;

    /// <summary>Each account and Region's reading from its simulated account, merged.</summary>
    public async Task<UsageReading> ReadAsync(IReadOnlyList<UsageQuery> queries, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var readings = new List<UsageReading>();
        foreach (var group in queries.GroupBy(q => (q.Quota.Key.AccountId, q.Quota.Key.Region)))
            readings.Add(await ((IUsageSource)await AccountForAsync(group.First().Quota.Key, ct)).ReadAsync(group.ToList(), until, ct));
        return UsageReading.Merge(readings);
    }

    /// <summary>The quotas of the account <paramref name="accountId"/> names (the hub's own for null) in the Region, and how each is observed.</summary>
    public async Task<IReadOnlyList<ObservableQuota>> ListAsync(string? accountId, string region, string? serviceCode, bool includeUnobserved, CancellationToken ct)
    {
        var account = string.IsNullOrEmpty(accountId) ? hub : await AccountForAsync(new QuotaKey("*", "*", region, accountId), ct);
        return await account.ListAsync(accountId, region, serviceCode, includeUnobserved, ct);
    }

    public async Task<RequestedServiceQuotaChange> RequestIncreaseAsync(QuotaKey quota, double desiredValue, CancellationToken ct) =>
        await (await AccountForAsync(quota, ct)).RequestIncreaseAsync(quota, desiredValue, ct);

    public async Task<RequestedServiceQuotaChange> GetRequestAsync(QuotaKey quota, string requestId, CancellationToken ct) =>
        await (await AccountForAsync(quota, ct)).GetRequestAsync(quota, requestId, ct);

    public async Task<RequestedServiceQuotaChange?> FindOpenRequestAsync(QuotaKey quota, CancellationToken ct) =>
        await (await AccountForAsync(quota, ct)).FindOpenRequestAsync(quota, ct);

    public async Task<RequestedServiceQuotaChange?> FindRequestAsync(QuotaKey quota, double desiredValue, DateTimeOffset createdFrom, CancellationToken ct) =>
        await (await AccountForAsync(quota, ct)).FindRequestAsync(quota, desiredValue, createdFrom, ct);

    public async Task CreateSupportCaseAsync(QuotaKey quota, string requestId, CancellationToken ct) =>
        await (await AccountForAsync(quota, ct)).CreateSupportCaseAsync(quota, requestId, ct);
}

/// <summary>
/// The hub could not act in a member account because the account has no member role: STS AssumeRole's AccessDenied,
/// with the message AWS gives (as the AWS backend reports it: operation, error code, message).
/// </summary>
public sealed class MemberRoleMissingException(string accountId, string hubAccountId)
    : Exception($"AssumeRole: AccessDenied: User: arn:aws:sts::{hubAccountId}:assumed-role/quota-automation/quota-automation is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{accountId}:role/{RoleName}")
{
    /// <summary>The member role's name, as the AWS backend's default and the member-role module name it.</summary>
    public const string RoleName = "QuotaAutomationMemberRole";

    public string AccountId { get; } = accountId;
}
