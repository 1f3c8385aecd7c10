using System.Text.Json.Nodes;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Approvals;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Lambda;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// The approval door's AWS pieces on moto_server (5.2.1 implements KMS GenerateMac / VerifyMac with HMAC keys, and
/// answers a wrong MAC with KMSInvalidMacException as KMS does): link MACs by a KMS HMAC_256 key, spent nonces by a
/// conditional PutItem, and a link page served by the function as deployed (Handler.Build) on KMS and DynamoDB.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class ApprovalDoorOnMotoTests(MotoServer moto)
{
    private static readonly DateTimeOffset Expires = AwsWorld.Now.AddHours(72);

    private async Task<string> HmacKeyAsync()
    {
        using var kms = new AwsTransport(moto.Options(), "kms", "kms");
        using var key = await kms.JsonAsync("1.1", "TrentService", "CreateKey", new { KeySpec = "HMAC_256", KeyUsage = "GENERATE_VERIFY_MAC", Description = "links" }, AwsJson.Pascal, CancellationToken.None);
        return key.RootElement.GetProperty("KeyMetadata").GetProperty("Arn").GetString()!;
    }

    [Fact]
    public async Task KmsSigner_VerifiesItsOwnMac_AndRejectsAnyAlteration()
    {
        await moto.ResetAsync();
        using var kms = new KmsClient(moto.Options());
        var signer = new KmsLinkSigner(kms, await HmacKeyAsync());
        var message = SignedLink.MessageFor("apr-0123", "approve", Expires, "n1");

        var mac = await signer.SignAsync(message, CancellationToken.None);

        Assert.True(await signer.VerifyAsync(message, mac, CancellationToken.None));
        Assert.False(await signer.VerifyAsync(SignedLink.MessageFor("apr-0123", "deny", Expires, "n1"), mac, CancellationToken.None));
        Assert.False(await signer.VerifyAsync(message, Convert.ToBase64String(new byte[32]), CancellationToken.None));
        Assert.False(await signer.VerifyAsync(message, "not base64!", CancellationToken.None));
    }

    [Fact]
    public async Task Nonce_IsSpentOnce_EvenByEightConcurrentRequests()
    {
        using var backend = (await AwsWorld.CreateAsync(moto)).Backend();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => backend.Door.TryUseNonceAsync("n-race", "apr-0123", Expires, CancellationToken.None)));

        Assert.Equal(1, results.Count(r => r));
        Assert.False(await backend.Door.TryUseNonceAsync("n-race", "apr-0123", Expires, CancellationToken.None));
    }

    [Fact]
    public async Task TaskToken_IsKeptBesideTheApproval()
    {
        using var backend = (await AwsWorld.CreateAsync(moto)).Backend();

        await backend.Door.SaveTaskTokenAsync("apr-0123", "AQCEAAAA-token", Expires, CancellationToken.None);

        Assert.Equal(("AQCEAAAA-token", (string?)null), (await backend.Door.FindTaskTokenAsync("apr-0123", CancellationToken.None), await backend.Door.FindTaskTokenAsync("apr-other", CancellationToken.None)));
    }

    [Fact]
    public async Task DeployedFunction_ShowsTheConfirmFormOnlyForAValidLink()
    {
        var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var keyArn = await HmacKeyAsync();
        var id = ApprovalIds.Seeded(new Random(3))();
        await backend.State.TryStartAsync(new ApprovalRequest(id, "ec2-vcpu", new QuotaKey("ec2", "L-1216C47A", "us-east-1"), 256, 384, 9216, "usage 230 of 256",
            Severity.Critical, 89.8, ApprovalStatus.Waiting, AwsWorld.Now), CancellationToken.None);
        var environment = new Dictionary<string, string>
        {
            ["QA_RULES_TABLE"] = "quota-automation-rules", ["QA_POLICIES_TABLE"] = "quota-automation-policies", ["QA_USAGE_TABLE"] = "quota-automation-usage", ["QA_AUDIT_TABLE"] = "quota-automation-audit",
            ["QA_STATE_TABLE"] = "quota-automation-state", ["QA_EVENTS_TABLE"] = "quota-automation-events", ["QA_ALERT_TOPIC_ARN"] = world.TopicArn,
            ["QA_TIME_BUDGET_SECONDS"] = "20", ["AWS_REGION"] = "us-east-1", ["QA_FORECASTER"] = "trend", ["QA_SERVES"] = "approval_links",
            ["QA_APPROVAL_LINKS"] = "signed", ["QA_LINK_KEY_ID"] = keyArn, ["QA_APPROVAL_URL"] = "https://abcdefghij.lambda-url.us-east-1.on.aws/",
        };
        var settings = LambdaSettings.FromEnvironment(environment.GetValueOrDefault);
        var app = Handler.Build(moto.Options(), settings.Value, world.Time, new LambdaLog(TextWriter.Null, world.Time, "quota-automation-approvals"));
        using var kms = new KmsClient(moto.Options());
        var mac = await new KmsLinkSigner(kms, keyArn).SignAsync(SignedLink.MessageFor(id, "approve", Expires, "n1"), CancellationToken.None);
        string Get(string sig) => new JsonObject
        {
            ["version"] = "2.0", ["rawPath"] = $"/approvals/{id}", ["rawQueryString"] = "",
            ["queryStringParameters"] = new JsonObject { ["action"] = "approve", ["exp"] = Expires.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), ["nonce"] = "n1", ["sig"] = sig },
            ["requestContext"] = new JsonObject { ["http"] = new JsonObject { ["method"] = "GET", ["path"] = $"/approvals/{id}" }, ["requestId"] = Guid.NewGuid().ToString() },
            ["isBase64Encoded"] = false,
        }.ToJsonString();

        var valid = await app.HandleAsync(Get(mac), CancellationToken.None);
        var forged = await app.HandleAsync(Get(Convert.ToBase64String(new byte[32])), CancellationToken.None);

        Assert.Equal(string.Empty, settings.Error ?? string.Empty);
        Assert.Equal((200, 403), ((int)valid["statusCode"]!, (int)forged["statusCode"]!));
        Assert.Contains("ec2/L-1216C47A@us-east-1: 256 → 384", (string?)valid["body"], StringComparison.Ordinal);
        Assert.DoesNotContain("L-1216C47A", (string?)forged["body"], StringComparison.Ordinal);
    }
}
