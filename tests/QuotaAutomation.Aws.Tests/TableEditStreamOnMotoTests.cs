using System.Text;
using System.Text.Json.Nodes;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Lambda;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// A hand edit of the rules table through moto's real DynamoDB stream: `init` creates the table with a
/// NEW_AND_OLD_IMAGES stream, the records are read with the DynamoDB Streams API on the wire (DescribeStream,
/// GetShardIterator, GetRecords), wrapped as the event source mapping does (adding <c>eventSourceARN</c>), and handed to
/// the function as deployed (<see cref="Handler.Build"/>), which writes each change to the DynamoDB audit table.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class TableEditStreamOnMotoTests(MotoServer moto)
{
    private async Task<JsonObject> StreamsAsync(HttpClient http, string operation, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, moto.Endpoint) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8) };
        request.Content.Headers.ContentType = new("application/x-amz-json-1.0");
        request.Headers.Add("X-Amz-Target", $"DynamoDBStreams_20120810.{operation}");
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20261124/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{operation}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task AConsoleStyleEdit_IsReadFromTheStream_AndAuditedWithWhatChanged()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var rule = new Dictionary<string, object?>
        {
            ["rule_id"] = "ec2-vcpu", ["service_code"] = "ec2", ["quota_code"] = "L-1216C47A", ["region"] = "us-east-1", ["automation_level"] = "alert_only",
        };
        await backend.Rules.PutAsync(rule, CancellationToken.None);
        await backend.Rules.PutAsync(new Dictionary<string, object?>(rule) { ["automation_level"] = "full_auto", ["max_auto_increase"] = 2000 }, CancellationToken.None);

        var streamArn = (await backend.Dynamo.DescribeTableAsync(backend.Options.RulesTable)).Table.LatestStreamArn;
        using var http = new HttpClient();
        var shard = (string)(await StreamsAsync(http, "DescribeStream", new JsonObject { ["StreamArn"] = streamArn }))["StreamDescription"]!["Shards"]![0]!["ShardId"]!;
        var iterator = (string)(await StreamsAsync(http, "GetShardIterator", new JsonObject { ["StreamArn"] = streamArn, ["ShardId"] = shard, ["ShardIteratorType"] = "TRIM_HORIZON" }))["ShardIterator"]!;
        var records = (JsonArray)(await StreamsAsync(http, "GetRecords", new JsonObject { ["ShardIterator"] = iterator }))["Records"]!;
        foreach (var record in records) record!["eventSourceARN"] = streamArn; // what the event source mapping adds
        var settings = LambdaSettings.FromEnvironment(new Dictionary<string, string>
        {
            ["QA_RULES_TABLE"] = "quota-automation-rules", ["QA_POLICIES_TABLE"] = "quota-automation-policies", ["QA_USAGE_TABLE"] = "quota-automation-usage",
            ["QA_AUDIT_TABLE"] = "quota-automation-audit", ["QA_STATE_TABLE"] = "quota-automation-state", ["QA_EVENTS_TABLE"] = "quota-automation-events",
            ["QA_ALERT_TOPIC_ARN"] = world.TopicArn, ["QA_TIME_BUDGET_SECONDS"] = "20", ["AWS_REGION"] = "us-east-1", ["QA_FORECASTER"] = "trend",
        }.GetValueOrDefault);
        var app = Handler.Build(moto.Options(), settings.Value, world.Time, new LambdaLog(TextWriter.Null, world.Time, "quota-automation"));

        var reply = await app.HandleAsync(new JsonObject { ["Records"] = records.DeepClone() }.ToJsonString(), CancellationToken.None);

        Assert.Equal(("ok", 2, 0), ((string?)reply["status"], (int)reply["recorded"]!, (int)reply["rejected"]!));
        var trail = await backend.Audit.ForRuleAsync("ec2-vcpu", CancellationToken.None);
        // Both records carry the cycle clock's time: the trail's order between them is the store's, so they are compared as a set.
        Assert.Equal(["rule_created_in_table", "rule_modified_in_table"], trail.Select(r => r.Action).Order(StringComparer.Ordinal));
        Assert.All(trail, r => Assert.Equal(AuditKind.RuleChange, r.Kind));
        Assert.Equal("rule 'ec2-vcpu' modified in table quota-automation-rules by a writer the stream does not name: "
            + "automation_level 'alert_only' → 'full_auto'; max_auto_increase set to 2000. It parses", trail.Single(r => r.Action == "rule_modified_in_table").Message);
    }
}
