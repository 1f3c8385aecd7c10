using QuotaAutomation.Core.Approvals;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Tests.Approvals;

/// <summary>Approvals that need several people: distinct verified principals, never a typed name or a link's holder.</summary>
public class ApprovalChainTests
{
    private const string Alice = "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Approvers_0a1b2c3d/alice@example.com";
    private const string Bob = "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Approvers_0a1b2c3d/bob@example.com";

    private static ApprovalRequest Waiting(int required) => new("apr-1", "vcpus", new QuotaKey("ec2", "L-1216C47A", "us-east-1"), 100, 200, 3456, "why",
        Severity.Critical, 90, ApprovalStatus.Waiting, DateTimeOffset.UnixEpoch) { RequiredApprovers = required };

    [Fact]
    public void OneApprover_CompletesAtOnce()
    {
        Assert.Equal(new ChainStep.Complete(Alice), ApprovalChain.Approve(Waiting(1), Alice, Alice, identified: true));
    }

    [Fact]
    public void TwoApprovers_TheFirstIsRecorded_TheSamePersonAgainIsRefused_ASecondPersonCompletes()
    {
        var first = Assert.IsType<ChainStep.Recorded>(ApprovalChain.Approve(Waiting(2), Alice, Alice, identified: true));
        var again = Assert.IsType<ChainStep.Refused>(ApprovalChain.Approve(first.Updated, Alice, $"someone else (typed by {Alice})", identified: true));
        var second = Assert.IsType<ChainStep.Complete>(ApprovalChain.Approve(first.Updated, Bob, Bob, identified: true));

        Assert.Equal([Alice], first.Updated.Approvers);
        Assert.Equal(1, first.Remaining);
        Assert.Equal($"approval apr-1 was already approved by {Alice}: another person must approve (1 of 2)", again.Reason);
        Assert.Equal($"{Alice} and {Bob}", second.DecidedBy);
    }

    [Fact]
    public void ASignedLinksHolder_CannotCountTowardAChain()
    {
        var refused = Assert.IsType<ChainStep.Refused>(ApprovalChain.Approve(Waiting(2), "holder of a signed approve link", "holder of a signed approve link", identified: false));

        Assert.Contains("a signed link names no one", refused.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("arn:aws:sts::123456789012:assumed-role/QuotaApprovers/alice", "arn:aws:sts::123456789012:assumed-role/QuotaApprovers/bob", false)] // the caller names the session
    [InlineData(Alice, Bob, true)] // IAM Identity Center names it after the user
    [InlineData("arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:user/bob", true)]
    [InlineData("arn:aws:iam::123456789012:user/alice", "arn:aws:sts::123456789012:assumed-role/QuotaApprovers/alice", true)]
    public void DistinctPeople_AreDistinctPrincipals(string first, string second, bool distinct)
    {
        Assert.Equal(distinct, ApprovalChain.PrincipalOf(first) != ApprovalChain.PrincipalOf(second));
    }

    [Fact]
    public void ThreeApprovers_NeedThreePeople()
    {
        var one = Assert.IsType<ChainStep.Recorded>(ApprovalChain.Approve(Waiting(3), Alice, Alice, identified: true));
        var two = Assert.IsType<ChainStep.Recorded>(ApprovalChain.Approve(one.Updated, Bob, Bob, identified: true));

        Assert.Equal(1, two.Remaining);
        Assert.IsType<ChainStep.Complete>(ApprovalChain.Approve(two.Updated, "arn:aws:iam::123456789012:user/carol", "arn:aws:iam::123456789012:user/carol", identified: true));
    }
}
