using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime.Signing;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// The fleet state machine (terraform/fleet.asl.json, rendered as fleet.tf's templatefile renders it) executed by
/// moto_server_patched.py: the plan's JSON lines are read from moto's S3 by the Distributed Map's ItemReader, batched by
/// its ItemBatcher, each batch sent to the function as the shard payload, and the Map's output handed to the summary.
/// moto never runs Lambda code: the function's replies are queued canned results (plan, one per batch, summary), and
/// what the state machine sent the function is read back from moto's request recorder (every Lambda Invoke it served).
/// moto 5.2.1 lacks ItemBatcher, JSONL, EXPRESS children and never fails a Map Run on ToleratedFailurePercentage:
/// eng/tools/moto_server_patched.py adds each as AWS documents it (see its comments).
/// Fixtures/fleet-map-items.json holds the exact shard payloads the Map sends here: the handler's own tests replay them.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class FleetStateMachineOnMotoTests(MotoServer moto)
{
    private const string Account = "123456789012";
    private const string FunctionArn = $"arn:aws:lambda:us-east-1:{Account}:function:quota-automation";
    private const string Bucket = "quota-automation-fleet-123456789012";
    private const string RunId = "fleet-2611301200";
    private const string ShardsKey = $"shards/{RunId}.jsonl";

    private static readonly string FixturePath = Path.Combine(Testing.Repository.Root, "tests", "QuotaAutomation.Aws.Tests", "Fixtures", "fleet-map-items.json");

    /// <summary>The shard payloads the Map must send (2 shards a batch); their items, in order, are the plan's JSON lines.</summary>
    private static JsonArray ExpectedPayloads() => JsonNode.Parse(File.ReadAllText(FixturePath))!.AsArray();

    private static object PlanReply => PlanReplyOf(shards: 5);

    private static object PlanReplyOf(int shards) => new { fleet_run_id = RunId, bucket = Bucket, key = ShardsKey, shards, planned = 5, due = shards, not_due = 5 - shards, accounts = 3, skipped = Array.Empty<object>() };

    private static object ShardReply(params string[] shardIds) => new
    {
        results = shardIds.Select(id => new { shard_id = id, account_id = id[..12], region = id[13..], status = "ok", rules = 1, actions = 0, errors = 0, error = (string?)null }),
    };

    /// <summary>A batch whose function threw (moto_server_patched.py answers it as X-Amz-Function-Error: Unhandled).</summary>
    private static object FailedBatch => new { moto_function_error = "Unhandled", payload = new { errorType = "System.TimeoutException", errorMessage = "the shard batch ran out of time" } };

    private static object SummaryReply => new { status = "ok", shards = 5, failed = 0, accounts_failed = Array.Empty<string>(), digest = "5 shards in 3 accounts: 0 failed" };

    private sealed record Run(DescribeExecutionResponse Execution, IReadOnlyList<JsonNode> Invocations);

    /// <summary>
    /// Puts the plan's JSON lines in S3, queues the function's replies, renders and creates the state machine (batches of
    /// 2, one batch at a time so the queued replies meet the batches in order, 40 % tolerated), runs one fleet run and
    /// returns its end and every payload the function was invoked with.
    /// </summary>
    private async Task<Run> RunAsync(params object[] lambdaReplies)
    {
        await moto.ResetAsync();
        using var http = new HttpClient { BaseAddress = moto.Endpoint };
        async Task PostAsync(string path, object? body = null) =>
            (await http.PostAsync(path, body is null ? null : new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        await PostAsync("moto-api/config", new { stepfunctions = new { execute_state_machine = true }, lambda = new { use_docker = false } });
        await PostAsync("moto-api/static/lambda-simple/response", new { account_id = Account, region = "us-east-1", results = lambdaReplies.Select(r => JsonSerializer.Serialize(r)).ToArray() });

        // moto_server serves unsigned requests as S3: the bucket, then the plan's lines, one JSON object per line.
        var lines = ExpectedPayloads().SelectMany(p => p!["Items"]!.AsArray()).Select(i => i!.ToJsonString());
        (await http.PutAsync(Bucket, null)).EnsureSuccessStatusCode();
        (await http.PutAsync($"{Bucket}/{ShardsKey}", new StringContent(string.Join('\n', lines) + "\n"))).EnsureSuccessStatusCode();

        var definition = Render(maxConcurrency: 1, batchSize: 2, toleratedFailurePercentage: 40);
        using var states = new StepFunctionsClient(moto.Options());
        using var machine = await new AwsTransport(moto.Options(), "states", "states").JsonAsync("1.0", "AWSStepFunctions", "CreateStateMachine",
            new { name = "quota-automation-fleet", definition, roleArn = $"arn:aws:iam::{Account}:role/quota-automation-fleet" }, AwsJson.Camel, CancellationToken.None);

        await PostAsync("moto-api/recorder/reset-recording");
        await PostAsync("moto-api/recorder/start-recording");
        try
        {
            var started = await states.StartExecutionAsync(new(machine.RootElement.GetProperty("stateMachineArn").GetString()!, RunId, "{}"), CancellationToken.None);
            var done = await FinishedAsync(states, started.ExecutionArn!);
            return new Run(done, await InvocationsAsync(http));
        }
        finally
        {
            await PostAsync("moto-api/recorder/stop-recording");
        }
    }

    /// <summary>fleet.asl.json with fleet.tf's templatefile values.</summary>
    private static string Render(int maxConcurrency, int batchSize, int toleratedFailurePercentage) =>
        File.ReadAllText(Path.Combine(Testing.Repository.Root, "terraform", "fleet.asl.json"))
            .Replace("${function_arn}", FunctionArn, StringComparison.Ordinal)
            .Replace("${bucket}", Bucket, StringComparison.Ordinal)
            .Replace("${max_concurrency}", maxConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("${max_items_per_batch}", batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("${tolerated_failure_percentage}", toleratedFailurePercentage.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>The payload of every Lambda Invoke moto served while recording, in order.</summary>
    private static async Task<IReadOnlyList<JsonNode>> InvocationsAsync(HttpClient http)
    {
        var recording = await http.GetStringAsync("moto-api/recorder/download-recording");
        return recording.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!)
            .Where(r => ((string)r["url"]!).Contains("/2015-03-31/functions/", StringComparison.Ordinal) && ((string)r["url"]!).EndsWith("/invocations", StringComparison.Ordinal))
            .Select(r => JsonNode.Parse((bool)r["body_encoded"]! ? Encoding.UTF8.GetString(Convert.FromBase64String((string)r["body"]!)) : (string)r["body"]!)!)
            .ToList();
    }

    private static async Task<DescribeExecutionResponse> FinishedAsync(StepFunctionsClient states, string execution)
    {
        for (var i = 0; i < 150; i++)
        {
            var state = await states.DescribeExecutionAsync(new(execution), CancellationToken.None);
            if (state.Status != "RUNNING") return state;
            await Task.Delay(200);
        }
        throw new TimeoutException($"execution {execution} still RUNNING");
    }

    private static string Shard(JsonNode? invocation) => (string)invocation!["fleet"]!;

    [Fact]
    public async Task FleetRun_ReadsEveryLine_SendsEachBatchAsTheShardPayload()
    {
        var run = await RunAsync(PlanReply,
            ShardReply("111111111111/us-east-1", "111111111111/eu-west-1"), ShardReply("222222222222/us-east-1", "222222222222/eu-west-1"), ShardReply("333333333333/us-east-1"),
            SummaryReply);

        Assert.Equal("SUCCEEDED", run.Execution.Status);
        Assert.Equal(["plan", "shard", "shard", "shard", "summary"], run.Invocations.Select(Shard));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""{"fleet":"plan","fleet_run_id":"{{RunId}}"}"""), run.Invocations[0]));
        // Every line, in batches of 2 (the last one short), each exactly {"fleet":"shard","Items":[…],"BatchInput":{…}}.
        Assert.True(JsonNode.DeepEquals(ExpectedPayloads(), new JsonArray(run.Invocations.Where(i => Shard(i) == "shard").Select(i => i.DeepClone()).ToArray())),
            "the shard payloads differ from Fixtures/fleet-map-items.json");
    }

    [Fact]
    public async Task APlanWithNoShardDue_SkipsTheMap_AndTheSummaryStillRuns_OnAnEmptyResultList()
    {
        var run = await RunAsync(PlanReplyOf(shards: 0), SummaryReply);

        Assert.Equal("SUCCEEDED", run.Execution.Status);
        Assert.Equal(["plan", "summary"], run.Invocations.Select(Shard));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("[]"), run.Invocations[1]!["map"]));
    }

    [Fact]
    public async Task FleetRun_HandsTheMapOutputToTheSummary_AndEndsWithItsReply()
    {
        var run = await RunAsync(PlanReply, ShardReply(), ShardReply(), ShardReply(), SummaryReply);

        var summary = run.Invocations[^1];
        var map = summary["map"]!;
        Assert.Equal(("summary", RunId), ((string)summary["fleet"]!, (string)summary["fleet_run_id"]!));
        // With a ResultWriter the Map's output is where its results are, not the results: the summary reads them from S3.
        Assert.Equal(["MapRunArn", "ResultWriterDetails"], map.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(Bucket, (string)map["ResultWriterDetails"]!["Bucket"]!);
        Assert.Matches("^results/[^/]+/manifest\\.json$", (string)map["ResultWriterDetails"]!["Key"]!);
        Assert.StartsWith($"arn:aws:states:us-east-1:{Account}:mapRun:quota-automation-fleet/Shards:", (string)map["MapRunArn"]!, StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(JsonSerializer.SerializeToNode(SummaryReply), JsonNode.Parse(run.Execution.Output!)));
    }

    [Fact]
    public async Task FleetRun_ResultWriterOnMoto_WritesTheManifestButNoResultFiles()
    {
        // On AWS the manifest lists SUCCEEDED_n.json / FAILED_n.json files holding each child's output; moto 5.2.1's
        // ResultWriter writes only the manifest, with every list empty (its source says "TODO: generate result files").
        // The summary's reading of real result files is tested on the handler with AWS's documented shapes.
        var run = await RunAsync(PlanReply, ShardReply(), ShardReply(), ShardReply(), SummaryReply);
        // A signed GET: the object is the state machine's (moto refuses an anonymous read of it with 403).
        var options = moto.Options();
        using var s3 = new HttpClient(new SigV4SigningHandler(options.Credentials, options.Region, "s3", new SocketsHttpHandler())) { BaseAddress = moto.Endpoint };

        var manifest = JsonNode.Parse(await s3.GetStringAsync($"{Bucket}/{(string)run.Invocations[^1]["map"]!["ResultWriterDetails"]!["Key"]!}"))!;

        Assert.Equal(0, manifest["ResultFiles"]!["SUCCEEDED"]!.AsArray().Count + manifest["ResultFiles"]!["FAILED"]!.AsArray().Count);
    }

    [Fact]
    public async Task OneFailedBatch_IsWithinTheToleratedPercentage_AndTheSummaryStillRuns()
    {
        // 2 of 5 shards = 40 %, and 40 % is tolerated: the run goes on.
        var run = await RunAsync(PlanReply, FailedBatch, ShardReply("222222222222/us-east-1", "222222222222/eu-west-1"), ShardReply("333333333333/us-east-1"), SummaryReply);

        Assert.Equal("SUCCEEDED", run.Execution.Status);
        Assert.Equal(["plan", "shard", "shard", "shard", "summary"], run.Invocations.Select(Shard));
    }

    [Fact]
    public async Task TwoFailedBatches_ExceedTheToleratedPercentage_AndFailTheRunBeforeTheSummary()
    {
        // 4 of 5 shards = 80 % > 40 %: the Map Run fails, the execution with it (the fleet-failed alarm's metric).
        var run = await RunAsync(PlanReply, FailedBatch, FailedBatch, ShardReply("333333333333/us-east-1"), SummaryReply);

        Assert.Equal(("FAILED", "States.ExceedToleratedFailureThreshold"), (run.Execution.Status, run.Execution.Error));
        Assert.Equal(["plan", "shard", "shard", "shard"], run.Invocations.Select(Shard));
    }
}
