using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Gate;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>check --plan plan.json</c> / <c>--config infra.yaml</c>: quotas as a deployment gate; <c>--request</c> files the
/// shortfalls through the engine; <c>wait</c> polls until the quotas are enough, an increase is refused, or time runs out.
/// Exit codes: 0 enough, 1 shortfall, 2 error or a quota it cannot read (the gate cannot tell, so it fails closed).
/// </summary>
internal static class CheckCommand
{
    private sealed record Inputs(Option<FileInfo?> Plan, Option<FileInfo?> Config, Option<double> Buffer, Option<FileInfo?> InstanceTypes);

    private static Inputs NewInputs() => new(
        new Option<FileInfo?>("--plan") { Description = "terraform show -json PLANFILE output" },
        new Option<FileInfo?>("--config") { Description = "Infrastructure YAML: Auto Scaling groups (instance_type, max_size), Lambda functions (reserved_concurrency), RDS instances (docs/gate.md)" },
        new Option<double>("--buffer") { Description = "Headroom on top of what the change adds, in percent", DefaultValueFactory = _ => 20 },
        new Option<FileInfo?>("--instance-types") { Description = "vCPUs of instance types the built-in table lacks: JSON {\"m8i.large\": 2} or CSV lines m8i.large,2 (on --backend aws EC2 DescribeInstanceTypes is asked first)" });

    public static Command Create(CliApp app)
    {
        var inputs = NewInputs();
        var format = new Option<string>("--format") { Description = "table, json, markdown or github (annotations, $GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY)", DefaultValueFactory = _ => "table" };
        var request = new Option<bool>("--request") { Description = "File increases for the shortfalls (the engine's sizing, caps, limits, approval rules and audit)" };
        var githubOutput = new Option<string?>("--github-output") { Description = "github format: step outputs file", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("GITHUB_OUTPUT") };
        var githubSummary = new Option<string?>("--github-summary") { Description = "github format: step summary file", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") };
        var command = new Command("check", "Check that the quotas a deployment consumes have room for it (exit 0 enough, 1 shortfall, 2 error)")
        {
            inputs.Plan, inputs.Config, inputs.Buffer, inputs.InstanceTypes, format, request, githubOutput, githubSummary,
        };
        command.SetAction(async (parse, ct) =>
        {
            var formatName = parse.GetValue(format)!;
            if (formatName is not ("table" or "json" or "markdown" or "github"))
                throw new InvalidDataException($"--format '{formatName}' must be table, json, markdown or github");
            if (app.WantsJson(parse) && formatName is not ("table" or "json"))
                throw new InvalidDataException($"--output json and --format {formatName} disagree: give one of them");
            if (app.WantsJson(parse)) formatName = "json"; // the global option means the same here
            if (formatName == "json") app.MessagesToStandardError();
            return await WithBackendAsync(app, parse, async session =>
            {
                var (needs, problems) = await NeedsAsync(app, parse, inputs, session.Region, ct);
                if (problems.Count > 0) return Problems(app, problems, formatName);
                var report = await DeploymentGate.CheckAsync(needs, session.Ports.Quotas, session.Ports.Usage, session.Time.GetUtcNow(), parse.GetValue(inputs.Buffer) / 100, ct);
                Write(app, report, formatName, parse.GetValue(githubOutput), parse.GetValue(githubSummary));
                if (parse.GetValue(request) && !report.Enough)
                {
                    var shortQuotas = report.Shortfalls.Select(l => l.Need.Quota).ToList();
                    var ports = session.Ports with { Rules = new GateRules(session.Ports.Rules, shortQuotas) };
                    var cycle = await app.Engine(parse, ports, session.Time).RunCycleAsync(DeploymentGate.Expectations(report), ct);
                    await session.AfterCycleAsync(ct);
                    foreach (var result in cycle.Rules.Where(r => r.Quota is { } q && shortQuotas.Contains(q.Key)))
                        app.Console.MarkupLine($"{Render.Text(result.Decision.RuleId)}: [bold]{Render.Text(result.Decision.Kind)}[/] {Render.Text(result.Decision.Reason)}");
                    foreach (var action in cycle.Actions.Where(a => a.Quota is { } q && shortQuotas.Contains(q)))
                        app.Console.MarkupLine($"  {Render.Text(action.Action)}: {action.Outcome} {Render.Text(action.Detail)}");
                    await WaitingApprovals.WriteAsync(app, parse, session.Ports.Approvals, ct);
                    app.Console.MarkupLine("then: [bold]quota-automation wait[/] with the same --plan/--config, before applying");
                }
                return Unreadable(app, report);
            });
        });
        return command;
    }

    public static Command CreateWait(CliApp app)
    {
        var inputs = NewInputs();
        var timeout = new Option<string>("--timeout") { Description = "How long to wait (e.g. 30m, 2h, 90s)", DefaultValueFactory = _ => "30m" };
        var poll = new Option<string>("--poll") { Description = "How often to look (embedded backend: virtual time)", DefaultValueFactory = _ => "5m" };
        var command = new Command("wait", "Wait until the quotas a deployment consumes are enough (0), an increase was refused or nothing is in flight (1), or time runs out (1)")
        {
            inputs.Plan, inputs.Config, inputs.Buffer, inputs.InstanceTypes, timeout, poll,
        };
        command.SetAction(async (parse, ct) =>
        {
            var limit = Duration(parse.GetValue(timeout)!, "--timeout");
            var every = Duration(parse.GetValue(poll)!, "--poll");
            return await WithBackendAsync(app, parse, async session =>
            {
                var (needs, problems) = await NeedsAsync(app, parse, inputs, session.Region, ct);
                if (problems.Count > 0) return Problems(app, problems, "table");
                var until = session.Time.GetUtcNow() + limit;
                while (true)
                {
                    var report = await DeploymentGate.CheckAsync(needs, session.Ports.Quotas, session.Ports.Usage, session.Time.GetUtcNow(), parse.GetValue(inputs.Buffer) / 100, ct);
                    if (report.Unreadable.Any())
                    {
                        Write(app, report, "table");
                        return Unreadable(app, report); // waiting would not make it readable
                    }
                    if (report.Enough)
                    {
                        app.Console.MarkupLine($"[green]enough[/] at {session.Time.GetUtcNow():yyyy-MM-dd HH:mm} UTC");
                        return ExitCodes.Ok;
                    }
                    // In flight: open in the engine's record (updated each cycle) or at AWS, or an approval not yet filed.
                    var approvals = await session.Ports.Approvals.ListActiveAsync(ct);
                    var recorded = await session.Ports.Requests.ListOpenAsync(ct);
                    var idle = new List<string>();
                    var inFlight = new List<string>();
                    foreach (var line in report.Shortfalls)
                    {
                        var quota = line.Need.Quota;
                        if (recorded.FirstOrDefault(r => r.Quota == quota) is { } open)
                            inFlight.Add($"{quota}: request {open.AwsRequestId ?? open.Id} {open.Status.ToApiName()} for {Render.Num(open.DesiredValue)}");
                        else if (approvals.FirstOrDefault(a => a.Quota == quota) is { } approval)
                            inFlight.Add($"{quota}: approval {approval.Id} {approval.Status} for {Render.Num(approval.DesiredValue)}");
                        else if (await session.Ports.Requester.FindOpenRequestAsync(quota, ct) is { } atAws)
                            inFlight.Add($"{quota}: request {atAws.Id} {atAws.Status.ToApiName()} for {Render.Num(atAws.DesiredValue)}");
                        else
                            idle.Add($"{quota}: {await WhyIdle.ExplainAsync(session.Ports, quota, session.Time.GetUtcNow(), ct)}");
                    }
                    if (idle.Count > 0)
                    {
                        Write(app, report, "table");
                        app.Console.MarkupLine("[red]still short, and nothing in flight[/]:");
                        foreach (var why in idle) app.Console.MarkupLine($"  {Render.Text(why)}");
                        return ExitCodes.Invalid;
                    }
                    if (session.Time.GetUtcNow() >= until)
                    {
                        Write(app, report, "table");
                        app.Console.MarkupLine($"[red]timed out[/] after {limit.TotalMinutes:0.#} min with increases still in flight:");
                        foreach (var what in inFlight) app.Console.MarkupLine($"  {Render.Text(what)}");
                        return ExitCodes.Invalid;
                    }
                    app.Console.MarkupLine($"[grey]{session.Time.GetUtcNow():HH:mm} UTC: {report.Shortfalls.Count()} quota(s) short, requests in flight; next look in {every.TotalMinutes:0.#} min[/]");
                    foreach (var change in await session.SleepAsync(every, ct)) app.Console.MarkupLine($"  [green]•[/] {Render.Text(change)}");
                }
            });
        });
        return command;
    }

    /// <summary>The backend the command runs on: its ports, clock, default Region, and how time passes.</summary>
    /// <param name="SleepAsync">Lets the time pass; returns the requests filed and status changes seen meanwhile (on AWS the Lambda's cycles follow requests: none here).</param>
    private sealed record Session(EnginePorts Ports, TimeProvider Time, string Region, Func<CancellationToken, Task> AfterCycleAsync,
        Func<TimeSpan, CancellationToken, Task<IReadOnlyList<string>>> SleepAsync);

    private static async Task<int> WithBackendAsync(CliApp app, ParseResult parse, Func<Session, Task<int>> work)
    {
        if (app.IsAws(parse))
        {
            using var aws = app.OpenAws(parse);
            var region = parse.GetValue(app.Region) ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1";
            return await work(new Session(aws.Ports, app.RealTime, region, _ => Task.CompletedTask, async (d, c) =>
            {
                await Task.Delay(d, app.RealTime, c);
                return [];
            }));
        }
        var backend = await app.OpenAsync(parse, CancellationToken.None);
        return await work(new Session(backend.Ports, backend.Clock, parse.GetValue(app.Region) ?? Local.Simulation.BuiltInAccount.Region,
            c => backend.AdvanceAsync(Local.Simulation.SimulatedAccount.SampleInterval, c), (d, c) => CyclesAsync(app, parse, backend, d, c)));
    }

    /// <summary>
    /// Waiting on the embedded backend: nothing else runs the engine here, so time passes as <c>run</c> passes it, one
    /// engine cycle every 5 virtual minutes. The cycles follow requests to AWS's answer and file approved increases.
    /// </summary>
    private static async Task<IReadOnlyList<string>> CyclesAsync(CliApp app, ParseResult parse, Local.EmbeddedBackend backend, TimeSpan duration, CancellationToken ct)
    {
        var engine = app.Engine(parse, backend.Ports, backend.Clock);
        var until = backend.Clock.GetUtcNow() + duration;
        var changes = new List<string>();
        while (backend.Clock.GetUtcNow() < until)
        {
            var cycle = await engine.RunCycleAsync(ct);
            changes.AddRange(cycle.Actions.Where(a => a.Action == "request_increase" && a.Outcome == ActionOutcome.Done).Select(a => $"{a.RuleId}: {a.Detail}"));
            changes.AddRange(cycle.StatusChanges);
            await backend.AdvanceAsync(Local.Simulation.SimulatedAccount.SampleInterval, ct);
        }
        return changes;
    }

    private static async Task<(IReadOnlyList<QuotaNeed> Needs, IReadOnlyList<string> Problems)> NeedsAsync(CliApp app, ParseResult parse, Inputs inputs, string region, CancellationToken ct)
    {
        var plan = parse.GetValue(inputs.Plan);
        var config = parse.GetValue(inputs.Config);
        if (plan is null && config is null) return ([], ["give --plan (terraform show -json output) and/or --config (infrastructure YAML)"]);
        if (parse.GetValue(inputs.Buffer) is < 0 or > 1000) return ([], [$"--buffer {parse.GetValue(inputs.Buffer)} must be a percentage between 0 and 1000"]);
        var changes = new List<PlannedChange>();
        var problems = new List<string>();
        if (plan is not null)
        {
            var parsed = TerraformPlan.Parse(File.ReadAllText(plan.FullName), plan.Name);
            if (parsed.Success) changes.AddRange(parsed.Value);
            else problems.Add(parsed.Error!);
        }
        if (config is not null)
        {
            var parsed = InfraConfig.Parse(YamlDocuments.ToJson(File.ReadAllText(config.FullName), config.Name), config.Name);
            if (parsed.Success) changes.AddRange(parsed.Value);
            else problems.Add(parsed.Error!);
        }
        var sizes = await InstanceSizesAsync(app, parse, inputs, changes, region, problems, ct);
        var (needs, mapping) = QuotaNeeds.From(changes, region, sizes);
        return (needs, [.. problems, .. mapping]);
    }

    /// <summary>
    /// vCPUs of the plan's instance types beyond the built-in table: a user's <c>--instance-types</c> file first, then
    /// on AWS EC2 DescribeInstanceTypes (cached for the process). When EC2 cannot answer, the built-in table does, and
    /// a type it lacks fails closed as before.
    /// </summary>
    private static async Task<Dictionary<string, int>> InstanceSizesAsync(CliApp app, ParseResult parse, Inputs inputs, IReadOnlyList<PlannedChange> changes,
        string region, List<string> problems, CancellationToken ct)
    {
        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        if (parse.GetValue(inputs.InstanceTypes) is { } file)
        {
            var read = InstanceTypeFile.Read(file.FullName);
            if (read.Success) foreach (var (type, vcpus) in read.Value) sizes[type] = vcpus;
            else problems.Add(read.Error!);
        }
        var wanted = QuotaNeeds.InstanceTypesIn(changes).Where(t => !sizes.ContainsKey(t)).ToList();
        if (wanted.Count == 0 || !app.IsAws(parse)) return sizes;
        try
        {
            using var aws = app.OpenAws(parse);
            // Cached on disk for a day, per Region and endpoint (an emulator's answers never stand in for AWS's).
            var cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "quota-automation", "instance-types.json");
            var scope = parse.GetValue(app.EndpointUrl) is { } endpoint ? $"{region} {endpoint}" : region;
            foreach (var (type, vcpus) in await new QuotaAutomation.Aws.Adapters.Ec2InstanceTypes(aws.Ec2, scope, cache, app.RealTime).VCpusAsync(wanted, ct)) sizes[type] = vcpus;
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is QuotaAutomation.Aws.Clients.AwsServiceException or HttpRequestException or TimeoutException)
        {
            app.Console.MarkupLine($"[yellow]EC2 DescribeInstanceTypes failed ({Render.Text(e.Message)}): instance types are sized from the built-in table[/]");
        }
        return sizes;
    }

    private static int Problems(CliApp app, IReadOnlyList<string> problems, string format)
    {
        foreach (var problem in problems)
            app.Console.WriteLine(format == "github" ? $"::error title=Quota check::{GitHubEscape(problem)}" : $"error: {problem}");
        return ExitCodes.Error;
    }

    /// <summary>
    /// The exit code of a verdict: 0 enough, 1 shortfall, 2 when a quota or its usage could not be read, naming each
    /// (the gate cannot tell whether the change fits, and a gate that cannot decide fails closed).
    /// </summary>
    private static int Unreadable(CliApp app, GateReport report)
    {
        foreach (var line in report.Unreadable)
            app.Console.MarkupLine($"[red]error:[/] cannot read quota {Render.Text(line.Need.Quota.ToString())} ({Render.Text(line.QuotaName)}): {Render.Text(line.Note)}; the gate cannot tell whether {Render.Text(string.Join(", ", line.Need.From))} fits");
        return report.Unreadable.Any() ? ExitCodes.Error : report.Enough ? ExitCodes.Ok : ExitCodes.Invalid;
    }

    private static string Verdict(GateReport report) => report.Unreadable.Any() ? "cannot_tell" : report.Enough ? "enough" : "shortfall";

    private static string Verdict(GateLine line) => !line.Readable ? "cannot tell" : line.Enough ? "enough" : $"short by {Num(line.Shortfall)}";

    private static void Write(CliApp app, GateReport report, string format, string? githubOutput = null, string? githubSummary = null)
    {
        switch (format)
        {
            case "json":
                app.Stdout.WriteLine(Json(report));
                break;
            case "markdown":
                app.Stdout.Write(Markdown(report));
                break;
            case "github":
                foreach (var line in report.Lines)
                    app.Stdout.WriteLine(line.Enough
                        ? $"::notice title=Quota {line.Need.Quota}::{GitHubEscape(Sentence(line))}"
                        : $"::error title=Quota {(line.Readable ? "shortfall" : "unreadable")} {line.Need.Quota}::{GitHubEscape(Sentence(line))}");
                if (githubOutput is { Length: > 0 } output)
                    File.AppendAllText(output, string.Create(CultureInfo.InvariantCulture,
                        $"enough={(report.Enough ? "true" : "false")}\nshortfalls={report.Shortfalls.Count()}\nverdict={Verdict(report)}\nreport={Json(report, indented: false)}\n"));
                if (githubSummary is { Length: > 0 } summary)
                    File.AppendAllText(summary, Markdown(report));
                break;
            default:
                var table = new Table().Border(TableBorder.Rounded).Title(report.Enough ? "[green]quotas have room for this change[/]"
                        : report.Unreadable.Any() ? "[red]the gate cannot tell: a quota could not be read[/]" : "[red]quota shortfall[/]")
                    .AddColumns("quota", "name", "value", "usage", "adds", $"needed (+{report.Buffer * 100:0.#}%)", "verdict", "from");
                foreach (var line in report.Lines)
                    table.AddRow(Render.Text(line.Need.Quota.ToString()), Render.Text(line.QuotaName), Num(line.QuotaValue), Num(line.CurrentUsage), Num(line.Need.Added),
                        Num(line.Needed), line.Enough ? "[green]enough[/]" : $"[red]{Verdict(line)}[/]",
                        Render.Text(string.Join(", ", line.Need.From) + (line.Note.Length > 0 ? $" ({line.Note})" : "")));
                app.Console.Write(table);
                break;
        }
    }

    private static string Sentence(GateLine l) => string.Create(CultureInfo.InvariantCulture,
        $"{l.QuotaName}: needs {l.Needed:#,0.##} (usage {Num(l.CurrentUsage)} + {l.Need.Added:#,0.##} added, with buffer) of quota {Num(l.QuotaValue)}{(l.Enough ? "" : l.Readable ? $": short by {l.Shortfall:#,0.##}" : ": cannot tell")}; from {string.Join(", ", l.Need.From)}{(l.Note.Length > 0 ? $" ({l.Note})" : "")}");

    internal static string Json(GateReport report, bool indented = true) => JsonSerializer.Serialize(new
    {
        enough = report.Enough,
        verdict = Verdict(report),
        buffer = Render.Clean(report.Buffer),
        quotas = report.Lines.Select(l => new
        {
            service_code = l.Need.Quota.ServiceCode, quota_code = l.Need.Quota.QuotaCode, region = l.Need.Quota.Region, quota_name = l.QuotaName,
            quota_value = Render.Clean(l.QuotaValue), current_usage = Render.Clean(l.CurrentUsage), added = Render.Clean(l.Need.Added),
            needed = Render.Clean(l.Needed), shortfall = Render.Clean(l.Shortfall),
            enough = l.Enough, readable = l.Readable, note = l.Note, from = l.Need.From,
        }),
    }, indented ? Indented : Compact);

    private static readonly JsonSerializerOptions Indented = new(QuotaAutomation.Cli.Json.JsonOutput.Options) { PropertyNamingPolicy = null, WriteIndented = true };
    private static readonly JsonSerializerOptions Compact = new(Indented) { WriteIndented = false };

    internal static string Markdown(GateReport report)
    {
        var md = new StringBuilder();
        md.AppendLine(report.Enough ? "### Quotas have room for this change" : "### Quota shortfall");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"| quota | name | value | usage | adds | needed (+{report.Buffer * 100:0.#}%) | verdict |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var l in report.Lines)
            md.AppendLine(CultureInfo.InvariantCulture, $"| `{l.Need.Quota}` | {l.QuotaName} | {Num(l.QuotaValue)} | {Num(l.CurrentUsage)} | {Num(l.Need.Added)} | {Num(l.Needed)} | {(l.Enough ? "enough" : $"**{Verdict(l)}**")} |");
        return md.ToString();
    }

    private static string Num(double? v) => Render.Num(v, missing: "?");

    private static string GitHubEscape(string text) => text.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    internal static TimeSpan Duration(string text, string option)
    {
        var unit = text.Length > 0 ? text[^1] : ' ';
        var ok = double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0;
        return (unit, ok) switch
        {
            ('s', true) => TimeSpan.FromSeconds(n),
            ('m', true) => TimeSpan.FromMinutes(n),
            ('h', true) => TimeSpan.FromHours(n),
            _ => throw new InvalidDataException($"{option} '{text}' must be a positive duration such as 90s, 30m or 2h"),
        };
    }
}
