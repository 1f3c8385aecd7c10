using QuotaAutomation.Core.Fleet;

namespace QuotaAutomation.Core.Tests.Fleet;

public sealed class FleetSummaryTests
{
    [Fact]
    public void Totals_FailuresByAccount_AndOneDigest()
    {
        var summary = FleetSummary.From(
        [
            new ShardResult("222222222222/us-east-1", "222222222222", "us-east-1", "ok", 3, 1, 0, null),
            new ShardResult("333333333333/us-east-1", "333333333333", "us-east-1", "failed", 2, 0, 1, "role QuotaAutomationMemberRole cannot be assumed"),
            new ShardResult("333333333333/eu-west-1", "333333333333", "eu-west-1", "failed", 2, 0, 1, "role QuotaAutomationMemberRole cannot be assumed"),
            new ShardResult("444444444444/us-east-1", "444444444444", "us-east-1", "partial", 4, 2, 1, "rule 'x': quota not found"),
        ], [new SkippedAccount("555555555555", "old", "account 555555555555 (old) is suspended: not cycled")]);

        Assert.Equal((4, 1, 1, 2, 11, 3, 3, "failed"), (summary.Shards, summary.Ok, summary.Partial, summary.Failed, summary.Rules, summary.Actions, summary.Errors, summary.Status));
        Assert.Equal(
            "4 shard(s): 1 ok, 1 partial, 2 failed; 11 rule evaluations, 3 action(s), 3 error(s); 1 account(s) skipped.\n"
            + "- account 333333333333: 2 failed, 0 partial: role QuotaAutomationMemberRole cannot be assumed\n"
            + "- account 444444444444: 0 failed, 1 partial: rule 'x': quota not found\n"
            + "- account 555555555555 (old) is suspended: not cycled",
            summary.Digest());
        Assert.EndsWith("- … and 2 more (see the audit trail)", summary.Digest(maxLines: 1));
    }
}
