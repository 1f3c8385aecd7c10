using QuotaAutomation.Lambda;

namespace QuotaAutomation.Lambda.Tests;

public partial class LambdaSettingsTests
{
    [Fact]
    public void FromEnvironment_ReadCadence_DefaultsToEveryCycle_AndAdaptiveTurnsItOn()
    {
        var unset = LambdaSettings.FromEnvironment(Valid.GetValueOrDefault).Value;
        var adaptive = LambdaSettings.FromEnvironment(new Dictionary<string, string>(Valid) { ["QA_READ_CADENCE"] = "adaptive" }.GetValueOrDefault).Value;

        Assert.Equal((false, true), (unset.AdaptiveCadence, adaptive.AdaptiveCadence));
    }

    [Fact]
    public void FromEnvironment_UnknownReadCadence_IsNamed() =>
        Assert.Equal("invalid settings: QA_READ_CADENCE 'hourly' must be every_cycle or adaptive",
            LambdaSettings.FromEnvironment(new Dictionary<string, string>(Valid) { ["QA_READ_CADENCE"] = "hourly" }.GetValueOrDefault).Error);
}
