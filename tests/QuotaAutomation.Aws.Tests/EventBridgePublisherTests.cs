using Amazon;
using Amazon.Runtime;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests;

public class EventBridgePublisherTests
{
    private static readonly QuotaEventRecord Record = new("run-0", "quota_usage_spike", "quota-automation",
        new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero), new QuotaKey("lambda", "L-B99A9384", "us-east-1"), """{"origin":"cycle"}""");

    private static EventBridgePublisher Publisher(ScriptedHandler handler, string? bus) => new(
        new AwsClients(new AwsClientOptions { Region = RegionEndpoint.USEast1, Credentials = new BasicAWSCredentials("a", "b"), MaxRetries = 0, Transport = handler }, new AwsBackendOptions()),
        new AwsBackendOptions { EventBusName = bus });

    [Fact]
    public async Task RefusedEntries_AreReportedWithTheirErrors()
    {
        var handler = new ScriptedHandler(() => ScriptedHandler.Json("""{"FailedEntryCount":1,"Entries":[{"ErrorCode":"InternalFailure","ErrorMessage":"try again"}]}"""));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Publisher(handler, "quota-events").PublishAsync([Record], CancellationToken.None));

        Assert.Equal("EventBridge refused 1 of 1 events: InternalFailure: try again", error.Message);
        Assert.Contains("\"DetailType\":\"Quota Usage Spike\"", handler.Seen[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoBusConfigured_PublishesNothing()
    {
        var handler = new ScriptedHandler();

        await Publisher(handler, null).PublishAsync([Record], CancellationToken.None);

        Assert.Empty(handler.Seen);
    }
}
