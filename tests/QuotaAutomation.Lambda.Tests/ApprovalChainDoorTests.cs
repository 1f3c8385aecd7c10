using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Cli.Commands;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Local;

namespace QuotaAutomation.Lambda.Tests;

/// <summary>
/// An approval that needs two people, decided through the approval function's page (Function URL payloads with the
/// SigV4-verified caller in requestContext.authorizer.iam): the first approver is recorded, the same person again is
/// refused, a second person completes it; a signed link cannot count; every step is audited.
/// </summary>
#pragma warning disable CA1001 // disposed in DisposeAsync (xUnit's IAsyncLifetime)
public sealed class ApprovalChainDoorTests : IAsyncLifetime
{
    private const string Role = "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_QuotaApprovers_0a1b2c3d";
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "qa-chain-" + Guid.NewGuid().ToString("N"));
    private EmbeddedBackend _backend = null!; // set in InitializeAsync
    private LambdaApp _app = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _backend = await EmbeddedBackend.OpenAsync(Path.Combine(_folder, "qa.db"), new EmbeddedOptions { Start = Start }, new FakeTimeProvider(Start), CancellationToken.None);
        _app = EmbeddedLambda.Create(_backend, TimeSpan.FromSeconds(60), new LambdaLog(TextWriter.Null, _backend.Clock, "quota-automation-test"), null, [$"{Role}/*"]);
        await _backend.Requests.TryStartAsync(new ApprovalRequest("apr-chain", "vcpus", new QuotaKey("ec2", "L-1216C47A", "us-east-1"), 256, 512, 12_288, "usage 240 of 256",
            Severity.Critical, 93.75, ApprovalStatus.Waiting, Start) { RequiredApprovers = 2 }, CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>The recorded IAM POST payload, approving apr-chain as <paramref name="user"/> of the SSO role.</summary>
    private async Task<JsonObject> ApproveAsAsync(string user, string approval = "apr-chain")
    {
        var text = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Payloads", "function-url-iam-post.json"));
        var payload = JsonNode.Parse(text.Replace("APPROVAL", approval, StringComparison.Ordinal))!;
        var iam = payload["requestContext"]!["authorizer"]!["iam"]!;
        iam["userArn"] = $"{Role}/{user}";
        iam["userId"] = $"AROAEXAMPLEEXAMPLE001:{user}";
        iam["callerId"] = $"AROAEXAMPLEEXAMPLE001:{user}";
        payload["requestContext"]!["requestId"] = Guid.NewGuid().ToString();
        return await _app.HandleAsync(payload.ToJsonString(), CancellationToken.None);
    }

    private static string Body(JsonObject page) => (string?)page["body"] ?? "";

    [Fact]
    public async Task TwoPeople_MustApprove_AndTheSamePersonTwiceDoesNotCount()
    {
        var first = await ApproveAsAsync("alice@example.com");
        var again = await ApproveAsAsync("alice@example.com");
        var waiting = await _backend.Requests.FindApprovalAsync("apr-chain", CancellationToken.None);
        var second = await ApproveAsAsync("bob@example.com");
        var approved = await _backend.Requests.FindApprovalAsync("apr-chain", CancellationToken.None);

        Assert.Equal(200, (int)first["statusCode"]!);
        Assert.Contains("Your approval is recorded (1 of 2)", Body(first), StringComparison.Ordinal);
        Assert.Equal(403, (int)again["statusCode"]!);
        Assert.Contains("was already approved by", Body(again), StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Waiting, waiting!.Status);
        Assert.Equal([$"{Role}/alice@example.com"], waiting.Approvers);
        Assert.Equal(ApprovalStatus.Approved, approved!.Status);
        Assert.Equal($"{Role}/alice@example.com and {Role}/bob@example.com", approved.DecidedBy);
        var trail = await _backend.Audit.QueryAsync("vcpus", null, 20, CancellationToken.None);
        Assert.Equal(["approval_partial", "approval_refused", "approval_granted", "approval_sent"], trail.Select(r => r.Action));
    }

    [Fact]
    public async Task OnePerGroup_TheGroupComesFromTheSignedCallersArn_NotFromAnythingTyped()
    {
        var waiting = await _backend.Requests.FindApprovalAsync("apr-chain", CancellationToken.None);
        // An approval's groups are fixed when it is asked (a policy edit later does not change them): ask a new one.
        await _backend.Requests.UpdateAsync(waiting! with { Status = ApprovalStatus.Expired }, CancellationToken.None);
        await _backend.Requests.TryStartAsync(waiting with { Id = "apr-groups", ApproverGroups = [new("leads", [$"{Role}/lead-*"]), new("finance", [$"{Role}/finance-*"])] }, CancellationToken.None);

        var lead = await ApproveAsAsync("lead-alice@example.com", "apr-groups");
        var anotherLead = await ApproveAsAsync("lead-bob@example.com", "apr-groups");
        var finance = await ApproveAsAsync("finance-carol@example.com", "apr-groups");
        var approved = await _backend.Requests.FindApprovalAsync("apr-groups", CancellationToken.None);

        Assert.Contains("Your approval is recorded (1 of 2): 1 more approver (from finance) must approve", Body(lead), StringComparison.Ordinal);
        Assert.Equal(403, (int)anotherLead["statusCode"]!);
        Assert.Contains("is in none of the groups still waiting for an approver (finance)", Body(anotherLead), StringComparison.Ordinal);
        Assert.Equal(200, (int)finance["statusCode"]!);
        Assert.Equal((ApprovalStatus.Approved, $"{Role}/lead-alice@example.com and {Role}/finance-carol@example.com"), (approved!.Status, approved.DecidedBy));
    }
}
#pragma warning restore CA1001
