using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using QuotaAutomation.Cli.Commands;

namespace QuotaAutomation.Lambda.Tests;

/// <summary>
/// What a deployed function tells CloudWatch: one JSON line per decision that acts (the fields the Terraform
/// dashboard's Logs Insights query reads), per-quota utilisation and the function's own errors as EMF metrics (what
/// monitoring.tf alarms on), and all of it as raw JSON records under the managed runtime's JSON log format.
/// </summary>
public sealed partial class LambdaTelemetryTests : EmbeddedFunctionTests
{
    private static readonly string Monitoring = File.ReadAllText(Path.Combine(Testing.Repository.Root, "terraform", "monitoring.tf"));

    private static string ScheduledEvent => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", "scheduled-event.json"));

    private async Task<(JsonObject Reply, List<JsonObject> Lines)> CycleAsync()
    {
        var reply = await App.HandleAsync(ScheduledEvent, CancellationToken.None);
        var lines = Logs.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        return (reply, lines);
    }

    [Fact]
    public async Task UnderTheManagedRuntimesJsonLogFormat_EveryLineIsOneRawJsonRecord()
    {
        var console = new ManagedRuntimeConsole();
        var app = EmbeddedLambda.Create(Backend, TimeSpan.FromSeconds(60), new LambdaLog(console, Backend.Clock, "quota-automation-test"));

        await app.HandleAsync(ScheduledEvent, CancellationToken.None);
        await app.HandleAsync("not json", CancellationToken.None);

        Assert.True(console.Records.Count >= 10, $"only {console.Records.Count} records");
        Assert.All(console.Records, r => Assert.EndsWith("}\n", r, StringComparison.Ordinal));
        var records = console.Records.Select(r => JsonNode.Parse(r)!.AsObject()).ToList();
        // A WriteLine would have come back as the runtime's envelope, our line a string in "message" (no "_aws" at the root).
        Assert.DoesNotContain(records, r => r["requestId"] is not null);
        Assert.Contains(records, r => r["_aws"] is not null && r["Utilization"] is not null);
        Assert.Contains(records, r => r["_aws"] is not null && r["Errors"] is not null);
    }

    [Fact]
    public async Task ScheduledCycle_LogsOneDecisionLinePerDecisionThatActs_WithEveryFieldTheDashboardQueries()
    {
        var query = DashboardQuery().Match(Monitoring);
        var fields = query.Groups["fields"].Value.Split(',').Select(f => f.Trim()).Where(f => !f.StartsWith('@')).ToList();

        var (reply, lines) = await CycleAsync();

        Assert.True(query.Success, "monitoring.tf has no 'Decisions that act' query of the expected form");
        Assert.Equal("message = 'decision'", query.Groups["filter"].Value);
        var decisions = lines.Where(l => (string?)l["message"] == "decision").ToList();
        var acting = reply["decisions"]!.AsArray().Where(d => (string?)d!["decision"] is not ("none" or "held")).ToList();
        Assert.NotEmpty(acting);
        Assert.Equal(acting.Select(d => ((string?)d!["rule_id"], (string?)d["decision"])).Order(), decisions.Select(d => ((string?)d["rule_id"], (string?)d["decision"])).Order());
        Assert.All(decisions, d => Assert.All(fields, f => Assert.True(d.ContainsKey(f), $"decision line lacks '{f}': {d.ToJsonString()}")));
    }

    [Fact]
    public async Task IncreaseDecisionLine_NamesTheQuotaBandUtilisationAndRequestedValue()
    {
        var (_, lines) = await CycleAsync();

        var line = lines.First(l => (string?)l["message"] == "decision" && (string?)l["rule_id"] == "lambda-concurrency-use1");
        Assert.Equal(("lambda", "L-B99A9384", "us-east-1", "self", "request_increase"),
            ((string?)line["service_code"], (string?)line["quota_code"], (string?)line["region"], (string?)line["account_id"], (string?)line["decision"]));
        Assert.Contains((string?)line["band"], new[] { "warning", "critical", "emergency" });
        Assert.True((double)line["requested_value"]! > 0);
        Assert.True((double)line["utilization_percent"]! > 0);
        Assert.StartsWith("request_increase ", (string?)line["action"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScheduledCycle_EmitsOneUtilizationMetricPerQuota_ThatTheEmfCheckerAccepts()
    {
        var (reply, lines) = await CycleAsync();

        var utilization = lines.Where(l => l["Utilization"] is not null).Select(u => $"{u["ServiceCode"]}/{u["QuotaCode"]}@{u["Region"]}#{u["AccountId"]}").ToList();
        var acted = lines.Where(l => (string?)l["message"] == "decision" && (string?)l["decision"] != "error").Select(l => $"{l["service_code"]}/{l["quota_code"]}@{l["region"]}#{l["account_id"]}");

        Assert.Equal(utilization.Count, utilization.Distinct().Count());
        Assert.Superset(acted.ToHashSet(), utilization.ToHashSet());
        Assert.InRange(utilization.Count, 1, (int)reply["rules"]!);
        var first = lines.First(l => l["Utilization"] is not null);
        var definition = first["_aws"]!["CloudWatchMetrics"]![0]!;
        Assert.Equal("""{"Namespace":"QuotaAutomation","Dimensions":[["ServiceCode","QuotaCode","Region","AccountId"]],"Metrics":[{"Name":"Utilization","Unit":"Percent"}]}""", definition.ToJsonString());
        await AssertEmfCheckerAcceptsAsync(lines.Where(l => l["_aws"] is not null));
    }

    [Fact]
    public async Task ErrorsAlarm_WatchesTheMetricAndDimensionsTheFunctionEmits()
    {
        await App.HandleAsync("not json", CancellationToken.None);
        var emf = Logs.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).Single(l => l["Errors"] is not null);

        var alarm = ErrorsAlarm().Match(Monitoring);
        Assert.True(alarm.Success, "monitoring.tf has no alarm on the QuotaAutomation Errors metric");
        Assert.Equal(LambdaLog.MetricNamespace, alarm.Groups["namespace"].Value);
        Assert.Contains(emf["_aws"]!["CloudWatchMetrics"]![0]!["Dimensions"]!.AsArray(), d => d!.ToJsonString() == """["Function"]""");
        Assert.Equal(1, (double)emf["Errors"]!);
    }

    private async Task AssertEmfCheckerAcceptsAsync(IEnumerable<JsonObject> lines)
    {
        var file = Path.Combine(Folder, "emf.jsonl");
        await File.WriteAllLinesAsync(file, lines.Select(l => l.ToJsonString()));
        var tools = Testing.Repository.Tools;
        var run = Process.Start(new ProcessStartInfo("python3", $"\"{Path.Combine(tools, "emf_check.py")}\" \"{Path.Combine(tools, "emf.schema.json")}\" \"{file}\"") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await run.StandardOutput.ReadToEndAsync() + await run.StandardError.ReadToEndAsync();
        await run.WaitForExitAsync();
        Assert.True(run.ExitCode == 0, output);
    }

    [GeneratedRegex("""title = "Decisions that act[^"]*"[^\n]*\n[^\n]*query += "SOURCE '[^']+' \| fields (?<fields>[^|]+) \| filter (?<filter>[^|]+?) \|""")]
    private static partial Regex DashboardQuery();

    [GeneratedRegex("""engine-errors = \{[^}]*namespace += "(?<namespace>[^"]+)"\s+metric += "Errors"\s+dimensions += \{ Function = aws_lambda_function\.this\.function_name \}""")]
    private static partial Regex ErrorsAlarm();
}
