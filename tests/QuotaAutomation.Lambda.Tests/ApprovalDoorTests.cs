using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Cli.Commands;
using QuotaAutomation.Core.Approvals;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Local;

namespace QuotaAutomation.Lambda.Tests;

/// <summary>
/// The approval door through the handler on the embedded backend, with Function URL payloads shaped as Lambda sends
/// them (Payloads/function-url-*.json: AWS_IAM auth puts the SigV4-verified caller in requestContext.authorizer.iam;
/// the anonymous one has none). Who may pass: an allow-listed IAM caller, or, with signed links on, the holder of an
/// unexpired, unspent link whose HMAC verifies. Everyone else gets one page that reveals nothing.
/// </summary>
#pragma warning disable CA1001 // disposed in DisposeAsync (xUnit's IAsyncLifetime)
public sealed class ApprovalDoorTests : IAsyncLifetime
{
    private const string Alice = "arn:aws:sts::123456789012:assumed-role/QuotaApprovers/alice";
    private static readonly string[] Approvers = ["arn:aws:sts::123456789012:assumed-role/QuotaApprovers/*"];
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "qa-door-" + Guid.NewGuid().ToString("N"));
    private readonly StringWriter _logs = new();
    private EmbeddedBackend _backend = null!; // set in InitializeAsync

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _backend = await EmbeddedBackend.OpenAsync(Path.Combine(_folder, "qa.db"), new EmbeddedOptions { Start = Start }, new FakeTimeProvider(Start), CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        _logs.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private LambdaApp App(IReadOnlyList<string>? approvers = null, bool links = false) =>
        EmbeddedLambda.Create(_backend, TimeSpan.FromSeconds(60), new LambdaLog(_logs, _backend.Clock, "quota-automation-test"), null, approvers ?? Approvers, links,
            new Core.Engine.EngineOptions { NewApprovalId = ApprovalIds.Seeded(new Random(1)) });

    private static string Payload(string name, string? approvalId = null) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", name)).Replace("APPROVAL", approvalId ?? "", StringComparison.Ordinal);

    /// <summary>An anonymous Function URL request (auth NONE: no authorizer) with the given method, query and form body.</summary>
    private static string Anonymous(string approvalId, string method, IReadOnlyDictionary<string, string> query, string? form = null)
    {
        var payload = JsonNode.Parse(Payload("function-url-get.json", approvalId))!;
        payload["queryStringParameters"] = new JsonObject(query.Select(q => KeyValuePair.Create(q.Key, (JsonNode?)q.Value)));
        payload["rawQueryString"] = string.Join("&", query.Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value)}"));
        payload["requestContext"]!["http"]!["method"] = method;
        payload["requestContext"]!["requestId"] = Guid.NewGuid().ToString();
        if (form is not null)
        {
            payload["body"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(form));
            payload["isBase64Encoded"] = true;
        }
        return payload.ToJsonString();
    }

    private async Task<string> WaitingApprovalAsync(LambdaApp app)
    {
        await app.HandleAsync(Payload("scheduled-event.json"), CancellationToken.None);
        return (await _backend.Requests.ListActiveAsync(CancellationToken.None)).Single(a => a.RuleId == "alb-use1").Id;
    }

    private async Task<SignedLink> LinkAsync(string approvalId, string action, DateTimeOffset expires, string nonce = "00112233445566778899aabbccddeeff") =>
        new(approvalId, action, expires, nonce, await _backend.Door.SignAsync(SignedLink.MessageFor(approvalId, action, expires, nonce), CancellationToken.None));

    private static Dictionary<string, string> Fields(SignedLink link) =>
        link.Query().Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));

    private static string Form(SignedLink link, string extra = "") =>
        string.Join("&", Fields(link).Select(f => $"{f.Key}={Uri.EscapeDataString(f.Value)}")) + extra;

    private async Task<IReadOnlyList<Local.Storage.AuditEntry>> RefusalsAsync() =>
        (await _backend.Audit.QueryAsync(null, AuditKind.Error, 50, CancellationToken.None)).Where(r => r.Action == "approval_refused").ToList();

    private async Task<ApprovalRequest> StoredAsync(string id) => (await _backend.Requests.FindApprovalAsync(id, CancellationToken.None))!;

    [Fact]
    public async Task AnonymousGet_WithAnyToken_RevealsNothing_AndIsAudited()
    {
        var app = App();
        var id = await WaitingApprovalAsync(app);

        var page = await app.HandleAsync(Payload("function-url-get.json", id), CancellationToken.None); // ?token=AAAA+BBBB/CCCC=
        var missing = await app.HandleAsync(Payload("function-url-get.json", "apr-00000000000000000000000000000000"), CancellationToken.None);

        Assert.Equal(403, (int)page["statusCode"]!);
        Assert.Equal((string?)missing["body"], (string?)page["body"]); // an existing approval and a missing one look the same
        foreach (var secret in new[] { "elasticloadbalancing", "L-53DA6B97", "100", "estimated", "alb-use1", id })
            Assert.DoesNotContain(secret, (string?)page["body"], StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Waiting, (await StoredAsync(id)).Status);
        Assert.Contains(await RefusalsAsync(), r => r.Message == $"an anonymous caller: approval {id}: no IAM identity (the Function URL needs AWS_IAM auth) and signed links are off");
    }

    [Fact]
    public async Task AnonymousPost_WithTheOldTokenForm_DecidesNothing()
    {
        var app = App();
        var id = await WaitingApprovalAsync(app);

        var page = await app.HandleAsync(Anonymous(id, "POST", new Dictionary<string, string>(), "token=anything&by=alice&action=approve"), CancellationToken.None);

        Assert.Equal(403, (int)page["statusCode"]!);
        Assert.Equal(ApprovalStatus.Waiting, (await StoredAsync(id)).Status);
    }

    [Fact]
    public async Task IamCaller_OnTheAllowList_SeesTheIncreaseAndAForm()
    {
        var app = App();
        var id = await WaitingApprovalAsync(app);

        var page = await app.HandleAsync(Payload("function-url-iam-get.json", id), CancellationToken.None);

        Assert.Equal(200, (int)page["statusCode"]!);
        Assert.Contains("elasticloadbalancing/L-53DA6B97@us-east-1: 50 → 75", (string?)page["body"], StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Waiting, (await StoredAsync(id)).Status);
    }

    [Fact]
    public async Task IamCaller_Post_IsRecordedAsTheSignedArn_NeverAsATypedName()
    {
        var app = App();
        var id = await WaitingApprovalAsync(app);

        var page = await app.HandleAsync(Payload("function-url-iam-post.json", id), CancellationToken.None); // the form also says by=mallory and userArn=…/mallory

        Assert.Equal(200, (int)page["statusCode"]!);
        Assert.Equal((Alice, ApprovalStatus.Approved, "launch week"), (await StoredAsync(id)) is { } a ? (a.DecidedBy, a.Status, a.Comment) : default);
        Assert.Contains(await _backend.Audit.QueryAsync("alb-use1", AuditKind.StatusChange, 10, CancellationToken.None),
            r => r.Message == $"approval {id}: approve sent by {Alice} via function_url_iam (approval {id}: {Alice} matches {Approvers[0]} (QA_APPROVERS))");
    }

    [Fact]
    public async Task IamCaller_NotOnTheAllowList_Gets403_AndTheRefusalNamesTheCallerAndTheApproval()
    {
        var app = App();
        var id = await WaitingApprovalAsync(app);

        var page = await app.HandleAsync(Payload("function-url-iam-get-not-approver.json", id), CancellationToken.None);

        Assert.Equal(403, (int)page["statusCode"]!);
        Assert.DoesNotContain("elasticloadbalancing", (string?)page["body"], StringComparison.Ordinal);
        var refusal = Assert.Single(await RefusalsAsync());
        Assert.Equal(("alb-use1", "arn:aws:sts::123456789012:assumed-role/Developers/mallory refused: approval " + id + ": arn:aws:sts::123456789012:assumed-role/Developers/mallory is not an approver (QA_APPROVERS)"),
            (refusal.RuleId, refusal.Message));
    }

    [Fact]
    public async Task WildcardRulesApprovers_GovernItsExpandedRulesApprovals_NotTheGlobalList()
    {
        var app = App();
        var original = await StoredAsync(await WaitingApprovalAsync(app));
        await _backend.Rules.UpsertAsync([("wild", new Dictionary<string, object?>
        {
            ["rule_id"] = "wild", ["service_code"] = "ec2", ["quota_code"] = "*", ["region"] = "us-east-1", ["automation_level"] = "auto_approve",
            ["approvers"] = "arn:aws:sts::123456789012:assumed-role/NetworkOwners/*",
        })], CancellationToken.None);
        var id = ApprovalIds.Seeded(new Random(7))();
        // The approval an expansion of 'wild' asks for: its rule id is the expansion's ({rule}/{service}/{code}).
        await _backend.Requests.TryStartAsync(original with { Id = id, RuleId = "wild/ec2/L-0263D0A3", Quota = new Core.Quotas.QuotaKey("ec2", "L-0263D0A3", "us-east-1") }, CancellationToken.None);

        var page = await app.HandleAsync(Payload("function-url-iam-get.json", id), CancellationToken.None); // Alice: on QA_APPROVERS, not on the rule's list

        Assert.Equal(403, (int)page["statusCode"]!);
        Assert.Equal($"{Alice} refused: approval {id}: {Alice} is not an approver (rule 'wild/ec2/L-0263D0A3' approvers)", Assert.Single(await RefusalsAsync()).Message);
    }

    [Fact]
    public async Task NoAllowListConfigured_FailsClosed_AndTheAuditSaysHowToConfigureIt()
    {
        var app = App(approvers: []);
        var id = await WaitingApprovalAsync(app);

        var page = await app.HandleAsync(Payload("function-url-iam-post.json", id), CancellationToken.None);

        Assert.Equal((403, ApprovalStatus.Waiting), ((int)page["statusCode"]!, (await StoredAsync(id)).Status));
        Assert.Equal($"{Alice} refused: approval {id}: no approver is configured, so nobody may decide it: set QA_APPROVERS (Terraform variable approvers) " +
            "to the ARN patterns of who may approve, e.g. arn:aws:sts::ACCOUNT:assumed-role/QuotaApprovers/*, or give rule 'alb-use1' an approvers attribute",
            Assert.Single(await RefusalsAsync()).Message);
    }

    [Fact]
    public async Task SignedLink_GetShowsAConfirmForm_PostDecidesOnce()
    {
        var app = App(links: true);
        var id = await WaitingApprovalAsync(app);
        var link = await LinkAsync(id, "approve", Start.AddHours(72));

        var confirm = await app.HandleAsync(Anonymous(id, "GET", Fields(link)), CancellationToken.None);
        var untouched = (await StoredAsync(id)).Status;
        var decided = await app.HandleAsync(Anonymous(id, "POST", new Dictionary<string, string>(), Form(link, "&by=carol&confirm=yes")), CancellationToken.None);
        var replayed = await app.HandleAsync(Anonymous(id, "POST", new Dictionary<string, string>(), Form(link, "&confirm=yes")), CancellationToken.None);

        Assert.Equal((200, ApprovalStatus.Waiting), ((int)confirm["statusCode"]!, untouched));
        Assert.Contains("Confirm: approve", (string?)confirm["body"], StringComparison.Ordinal);
        Assert.Equal(200, (int)decided["statusCode"]!);
        Assert.Equal(("holder of a signed approve link (name given, not verified: carol)", ApprovalStatus.Approved), (await StoredAsync(id)) is { } a ? (a.DecidedBy, a.Status) : default);
        Assert.Equal(409, (int)replayed["statusCode"]!); // decided: the replay changes nothing
    }

    [Fact]
    public async Task SignedLink_NonceAlreadySpent_IsRefused()
    {
        var app = App(links: true);
        var id = await WaitingApprovalAsync(app);
        var link = await LinkAsync(id, "deny", Start.AddHours(72));
        await _backend.Door.TryUseNonceAsync(link.Nonce, id, link.Expires, CancellationToken.None); // used by a racing request

        var page = await app.HandleAsync(Anonymous(id, "POST", new Dictionary<string, string>(), Form(link)), CancellationToken.None);

        Assert.Equal((403, ApprovalStatus.Waiting), ((int)page["statusCode"]!, (await StoredAsync(id)).Status));
        Assert.Equal($"signed deny link for approval {id} was already used (nonce {link.Nonce})", Assert.Single(await RefusalsAsync()).Message);
    }

    [Fact]
    public async Task SignedLink_Expired_RevealsNothing()
    {
        var app = App(links: true);
        var id = await WaitingApprovalAsync(app);
        var link = await LinkAsync(id, "approve", _backend.Clock.GetUtcNow().AddMinutes(-1));

        var page = await app.HandleAsync(Anonymous(id, "GET", Fields(link)), CancellationToken.None);

        Assert.Equal(403, (int)page["statusCode"]!);
        Assert.DoesNotContain("elasticloadbalancing", (string?)page["body"], StringComparison.Ordinal);
        Assert.Contains(await RefusalsAsync(), r => r.Message.StartsWith($"an anonymous caller: approval {id}: the approve link expired at ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("action", "deny")] // an approve link's MAC on a deny
    [InlineData("exp", "1895532700")] // pushed out by three years
    [InlineData("nonce", "ffeeddccbbaa99887766554433221100")]
    [InlineData("sig", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public async Task SignedLink_AnyFieldAltered_IsAForgery_AndRevealsNothing(string field, string value)
    {
        var app = App(links: true);
        var id = await WaitingApprovalAsync(app);
        var fields = Fields(await LinkAsync(id, "approve", Start.AddHours(72)));
        fields[field] = value;

        var get = await app.HandleAsync(Anonymous(id, "GET", fields), CancellationToken.None);
        var post = await app.HandleAsync(Anonymous(id, "POST", new Dictionary<string, string>(), string.Join("&", fields.Select(f => $"{f.Key}={Uri.EscapeDataString(f.Value)}"))), CancellationToken.None);

        Assert.Equal((403, 403, ApprovalStatus.Waiting), ((int)get["statusCode"]!, (int)post["statusCode"]!, (await StoredAsync(id)).Status));
        Assert.DoesNotContain("elasticloadbalancing", (string?)get["body"], StringComparison.Ordinal);
        Assert.Contains(await RefusalsAsync(), r => r.Message.EndsWith("link's signature does not verify (forged or altered)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignedLink_WhenLinksAreOff_IsRefused()
    {
        var id = await WaitingApprovalAsync(App());
        var link = await LinkAsync(id, "approve", Start.AddHours(72));

        var page = await App(links: false).HandleAsync(Anonymous(id, "GET", Fields(link)), CancellationToken.None);

        Assert.Equal(403, (int)page["statusCode"]!);
    }

    [Fact]
    public async Task AskTask_KeepsTheTokenOutOfTheMessage_AndSignsOneUseLinks()
    {
        var app = App(links: true);
        var id = await WaitingApprovalAsync(app);

        var reply = await app.HandleAsync(Payload("approval-ask.json", id), CancellationToken.None);

        var message = (await _backend.Notifier.RecentAsync(50, CancellationToken.None)).First(n => n.Topic == NotificationTopics.Approvals).Message;
        Assert.Equal("asked", (string?)reply["status"]);
        Assert.DoesNotContain("AQCEAAAAKgAAAA", message, StringComparison.Ordinal);
        Assert.Contains($"quota-automation approve {id}", message, StringComparison.Ordinal);
        Assert.Matches($@"Approve without AWS credentials \(one use, until 2026-11-27 15:00:00Z\): http://localhost/approvals/{id}\?action=approve&exp=1795791600&nonce=[0-9a-f]{{32}}&sig=\S+", message);
        Assert.StartsWith("AQCEAAAAKgAAAA", await _backend.Door.FindTaskTokenAsync(id, CancellationToken.None), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AfterAsk_AnIamDecision_GoesThroughTheIssuedToken()
    {
        var app = App();
        var id = await WaitingApprovalAsync(app);
        await app.HandleAsync(Payload("approval-ask.json", id), CancellationToken.None);

        var page = await app.HandleAsync(Payload("function-url-iam-post.json", id), CancellationToken.None);

        Assert.Equal((200, ApprovalStatus.Approved), ((int)page["statusCode"]!, (await StoredAsync(id)).Status));
    }

    [Fact]
    public async Task EmbeddedBackend_ATokenThatWasNotIssued_IsRefusedAsStepFunctionsRefusesIt()
    {
        var app = App();
        var id = await WaitingApprovalAsync(app);
        await app.HandleAsync(Payload("approval-ask.json", id), CancellationToken.None);
        var approval = await StoredAsync(id);

        var forged = await Assert.ThrowsAsync<TaskTokenRejectedException>(() => _backend.DecideWithTokenAsync(approval, "AQCEAAAAforged", true, "mallory", null, "cli", CancellationToken.None));
        var empty = await Assert.ThrowsAsync<TaskTokenRejectedException>(() => _backend.DecideWithTokenAsync(approval, "", true, "mallory", null, "cli", CancellationToken.None));

        Assert.Equal(("TaskDoesNotExist", "InvalidToken"), (forged.ErrorCode, empty.ErrorCode));
        Assert.Equal(ApprovalStatus.Waiting, (await StoredAsync(id)).Status);
    }

    [Fact]
    public async Task DecisionThatCannotBeSent_IsAnHttpAnswer_AndAudited_NotAnUnhandledError()
    {
        var id = await WaitingApprovalAsync(App());
        // Step Functions' answer when the task was decided meanwhile (the embedded backend gives the same).
        ApprovalDecider ended = (_, _, _, _, _, _) => throw new TaskTokenRejectedException("TaskDoesNotExist", "Task Timed Out or does not exist");
        var app = new LambdaApp(new LambdaServices(_backend.Ports, _backend.Events, _backend.Requests.FindApprovalAsync, _backend.Clock, new Core.Engine.EngineOptions(),
            TimeSpan.FromSeconds(60), new LambdaLog(_logs, _backend.Clock, "t"), ended, Door: new ApprovalDoor(Approvers, _backend.Door)));

        var page = await app.HandleAsync(Payload("function-url-iam-post.json", id), CancellationToken.None);

        Assert.Equal(409, (int)page["statusCode"]!);
        Assert.Contains("Nothing was decided", (string?)page["body"], StringComparison.Ordinal);
        Assert.Contains(await _backend.Audit.QueryAsync("alb-use1", AuditKind.Error, 10, CancellationToken.None),
            r => r.Message == $"approval {id}: approve by {Alice} via function_url_iam was not sent: TaskDoesNotExist: Task Timed Out or does not exist");
    }

    [Fact]
    public async Task EmbeddedBackend_ATokenDecidesOnce()
    {
        var id = await WaitingApprovalAsync(App());
        await _backend.Door.SaveTaskTokenAsync(id, "AQCEAAAA-issued", Start.AddHours(72), CancellationToken.None);
        var waiting = await StoredAsync(id);

        await _backend.DecideWithTokenAsync(waiting, "AQCEAAAA-issued", false, "bob", null, "cli", CancellationToken.None);
        var again = await Assert.ThrowsAsync<TaskTokenRejectedException>(() => _backend.DecideWithTokenAsync(waiting, "AQCEAAAA-issued", true, "mallory", null, "cli", CancellationToken.None));

        Assert.Equal(("TaskDoesNotExist", ApprovalStatus.Denied), (again.ErrorCode, (await StoredAsync(id)).Status));
    }

    [Fact]
    public void IdentityFromRequestContext_IsTheSignedCaller_AndAbsentWithoutAnAuthorizer()
    {
        var signed = (HttpRequest)InvocationParser.Parse(Payload("function-url-iam-get.json", "apr-1")).Value;
        var anonymous = (HttpRequest)InvocationParser.Parse(Payload("function-url-get.json", "apr-1")).Value;

        Assert.Equal(new IamCaller(Alice, "AROAEXAMPLEEXAMPLE001:alice", "123456789012"), signed.Caller);
        Assert.Null(anonymous.Caller);
    }

    [Fact]
    public async Task ApprovalFunction_ServesOnlyHttp_AndTheCycleFunctionNoHttp()
    {
        var approvals = new LambdaApp(new LambdaServices(_backend.Ports, _backend.Events, _backend.Requests.FindApprovalAsync, _backend.Clock, new Core.Engine.EngineOptions(),
            TimeSpan.FromSeconds(60), new LambdaLog(_logs, _backend.Clock, "t"), Role: FunctionRole.ApprovalLinks));
        var cycle = new LambdaApp(new LambdaServices(_backend.Ports, _backend.Events, _backend.Requests.FindApprovalAsync, _backend.Clock, new Core.Engine.EngineOptions(),
            TimeSpan.FromSeconds(60), new LambdaLog(_logs, _backend.Clock, "t"), Role: FunctionRole.Cycle));

        var scheduled = await approvals.HandleAsync(Payload("scheduled-event.json"), CancellationToken.None);
        var http = await cycle.HandleAsync(Payload("function-url-get.json", "apr-1"), CancellationToken.None);

        Assert.Equal("scheduled_cycle '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa': this function serves approval requests only", (string?)scheduled["error"]);
        Assert.Equal("approval_link '7d3c1a52-1f53-4d5e-9a3b-1c2d3e4f5a6b': this function serves cycles, events and workflow tasks, not HTTP", (string?)http["error"]);
    }
}
