using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Rules;
using QuotaAutomation.Core.Tests.Fakes;

namespace QuotaAutomation.Core.Tests.Fleet;

/// <summary>
/// A small organization: root r-root1 → ou-root-prod0000 (prod) → ou-root-prodeu00 (prod/eu); ou-root-dev00000 (dev).
/// Hub 111111111111 under the root; prod 222222222222; prod/eu 333333333333; dev 444444444444; suspended 555555555555 in dev.
/// </summary>
internal static class FleetTestOrg
{
    public const string Root = "r-root1";
    public const string Prod = "ou-root-prod0000";
    public const string ProdEu = "ou-root-prodeu00";
    public const string Dev = "ou-root-dev00000";
    public const string Hub = "111111111111";
    public const string ProdAccount = "222222222222";
    public const string EuAccount = "333333333333";
    public const string DevAccount = "444444444444";
    public const string SuspendedAccount = "555555555555";

    public static readonly Organization Org = new("o-test", Hub,
    [
        new OrgAccount(Hub, "hub", AccountState.Active, [Root]),
        new OrgAccount(ProdAccount, "prod", AccountState.Active, [Root, Prod]),
        new OrgAccount(EuAccount, "prod-eu", AccountState.Active, [Root, Prod, ProdEu]),
        new OrgAccount(DevAccount, "dev", AccountState.Active, [Root, Dev]),
        new OrgAccount(SuspendedAccount, "old", AccountState.Suspended, [Root, Dev]),
    ]);

    public static readonly FleetSettings Settings = new(["us-east-1", "eu-west-1"], Hub, "us-east-1");

    public static QuotaRule Rule(string id, object? accounts, object region, params (string Name, object? Value)[] extra)
    {
        var item = TestRules.Item(id, "ec2", "L-1216C47A", "full_auto", extra);
        item = TestRules.With(TestRules.With(item, "region", region), "account_id", accounts);
        var parsed = RuleParser.Parse(item);
        return parsed.Success ? parsed.Value : throw new InvalidOperationException(parsed.Error);
    }
}
