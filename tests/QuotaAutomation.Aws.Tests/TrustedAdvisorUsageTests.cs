using Amazon;
using Amazon.Runtime;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using static QuotaAutomation.Aws.Tests.Fakes.ScriptedHandler;

namespace QuotaAutomation.Aws.Tests;

/// <summary>Quotas without a CloudWatch usage metric get their usage from Trusted Advisor's Service Limits check.</summary>
public class TrustedAdvisorUsageTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly QuotaInfo Vpcs = new(new QuotaKey("vpc", "L-F678F1CE", "eu-west-1"), "VPCs per Region", 5, true, "None");
    private static readonly QuotaInfo Eips = new(new QuotaKey("ec2", "L-0263D0A3", "eu-west-1"), "EC2-VPC Elastic IPs", 5, true, "None");

    private const string CheckResult = """
        {"result":{"checkId":"eW7HH0l7J9","timestamp":"2026-11-24T11:58:00Z","status":"warning","flaggedResources":[
          {"status":"warning","region":"eu-west-1","resourceId":"r1","isSuppressed":false,"metadata":["eu-west-1","VPC","VPCs per Region","5","4","Yellow"]},
          {"status":"ok","region":"us-east-1","resourceId":"r2","isSuppressed":false,"metadata":["us-east-1","VPC","VPCs per Region","5","1","Green"]}]}}
        """;

    private static AwsUsageSource Source(ScriptedHandler handler) => new(new AwsClients(
        new AwsClientOptions { Region = RegionEndpoint.EUWest1, Credentials = new BasicAWSCredentials("a", "b"), MaxRetries = 0, Transport = handler },
        new AwsBackendOptions()));

    [Fact]
    public async Task QuotaWithoutMetric_GetsTheCheckUsageForItsRegionAndName()
    {
        var handler = new ScriptedHandler(() => Json(CheckResult));

        var usage = await Source(handler).GetUsageAsync([new UsageQuery(Vpcs, Now.AddMinutes(-5)), new UsageQuery(Eips, Now.AddMinutes(-5))], Now, CancellationToken.None);

        Assert.Equal([new Core.Forecasting.UsageSample(Now, 4)], usage[Vpcs.Key]);
        Assert.False(usage.ContainsKey(Eips.Key)); // not in the check: no usage source
        var call = Assert.Single(handler.Seen);
        Assert.Equal(("AWSSupport_20130415.DescribeTrustedAdvisorCheckResult", "https://support.us-east-1.amazonaws.com/"), (call.Target, call.Uri));
    }

    [Fact]
    public async Task NoSupportPlan_MeansNoCoverage_NotAFailedCycle()
    {
        var handler = new ScriptedHandler(() => Json("""{"__type":"SubscriptionRequiredException","message":"AWS Premium Support Subscription is required"}""", System.Net.HttpStatusCode.BadRequest));

        var usage = await Source(handler).GetUsageAsync([new UsageQuery(Vpcs, Now.AddMinutes(-5))], Now, CancellationToken.None);

        Assert.Empty(usage);
    }
}
