using FsCheck.Xunit;
using QuotaAutomation.Core.Actions;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Tests.Actions;

[Properties(Arbitrary = [typeof(Generators)], Replay = Generators.Replay, MaxTest = 500)]
public class RequestAdmissionProperties
{
    private static readonly RequestLimits Limits = RequestLimits.Aws;

    private static List<RequestIncrease> Admitted(RequestIncrease[] wanted, InFlight inFlight) =>
        RequestAdmission.Admit(wanted, inFlight, Limits).OfType<RequestIncrease>().ToList();

    [Property]
    public bool Admit_NeverTwoForOneQuota_CountingWhatIsInFlight(RequestIncrease[] wanted, QuotaKey[] open, QuotaKey[] awaiting)
    {
        var admitted = Admitted(wanted, new InFlight(open, awaiting));
        return admitted.All(a => !open.Contains(a.Quota) && !awaiting.Contains(a.Quota))
            && admitted.GroupBy(a => a.Quota).All(g => g.Count() == 1);
    }

    [Property]
    public bool Admit_RespectsRegionAndAccountLimits(RequestIncrease[] wanted, QuotaKey[] open)
    {
        var filed = Admitted(wanted, new InFlight(open, [])).Where(a => a.Route == IncreaseRoute.FileDirectly).Select(a => a.Quota).ToList();
        // Wherever something new was filed, open + new stays within the limit.
        bool Within(Func<QuotaKey, object> scope, int limit) => filed.Select(scope).Distinct()
            .All(s => open.Count(k => scope(k).Equals(s)) + filed.Count(k => scope(k).Equals(s)) <= limit);
        return Within(k => (k.AccountOrSelf, k.Region), Limits.PerRegion) && Within(k => k.AccountOrSelf, Limits.PerAccount);
    }

    [Property]
    public bool Admit_WhenARegionIsFull_TheMostUrgentWent(RequestIncrease[] wanted)
    {
        var decisions = RequestAdmission.Admit(wanted, InFlight.None, Limits);
        var filed = decisions.OfType<RequestIncrease>().Where(a => a.Route == IncreaseRoute.FileDirectly).ToList();
        var heldForRegion = decisions.OfType<Held>().Where(h => h.Reason.Contains("AWS limit", StringComparison.Ordinal)).Select(h => h.Wanted);
        return heldForRegion.All(held => filed
            .Where(f => f.Quota.Region == held.Quota.Region && f.Quota.AccountOrSelf == held.Quota.AccountOrSelf)
            .All(f => (f.Severity, f.UtilizationPercent).CompareTo((held.Severity, held.UtilizationPercent)) >= 0));
    }

    [Property]
    public bool Admit_KeepsEveryDecisionInPlace(RequestIncrease[] wanted, QuotaKey[] open) =>
        RequestAdmission.Admit(wanted, new InFlight(open, []), Limits)
            .Select((d, i) => d is RequestIncrease r ? ReferenceEquals(r, wanted[i]) : ((Held)d).Wanted == wanted[i])
            .All(ok => ok);

    [Fact]
    public void Admit_ThreeCriticalInOneRegion_FilesTheTwoFullestAndHoldsTheThird()
    {
        RequestIncrease Want(string code, double utilization) =>
            new($"r-{code}", new QuotaKey("ec2", code, "us-east-1"), "w", Severity.Critical, 10, 20, 1, IncreaseRoute.FileDirectly, utilization);
        var wanted = new[] { Want("L-A", 86), Want("L-B", 93), Want("L-C", 90) };

        var decisions = RequestAdmission.Admit(wanted, InFlight.None, Limits);

        Assert.Equal(["held", "request_increase", "request_increase"], decisions.Select(d => d.Kind));
        Assert.StartsWith("2 requests already open in us-east-1 (AWS limit)", decisions[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Admit_RecentlyDenied_IsHeldWithTheReason()
    {
        var key = new QuotaKey("ec2", "L-A", "us-east-1");
        var wanted = new RequestIncrease("r", key, "w", Severity.Emergency, 10, 20, 1, IncreaseRoute.FileDirectly, 99);

        var decision = RequestAdmission.Admit([wanted], new InFlight([], [], new Dictionary<QuotaKey, string> { [key] = "bob denied it" }), Limits).Single();

        Assert.Equal("bob denied it; wanted w", decision.Reason);
    }
}
