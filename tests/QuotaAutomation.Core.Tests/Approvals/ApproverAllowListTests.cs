using QuotaAutomation.Core.Approvals;

namespace QuotaAutomation.Core.Tests.Approvals;

public sealed class ApproverAllowListTests
{
    private const string Alice = "arn:aws:sts::123456789012:assumed-role/QuotaApprovers/alice";
    private static readonly string[] Global = ["arn:aws:sts::123456789012:assumed-role/QuotaApprovers/*"];

    [Fact]
    public void Check_CallerMatchingTheGlobalList_IsAllowed_AndTheReasonNamesThePattern()
    {
        var check = ApproverAllowList.Check(Alice, Global, null, "ec2-vcpu", "apr-1");

        Assert.Equal(new ApproverCheck(true, $"approval apr-1: {Alice} matches {Global[0]} (QA_APPROVERS)"), check);
    }

    [Fact]
    public void Check_CallerNotOnTheList_IsRefused_NamingTheCallerAndTheApproval()
    {
        var check = ApproverAllowList.Check("arn:aws:sts::123456789012:assumed-role/Developers/mallory", Global, null, "ec2-vcpu", "apr-1");

        Assert.Equal(new ApproverCheck(false, "approval apr-1: arn:aws:sts::123456789012:assumed-role/Developers/mallory is not an approver (QA_APPROVERS)"), check);
    }

    [Fact]
    public void Check_RuleApprovers_ReplaceTheGlobalList()
    {
        var check = ApproverAllowList.Check(Alice, Global, ["arn:aws:iam::123456789012:user/bob"], "ec2-vcpu", "apr-1");

        Assert.Equal(new ApproverCheck(false, $"approval apr-1: {Alice} is not an approver (rule 'ec2-vcpu' approvers)"), check);
    }

    [Fact]
    public void Check_NoListAnywhere_FailsClosed_SayingHowToConfigureIt()
    {
        var check = ApproverAllowList.Check(Alice, [], null, "ec2-vcpu", "apr-1");

        Assert.Equal(new ApproverCheck(false, "approval apr-1: no approver is configured, so nobody may decide it: set QA_APPROVERS (Terraform variable approvers) " +
            "to the ARN patterns of who may approve, e.g. arn:aws:sts::ACCOUNT:assumed-role/QuotaApprovers/*, or give rule 'ec2-vcpu' an approvers attribute"), check);
    }

    [Theory]
    [InlineData("arn:aws:sts::123456789012:assumed-role/QuotaApprovers/*", Alice, true)]
    [InlineData("arn:aws:sts::123456789012:assumed-role/QuotaApprovers/alic?", Alice, true)]
    [InlineData("arn:aws:sts::123456789012:assumed-role/quotaapprovers/*", Alice, false)] // case matters, as in ArnLike
    [InlineData("arn:aws:sts::123456789012:assumed-role/QuotaApprovers", Alice, false)] // no implicit prefix match
    [InlineData("arn:aws:sts::*:assumed-role/QuotaApprovers/*", Alice, true)]
    [InlineData("arn:aws:sts::123456789012:assumed-role/QuotaApprovers/alice*", "arn:aws:sts::123456789012:assumed-role/QuotaApprovers/alice-evil", true)]
    [InlineData("*", Alice, true)]
    public void Matches_ReadsPatternsAsIamArnLike(string pattern, string arn, bool expected)
    {
        Assert.Equal(expected, ApproverAllowList.Matches(pattern, arn));
    }

    [Fact]
    public void Parse_NamesEachEntryThatIsNotAnArnPattern()
    {
        var (patterns, problems) = ApproverAllowList.Parse(["arn:aws:iam::123456789012:role/A, alice", "arn:aws:iam::123456789012:role/B"]);

        Assert.Equal(["arn:aws:iam::123456789012:role/A", "arn:aws:iam::123456789012:role/B"], patterns);
        Assert.Equal(["'alice' is not an ARN pattern (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, * and ? allowed)"], problems);
    }
}
