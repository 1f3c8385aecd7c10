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
}
