using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Amazon.DynamoDBv2.Model;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Lambda;

namespace QuotaAutomation.Aws.Tests.Fleet;

/// <summary>
/// A fleet run through the real handler on moto: an organization built with boto3 (build_organization.py: OUs,
/// accounts, a closed one, the member role in some), rules targeting an OU and '*', then plan → every batch of shards
/// → summary, as the fleet state machine calls them. moto's STS lets any role be assumed (moto/sts/models.py: "the role
/// does not need to exist"), so the account without the role is refused at the transport with STS's real 403
/// AccessDenied reply. Service Quotas and CloudWatch GetMetricData answer from <see cref="FakeServiceQuotas"/>
/// (moto lacks them); the wire records which account (by the assumed role's access key) and Region each call signs for.
/// moto's ResultWriter writes an empty manifest, so the test writes the Map's export in AWS's format itself.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed partial class FleetOnMotoTests(MotoServer moto)
{
    private const string Hub = "123456789012";
    private const string Bucket = "qa-fleet";
    private const string Vpc = "L-F678F1CE";
    private const string Ec2 = "L-1216C47A";

    [Fact]
    public async Task FleetRun_PlanShardsSummary_EveryCellInScopeCycledAndAudited_TheAccountWithoutRoleReported()
    {
        await moto.ResetAsync();
        var org = await BuildOrganizationAsync();
        var ids = org["ids"]!;
        var (team, shop, norole, sandbox, gone) = ((string)ids["team"]!, (string)ids["shop"]!, (string)ids["norole"]!, (string)ids["sandbox"]!, (string)ids["gone"]!);
        using var quotas = new FakeServiceQuotas(new SocketsHttpHandler()) { MetricValue = _ => 4 };
        foreach (var region in new[] { "us-east-1", "eu-west-1", "us-west-2" })
        {
            quotas.AddQuota(region, "vpc", Vpc, 5, AwsWorld.VpcMetric);
            quotas.AddQuota(region, "ec2", Ec2, 100, AwsWorld.Ec2Metric);
        }
        using var wire = new Wire(norole, quotas);
        var client = moto.Options(wire);
        var topic = await CreateTopicAsync();
        await CreateBucketAsync();
        var settings = LambdaSettings.FromEnvironment(new Dictionary<string, string?>
        {
            ["QA_RULES_TABLE"] = "quota-automation-rules", ["QA_POLICIES_TABLE"] = "quota-automation-policies", ["QA_USAGE_TABLE"] = "quota-automation-usage", ["QA_AUDIT_TABLE"] = "quota-automation-audit",
            ["QA_STATE_TABLE"] = "quota-automation-state", ["QA_EVENTS_TABLE"] = "quota-automation-events", ["QA_ALERT_TOPIC_ARN"] = topic,
            ["QA_TIME_BUDGET_SECONDS"] = "600", ["AWS_REGION"] = "us-east-1", ["QA_FORECASTER"] = "trend",
            ["QA_FLEET_BUCKET"] = Bucket, ["QA_FLEET_REGIONS"] = "us-east-1,eu-west-1,us-west-2", ["QA_FLEET_ACCOUNT_RATE"] = "100",
            ["QA_REPORT_BUCKET"] = Bucket,
        }.GetValueOrDefault).Value;
        using var backend = new AwsBackend(client, settings.Backend);
        await backend.InitAsync(CancellationToken.None);
        await backend.Rules.PutAsync(new Dictionary<string, object?>
        {
            ["rule_id"] = "workloads-vpc", ["service_code"] = "vpc", ["quota_code"] = Vpc, ["automation_level"] = "alert_only",
            ["account_id"] = (string)org["workloads"]!, ["region"] = new List<object?> { "us-east-1", "eu-west-1" },
        }, CancellationToken.None);
        await backend.Rules.PutAsync(new Dictionary<string, object?>
        {
            ["rule_id"] = "every-ec2", ["service_code"] = "ec2", ["quota_code"] = Ec2, ["automation_level"] = "monitor_only", ["account_id"] = "*", ["region"] = "us-east-1",
        }, CancellationToken.None);
        var time = new FakeTimeProvider(AwsWorld.Now);
        var app = Handler.Build(client, settings, time, new LambdaLog(TextWriter.Null, time, "quota-automation"), new BuiltOrganization(org));

        var plan = await app.HandleAsync("""{"fleet":"plan","fleet_run_id":"fleet-moto-1"}""", CancellationToken.None);
        var shardLines = await ReadTextAsync((string)plan["key"]!);
        var batches = shardLines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Chunk(2)
            .Select(items => $$$"""{"fleet":"shard","Items":[{{{string.Join(',', items)}}}],"BatchInput":{"fleet_run_id":"fleet-moto-1"}}""").ToList();
        var replies = new List<JsonObject>();
        foreach (var batch in batches) replies.Add(await app.HandleAsync(batch, CancellationToken.None));
        var manifest = await ExportMapResultsAsync(batches, replies);
        var map = new JsonObject { ["MapRunArn"] = $"arn:aws:states:us-east-1:{Hub}:mapRun:fleet/Shards:run-1", ["ResultWriterDetails"] = new JsonObject { ["Bucket"] = Bucket, ["Key"] = manifest } };
        var summary = await app.HandleAsync(new JsonObject { ["fleet"] = "summary", ["fleet_run_id"] = "fleet-moto-1", ["map"] = map }.ToJsonString(), CancellationToken.None);

        string[] inScope = [$"{Hub}/us-east-1", $"{team}/us-east-1", $"{team}/eu-west-1", $"{shop}/us-east-1", $"{shop}/eu-west-1", $"{norole}/us-east-1", $"{norole}/eu-west-1", $"{sandbox}/us-east-1"];
        var reachable = inScope.Where(c => !c.StartsWith(norole, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal((8, 5, gone), ((int)plan["shards"]!, (int)plan["accounts"]!, (string?)plan["skipped"]![0]!["account_id"]));
        var results = replies.SelectMany(r => r["results"]!.AsArray()).ToList();
        Assert.Equal(inScope.Order(StringComparer.Ordinal), results.Select(r => (string)r!["shard_id"]!).Order(StringComparer.Ordinal));
        Assert.All(results.Where(r => (string)r!["account_id"]! != norole), r => Assert.Equal("ok", (string?)r!["status"]));
        Assert.All(results.Where(r => (string)r!["account_id"]! == norole), r => Assert.StartsWith(
            $"account {norole}: role arn:aws:iam::{norole}:role/QuotaAutomationMemberRole cannot be assumed (AccessDenied: User: arn:aws:sts::{Hub}:assumed-role/quota-automation-hub is not authorized to perform: sts:AssumeRole",
            (string?)r!["error"]));
        // Cycled: each reachable cell's quotas were read in that cell's account and Region, and nothing else was touched.
        Assert.Equal(reachable, wire.QuotaCalls.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(Hub, wire.AssumedRoles); // the hub's own shard signs with its own credentials
        Assert.Contains(norole, wire.RefusedRoles);
        // Audited: a fleet_shard record per cell, keyed by account and Region; engine decisions for each reachable cell.
        var audit = await ScanAuditAsync(backend);
        Assert.Equal(inScope.Order(StringComparer.Ordinal), audit.Where(a => a.Action == "fleet_shard").Select(a => $"{a.Details!["account_id"]}/{a.Details["region"]}").Order(StringComparer.Ordinal));
        Assert.Equal(reachable, audit.SelectMany(Core.Audit.QuietDecisions.Unpack).Where(a => a.Kind == Core.Audit.AuditKind.Decision && a.Quota is not null)
            .Select(a => $"{a.Quota!.AccountId ?? Hub}/{a.Quota.Region}").Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(audit, a => a.Action == "fleet_account_skipped" && a.Details!["account_id"] == gone);
        Assert.Equal(("failed", 8, 2, norole), ((string?)summary["status"], (int)summary["shards"]!, (int)summary["failed"]!, (string?)Assert.Single(summary["accounts_failed"]!.AsArray())));
        Assert.StartsWith("8 shard(s): 6 ok, 0 partial, 2 failed;", (string?)summary["digest"]);
        // Usage kept as one row per shard and time (DynamoShardHistory) for the cells whose quotas report usage, none per quota,
        // and each such shard's key list (docs/fleet-rows.md).
        var usage = (await backend.Dynamo.ScanAsync(new Amazon.DynamoDBv2.Model.ScanRequest { TableName = "quota-automation-usage" }, CancellationToken.None)).Items;
        Assert.NotEmpty(usage);
        Assert.All(usage, i => Assert.Contains(i["quota"].S.Split('#') is ["shard" or "keys", var account, var region] ? $"{(account == "self" ? Hub : account)}/{region}" : i["quota"].S, reachable));

        // The organization's weekly report of that run, end to end (terraform/reports.tf's fleet input, two Regions):
        // members read through their roles, the page kept in S3, announced on SNS and audited; the account without the role a finding.
        var report = await app.HandleAsync("""{"report":{"days":7,"ou":"organization","regions":["us-east-1","eu-west-1"]}}""", CancellationToken.None);
        Assert.Equal("ok", (string?)report["status"]);
        var page = await ReadTextAsync(((string)report["location"]!)[$"s3://{Bucket}/".Length..]);
        Assert.Contains($"<h1>Quota report: the organization {(string)org["id"]!}, us-east-1, eu-west-1</h1>", page, StringComparison.Ordinal);
        var heat = page[page.IndexOf("class=\"heat\"", StringComparison.Ordinal)..];
        heat = heat[..heat.IndexOf("</table>", StringComparison.Ordinal)];
        Assert.All(new[] { team, shop, sandbox }, account => Assert.Contains($"<tr><th>{account}", heat, StringComparison.Ordinal));
        Assert.Contains("@eu-west-1", page, StringComparison.Ordinal);
        Assert.Matches($"unreachable_account</td><td>{norole}", page);
        Assert.Contains(await ScanAuditAsync(backend), a => a.Action == "report_written" && a.Message.Contains((string)report["location"]!, StringComparison.Ordinal));
    }

    /// <summary>The organization as build_organization.py listed it from moto (the AWS Organizations adapter reads the same calls).</summary>
    private sealed class BuiltOrganization(JsonNode org) : IOrganization
    {
        public Task<Organization> ReadAsync(CancellationToken ct) => Task.FromResult(new Organization((string)org["id"]!, (string)org["management"]!,
            org["accounts"]!.AsArray().Select(a => new OrgAccount((string)a!["id"]!, (string)a["name"]!,
                (string)a["status"]! == "ACTIVE" ? AccountState.Active : AccountState.Suspended,
                a["parents"]!.AsArray().Select(p => (string)p!).ToList())).ToList()));
    }

    private async Task<JsonNode> BuildOrganizationAsync()
    {
        var start = new ProcessStartInfo("python3", $"\"{Path.Combine(AppContext.BaseDirectory, "Fleet", "build_organization.py")}\" {moto.Endpoint}")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var python = Process.Start(start)!; // Start returns null only for shell-executed documents
        var output = await python.StandardOutput.ReadToEndAsync();
        var errors = await python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync();
        Assert.True(python.ExitCode == 0, errors);
        return JsonNode.Parse(output)!;
    }

    /// <summary>What the Distributed Map's ResultWriter exports (manifest.json and SUCCEEDED_0.json): returns the manifest's key.</summary>
    private async Task<string> ExportMapResultsAsync(List<string> batches, List<JsonObject> replies)
    {
        var executions = new JsonArray(batches.Select((input, i) => (JsonNode)new JsonObject
        {
            ["ExecutionArn"] = $"arn:aws:states:us-east-1:{Hub}:express:fleet/Shards:run-1:{i}",
            ["Input"] = input,
            ["InputDetails"] = new JsonObject { ["Included"] = true },
            ["Name"] = $"{i}",
            ["Output"] = new JsonObject { ["results"] = replies[i]["results"]!.DeepClone() }.ToJsonString(), // the Shard task's ResultSelector
            ["OutputDetails"] = new JsonObject { ["Included"] = true },
            ["Status"] = "SUCCEEDED",
        }).ToArray());
        await PutTextAsync("results/run-1/SUCCEEDED_0.json", executions.ToJsonString());
        await PutTextAsync("results/run-1/manifest.json", $$$"""{"DestinationBucket":"{{{Bucket}}}","MapRunArn":"arn:aws:states:us-east-1:{{{Hub}}}:mapRun:fleet/Shards:run-1","ResultFiles":{"FAILED":[],"PENDING":[],"SUCCEEDED":[{"Key":"results/run-1/SUCCEEDED_0.json","Size":{{{executions.ToJsonString().Length}}}}]}}""");
        return "results/run-1/manifest.json";
    }

    private static async Task<List<Core.Audit.AuditRecord>> ScanAuditAsync(AwsBackend backend)
    {
        var records = new List<Core.Audit.AuditRecord>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await backend.Dynamo.ScanAsync(new ScanRequest { TableName = backend.Options.AuditTable, ExclusiveStartKey = start });
            foreach (var item in page.Items)
                records.Add(new Core.Audit.AuditRecord(item["id"].S, item["run_id"].S, DateTimeOffset.UnixEpoch, Enum.Parse<Core.Audit.AuditKind>(item["kind"].S),
                    item.TryGetValue("rule_id", out var rule) ? rule.S : "-", // records of no rule carry no rule_id (docs/fleet-auditw.md)
                    Core.Quotas.QuotaKey.TryParse(item.TryGetValue("quota", out var q) ? q.S : null), item["action"].S, item["message"].S,
                    Details: item.TryGetValue("details", out var d) ? JsonSerializer.Deserialize<Dictionary<string, string>>(d.S) : null));
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
        return records;
    }

    private AmazonS3Client S3() => new(new Amazon.Runtime.BasicAWSCredentials("testing", "testing"),
        new AmazonS3Config { ServiceURL = moto.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    private async Task CreateBucketAsync()
    {
        using var s3 = S3();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
    }

    private async Task PutTextAsync(string key, string text)
    {
        using var s3 = S3();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, ContentBody = text });
    }

    private async Task<string> ReadTextAsync(string key)
    {
        using var s3 = S3();
        using var reply = await s3.GetObjectAsync(Bucket, key);
        using var reader = new StreamReader(reply.ResponseStream);
        return await reader.ReadToEndAsync();
    }

    private async Task<string> CreateTopicAsync()
    {
        using var sns = new Clients.AwsTransport(moto.Options(), "sns", "sns");
        return (await sns.QueryAsync("2010-03-31", "CreateTopic", [new("Name", "quota-alerts")], CancellationToken.None)).Descendants().First(e => e.Name.LocalName == "TopicArn").Value;
    }

    /// <summary>
    /// The wire: refuses AssumeRole into <paramref name="noRoleAccount"/> as STS does when the role is missing or does
    /// not trust the caller (HTTP 403, query-protocol XML, code AccessDenied), learns which access key each assumed role
    /// got, and records the account and Region of every Service Quotas and CloudWatch call.
    /// </summary>
    private sealed partial class Wire(string noRoleAccount, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly ConcurrentDictionary<string, string> _accountOfKey = new() { ["testing"] = Hub };

        public ConcurrentDictionary<string, int> QuotaCalls { get; } = new();

        public ConcurrentBag<string> AssumedRoles { get; } = [];

        public ConcurrentBag<string> RefusedRoles { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var authorization = request.Headers.TryGetValues("Authorization", out var a) ? a.Single() : "";
            var scope = Scope().Match(authorization);
            var (key, region, service) = scope.Success ? (scope.Groups[1].Value, scope.Groups[2].Value, scope.Groups[3].Value) : ("", "", "");
            if (service == "sts" && request.Content is not null && await request.Content.ReadAsStringAsync(cancellationToken) is { } form && form.Contains("Action=AssumeRole", StringComparison.Ordinal))
            {
                var account = RoleAccount().Match(WebUtility.UrlDecode(form)).Groups[1].Value;
                if (account == noRoleAccount)
                {
                    RefusedRoles.Add(account);
                    return new HttpResponseMessage(HttpStatusCode.Forbidden)
                    {
                        Content = new StringContent($"""<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:sts::{Hub}:assumed-role/quota-automation-hub is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{account}:role/QuotaAutomationMemberRole</Message></Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>""", Encoding.UTF8, "text/xml"),
                    };
                }
                AssumedRoles.Add(account);
                var reply = await base.SendAsync(request, cancellationToken);
                var text = await reply.Content.ReadAsStringAsync(cancellationToken);
                if (AccessKey().Match(text) is { Success: true } issued) _accountOfKey[issued.Groups[1].Value] = account;
                reply.Content = new StringContent(text, Encoding.UTF8, "text/xml");
                return reply;
            }
            if (service is "servicequotas" or "monitoring")
                QuotaCalls.AddOrUpdate($"{_accountOfKey.GetValueOrDefault(key, "unknown:" + key)}/{region}", 1, (_, n) => n + 1);
            return await base.SendAsync(request, cancellationToken);
        }

        [GeneratedRegex(@"Credential=([^/]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")]
        private static partial Regex Scope();

        [GeneratedRegex(@"RoleArn=arn:aws:iam::(\d{12}):role/")]
        private static partial Regex RoleAccount();

        [GeneratedRegex("<AccessKeyId>([^<]+)</AccessKeyId>")]
        private static partial Regex AccessKey();
    }
}
