using System.Text.Json;
using QuotaAutomation.Cli;
using QuotaAutomation.Cli.Commands;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Local.Tests;

/// <summary>
/// <c>quotas coverage</c>'s rows and <c>rules defaults</c>. The rows are read through a fake coverage here (the embedded
/// backend's own is the simulated account's), over the embedded backend's real rule store and usage history.
/// </summary>
public sealed class CoverageCommandTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions OneLine = new(QuotaAutomation.Cli.Json.JsonOutput.Options) { WriteIndented = false };

    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private sealed class FixedCoverage(params ObservableQuota[] quotas) : IUsageCoverage
    {
        public Task<IReadOnlyList<ObservableQuota>> ListAsync(string? accountId, string region, string? serviceCode, bool includeUnobserved, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<ObservableQuota>>(quotas.Where(q => (includeUnobserved || q.Source != UsageSourceKind.None) && (serviceCode is null || q.Key.ServiceCode == serviceCode)).ToList());
    }

    [Fact]
    public async Task Rows_EachQuotaWithItsSourceRuleAndLastObservation()
    {
        var backend = await _db.OpenAsync(sampleRules: false);
        var vpcs = new QuotaKey("vpc", "L-F678F1CE", "us-east-1");
        await backend.Rules.UpsertAsync([(RulesCommands.DefaultRuleId, RulesCommands.DefaultRule("us-east-1")), ("vpcs", new Dictionary<string, object?>
        {
            ["rule_id"] = "vpcs", ["service_code"] = "vpc", ["quota_code"] = "L-F678F1CE", ["region"] = "us-east-1", ["automation_level"] = "full_auto",
        })], CancellationToken.None);
        await backend.History.AppendAsync(vpcs, [new UsageSample(TempDatabase.Start.AddMinutes(-10), 3), new UsageSample(TempDatabase.Start.AddMinutes(-5), 4)], CancellationToken.None);
        var coverage = new FixedCoverage(
            new(vpcs, "VPCs per Region", UsageSourceKind.DescribeCount, "ec2:DescribeVpcs"),
            new(new QuotaKey("vpc", "L-407747CB", "us-east-1"), "Subnets per VPC", UsageSourceKind.DescribeCount, "ec2:DescribeSubnets"),
            new(new QuotaKey("vpc", "L-2AFB9258", "us-east-1"), "Security groups per network interface", UsageSourceKind.None, null));

        var rows = await CoverageCommand.RowsAsync(coverage, backend.Rules, backend.History, "us-east-1", "vpc", TempDatabase.Start, TimeSpan.FromDays(14), CancellationToken.None);

        Assert.Equal([
            new CoverageCommand.CoverageRow("vpc", "L-2AFB9258", "Security groups per network interface", "none", null, "none", null, null, null, null),
            new CoverageCommand.CoverageRow("vpc", "L-407747CB", "Subnets per VPC", "describe-count", "ec2:DescribeSubnets", "wildcard", RulesCommands.DefaultRuleId, true, null, null),
            new CoverageCommand.CoverageRow("vpc", "L-F678F1CE", "VPCs per Region", "describe-count", "ec2:DescribeVpcs", "explicit", "vpcs", true, 4, TempDatabase.Start.AddMinutes(-5)),
        ], rows);
        Assert.Equal("""{"service_code":"vpc","quota_code":"L-F678F1CE","quota_name":"VPCs per Region","source":"describe-count","source_name":"ec2:DescribeVpcs","rule":"explicit","rule_id":"vpcs","rule_enabled":true,"last_value":4,"last_observed":"2026-11-24T14:55:00Z"}""",
            JsonSerializer.Serialize(rows[2], OneLine));
    }

    [Fact]
    public async Task RulesDefaults_PrintsOneValidWildcardAlertRule_AsRulesImportReadsIt()
    {
        var (exit, stdout, _) = await _db.RunCliSplitAsync("rules", "defaults");

        Assert.Equal(ExitCodes.Ok, exit);
        var path = _db.WriteFile("defaults.json", stdout);
        var raw = Assert.Single(RuleFiles.Read(path));
        var rule = RuleParser.Parse(raw).Value;
        Assert.Equal((RulesCommands.DefaultRuleId, new QuotaKey("*", "*", "us-east-1"), AutomationLevel.AlertOnly, new Thresholds(80, 95, 100)),
            (rule.RuleId, rule.Quota, rule.Level, rule.Thresholds));
    }

    [Fact]
    public async Task RulesDefaults_Import_StoresTheRuleForTheRegionGiven()
    {
        var (exit, _) = await _db.RunCliAsync("rules", "defaults", "--import", "--region", "eu-west-1");

        var stored = await (await _db.OpenAsync(sampleRules: false)).Rules.LoadByIdAsync(CancellationToken.None);
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal("eu-west-1", stored[RulesCommands.DefaultRuleId]["region"]);
    }
}
