using QuotaAutomation.Cli;

namespace QuotaAutomation.Local.Tests;

/// <summary><c>rules validate</c> on fleet rules: overlaps are legal, and it says which rule wins where.</summary>
public sealed class RulesValidateOverlapTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task OverlappingFleetRules_AreValid_AndEachOverlapNamesItsWinner()
    {
        var path = _db.WriteFile("fleet.yaml", """
            rules:
              - rule_id: org-vcpus
                service_code: ec2
                quota_code: L-1216C47A
                account_id: "*"
                region: "*"
                exclude_regions: [ap-south-1]
                automation_level: alert_only
              - rule_id: prod-vcpus
                service_code: ec2
                quota_code: L-1216C47A
                account_id: ou-ab12-prod0000
                region: [us-east-1, eu-west-1]
                automation_level: full_auto
                standby_factor: 1.5
            """);

        var (exit, output) = await _db.RunCliAsync("rules", "validate", path);

        Assert.Equal(ExitCodes.Invalid, exit); // standby_factor without a standby is a mistake
        Assert.Contains("✗ rule 'prod-vcpus': standby_factor needs standby_region or standby_account", output, StringComparison.Ordinal);

        var fixedPath = _db.WriteFile("fleet-fixed.yaml", File.ReadAllText(path).Replace("\n    standby_factor: 1.5", "", StringComparison.Ordinal));
        (exit, output) = await _db.RunCliAsync("rules", "validate", fixedPath);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("✓ 2 rules valid in fleet-fixed.yaml", output, StringComparison.Ordinal);
        Assert.Contains("overlap: rule 'prod-vcpus' overrides 'org-vcpus' for ec2/L-1216C47A for ou-ab12-prod0000 in us-east-1, eu-west-1: it names an OU, not '*'", output.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
