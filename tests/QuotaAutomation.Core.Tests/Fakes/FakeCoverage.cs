using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Core.Tests.Fakes;

/// <summary>Coverage of a <see cref="FakeAccount"/>: each of its quotas observed by its usage metric, plus <see cref="Unobserved"/>; listings recorded.</summary>
internal sealed class FakeCoverage(FakeAccount account) : IUsageCoverage
{
    public List<ObservableQuota> Unobserved { get; } = [];

    /// <summary>Each call's (account, Region, service filter).</summary>
    public List<(string? Account, string Region, string? Service)> Calls { get; } = [];

    /// <summary>When set, every listing throws it.</summary>
    public Exception? Fail { get; set; }

    public Task<IReadOnlyList<ObservableQuota>> ListAsync(string? accountId, string region, string? serviceCode, bool includeUnobserved, CancellationToken ct)
    {
        Calls.Add((accountId, region, serviceCode));
        if (Fail is { } e) throw e;
        var observed = account.Quotas.Values
            .Where(q => q.Key.Region == region && q.Key.AccountId == accountId)
            .Select(q => new ObservableQuota(q.Key, q.QuotaName, UsageSourceKind.UsageMetric, "AWS/Usage ResourceCount"))
            .Concat(includeUnobserved ? Unobserved : Unobserved.Where(q => q.Source != UsageSourceKind.None))
            .Where(q => serviceCode is null || q.Key.ServiceCode == serviceCode)
            .ToList();
        return Task.FromResult<IReadOnlyList<ObservableQuota>>(observed);
    }
}
