using FsCheck;
using FsCheck.Fluent;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Tests;

/// <summary>FsCheck generators for valid rules, snapshots and wanted increases.</summary>
public static class Generators
{
    /// <summary>FsCheck's seed for every property here, so runs are repeatable; change it to explore, and keep failures as facts.</summary>
    public const string Replay = "(20261124,1)";

    private static readonly string[] Regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];

    public static Arbitrary<QuotaRule> Rule() => Arb.From(
        from level in Gen.Elements(Enum.GetValues<AutomationLevel>())
        from warning in Gen.Choose(10, 80)
        from critical in Gen.Choose(warning + 1, 90)
        from emergency in Gen.Choose(critical + 1, 100)
        from multiplierPct in Gen.Choose(101, 300)
        from cap in Gen.Choose(1, 20_000)
        from approval in Gen.Elements(true, false)
        from businessHours in Gen.Elements(true, false)
        from cost in Gen.Choose(0, 5_000)
        from region in Gen.Elements(Regions)
        select new QuotaRule("rule", new QuotaKey("ec2", "L-1216C47A", region), level, new Thresholds(warning, critical, emergency),
            multiplierPct / 100.0, cap, approval, businessHours ? BusinessHours.Default : null, cost, TimeSpan.FromHours(168), Enabled: true));

    public static Arbitrary<QuotaSnapshot> Snapshot() => Arb.From(
        from value in Gen.Choose(0, 10_000)
        from usage in Gen.Choose(0, 15_000)
        from forecast in Gen.Choose(0, 15_000)
        from adjustable in Gen.Frequency((9, Gen.Constant(true)), (1, Gen.Constant(false)))
        from unit in Gen.Elements("None", "Count", "Gigabytes")
        select new QuotaSnapshot(new QuotaInfo(new QuotaKey("ec2", "L-1216C47A", "us-east-1"), "q", value, adjustable, unit),
            usage, new Forecast(forecast, null, null, "gen", "")));

    /// <summary>Wanted increases over 6 quotas in 3 Regions and 2 accounts.</summary>
    public static Arbitrary<RequestIncrease[]> Wanted() => Arb.From(
        (from quota in Gen.Choose(0, 5)
         from region in Gen.Choose(0, 2)
         from account in Gen.Elements<string?>(null, "111122223333")
         from severity in Gen.Elements(Severity.Warning, Severity.Critical, Severity.Emergency)
         from utilization in Gen.Choose(70, 150)
         from route in Gen.Elements(IncreaseRoute.FileDirectly, IncreaseRoute.NeedsApproval)
         let key = new QuotaKey("svc", $"L-{quota:D8}", Regions[region], account)
         select new RequestIncrease($"rule-{quota}-{region}-{account}", key, "wanted", severity, 10, 20, 1, route, utilization))
        .ArrayOf());

    public static Arbitrary<QuotaKey[]> Keys() => Arb.From(
        (from quota in Gen.Choose(0, 5)
         from region in Gen.Choose(0, 2)
         from account in Gen.Elements<string?>(null, "111122223333")
         select new QuotaKey("svc", $"L-{quota:D8}", Regions[region], account)).ArrayOf());
}
