using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests;

/// <summary>The thin clients against moto_server's real implementations of Step Functions, Support, EventBridge, SNS and STS.</summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class ClientsOnMotoTests(MotoServer moto)
{
    private const string StateMachine = """{"StartAt":"Done","States":{"Done":{"Type":"Pass","End":true}}}""";

    [Fact]
    public async Task StepFunctions_StartAndDescribeAnExecution()
    {
        await moto.ResetAsync();
        using var transport = new AwsTransport(moto.Options(), "states", "states");
        using var created = await transport.JsonAsync("1.0", "AWSStepFunctions", "CreateStateMachine",
            new { name = "approval", definition = StateMachine, roleArn = "arn:aws:iam::123456789012:role/sfn" }, AwsJson.Camel, CancellationToken.None);
        var machine = created.RootElement.GetProperty("stateMachineArn").GetString()!;
        using var states = new StepFunctionsClient(moto.Options());

        var started = await states.StartExecutionAsync(new(machine, "apr-1", """{"quota":"ec2/L-1216C47A"}"""), CancellationToken.None);
        var described = await states.DescribeExecutionAsync(new(started.ExecutionArn!), CancellationToken.None);

        Assert.Equal(("apr-1", machine), (described.Name, described.StateMachineArn));
        Assert.NotNull(described.StartDate);
    }

    [Fact]
    public async Task Support_DescribesTrustedAdvisorChecksAndCases()
    {
        await moto.ResetAsync();
        using var support = new SupportClient(moto.Options());

        var checks = await support.DescribeTrustedAdvisorChecksAsync(new("en"), CancellationToken.None);
        var cases = await support.DescribeCasesAsync(new() { IncludeResolvedCases = true }, CancellationToken.None);

        Assert.Contains(checks.Checks!, c => c.Category == "service_limits");
        Assert.NotNull(cases.Cases);
    }

    [Fact]
    public async Task EventBridge_PutsAQuotaEvent()
    {
        await moto.ResetAsync();
        using var events = new EventBridgeClient(moto.Options());

        var reply = await events.PutEventsAsync(new([new PutEventsRequestEntry
        {
            Source = "quota-automation",
            DetailType = "Quota Threshold Exceeded",
            Detail = JsonSerializer.Serialize(new { quota = "ec2/L-1216C47A@us-east-1", utilization = 91.5 }),
        }]), CancellationToken.None);

        Assert.Equal(0, reply.FailedEntryCount);
        Assert.NotNull(Assert.Single(reply.Entries!).EventId);
    }

    [Fact]
    public async Task EventBridgePublisher_PutsTheCyclesEventsOnTheQuotaBus()
    {
        await moto.ResetAsync();
        using (var events = new AwsTransport(moto.Options(), "events", "events"))
            (await events.JsonAsync("1.1", "AWSEvents", "CreateEventBus", new { Name = "quota-events" }, AwsJson.Pascal, CancellationToken.None)).Dispose();
        using var clients = new AwsClients(moto.Options(), new AwsBackendOptions());
        var publisher = new EventBridgePublisher(clients, new AwsBackendOptions { EventBusName = "quota-events" });
        var records = Enumerable.Range(0, 12).Select(i => new Core.Ports.QuotaEventRecord($"run-{i}", "quota_threshold_exceeded", "quota-automation",
            new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero), new QuotaKey("ec2", "L-1216C47A", "us-east-1"), """{"origin":"cycle"}""")).ToList();

        await publisher.PublishAsync(records, CancellationToken.None); // 12 events: two PutEvents calls; throws if any entry fails

        // moto refuses the whole call for an unknown bus (ResourceNotFoundException); AWS may report it per entry
        // instead (FailedEntryCount, tested in EventBridgePublisherTests). Either way the publisher reports it.
        var error = await Assert.ThrowsAsync<AwsServiceException>(() =>
            new EventBridgePublisher(clients, new AwsBackendOptions { EventBusName = "no-such-bus" }).PublishAsync(records.Take(1).ToList(), CancellationToken.None));
        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
    }

    [Fact]
    public async Task MemberAccount_IsReachedThroughStsAssumeRole()
    {
        await moto.ResetAsync();
        var fake = new FakeServiceQuotas(new SocketsHttpHandler());
        fake.AddQuota("eu-west-1", "vpc", "L-F678F1CE", 5);
        using var clients = new AwsClients(moto.Options(fake), new AwsBackendOptions { MemberRoleName = "QuotaAutomationMemberRole" });
        var member = new QuotaKey("vpc", "L-F678F1CE", "eu-west-1", "111122223333");

        var quotas = await new AwsQuotaSource(clients).GetQuotasAsync([member], CancellationToken.None);
        var credentials = await clients.CredentialsFor(member).GetCredentialsAsync();

        Assert.Equal(5, quotas[member].Value);
        Assert.NotEqual("testing", credentials.AccessKey); // moto's STS issued the member role's session keys
        Assert.True(credentials.UseToken);
        Assert.Equal("arn:aws:iam::111122223333:role/QuotaAutomationMemberRole", ((MemberAccountCredentials)clients.CredentialsFor(member)).RoleArn);
    }
}
