using QuotaAutomation.Core.Rules;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Rules;

/// <summary>The rule's optional <c>approvers</c> attribute: ARN patterns as a string or a list.</summary>
public sealed class RuleApproversTests
{
    private static readonly RawRule Minimal = Item("ec2-vcpu", "ec2", "L-1216C47A", "auto_request");

    [Fact]
    public void Absent_MeansTheGlobalList()
    {
        Assert.Null(RuleParser.Parse(Minimal).Value.Approvers);
    }

    [Fact]
    public void String_CommaSeparated_IsReadAsPatterns()
    {
        var rule = RuleParser.Parse(With(Minimal, "approvers", "arn:aws:iam::123456789012:role/Ops, arn:aws:sts::123456789012:assumed-role/Ops/*")).Value;

        Assert.Equal(["arn:aws:iam::123456789012:role/Ops", "arn:aws:sts::123456789012:assumed-role/Ops/*"], rule.Approvers);
    }

    [Fact]
    public void List_IsReadAsPatterns()
    {
        var rule = RuleParser.Parse(With(Minimal, "approvers", new List<object?> { "arn:aws:iam::123456789012:role/Ops" })).Value;

        Assert.Equal(["arn:aws:iam::123456789012:role/Ops"], rule.Approvers);
    }

    [Fact]
    public void NotAnArn_IsRejected_NamingTheRuleTheFieldAndTheEntry()
    {
        var result = RuleParser.Parse(With(Minimal, "approvers", "alice"));

        Assert.Equal("rule 'ec2-vcpu': approvers 'alice' is not an ARN pattern (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, * and ? allowed)", result.Error);
    }

    [Fact]
    public void Number_IsRejected_NamingTheField()
    {
        var result = RuleParser.Parse(With(Minimal, "approvers", 12.0));

        Assert.Equal("rule 'ec2-vcpu': approvers 12 must be ARN patterns: a string or a list of strings such as 'arn:aws:iam::123456789012:role/QuotaApprovers'", result.Error);
    }
}
