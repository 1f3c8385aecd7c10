using System.Text.Json;
using QuotaAutomation.Cli;
using QuotaAutomation.Local.Catalog;

namespace QuotaAutomation.Local.Tests;

/// <summary><c>quotas list|search</c> on the embedded backend: the bundled catalog, with the simulated account's quotas marked.</summary>
public sealed class QuotasCommandTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public void Catalog_Embedded_HoldsEveryQuotaOfTheBundledFile()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(Testing.Repository.Catalog));

        Assert.Equal((6913, file.RootElement.GetArrayLength()), (QuotaCatalog.All.Count, QuotaCatalog.All.Count));
    }

    [Fact]
    public async Task Search_ByNameIgnoringCase_FindsTheQuota_MarkedServedWithTheSimulatedValue()
    {
        var (exit, output) = await _db.RunCliAsync("quotas", "search", "ON-DEMAND standard");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Matches(@"│ ec2 +│ L-1216C47A +│ Running On-Demand Standard \(A, C, D, H, I, M, R, T, Z\) instances +│ 256 +│ yes +│ yes +│ served +│", output);
    }

    [Fact]
    public async Task Search_ByCode_IgnoresCase()
    {
        var (_, stdout, _) = await _db.RunCliSplitAsync("--output", "json", "quotas", "search", "l-f678f1ce");

        var row = Assert.Single(JsonDocument.Parse(stdout).RootElement.EnumerateArray()); // stdout holds the document alone
        Assert.Equal("""{"service_code":"vpc","service_name":"Amazon Virtual Private Cloud (Amazon VPC)","quota_code":"L-F678F1CE","quota_name":"VPCs per Region","value":5,"value_is":"simulated","adjustable":true,"usage_metric":false,"served_by_simulated_account":true}""",
            JsonSerializer.Serialize(row));
    }

    [Fact]
    public async Task List_Service_JsonHasEveryCatalogQuotaOfIt()
    {
        var (exit, stdout, _) = await _db.RunCliSplitAsync("--output", "json", "quotas", "list", "--service", "lambda");

        var rows = JsonDocument.Parse(stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal(QuotaCatalog.All.Count(q => q.ServiceCode == "lambda"), rows.Count);
        Assert.Equal(["L-2ACBD22F", "L-B99A9384"], rows.Where(r => r.GetProperty("served_by_simulated_account").GetBoolean()).Select(r => r.GetProperty("quota_code").GetString()));
    }

    [Fact]
    public async Task Cycle_RuleForAQuotaTheAccountDoesNotServe_SaysWhichItServes()
    {
        var backend = await _db.OpenAsync(sampleRules: false);
        await backend.Rules.UpsertAsync([("spot", new Dictionary<string, object?>
        {
            ["rule_id"] = "spot", ["service_code"] = "ec2", ["quota_code"] = "L-34B43A08", ["region"] = "us-east-1", ["automation_level"] = "alert_only",
        })], CancellationToken.None);

        var report = await TempDatabase.CycleAsync(backend, TempDatabase.Engine(backend));

        Assert.Equal("rule 'spot': could not read quota ec2/L-34B43A08@us-east-1: the simulated account does not serve it; it serves "
            + "autoscaling/L-CDE20ADC@us-east-1, cloudformation/L-0485CB21@us-east-1, dynamodb/L-34F6A552@us-east-1, dynamodb/L-F98FE922@us-east-1, ebs/L-309BACF6@us-east-1, "
            + "ebs/L-7A658B76@us-east-1, ebs/L-D18FCD1D@us-east-1, ec2/L-0263D0A3@us-east-1, ec2/L-1216C47A@us-east-1, ec2/L-DB2E81BA@us-east-1, ecs/L-21C621EB@us-east-1, "
            + "eks/L-1194D53C@us-east-1, elasticloadbalancing/L-53DA6B97@us-east-1, elasticloadbalancing/L-69A177A2@us-east-1, elasticloadbalancing/L-B22855CB@us-east-1, elasticloadbalancing/L-E9E9831D@us-east-1, "
            + "iam/L-FE177D64@us-east-1, kms/L-C2F1777E@us-east-1, lambda/L-2ACBD22F@us-east-1, lambda/L-B99A9384@us-east-1, rds/L-7B6409FD@us-east-1, "
            + "route53/L-4EA4796A@us-east-1, s3/L-DC2B2D3D@us-east-1, sns/L-61103206@us-east-1, vpc/L-0EA8095F@us-east-1, vpc/L-2AFB9258@us-east-1, "
            + "vpc/L-407747CB@us-east-1, vpc/L-589F43AA@us-east-1, vpc/L-93826ACB@us-east-1, vpc/L-A4707A72@us-east-1, vpc/L-DF5E4CA3@us-east-1, "
            + "vpc/L-E79EC296@us-east-1, vpc/L-F678F1CE@us-east-1, vpc/L-FE5A380F@us-east-1 (quota-automation quotas list marks them)",
            Assert.Single(report.Rules).Decision.Reason);
    }
}
