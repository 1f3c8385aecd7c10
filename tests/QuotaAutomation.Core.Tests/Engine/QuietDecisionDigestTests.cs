using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Engine;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Engine;

/// <summary>Quiet decisions as digest records: the same decisions as per-rule records, in far fewer records.</summary>
public sealed class QuietDecisionDigestTests
{
    /// <summary>250 quiet rules (two digests: 200 + 50), one at 90 % that alerts, one whose quota does not exist.</summary>
    private static EngineFixture Fleet(bool digest)
    {
        var f = new EngineFixture(new EngineOptions { DigestQuietDecisions = digest });
        for (var i = 0; i < 250; i++)
        {
            var code = $"L-{i:D8}";
            f.Account.Add("ec2", code, 1000, _ => 100 + i);
            f.Stores.Rules.Add(Item($"quiet-{i:D3}", "ec2", code, "alert_only"));
        }
        f.Account.Add("ec2", "L-HOT", 100, _ => 90);
        f.Stores.Rules.Add(Item("hot", "ec2", "L-HOT", "alert_only"));
        f.Stores.Rules.Add(Item("missing", "ec2", "L-NOPE", "alert_only"));
        return f;
    }

    private static List<(string Rule, string? Quota, string Action, string Message)> Decisions(IEnumerable<AuditRecord> trail) =>
        [.. trail.SelectMany(QuietDecisions.Unpack).Where(r => r.Kind is AuditKind.Decision or AuditKind.Error)
            .Select(r => (r.RuleId, r.Quota?.ToString(), r.Action, r.Message)).OrderBy(d => d.RuleId, StringComparer.Ordinal)];

    [Fact]
    public async Task Digest_HoldsExactlyTheDecisionsPerRuleRecordsWould()
    {
        var perRule = Fleet(digest: false);
        var digested = Fleet(digest: true);

        await perRule.CycleAsync();
        await digested.CycleAsync();

        Assert.Equal(Decisions(perRule.Stores.Audit), Decisions(digested.Stores.Audit));
        Assert.Equal(252, Decisions(digested.Stores.Audit).Count);
    }

    [Fact]
    public async Task Digest_WritesQuietDecisionsInRecordsOf200_AndEveryOtherDecisionOnItsOwn()
    {
        var f = Fleet(digest: true);

        await f.CycleAsync();

        var digests = f.Stores.Audit.Where(QuietDecisions.IsDigest).ToList();
        Assert.Equal(["200 rules: no action", "50 rules: no action"], digests.Select(d => d.Message));
        Assert.Equal("-", digests[0].RuleId);
        Assert.DoesNotContain(f.Stores.Audit, r => r.Kind == AuditKind.Decision && r.Action == "none");
        Assert.Contains(f.Stores.Audit, r => r.Kind == AuditKind.Decision && r.RuleId == "hot" && r.Action == "alert_critical");
        Assert.Contains(f.Stores.Audit, r => r.Kind == AuditKind.Error && r.RuleId == "missing");
    }

    [Fact]
    public void For_FindsOneRule_AndNotDetailsAStoreAdded()
    {
        var digest = new AuditRecord("run/00002", "run", EngineFixture.Start, AuditKind.Decision, "-", null, QuietDecisions.Action, "2 rules: no action", null,
            new Dictionary<string, string>
            {
                [QuietDecisions.KeyOf("a")] = "ec2/L-1@us-east-1#111122223333 10 % used, below warning 70 %",
                [QuietDecisions.KeyOf("region")] = "ec2/L-2@us-east-1 5 % used",
                ["region"] = "us-east-1", // added by a shard's store, not a rule
            });

        var a = QuietDecisions.For(digest, "a");

        Assert.Equal(new AuditRecord("run/00002#a", "run", EngineFixture.Start, AuditKind.Decision, "a",
            new("ec2", "L-1", "us-east-1", "111122223333"), "none", "10 % used, below warning 70 %"), a);
        Assert.Equal(["a", "region"], QuietDecisions.Unpack(digest).Select(r => r.RuleId));
        Assert.Null(QuietDecisions.For(digest, "b"));
    }
}
