using System.Net;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using static QuotaAutomation.Aws.Tests.Fakes.ScriptedHandler;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// Quotas without a CloudWatch usage metric get their usage from the Trusted Advisor Service Limits check that reports
/// them. The replies are shaped as <c>DescribeTrustedAdvisorCheckResult</c> answers (botocore support 2013-04-15:
/// result.checkId, timestamp, status, resourcesSummary, categorySpecificSummary, flaggedResources[].metadata) with the
/// limit names Trusted Advisor really uses ("VPCs", "VPC Elastic IP addresses (EIPs)"), which are not the Service
/// Quotas names ("VPCs per Region", "EC2-VPC Elastic IPs"). moto has no Trusted Advisor checks of these ids: the
/// replies are given at the transport.
/// </summary>
public class TrustedAdvisorUsageTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Refreshed = new(2026, 11, 24, 11, 38, 12, TimeSpan.Zero);
    private static readonly QuotaInfo Vpcs = new(new QuotaKey("vpc", "L-F678F1CE", "eu-west-1"), "VPCs per Region", 5, true, "None");
    private static readonly QuotaInfo Eips = new(new QuotaKey("ec2", "L-0263D0A3", "eu-west-1"), "EC2-VPC Elastic IPs", 5, true, "None");
    private static readonly QuotaInfo NatGateways = new(new QuotaKey("vpc", "L-FE5A380F", "eu-west-1"), "NAT gateways per Availability Zone", 5, true, "None");

    private static string CheckResult(string checkId, string timestamp, params string[][] metadata) => JsonSerializer.Serialize(new
    {
        result = new
        {
            checkId,
            timestamp,
            status = "warning",
            resourcesSummary = new { resourcesProcessed = metadata.Length, resourcesFlagged = metadata.Length, resourcesIgnored = 0, resourcesSuppressed = 0 },
            categorySpecificSummary = new { costOptimizing = new { estimatedMonthlySavings = 0.0, estimatedPercentMonthlySavings = 0.0 } },
            flaggedResources = metadata.Select((m, i) => new { status = m[5] == "Green" ? "ok" : "warning", region = m[0], resourceId = $"r{i}", isSuppressed = false, metadata = m }),
        },
    });

    private static readonly string VpcCheck = CheckResult("jL7PP0l7J9", "2026-11-24T11:38:12Z",
        ["eu-west-1", "VPC", "VPCs", "5", "4", "Yellow"], ["us-east-1", "VPC", "VPCs", "5", "1", "Green"]);

    private static readonly string EipCheck = CheckResult("lN7RR0l7J9", "2026-11-24T11:38:12Z",
        ["eu-west-1", "VPC", "VPC Elastic IP addresses (EIPs)", "5", "2", "Green"]);

    /// <summary>Answers each check id from <paramref name="replies"/> (the request's body is recorded before the reply is chosen).</summary>
    private static ScriptedHandler ByCheck(Dictionary<string, Func<HttpResponseMessage>> replies)
    {
        ScriptedHandler? handler = null;
        handler = new ScriptedHandler
        {
            Otherwise = _ =>
            {
                using var body = JsonDocument.Parse(handler!.Seen[^1].Body); // set before any request is sent
                return replies[body.RootElement.GetProperty("checkId").GetString()!](); // the adapter always sends checkId
            },
        };
        return handler;
    }

    // No counters: VPCs, Elastic IPs and NAT gateways have their own (ec2:Describe…) now; these tests keep to Trusted Advisor.
    private static AwsUsageSource Source(ScriptedHandler handler) => new(new AwsClients(
        new AwsClientOptions { Region = RegionEndpoint.EUWest1, Credentials = new BasicAWSCredentials("a", "b"), MaxRetries = 0, Transport = handler },
        new AwsBackendOptions()), TimeProvider.System, counters: []);

    private static Task<IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>> UsageAsync(ScriptedHandler handler, params QuotaInfo[] quotas) =>
        Source(handler).GetUsageAsync(quotas.Select(q => new UsageQuery(q, Now.AddHours(-1))).ToList(), Now, CancellationToken.None);

    [Fact]
    public async Task QuotasWithoutMetric_GetTheirChecksUsage_ByTrustedAdvisorsOwnLimitNames_AtTheChecksTime()
    {
        var handler = ByCheck(new() { ["jL7PP0l7J9"] = () => Json(VpcCheck), ["lN7RR0l7J9"] = () => Json(EipCheck) });

        var usage = await UsageAsync(handler, Vpcs, Eips, NatGateways);

        Assert.Equal([new UsageSample(Refreshed, 4)], usage[Vpcs.Key]); // eu-west-1's row, not us-east-1's
        Assert.Equal([new UsageSample(Refreshed, 2)], usage[Eips.Key]);
        Assert.False(usage.ContainsKey(NatGateways.Key)); // no Trusted Advisor check reports it: no usage source
        Assert.Equal(
            [("AWSSupport_20130415.DescribeTrustedAdvisorCheckResult", """{"checkId":"jL7PP0l7J9","language":"en"}"""),
             ("AWSSupport_20130415.DescribeTrustedAdvisorCheckResult", """{"checkId":"lN7RR0l7J9","language":"en"}""")],
            handler.Seen.Select(s => (s.Target, s.Body)));
        Assert.All(handler.Seen, s => Assert.Equal("https://support.us-east-1.amazonaws.com/", s.Uri));
    }

    [Fact]
    public async Task ARowNamedAsServiceQuotasNamesIt_DoesNotMatch()
    {
        var handler = ByCheck(new() { ["jL7PP0l7J9"] = () => Json(CheckResult("jL7PP0l7J9", "2026-11-24T11:38:12Z", ["eu-west-1", "VPC", "VPCs per Region", "5", "4", "Yellow"])) });

        var usage = await UsageAsync(handler, Vpcs);

        Assert.Empty(usage);
    }

    [Fact]
    public async Task ACheckNotRefreshedSinceTheLastRead_GivesNoNewSample()
    {
        var handler = ByCheck(new() { ["jL7PP0l7J9"] = () => Json(CheckResult("jL7PP0l7J9", "2026-11-24T10:30:00Z", ["eu-west-1", "VPC", "VPCs", "5", "4", "Yellow"])) });

        var usage = await UsageAsync(handler, Vpcs); // usage wanted after 11:00

        Assert.Empty(usage);
    }

    [Fact]
    public async Task ACheckAwsDoesNotServe_LeavesOnlyItsQuotasUncovered()
    {
        var handler = ByCheck(new()
        {
            ["jL7PP0l7J9"] = () => Json("""{"__type":"InvalidParameterValueException","message":"Unknown ID: jL7PP0l7J9"}""", HttpStatusCode.BadRequest),
            ["lN7RR0l7J9"] = () => Json(EipCheck),
        });

        var usage = await UsageAsync(handler, Vpcs, Eips);

        Assert.Equal([Eips.Key], usage.Keys);
    }

    [Fact]
    public async Task NoSupportPlan_MeansNoCoverage_NotAFailedCycle()
    {
        var handler = new ScriptedHandler(() => Json("""{"__type":"SubscriptionRequiredException","message":"AWS Premium Support Subscription is required"}""", HttpStatusCode.BadRequest));

        var usage = await UsageAsync(handler, Vpcs, Eips);

        Assert.Empty(usage);
        Assert.Single(handler.Seen); // the first refusal stands for the account
    }

    [Fact]
    public void EveryMappedQuotaCode_IsARealQuotaOfTheCatalog()
    {
        using var catalog = JsonDocument.Parse(File.ReadAllText(Testing.Repository.Catalog));
        var codes = catalog.RootElement.EnumerateArray().Select(q => (q.GetProperty("ServiceCode").GetString(), q.GetProperty("QuotaCode").GetString())).ToHashSet();

        Assert.Equal(19, TrustedAdvisorLimits.All.Count);
        Assert.All(TrustedAdvisorLimits.All, l => Assert.Contains((l.ServiceCode, l.QuotaCode), codes));
        Assert.Equal(TrustedAdvisorLimits.All.Count, TrustedAdvisorLimits.All.Select(l => (l.ServiceCode, l.QuotaCode)).Distinct().Count());
    }
}
