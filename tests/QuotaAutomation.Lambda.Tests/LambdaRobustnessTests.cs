using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Cli.Commands;
using QuotaAutomation.Lambda;
using QuotaAutomation.Local;

namespace QuotaAutomation.Lambda.Tests;

/// <summary>Payloads that used to escape the function: each ends in a named, audited rejection, and every reply serialises.</summary>
public sealed class LambdaRobustnessTests : EmbeddedFunctionTests
{
    private static string Payload(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", name));

    private static string FunctionUrl(string query = """{"token":"t"}""", string method = "\"GET\"", string body = "\"\"", string base64 = "false") =>
        $$$"""{"version":"2.0","rawPath":"/approvals/apr-1","queryStringParameters":{{{query}}},"body":{{{body}}},"isBase64Encoded":{{{base64}}},"requestContext":{"requestId":"req-1","http":{"method":{{{method}}},"path":"/approvals/apr-1"}""" + "}}";

    private static string Event(string id, string detailType, string detail, string source = "quota-automation") =>
        $$$"""{"id":"{{{id}}}","detail-type":"{{{detailType}}}","source":"{{{source}}}","account":"123456789012","time":"2026-11-24T15:00:00Z","detail":{{{detail}}}}""";

    private async Task AssertRejectedAsync(string payload, string message)
    {
        var reply = await App.HandleAsync(payload, CancellationToken.None);

        Assert.Equal(("error", message), ((string?)reply["status"], (string?)reply["error"]));
        Assert.Contains(await Backend.Audit.QueryAsync(null, AuditKind.Error, 5, CancellationToken.None), a => a.Action == "invocation_rejected" && a.Message == message);
        _ = reply.ToJsonString();
    }

    [Theory]
    [InlineData("""{"token":"t"}""", "\"GET\"", "\"%%% not base64\"", "true", "function URL request 'req-1': body is marked isBase64Encoded but is not base64")]
    [InlineData("""{"token":"a","token":"b"}""", "\"GET\"", "\"\"", "false", "function URL request 'req-1': queryStringParameters.token appears twice")]
    [InlineData("""{"token":42}""", "\"GET\"", "\"\"", "false", "function URL request 'req-1': queryStringParameters.token is a JSON Number, not a string")]
    [InlineData("""{"token":"t"}""", "7", "\"\"", "false", "function URL request 'req-1': requestContext.http.method is a JSON Number, not a string")]
    [InlineData("""{"token":"\ud800"}""", "\"GET\"", "\"\"", "false", "function URL request 'req-1': queryStringParameters.token is not valid text (it holds a lone surrogate)")]
    [InlineData("""["token"]""", "\"GET\"", "\"\"", "false", "function URL request 'req-1': queryStringParameters is a JSON Array, not an object")]
    [InlineData("""{"token":"t"}""", "\"GET\"", "\"\"", "\"yes\"", "function URL request 'req-1': isBase64Encoded is a JSON String, not true or false")]
    public async Task FunctionUrl_MalformedMember_IsANamedAuditedRejection(string query, string method, string body, string base64, string message)
    {
        await AssertRejectedAsync(FunctionUrl(query, method, body, base64), message);
    }

    [Fact]
    public async Task FunctionUrl_RequestContextNotAnObject_IsNotTakenForARequest()
    {
        await AssertRejectedAsync("""{"requestContext":"x","rawPath":"/approvals/a"}""", "event (unnamed): not an EventBridge event or a state machine task: source is missing");
    }

    [Theory]
    [InlineData("Infrastructure Scaling", """{"service":"ec2","region":"us-east-1","direction":"up","scaling_factor":1e308}""", "detail.scaling_factor 1e308 must be > 0 and ≤ 100")]
    [InlineData("Quota Usage Spike", """{"quota":{"service_code":"lambda","quota_code":"L-B99A9384","region":"us-east-1"},"current_usage":1e400}""", "detail.current_usage 1e400 must be ≥ 0 and ≤ 1e15")]
    [InlineData("Quota Usage Spike", """{"quota":{"service_code":"lambda","quota_code":"L-B99A9384","region":"us-east-1"},"current_usage":-3}""", "detail.current_usage -3 must be ≥ 0 and ≤ 1e15")]
    [InlineData("Quota Prediction Alert", """{"quota":{"service_code":"ec2","quota_code":"L-1216C47A","region":"us-east-1"},"predicted_utilization":90,"confidence":7}""", "detail.confidence 7 must be ≥ 0 and ≤ 1")]
    [InlineData("Cost Optimization Required", """{"max_utilization_percent":-1e309}""", "detail.max_utilization_percent -1e309 must be > 0 and ≤ 100")]
    public async Task QuotaEvent_NonFiniteOrAbsurdNumber_IsRejectedNamingTheField_BeforeAnyWork(string detailType, string detail, string problem)
    {
        await AssertRejectedAsync(Event("e8", detailType, detail), $"event 'e8' ({detailType}): {problem}");

        Assert.Empty(await Backend.Notifier.RecentAsync(5, CancellationToken.None));
        Assert.Empty(await Backend.Audit.QueryAsync(null, AuditKind.Cycle, 5, CancellationToken.None));
    }

    [Fact]
    public async Task EventIdWithALoneSurrogate_IsReadWithAVisibleEscape_AndTheReplySerialises()
    {
        await AssertRejectedAsync(Event("\\ud800x", "Quota Usage Spike", "{}"),
            @"event '\ud800x' (Quota Usage Spike): detail.quota is missing; detail.current_usage is missing or not a number");
    }

    [Fact]
    public async Task ScheduledEventWithALoneSurrogateId_RunsItsCycle_AndTheReplySerialises()
    {
        var reply = await App.HandleAsync("""{"id":"\ud800x","detail-type":"Scheduled Event","source":"aws.events","time":"2026-11-24T15:00:00Z","detail":{}}""", CancellationToken.None);

        Assert.Equal("ok", (string?)reply["status"]);
        Assert.Contains("\"kind\":\"scheduled_cycle\"", reply.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeedThresholdEvent_IsAcceptedBesideOurOwnSource_AndActsAtOnce()
    {
        var reply = await App.HandleAsync(Payload("seed-quota-threshold-exceeded.json"), CancellationToken.None);

        Assert.Equal(("ok", "quota_threshold_exceeded", "quota threshold event"), ((string?)reply["status"], (string?)reply["kind"], (string?)reply["trigger"]));
        var logged = Assert.Single(await Backend.Events.RecentAsync(5, CancellationToken.None), e => e.EventId == "5e1d0c2b-7a44-4f0e-b9de-3f2a1c0d9e87");
        Assert.Equal(("quota.automation", "quota_threshold_exceeded"), (logged.Source, logged.EventType));
    }

    [Fact]
    public async Task SeedSpikeEvent_IsClassifiedLikeOurs()
    {
        await App.HandleAsync(Payload("scheduled-event.json"), CancellationToken.None); // reads 14 days of history

        var reply = await App.HandleAsync(Payload("seed-quota-usage-spike.json"), CancellationToken.None);

        Assert.Equal(("quota_usage_spike", "high"), ((string?)reply["kind"], (string?)reply["spike"]));
    }

    /// <summary>Found by <see cref="Fuzz.InvocationFuzz"/> (seed 20261130,7, case 559): copying the seed's members threw on a lone surrogate.</summary>
    [Fact]
    public async Task SeedEvent_WithALoneSurrogateInItsMetadata_IsRead()
    {
        var reply = await App.HandleAsync(Payload("seed-quota-threshold-exceeded.json").Replace("\"warning\"", "\"\\ud800\"", StringComparison.Ordinal), CancellationToken.None);

        Assert.Equal("ok", (string?)reply["status"]);
    }

    [Theory]
    [InlineData("""{"event_type":"quota_threshold_exceeded","service_code":"ec2","region":"us-east-1","current_usage":5,"quota_value":10}""",
        "detail.utilization_percentage is missing or not a number")]
    [InlineData("""{"event_type":"quota_threshold_exceeded","service_code":"ec2","region":"us-east-1","current_usage":5,"quota_value":10,"utilization_percentage":50}""",
        "detail.quota_code is missing")]
    [InlineData("""{"event_type":"quota_panic"}""",
        "detail.event_type 'quota_panic' must be one of quota_threshold_exceeded, quota_usage_spike, quota_prediction_alert, infrastructure_scaling, disaster_recovery_triggered, cost_optimization_required")]
    [InlineData("""{"event_type":"quota_prediction_alert","service_code":"ec2","quota_code":"L-1216C47A","region":"us-east-1","current_usage":5,"quota_value":10,"utilization_percentage":50,"metadata":{"prediction":{"confidence":2}}}""",
        "detail.metadata.prediction.predicted_utilization_7d is missing or not a number; detail.metadata.prediction.confidence 2 must be ≥ 0 and ≤ 1")]
    [InlineData("""{"event_type":"infrastructure_scaling","service_code":"ec2","quota_code":"L-1216C47A","region":"us-east-1","current_usage":5,"quota_value":10,"utilization_percentage":50,"metadata":{"scaling":{"factor":1e308}}}""",
        "detail.metadata.scaling.factor 1e308 must be > 0 and ≤ 100")]
    public async Task SeedEvent_BadField_IsNamedAsTheProducerWroteIt(string detail, string problem)
    {
        await AssertRejectedAsync(Event("s1", "Quota Threshold Exceeded", detail, "quota.automation"), $"event 's1' (Quota Threshold Exceeded): {problem}");
    }

    [Fact]
    public async Task RuleIdsWithNewlineAndBidiOverride_AreAuditedOneLineEach_WithVisibleEscapes()
    {
        await Backend.Rules.UpsertAsync([
            ("forged", new Dictionary<string, object?> { ["rule_id"] = "x\n2026-11-24 rule_rejected nothing to see", ["service_code"] = "ec2" }),
            ("bidi", new Dictionary<string, object?> { ["rule_id"] = "abc\u202Efed", ["service_code"] = "ec2" }),
        ], CancellationToken.None);

        await App.HandleAsync(Payload("scheduled-event.json"), CancellationToken.None);

        var rejected = (await Backend.Audit.QueryAsync(null, AuditKind.RuleRejected, 20, CancellationToken.None)).Select(a => (a.RuleId, a.Message)).ToList();
        Assert.Contains((@"x\n2026-11-24 rule_rejected nothing to see", @"rule 'rules row 'forged' (no rule_id)': rule_id 'x\n2026-11-24 rule_rejected nothing to see' must be letters, digits, '.', '_' or '-', at most 128; quota_code is missing; region is missing; automation_level is missing: one of monitor_only, alert_only, auto_request, auto_approve, full_auto"), rejected);
        Assert.Contains(rejected, r => r.RuleId == @"abc\u202efed");
        Assert.DoesNotContain(rejected, r => r.Message.Contains('\n', StringComparison.Ordinal) || r.Message.Contains('\u202e', StringComparison.Ordinal));
    }

    [Fact]
    public async Task LastResort_AnswersJson()
    {
        using var reply = await Handler.LastResortAsync(new InvalidOperationException("boom\nforged"));
        var json = JsonNode.Parse(reply)!;

        Assert.Equal(("error", "internal"), ((string?)json["status"], (string?)json["kind"]));
        Assert.EndsWith(@"InvalidOperationException: boom\nforged", (string?)json["error"], StringComparison.Ordinal);
    }

    [Fact]
    public void FiniteJson_ReplacesNonFiniteNumbers_AndSaysWhere()
    {
        var reply = new JsonObject { ["a"] = double.PositiveInfinity, ["b"] = new JsonArray(1.0, double.NaN), ["c"] = "Infinity" };

        var replaced = FiniteJson.Replace(reply);

        Assert.Equal(["$.a", "$.b[1]"], replaced);
        Assert.Equal("""{"a":null,"b":[1,null],"c":"Infinity"}""", reply.ToJsonString());
    }
}
