using System.Net;
using System.Net.Sockets;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Audit;

namespace QuotaAutomation.Aws.Tests.StandIn;

/// <summary>
/// README's "On AWS" recipe, command by command, through the CLI's entry point: moto_server (this collection's) for
/// DynamoDB and the rest, and <c>serve-quotas</c> for what moto lacks (Service Quotas, and usage in CloudWatch: moto
/// has no AWS/Usage data and its GetMetricData is too slow for a 14-day read), chosen by the AWS SDKs' standard
/// <c>AWS_ENDPOINT_URL</c> and <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c> variables. The variables are this test's own
/// (the CLI reads them through <c>CliApp</c>'s environment), not the process's; the one departure from the recipe is
/// <c>--db</c>, so the stand-in's file goes to a scratch folder instead of the current one.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class OnAwsRecipeTests(MotoServer moto) : IDisposable
{
    private static readonly string[] RuleIds = ["ec2-ondemand-use1", "lambda-concurrency-use1", "vpcs-use1", "alb-use1", "eips-use1", "rds-instances-use1", "dynamodb-read-use1"];
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "qa-recipe-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Task<(int Exit, string Output)> CliAsync(Dictionary<string, string> environment, CancellationToken ct, params string[] args) =>
        Testing.CliRunner.RunAsync(args, TimeProvider.System, environment: environment, ct: ct);

    [Fact]
    public async Task TheRecipe_DecidesEveryRule_WithServeQuotasBesideMoto()
    {
        await moto.ResetAsync();
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing"); // as the other moto tests: the SDK's chain reads the process's
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
        var port = FreePort();
        var standInUrl = $"http://127.0.0.1:{port}";
        var environment = new Dictionary<string, string>
        {
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL"] = moto.Endpoint.ToString().TrimEnd('/'),
            ["AWS_ENDPOINT_URL_SERVICE_QUOTAS"] = standInUrl,
            ["AWS_ENDPOINT_URL_CLOUDWATCH"] = standInUrl,
        };
        using var stop = new CancellationTokenSource();
        var serving = CliAsync(environment, stop.Token, "serve-quotas", "--port", $"{port}", "--db", Path.Combine(_folder, "serve-quotas.db"));
        await WaitForAsync(port, serving);

        var init = await CliAsync(environment, CancellationToken.None, "--backend", "aws", "init");
        var import = await CliAsync(environment, CancellationToken.None, "--backend", "aws", "rules", "import", Path.Combine(Testing.Repository.Root, "docs", "examples", "rules.yaml"));
        var run = await CliAsync(environment, CancellationToken.None, "--backend", "aws", "run");
        await stop.CancelAsync();
        var served = await serving;

        using var backend = new AwsBackend(moto.Options(), new AwsBackendOptions());
        var decisions = new Dictionary<string, AuditRecord>();
        foreach (var rule in RuleIds)
            decisions[rule] = (await backend.Audit.ForRuleAsync(rule, CancellationToken.None)).Single(r => r.Kind is AuditKind.Decision or AuditKind.Error && r.Action is not ("plan_recorded" or "plan_step")); // a step plan's record is its own
        Assert.Equal((0, 0, 0, 0), (init.Exit, import.Exit, run.Exit, served.Exit));
        Assert.All(decisions, d => Assert.True(d.Value.Kind == AuditKind.Decision, $"{d.Key}: {d.Value.Message}"));
        Assert.All(decisions.Where(d => d.Key != "eips-use1" && d.Key != "vpcs-use1"), d => Assert.Contains("(fasttree)", d.Value.Message, StringComparison.Ordinal)); // two weeks of usage came from the stand-in
        Assert.Contains("filed request sim-000001 (PENDING)", run.Output, StringComparison.Ordinal); // filed with the stand-in
        Assert.Contains("RequestServiceQuotaIncrease 200", served.Output, StringComparison.Ordinal);
    }

    private static async Task WaitForAsync(int port, Task<(int Exit, string Output)> serving)
    {
        for (var attempt = 0; attempt < 300 && !serving.IsCompleted; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        var (exit, output) = await serving;
        throw new InvalidOperationException($"serve-quotas did not listen on {port} (exit {exit}): {output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
