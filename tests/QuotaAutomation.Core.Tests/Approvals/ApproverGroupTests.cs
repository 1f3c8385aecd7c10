using FsCheck;
using FsCheck.Xunit;
using QuotaAutomation.Core.Approvals;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Tests.Approvals;

/// <summary>One approver from each named group (a policy's <c>approver_groups</c>), matched on the verified identity.</summary>
public class ApproverGroupTests
{
    private const string Sso = "arn:aws:sts::123456789012:assumed-role/";
    private const string Alice = Sso + "AWSReservedSSO_Security_0a1b2c3d/alice@example.com";
    private const string Bob = Sso + "AWSReservedSSO_Security_0a1b2c3d/bob@example.com";
    private const string Carol = "arn:aws:iam::123456789012:user/finance-carol";
    private const string Dave = Sso + "AWSReservedSSO_SecurityAndFinance_9f8e7d6c/dave@example.com";

    private static readonly ApproverGroup Security = new("security", [Sso + "AWSReservedSSO_Security*/*"]);
    private static readonly ApproverGroup Finance = new("finance", ["arn:aws:iam::123456789012:user/finance-*", Sso + "AWSReservedSSO_SecurityAndFinance_*/*"]);

    private static ApprovalRequest Waiting(int required, params ApproverGroup[] groups) => new("apr-1", "vcpus", new QuotaKey("ec2", "L-1216C47A", "us-east-1"),
        100, 200, 3456, "why", Severity.Critical, 90, ApprovalStatus.Waiting, DateTimeOffset.UnixEpoch) { RequiredApprovers = required, ApproverGroups = groups };

    [Fact]
    public void OneFromEachGroup_ASecondFromAGroupAlreadyFilledIsRefused()
    {
        var first = Assert.IsType<ChainStep.Recorded>(ApprovalChain.Approve(Waiting(2, Security, Finance), Alice, Alice, identified: true));
        var sameGroup = Assert.IsType<ChainStep.Refused>(ApprovalChain.Approve(first.Updated, Bob, Bob, identified: true));
        var done = Assert.IsType<ChainStep.Complete>(ApprovalChain.Approve(first.Updated, Carol, Carol, identified: true));

        Assert.Equal(1, first.Remaining);
        Assert.Equal(["finance"], first.WaitingGroups);
        Assert.Equal("1 more approver (from finance)", first.StillWanted);
        Assert.Equal($"approval apr-1: {Bob} is in none of the groups still waiting for an approver (finance)", sameGroup.Reason);
        Assert.Equal($"{Alice} and {Carol}", done.DecidedBy);
    }

    [Fact]
    public void APersonInTwoGroups_FillsOne_AndMovesToTheOtherWhenThatLetsTheChainComplete()
    {
        // Dave matches both groups; the matching first gives him security, then finance once Alice (security only) comes.
        var dave = Assert.IsType<ChainStep.Recorded>(ApprovalChain.Approve(Waiting(2, Security, Finance), Dave, Dave, identified: true));
        var alice = Assert.IsType<ChainStep.Complete>(ApprovalChain.Approve(dave.Updated, Alice, Alice, identified: true));

        Assert.Equal(1, dave.Remaining);
        Assert.Equal($"{Dave} and {Alice}", alice.DecidedBy);
    }

    [Fact]
    public void Describe_SaysWhoIsStillWanted()
    {
        var first = Assert.IsType<ChainStep.Recorded>(ApprovalChain.Approve(Waiting(2, Security, Finance), Alice, Alice, identified: true));

        Assert.Null(ApprovalChain.Describe(Waiting(1)));
        Assert.Equal("needs 2 different approvers, one from each of security, finance; approved so far by no one", ApprovalChain.Describe(Waiting(2, Security, Finance)));
        Assert.Equal($"needs 2 different approvers, one from each of security, finance; approved so far by {Alice}; still waiting for finance", ApprovalChain.Describe(first.Updated));
        Assert.Equal("needs 3 different approvers; approved so far by no one", ApprovalChain.Describe(Waiting(3)));
    }

    [Fact]
    public void MoreApproversThanGroups_AnOutsiderFillsOnlyTheSpareSeat()
    {
        const string outsider = "arn:aws:iam::123456789012:user/ops-erin";
        const string another = "arn:aws:iam::123456789012:user/ops-frank";
        var first = Assert.IsType<ChainStep.Recorded>(ApprovalChain.Approve(Waiting(3, Security, Finance), outsider, outsider, identified: true));
        var second = Assert.IsType<ChainStep.Refused>(ApprovalChain.Approve(first.Updated, another, another, identified: true));

        Assert.Equal(2, first.Remaining);
        Assert.Equal(["security", "finance"], first.WaitingGroups);
        Assert.Contains("in none of the groups still waiting for an approver (security, finance)", second.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ALinksHolder_NeverFillsAGroup_EvenWhenOnlyOneApproverIsRequired()
    {
        var refused = Assert.IsType<ChainStep.Refused>(ApprovalChain.Approve(Waiting(1, Security), "holder of a signed approve link", "holder of a signed approve link", identified: false));

        Assert.Contains("a signed link names no one", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Members_AreMatchedOnTheVerifiedIdentity_NeverOnATypedName()
    {
        var local = new ApproverGroup("ops", ["local:alice"]);
        var typed = Assert.IsType<ChainStep.Refused>(ApprovalChain.Approve(Waiting(1, Security), "mallory", $"{Alice} (typed by mallory)", identified: true));

        Assert.True(local.Includes("alice"));
        Assert.False(local.Includes("arn:aws:iam::123456789012:user/alice")); // an OS user's pattern never matches an AWS caller
        Assert.False(Security.Includes("alice")); // nor an ARN pattern the embedded backend's OS user
        Assert.Contains("mallory is in none of the groups", typed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Groups_RoundTripThroughTheirStoredForm()
    {
        var stored = ApproverGroup.ToJson([Security, Finance]);

        Assert.Equal([Security.Name, Finance.Name], ApproverGroup.FromJson(stored).Select(g => g.Name));
        Assert.Equal(Finance.Patterns, ApproverGroup.FromJson(stored)[1].Patterns);
        Assert.Null(ApproverGroup.ToJson([]));
        Assert.Empty(ApproverGroup.FromJson(null));
    }

    /// <summary>
    /// Whatever the memberships and the order people come in: the chain completes only with one distinct approver per
    /// group (and as many as required), and when exactly one per group is required it completes as soon as those who
    /// came could fill every group (a greedy choice on a transversal matroid loses nothing).
    /// </summary>
    [Property(MaxTest = 300, Replay = "(20261202,17)")]
    public bool TheChain_CompletesExactlyWhenEveryGroupCanBeFilled(byte[] memberships, byte groupCount, bool spareSeat)
    {
        var groups = Enumerable.Range(0, 1 + groupCount % 4)
            .Select(g => new ApproverGroup($"g{g}", [.. Enumerable.Range(0, 6).Where(p => memberships.Length > p && (memberships[p] >> g & 1) == 1).Select(Person)])).ToArray();
        var required = groups.Length + (spareSeat ? 1 : 0);
        var approval = Waiting(required, groups);
        var came = new List<string>();
        foreach (var person in Enumerable.Range(0, 6).Select(Person))
        {
            came.Add(person);
            switch (ApprovalChain.Approve(approval, person, person, identified: true))
            {
                case ChainStep.Complete:
                    var approvers = approval.Approvers.Append(person).ToList();
                    return ApprovalChain.Cover(groups, approvers).Covered == groups.Length && approvers.Count >= required;
                case ChainStep.Recorded recorded:
                    approval = recorded.Updated;
                    break;
            }
            if (!spareSeat && ApprovalChain.Cover(groups, came).Covered == groups.Length) return false; // it could have completed
        }
        return spareSeat || ApprovalChain.Cover(groups, came).Covered < groups.Length;
    }

    private static string Person(int p) => $"arn:aws:iam::123456789012:user/p{p}";
}
