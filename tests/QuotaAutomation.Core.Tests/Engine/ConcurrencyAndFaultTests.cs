using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Ports;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Engine;

/// <summary>What other cycles and a flaky Service Quotas do to one cycle: only what a fault touches fails, and concurrency is never a failure.</summary>
public class ConcurrencyAndFaultTests
{
    [Fact]
    public async Task RunCycle_OneServiceListingFails_OnlyTheRulesItServesFail()
    {
        var f = new EngineFixture();
        f.Account.Add("ec2", "L-1216C47A", 100, _ => 50);
        f.Account.Add("vpc", "L-F678F1CE", 5, _ => 4);
        f.Stores.Rules.Add(Item("ec2-vcpu", "ec2", "L-1216C47A", "alert_only"));
        f.Stores.Rules.Add(Item("vpcs", "vpc", "L-F678F1CE", "alert_only"));
        f.Account.FailListing["ec2"] = "ThrottlingException: Rate exceeded";

        var report = await f.CycleAsync();

        Assert.Equal(["error", "alert_warning"], report.Rules.Select(r => r.Decision.Kind));
        Assert.Equal("rule 'ec2-vcpu': could not read quota ec2/L-1216C47A@us-east-1: ListServiceQuotas for ec2 failed: ThrottlingException: Rate exceeded",
            report.Rules[0].Decision.Reason);
    }

    [Fact]
    public async Task RunCycle_AnotherCycleRaisedTheQuotaAfterItWasRead_RecordsAlreadyThereNotFailed()
    {
        var f = new EngineFixture();
        var quota = f.Account.Add("ec2", "L-1216C47A", 100, _ => 90).Key;
        f.Stores.Rules.Add(Item("ec2-vcpu", "ec2", "L-1216C47A", "full_auto"));
        // Between this cycle's read (ListServiceQuotas) and its filing, another cycle's approved increase lands.
        f.Account.Fail = (operation, _) =>
        {
            if (operation == "GetMetricData") f.Account.Quotas[quota] = f.Account.Quotas[quota] with { Value = 150 };
            return null;
        };

        var report = await f.CycleAsync();

        var action = Assert.Single(report.Actions);
        Assert.Equal((ActionOutcome.Skipped, "already there: ec2/L-1216C47A@us-east-1 is 150 now, at or above the 150 wanted; nothing to file"), (action.Outcome, action.Detail));
        Assert.Empty(f.Account.Requests);
        Assert.Empty(f.Account.Violations);
        Assert.DoesNotContain(f.Stores.Requests, r => r.Status.IsOpen());
    }

    [Fact]
    public async Task RunCycle_AwsAnswersTheValueIsAlreadyThere_RecordsAlreadyThereNotFailed()
    {
        var f = new EngineFixture();
        var quota = f.Account.Add("ec2", "L-1216C47A", 100, _ => 90).Key;
        f.Stores.Rules.Add(Item("ec2-vcpu", "ec2", "L-1216C47A", "full_auto"));
        // The increase lands between the re-read (GetServiceQuota) and the filing: AWS refuses with IllegalArgumentException.
        f.Account.Fail = (operation, _) =>
        {
            if (operation == "RequestServiceQuotaIncrease") f.Account.Quotas[quota] = f.Account.Quotas[quota] with { Value = 200 };
            return null;
        };

        var report = await f.CycleAsync();

        var action = Assert.Single(report.Actions);
        Assert.Equal((ActionOutcome.Skipped, "already there: ec2/L-1216C47A@us-east-1 is 200 now, at or above the 150 wanted; nothing to file"), (action.Outcome, action.Detail));
        Assert.DoesNotContain(f.Stores.Requests, r => r.Status.IsOpen());
    }

    [Fact]
    public async Task RunCycle_FilingTimedOutAndAwsDeniedItSince_FollowsTheDenialAndKeepsTheQuietPeriod()
    {
        var f = new EngineFixture();
        f.Account.Add("ec2", "L-1216C47A", 100, _ => 90);
        f.Stores.Rules.Add(Item("ec2-vcpu", "ec2", "L-1216C47A", "full_auto"));
        f.Account.TimeOutAfterFiling = true;
        await f.CycleAsync();
        f.Account.TimeOutAfterFiling = false;
        f.Account.Decide("fake-1", approve: false);

        var reports = new[] { await f.CycleAsync(), await f.CycleAsync(), await f.CycleAsync() };

        Assert.Single(f.Account.Requests);
        var reservation = Assert.Single(f.Stores.Requests);
        Assert.Equal((RequestStatus.Denied, "fake-1"), (reservation.Status, reservation.AwsRequestId));
        Assert.Equal(["request fake-1 for ec2/L-1216C47A@us-east-1 (150): FILING → DENIED"], reports[0].StatusChanges);
        Assert.All(reports, r => Assert.StartsWith("AWS answered DENIED to request fake-1", Assert.Single(r.Rules).Decision.Reason, StringComparison.Ordinal));
    }
}
