using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Core.Tests.Governance;

public class ComplianceCheckTests
{
    private static readonly QuotaKey Vpcs = new("vpc", "L-F678F1CE", "us-east-1");
    private static readonly QuotaKey Subnets = new("vpc", "L-407747CB", "us-east-1");
    private static readonly QuotaKey Eips = new("ec2", "L-0263D0A3", "us-east-1");
    private static readonly QuotaKey Vcpus = new("ec2", "L-1216C47A", "us-east-1");

    private static QuotaRule Rule(string id, QuotaKey quota, bool enabled = true) => QuotaRule.WithDefaults(id, quota, AutomationLevel.FullAuto) with { Enabled = enabled };

    private static IReadOnlyList<ComplianceFinding> Check(IReadOnlyList<QuotaRule> rules, params ObservedUtilization[] observed)
    {
        var quotas = observed.Select(o => new ObservableQuota(o.Key, o.QuotaName, UsageSourceKind.UsageMetric, "cloudwatch")).ToList();
        return ComplianceCheck.Find(rules, [("broken", "rule 'broken': automation_level 'sometimes' must be one of monitor_only, alert_only, auto_request, auto_approve, full_auto")],
            GoverningRule.For(rules, quotas), observed);
    }

    [Fact]
    public void Finds_NearQuotasWithoutARule_RejectedAndDisabledRules_AndAWildcardThatNeverRuns()
    {
        QuotaRule[] rules =
        [
            Rule("vpcs", Vpcs, enabled: false),
            Rule("subnets", Subnets),
            Rule("all-vpc", new QuotaKey("vpc", WildcardRules.All, "us-east-1")),
        ];

        var findings = Check(rules,
            new ObservedUtilization(Vpcs, "VPCs per Region", 5, 4),                 // 80 %, its only rule disabled
            new ObservedUtilization(Subnets, "Subnets per VPC", 200, 196),          // 98 %, governed
            new ObservedUtilization(Eips, "EC2-VPC Elastic IPs", 5, 5),             // 100 %, no rule at all
            new ObservedUtilization(Vcpus, "Running On-Demand Standard instances", 256, 100)); // 39 %: not near

        Assert.Equal(
            [
                ("unruled_near_quota", "ec2/L-0263D0A3@us-east-1", "EC2-VPC Elastic IPs: 5 of 5 = 100% and no rule governs it"),
                ("unruled_near_quota", "vpc/L-F678F1CE@us-east-1", "VPCs per Region: 4 of 5 = 80% and its only rule, 'vpcs', is disabled"),
                ("rejected_rule", "broken", "rule 'broken': automation_level 'sometimes' must be one of monitor_only, alert_only, auto_request, auto_approve, full_auto"),
                ("disabled_rule", "vpcs", "vpc/L-F678F1CE@us-east-1 is not automated: the rule is disabled (rules enable vpcs)"),
                ("shadowed_rule", "all-vpc", "never runs: each of the 2 observed quotas it covers is governed by a rule that names it or a narrower wildcard"),
            ],
            findings.Select(f => (f.KindName, f.Subject, f.Detail)));
    }

    [Fact]
    public void AWildcardThatGovernsOneQuota_IsNotShadowed_AndAQuotaWithoutUsage_IsNotNear()
    {
        QuotaRule[] rules = [Rule("subnets", Subnets), Rule("all-vpc", new QuotaKey("vpc", WildcardRules.All, "us-east-1"))];

        var findings = Check(rules, new ObservedUtilization(Vpcs, "VPCs per Region", 5, 4), new ObservedUtilization(Subnets, "Subnets per VPC", 200, 196),
            new ObservedUtilization(Eips, "EC2-VPC Elastic IPs", 5, null));

        Assert.Equal(["rejected_rule"], findings.Select(f => f.KindName));
    }
}
