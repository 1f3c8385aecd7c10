using QuotaAutomation.Lambda;

namespace QuotaAutomation.Lambda.Tests;

public partial class LambdaSettingsTests
{
    [Fact]
    public void FromEnvironment_AlertContacts_AreOffUnlessOperationsIsNamed()
    {
        var fleet = new Dictionary<string, string>(Valid) { ["QA_FLEET_BUCKET"] = "fleet-bucket" };
        var unset = LambdaSettings.FromEnvironment(fleet.GetValueOrDefault).Value;
        var operations = LambdaSettings.FromEnvironment(new Dictionary<string, string>(fleet) { ["QA_ALERT_CONTACTS"] = "operations" }.GetValueOrDefault).Value;

        Assert.Equal((false, true), (unset.Fleet!.NotifyOperationsContacts, operations.Fleet!.NotifyOperationsContacts));
    }

    [Fact]
    public void FromEnvironment_UnknownAlertContacts_IsNamed() =>
        Assert.Equal("invalid settings: QA_ALERT_CONTACTS 'billing' must be none or operations",
            LambdaSettings.FromEnvironment(new Dictionary<string, string>(Valid) { ["QA_ALERT_CONTACTS"] = "billing" }.GetValueOrDefault).Error);

    [Fact]
    public void FromEnvironment_FleetBatchSettings_DefaultTo10AtOnceAnd2000NewShards_AndAreRead()
    {
        var fleet = new Dictionary<string, string>(Valid) { ["QA_FLEET_BUCKET"] = "fleet-bucket" };
        var unset = LambdaSettings.FromEnvironment(fleet.GetValueOrDefault).Value.Fleet!;
        var set = LambdaSettings.FromEnvironment(new Dictionary<string, string>(fleet) { ["QA_FLEET_SHARDS_AT_ONCE"] = "25", ["QA_FLEET_NEW_SHARDS_PER_CYCLE"] = "500" }.GetValueOrDefault).Value.Fleet!;

        Assert.Equal((10, 2000, 25, 500), (unset.ShardsAtOnce, unset.NewShardsPerCycle, set.ShardsAtOnce, set.NewShardsPerCycle));
    }

    [Fact]
    public void FromEnvironment_FleetTableUnits_DefaultToTheOnDemandTableMaximum_AndAreRead_OrNamed()
    {
        var fleet = new Dictionary<string, string>(Valid) { ["QA_FLEET_BUCKET"] = "fleet-bucket" };

        var unset = LambdaSettings.FromEnvironment(fleet.GetValueOrDefault).Value.Fleet!;
        var set = LambdaSettings.FromEnvironment(new Dictionary<string, string>(fleet) { ["QA_FLEET_TABLE_UNITS"] = "12000" }.GetValueOrDefault).Value.Fleet!;
        var bad = LambdaSettings.FromEnvironment(new Dictionary<string, string>(fleet) { ["QA_FLEET_TABLE_UNITS"] = "0" }.GetValueOrDefault).Error;

        Assert.Equal((40_000, 12_000), (unset.TableUnits, set.TableUnits));
        Assert.Equal("invalid settings: QA_FLEET_TABLE_UNITS '0' must be request units per second from 1 to 10000000", bad);
    }

    [Fact]
    public void FromEnvironment_BadFleetBatchSettings_AreNamedTogether() =>
        Assert.Equal("invalid settings: QA_FLEET_SHARDS_AT_ONCE '51' must be a whole number of shards one invocation runs at once from 1 to 50; "
            + "QA_FLEET_NEW_SHARDS_PER_CYCLE '2,000' must be a whole number of new shards a fleet cycle admits from 1 to 100000",
            LambdaSettings.FromEnvironment(new Dictionary<string, string>(Valid) { ["QA_FLEET_SHARDS_AT_ONCE"] = "51", ["QA_FLEET_NEW_SHARDS_PER_CYCLE"] = "2,000" }.GetValueOrDefault).Error);
}
