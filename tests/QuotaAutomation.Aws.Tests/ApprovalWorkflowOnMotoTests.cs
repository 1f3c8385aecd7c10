using System.Text.Json;
using System.Text.Json.Nodes;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// The approval state machine (terraform/approval.asl.json) executed for real by moto_server_patched.py: the task
/// token goes only to the function's ask task (read here from the execution history's TaskScheduled parameters, as the
/// function receives it), never to SNS (the approvers' topic is read from an SQS subscription), and SendTaskSuccess /
/// SendTaskFailure / the timeout each take their path. moto never runs Lambda code, so the function's replies are
/// queued canned results (evaluate, ask, then the decision task).
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class ApprovalWorkflowOnMotoTests(MotoServer moto)
{
    private const string Account = "123456789012";
    private const string FunctionArn = $"arn:aws:lambda:us-east-1:{Account}:function:quota-automation";

    private sealed record Flow(StepFunctionsClient States, AwsTransport Sqs, string QueueUrl, string MachineArn) : IDisposable
    {
        public void Dispose()
        {
            States.Dispose();
            Sqs.Dispose();
        }
    }

    private async Task<Flow> SetUpAsync(params object[] lambdaReplies)
    {
        await moto.ResetAsync();
        using var http = new HttpClient();
        // A sized body: moto's server cannot read a chunked one (PostAsJsonAsync streams).
        async Task PostAsync(string path, object body) =>
            (await http.PostAsync(new Uri(moto.Endpoint, path), new StringContent(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        await PostAsync("moto-api/config", new { stepfunctions = new { execute_state_machine = true }, lambda = new { use_docker = false } });
        await PostAsync("moto-api/static/lambda-simple/response", new { account_id = Account, region = "us-east-1", results = lambdaReplies.Select(r => JsonSerializer.Serialize(r)).ToArray() });

        using var sns = new AwsTransport(moto.Options(), "sns", "sns");
        var topic = (await sns.QueryAsync("2010-03-31", "CreateTopic", [new("Name", "approvals")], CancellationToken.None)).Descendants().First(e => e.Name.LocalName == "TopicArn").Value;
        var sqs = new AwsTransport(moto.Options(), "sqs", "sqs");
        using var queue = await sqs.JsonAsync("1.0", "AmazonSQS", "CreateQueue", new { QueueName = "approvers" }, AwsJson.Pascal, CancellationToken.None);
        await sns.QueryAsync("2010-03-31", "Subscribe", [new("TopicArn", topic), new("Protocol", "sqs"), new("Endpoint", $"arn:aws:sqs:us-east-1:{Account}:approvers")], CancellationToken.None);

        var definition = File.ReadAllText(Path.Combine(Testing.Repository.Root, "terraform", "approval.asl.json"))
            .Replace("${function_arn}", FunctionArn, StringComparison.Ordinal).Replace("${approval_topic_arn}", topic, StringComparison.Ordinal);
        var states = new StepFunctionsClient(moto.Options());
        using var machine = await new AwsTransport(moto.Options(), "states", "states").JsonAsync("1.0", "AWSStepFunctions", "CreateStateMachine",
            new { name = "approval", definition, roleArn = $"arn:aws:iam::{Account}:role/approval" }, AwsJson.Camel, CancellationToken.None);
        return new Flow(states, sqs, queue.RootElement.GetProperty("QueueUrl").GetString()!, machine.RootElement.GetProperty("stateMachineArn").GetString()!);
    }

    private static async Task<string> StartAsync(Flow flow, int timeoutSeconds) =>
        (await flow.States.StartExecutionAsync(new(flow.MachineArn, "apr-ec2-vcpu-2611241200", JsonSerializer.Serialize(new
        {
            approval_id = "apr-ec2-vcpu-2611241200", rule_id = "ec2-vcpu", quota = "ec2/L-1216C47A@us-east-1",
            current_value = 256, desired_value = 384, estimated_monthly_cost = 9216, reason = "usage 230 of 256 = 89.8%", timeout_seconds = timeoutSeconds,
        })), CancellationToken.None)).ExecutionArn!;

    /// <summary>The next message the approvers' queue receives (the SNS envelope's Message), or null within a few seconds.</summary>
    private static async Task<string?> NextMessageAsync(Flow flow)
    {
        for (var i = 0; i < 10; i++)
        {
            using var reply = await flow.Sqs.JsonAsync("1.0", "AmazonSQS", "ReceiveMessage", new { flow.QueueUrl, WaitTimeSeconds = 1, MaxNumberOfMessages = 1 }, AwsJson.Pascal, CancellationToken.None);
            if (reply.RootElement.TryGetProperty("Messages", out var messages) && messages.GetArrayLength() > 0)
                return JsonNode.Parse(messages[0].GetProperty("Body").GetString()!)!["Message"]!.GetValue<string>();
        }
        return null;
    }

    /// <summary>The task token the ask task was invoked with (TaskScheduled's parameters in the execution history).</summary>
    private async Task<string> AskTokenAsync(string execution)
    {
        using var states = new AwsTransport(moto.Options(), "states", "states");
        for (var i = 0; i < 50; i++)
        {
            using var history = await states.JsonAsync("1.0", "AWSStepFunctions", "GetExecutionHistory", new { executionArn = execution }, AwsJson.Camel, CancellationToken.None);
            foreach (var e in history.RootElement.GetProperty("events").EnumerateArray())
            {
                if (!e.TryGetProperty("taskScheduledEventDetails", out var scheduled)) continue;
                var parameters = JsonNode.Parse(scheduled.GetProperty("parameters").GetString()!)!;
                if ((string?)parameters["Payload"]?["task"] == "ask") return (string)parameters["Payload"]!["task_token"]!;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"execution {execution} never scheduled the ask task");
    }

    private static async Task<DescribeExecutionResponse> FinishedAsync(Flow flow, string execution)
    {
        for (var i = 0; i < 50; i++)
        {
            var state = await flow.States.DescribeExecutionAsync(new(execution), CancellationToken.None);
            if (state.Status != "RUNNING") return state;
            await Task.Delay(200);
        }
        throw new TimeoutException($"execution {execution} still RUNNING");
    }

    [Fact]
    public async Task Approve_TokenGoesOnlyToTheAskTask_AndSuccessFilesTheIncrease()
    {
        using var flow = await SetUpAsync(new { proceed = true, reason = "still 89.8%" }, new { status = "asked" }, new { status = "approved", filed = true });
        var execution = await StartAsync(flow, 300);

        var token = await AskTokenAsync(execution);
        await flow.States.SendTaskSuccessAsync(new(token, """{"decided_by":"arn:aws:sts::123456789012:assumed-role/QuotaApprovers/alice","comment":"launch week"}"""), CancellationToken.None);
        var done = await FinishedAsync(flow, execution);
        var output = JsonNode.Parse(done.Output!)!;

        Assert.Equal(("SUCCEEDED", "arn:aws:sts::123456789012:assumed-role/QuotaApprovers/alice", "approved"), (done.Status, (string?)output["decision"]!["decided_by"], (string?)output["result"]!["status"]));
        // The first message the approvers' topic carries is the outcome: the ask went to the function, not to SNS.
        Assert.Equal("Approval apr-ec2-vcpu-2611241200 for ec2/L-1216C47A@us-east-1 was approved: approved", await NextMessageAsync(flow));
    }

    [Fact]
    public async Task Deny_FailureWithCause_TakesTheDenialPath()
    {
        using var flow = await SetUpAsync(new { proceed = true, reason = "r" }, new { status = "asked" }, new { status = "denied" });
        var execution = await StartAsync(flow, 300);

        var token = await AskTokenAsync(execution);
        await flow.States.SendTaskFailureAsync(new(token, "Denied", """{"decided_by":"bob","comment":"not this quarter"}"""), CancellationToken.None);
        var done = await FinishedAsync(flow, execution);

        Assert.Equal(("SUCCEEDED", "Denied"), (done.Status, (string?)JsonNode.Parse(done.Output!)!["error"]!["Error"]));
        // On AWS the message ends with the cause ({"decided_by":"bob",…}); moto 5.2.1's SendTaskFailure drops `cause`
        // (moto/stepfunctions/responses.py passes only `error`), so here it ends in "null".
        Assert.StartsWith("Approval apr-ec2-vcpu-2611241200 for ec2/L-1216C47A@us-east-1 was denied: ", await NextMessageAsync(flow), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgedToken_IsRefusedByStepFunctions_AndTheApprovalStillWaits()
    {
        using var flow = await SetUpAsync(new { proceed = true, reason = "r" }, new { status = "asked" });
        var execution = await StartAsync(flow, 300);
        await AskTokenAsync(execution);

        var refused = await Assert.ThrowsAsync<AwsServiceException>(() => flow.States.SendTaskSuccessAsync(new("forged-token", "{}"), CancellationToken.None));

        Assert.Equal("RUNNING", (await flow.States.DescribeExecutionAsync(new(execution), CancellationToken.None)).Status);
        Assert.Contains(refused.ErrorCode, new[] { "InvalidToken", "TaskDoesNotExist" });
    }

    [Fact]
    public async Task NoDecision_TimesOutSafely()
    {
        using var flow = await SetUpAsync(new { proceed = true, reason = "r" }, new { status = "asked" }, new { status = "expired" });
        var execution = await StartAsync(flow, 1);

        var done = await FinishedAsync(flow, execution);

        Assert.Equal(("SUCCEEDED", "States.Timeout"), (done.Status, (string?)JsonNode.Parse(done.Output!)!["error"]!["Error"]));
        Assert.Equal("Approval apr-ec2-vcpu-2611241200 for ec2/L-1216C47A@us-east-1 expired after 1 s without a decision; the engine may ask again.", await NextMessageAsync(flow));
    }

    [Fact]
    public async Task NoLongerWanted_EndsWithoutAskingAnyone()
    {
        using var flow = await SetUpAsync(new { proceed = false, reason = "approval is Expired, no longer waiting" });
        var execution = await StartAsync(flow, 300);

        var done = await FinishedAsync(flow, execution);

        Assert.Equal("SUCCEEDED", done.Status);
        Assert.Null(await NextMessageAsync(flow));
    }

    [Fact]
    public void Definition_PassesTheTaskTokenToTheFunctionOnly()
    {
        // asl-validator (run by .ci/run) does not notice a .waitForTaskToken task that never passes $$.Task.Token.
        var definition = JsonNode.Parse(File.ReadAllText(Path.Combine(Testing.Repository.Root, "terraform", "approval.asl.json")))!;
        var states = definition["States"]!.AsObject();
        var waits = states.Where(s => ((string?)s.Value!["Resource"])?.EndsWith(".waitForTaskToken", StringComparison.Ordinal) == true).ToList();

        var wait = Assert.Single(waits);
        Assert.Equal("arn:aws:states:::lambda:invoke.waitForTaskToken", (string?)wait.Value!["Resource"]);
        Assert.Equal("$$.Task.Token", (string?)wait.Value!["Parameters"]!["Payload"]!["task_token.$"]);
        Assert.Equal("$.timeout_seconds", (string?)wait.Value!["TimeoutSecondsPath"]);
        Assert.DoesNotContain(states.Where(s => s.Key != wait.Key), s => s.Value!.ToJsonString().Contains("Task.Token", StringComparison.Ordinal));
    }
}
