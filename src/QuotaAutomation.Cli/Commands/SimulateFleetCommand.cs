using System.CommandLine;
using System.Globalization;
using QuotaAutomation.Cli.Json;
using QuotaAutomation.Core.Fleet.Costs;
using QuotaAutomation.Local.FleetSimulation;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>simulate fleet</c>: one fleet cycle over N virtual accounts × R Regions × Q quotas, the real engine on sampled
/// shards and the rest modelled on a virtual clock, with its calls, throttles and monthly bill (docs/benchmarks.md,
/// "A fleet cycle (issue 14)").
/// </summary>
internal static class SimulateFleetCommand
{
    /// <summary>The issue's targets for 1,000 accounts × 17 Regions × 50 quotas.</summary>
    public static readonly TimeSpan MakespanTarget = TimeSpan.FromMinutes(5);

    public const int ConcurrencyTarget = 1000;

    public const double MonthlyUsdTarget = 1000;

    public static Command Create(CliApp app)
    {
        var d = new FleetSimulationOptions();
        var accounts = new Option<int>("--accounts") { Description = "Virtual accounts in the organization", DefaultValueFactory = _ => d.Accounts };
        var regions = new Option<int>("--regions") { Description = $"Regions per account (1 to {VirtualFleet.DefaultRegions.Count})", DefaultValueFactory = _ => d.Regions };
        var quotas = new Option<int>("--quotas") { Description = "Governed quotas per account and Region (one rule each)", DefaultValueFactory = _ => d.Quotas };
        var services = new Option<int>("--services") { Description = "Services the quotas come from", DefaultValueFactory = _ => d.Services };
        var samples = new Option<int>("--samples-per-shape") { Description = "Shards of each stratum (same rules; home or other Region; 0, 1–2 or 3+ quotas near a threshold) run on the real engine, the others replaying one of their stratum's; 0 runs every shard", DefaultValueFactory = _ => d.SamplesPerShape };
        var parallel = new Option<int>("--parallel") { Description = "Executed shards at once on this machine", DefaultValueFactory = _ => d.Parallel };
        var hours = new Option<int>("--hours") { Description = "Hours of 5-minute cycles after the first one that the sample shards run through", DefaultValueFactory = _ => d.Hours };
        var maxConcurrency = new Option<int>("--max-concurrency") { Description = "Distributed Map MaxConcurrency", DefaultValueFactory = _ => d.Cycle.MaxConcurrency };
        var batch = new Option<int>("--batch") { Description = "ItemBatcher MaxItemsPerBatch: shards per child execution", DefaultValueFactory = _ => d.Cycle.ItemsPerBatch };
        var atOnce = new Option<int>("--shards-at-once") { Description = "Shards one Lambda invocation runs at once", DefaultValueFactory = _ => d.Cycle.ShardsAtOnce };
        var newShards = new Option<int>("--new-shards-per-cycle") { Description = "New shards (each backfills 14 days) a cycle admits, as QA_FLEET_NEW_SHARDS_PER_CYCLE", DefaultValueFactory = _ => d.NewShardsPerCycle };
        var tableUnits = new Option<double>("--table-units") { Description = "The usage table's read and write units a second a cycle's shards split, as QA_FLEET_TABLE_UNITS", DefaultValueFactory = _ => d.Cycle.UsageTableUnits };
        var memory = new Option<int>("--memory") { Description = "Lambda memory in MB (terraform var.memory_mb)", DefaultValueFactory = _ => d.Cycle.LambdaMemoryMb };
        var lambdaConcurrency = new Option<int>("--lambda-concurrency") { Description = "Lambda concurrent executions available to the shard function", DefaultValueFactory = _ => d.Cycle.LambdaConcurrency };
        var utilization = new Option<string?>("--utilization")
        {
            Description = "The uniform stress profile instead of the default organization profile (busy home Regions, the rest nearly idle; docs/fleet-usage-profile.md): "
                + "every Region of every account busy, each quota's base usage uniform in LOW-HIGH % of its value, such as 20-80 (round 2's generator)",
        };
        var awsPrices = new Option<FileInfo?>("--aws-prices") { Description = "JSON list prices for the bill (default: the bundled aws-list-prices.json, us-east-1)" };
        var command = new Command("fleet", "Simulate a day of fleet cycles over a virtual organization: makespan, shard runs, API calls by service, throttles and the monthly AWS bill")
        {
            accounts, regions, quotas, services, samples, parallel, hours, utilization, maxConcurrency, batch, atOnce, newShards, tableUnits, memory, lambdaConcurrency, awsPrices,
        };
        command.SetAction(async (parse, ct) =>
        {
            var usage = UsageMix.Organization;
            if (parse.GetValue(utilization) is { } range)
            {
                if (ParseUtilization(range) is not { } uniform)
                {
                    app.Console.MarkupLine($"[red]error:[/] {Render.Text($"--utilization '{range}' must be LOW-HIGH in % of the quota, 0 ≤ LOW < HIGH ≤ 200, such as 20-80")}");
                    return ExitCodes.Error;
                }
                usage = UsageMix.Uniform(uniform.Low, uniform.High);
            }
            var options = new FleetSimulationOptions
            {
                Usage = usage,
                Accounts = parse.GetValue(accounts), Regions = parse.GetValue(regions), Quotas = parse.GetValue(quotas), Services = parse.GetValue(services),
                Seed = parse.GetValue(app.Seed), SamplesPerShape = parse.GetValue(samples), Parallel = parse.GetValue(parallel), Hours = parse.GetValue(hours),
                NewShardsPerCycle = parse.GetValue(newShards),
                Cycle = d.Cycle with
                {
                    MaxConcurrency = parse.GetValue(maxConcurrency), ItemsPerBatch = parse.GetValue(batch), ShardsAtOnce = parse.GetValue(atOnce),
                    LambdaMemoryMb = parse.GetValue(memory), LambdaConcurrency = parse.GetValue(lambdaConcurrency), UsageTableUnits = parse.GetValue(tableUnits),
                },
            };
            var problems = Problems(options);
            if (problems.Count > 0)
            {
                app.Console.MarkupLine($"[red]error:[/] {Render.Text(string.Join("; ", problems))}");
                return ExitCodes.Error;
            }
            var prices = ReadPrices(parse.GetValue(awsPrices));

            FleetSimulationReport report = null!; // set inside the progress display, which always runs its body
            await app.Console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var tasks = new Dictionary<string, ProgressTask>();
                    var progress = new Progress<(string Stage, int Done, int Total)>(p =>
                    {
                        if (!tasks.TryGetValue(p.Stage, out var task)) tasks[p.Stage] = task = context.AddTask(p.Stage, maxValue: Math.Max(1, p.Total));
                        task.Value = p.Done;
                    });
                    report = await FleetSimulation.RunAsync(options, prices, new SynchronousProgress(progress), ct);
                });

            var targets = Targets(report);
            Measured(app, report);
            if (app.WantsJson(parse)) JsonOutput.Write(app, FleetJson.From(report, prices, targets));
            else Tables(app, report, targets);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>"20-80" → (0.2, 0.8); null when it is not two percentages, low below high, within 0–200.</summary>
    internal static (double Low, double High)? ParseUtilization(string text)
    {
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length != 2) return null;
        var style = System.Globalization.NumberStyles.AllowDecimalPoint;
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        return double.TryParse(parts[0], style, culture, out var low) && double.TryParse(parts[1], style, culture, out var high) && low < high && high <= 200
            ? (low / 100, high / 100) : null;
    }

    private static List<string> Problems(FleetSimulationOptions o)
    {
        var problems = new List<string>();
        if (o.Accounts < 1) problems.Add($"--accounts {o.Accounts} must be ≥ 1");
        if (o.Regions < 1 || o.Regions > VirtualFleet.DefaultRegions.Count) problems.Add($"--regions {o.Regions} must be 1 to {VirtualFleet.DefaultRegions.Count}");
        if (o.Quotas < 1) problems.Add($"--quotas {o.Quotas} must be ≥ 1");
        if (o.Services < 1) problems.Add($"--services {o.Services} must be ≥ 1");
        if (o.SamplesPerShape < 0) problems.Add($"--samples-per-shape {o.SamplesPerShape} must be ≥ 0");
        if (o.Parallel < 1) problems.Add($"--parallel {o.Parallel} must be ≥ 1");
        if (o.Hours is < 1 or > 24 * 7) problems.Add($"--hours {o.Hours} must be 1 to 168");
        if (FleetOptions.NewShardsPerCycleProblem(o.NewShardsPerCycle) is { } newShards) problems.Add(newShards);
        problems.AddRange(o.Cycle.Problems().Select(p => p
            .Replace("MaxConcurrency", "--max-concurrency", StringComparison.Ordinal).Replace("MaxItemsPerBatch", "--batch", StringComparison.Ordinal)
            .Replace("shards at once", "--shards-at-once", StringComparison.Ordinal).Replace("Lambda memory", "--memory", StringComparison.Ordinal)
            .Replace("Lambda concurrency", "--lambda-concurrency", StringComparison.Ordinal).Replace("usage table units", "--table-units", StringComparison.Ordinal)));
        return problems;
    }

    /// <summary>The bundled list prices, or the file given; a bad file is refused with every problem named.</summary>
    internal static PriceList ReadPrices(FileInfo? file)
    {
        string json, name;
        if (file is null)
        {
            using var stream = typeof(SimulateFleetCommand).Assembly.GetManifestResourceStream("aws-list-prices.json")
                ?? throw new InvalidOperationException("the bundled list prices (aws-list-prices.json) are not embedded in the CLI");
            using var reader = new StreamReader(stream);
            (json, name) = (reader.ReadToEnd(), "aws-list-prices.json");
        }
        else (json, name) = (File.ReadAllText(file.FullName), file.FullName);
        var parsed = PriceList.Parse(json, name);
        return parsed.Success ? parsed.Value : throw new InvalidDataException(parsed.Error);
    }

    internal static List<FleetTargetDocument> Targets(FleetSimulationReport report)
    {
        var (busiest, first) = (report.Busiest.Result!, report.First.Result); // the busiest cycle is always modelled
        var firstMakespan = first is null ? "not modelled" : string.Create(CultureInfo.InvariantCulture, $"{first.Makespan.TotalSeconds:0.0} s");
        var firstFailed = first is null ? "not modelled" : string.Create(CultureInfo.InvariantCulture, $"{first.FailedAfterRetries:#,0} ({first.Throttled:#,0})");
        return
        [
            new("makespan ≤ 5 min", string.Create(CultureInfo.InvariantCulture, $"busiest cycle {busiest.Makespan.TotalSeconds:0.0} s (first cycle {firstMakespan})"), busiest.Makespan <= MakespanTarget),
            new("MaxConcurrency ≤ 1,000", report.Options.Cycle.MaxConcurrency.ToString("#,0", CultureInfo.InvariantCulture), report.Options.Cycle.MaxConcurrency <= ConcurrencyTarget),
            new("no throttling left after retries", string.Create(CultureInfo.InvariantCulture,
                $"busiest cycle {busiest.FailedAfterRetries:#,0} calls failed ({busiest.Throttled:#,0} throttled attempts); first cycle {firstFailed}"),
                busiest.FailedAfterRetries == 0 && first?.FailedAfterRetries is null or 0),
            new("≤ $1,000 a month", string.Create(CultureInfo.InvariantCulture, $"${report.Bill.TotalUsd:#,0.00}"), report.Bill.TotalUsd <= MonthlyUsdTarget),
        ];
    }

    /// <summary>This machine's times: measured, so they go to the message console (standard error in JSON mode), never into the document.</summary>
    private static void Measured(CliApp app, FleetSimulationReport report)
    {
        var runs = report.Executed.Sum(d => d.Runs.Count);
        app.Console.MarkupLine(Render.Text(string.Create(CultureInfo.InvariantCulture,
            $"measured here: {report.Executed.Count} sample shard(s) through {report.Options.Hours} h on the engine in {report.ExecutionTime.TotalSeconds:0.0} s ({runs:#,0} runs, {report.MeanRunWallTime.TotalMilliseconds:0} ms a run on average); {report.ModelledCycles} of {report.RunsPerCycle.Count} cycles modelled in {report.SimulationTime.TotalSeconds:0.0} s")));
    }

    private static void Tables(CliApp app, FleetSimulationReport report, List<FleetTargetDocument> targets)
    {
        var o = report.Options;
        var (busiest, first) = (report.Busiest.Result!, report.First.Result); // the busiest cycle is always modelled
        static string N(double v) => v.ToString("#,0", CultureInfo.InvariantCulture);
        static string S(TimeSpan t) => t.TotalSeconds.ToString("#,0.0", CultureInfo.InvariantCulture) + " s";
        static string At(int cycle) => (VirtualFleet.Start + cycle * FleetSimulationOptions.CycleEvery).ToString("HH:mm", CultureInfo.InvariantCulture);
        var steady = report.RunsPerCycle.Skip(1).ToList();

        var day = new Table().Border(TableBorder.Rounded).Title(Render.Text(string.Create(CultureInfo.InvariantCulture,
            $"a fleet day: {o.Accounts:#,0} accounts × {o.Regions} Regions × {o.Quotas} quotas = {report.Shards:#,0} shards, the first cycle and {o.Hours} h of 5-minute cycles")))
            .AddColumns("figure", "value");
        foreach (var (name, value) in new[]
        {
            ("busiest cycle: makespan (plan + map + summary)", $"{S(busiest.Makespan)} ({S(busiest.PlanDuration)} + {S(busiest.MapDuration)} + {S(busiest.SummaryDuration)}) at {At(report.Busiest.Cycle)}, {N(report.Busiest.DueShards)} shards due"),
            (string.Create(CultureInfo.InvariantCulture, $"first cycle: the busiest of {report.OnboardingCycles} onboarding cycle(s) (its new shards backfill), cycle {report.BusiestOnboarding + 1}: makespan"), first is null
                ? $"not modelled: {N(report.First.Calls)} calls, over the cap of {N(o.FirstCycleCallsCap)}; {N(report.First.DueShards)} shards"
                : $"{S(first.Makespan)}, {N(report.First.DueShards)} shards, {N(report.First.Calls)} calls"),
            ("shard runs a day (per cycle: least / mean / most)", steady.Count == 0 ? "0" : string.Create(CultureInfo.InvariantCulture, $"{N(report.SteadyRuns)} ({N(steady.Min())} / {steady.Average():#,0.0} / {N(steady.Max())})")),
            ("quotas read in detail a run (samples' mean)", report.DetailedShare.ToString("P1", CultureInfo.InvariantCulture)),
            ("throttled attempts / failed after retries: busiest cycle", $"{N(busiest.Throttled)} / {N(busiest.FailedAfterRetries)}"),
            ("throttled attempts / failed after retries: first cycle", first is null ? "not modelled" : $"{N(first.Throttled)} / {N(first.FailedAfterRetries)}"),
            ("busiest cycle: child executions (MaxConcurrency, batch), Lambda", $"{N(busiest.ChildExecutions)} ({N(o.Cycle.MaxConcurrency)}, {o.Cycle.ItemsPerBatch} shards each), peak {N(busiest.PeakChildren)}; {N(busiest.LambdaInvocations)} invocations, {N(busiest.ColdStarts)} cold, {N(busiest.LambdaTimeouts)} over the timeout"),
            ("a day: Lambda GB-s, DynamoDB RRU / WRU, GetMetricData metrics", $"{report.PerDay[BillItems.LambdaGbSeconds].ToString("#,0.0", CultureInfo.InvariantCulture)}, {N(report.PerDay[BillItems.DynamoDbReadRequestUnits])} / {N(report.PerDay[BillItems.DynamoDbWriteRequestUnits])}, {N(report.PerDay[BillItems.CloudWatchMetricsRequested])}"),
            ("cycles modelled on the virtual clock", $"{N(report.ModelledCycles)} of {N(report.RunsPerCycle.Count)}"),
            ("busiest cycle's summary (ok / partial / failed; rules, actions)", $"{report.Summary.Status}: {N(report.Summary.Ok)} / {N(report.Summary.Partial)} / {N(report.Summary.Failed)}; {N(report.Summary.Rules)} rules, {N(report.Summary.Actions)} actions"),
        })
            day.AddRow(Render.Text(name), Render.Text(value));
        app.Console.Write(day);
        CadenceReasonsTable.Write(app, report);

        var calls = new Table().Border(TableBorder.Rounded).Title("API calls: a day's steady cycles, and the busiest and first cycles on the virtual clock")
            .AddColumns("service", "operation", "calls, steady cycles", "busiest: calls", "throttled", "failed", "first: calls", "throttled", "failed");
        foreach (var (service, operation) in report.Calls.Select(c => (c.Service, c.Operation)).Union(busiest.Calls.Select(c => (c.Service, c.Operation))).Union((first?.Calls ?? []).Select(c => (c.Service, c.Operation)))
            .OrderBy(c => c.Service, StringComparer.Ordinal).ThenBy(c => c.Operation, StringComparer.Ordinal))
        {
            var a = report.Calls.FirstOrDefault(c => c.Service == service && c.Operation == operation);
            var b = busiest.Calls.FirstOrDefault(c => c.Service == service && c.Operation == operation);
            var f = first?.Calls.FirstOrDefault(c => c.Service == service && c.Operation == operation);
            calls.AddRow(service, operation, N(a?.Calls ?? 0), N(b?.Calls ?? 0), N(b?.Throttled ?? 0), N(b?.FailedAfterRetries ?? 0), N(f?.Calls ?? 0), N(f?.Throttled ?? 0), N(f?.FailedAfterRetries ?? 0));
        }
        app.Console.Write(calls);
        InvocationTimeTable.Write(app, report);

        var bill = new Table().Border(TableBorder.Rounded).Title(Render.Text(string.Create(CultureInfo.InvariantCulture,
            $"monthly bill at list prices: the {o.Hours} h of steady cycles × {report.Bill.CyclesPerMonth:#,0.##} ({FleetBill.AverageMonth.TotalDays:0.##} days a month)")))
            .AddColumns("item", "quantity a month", "unit", "$ per unit", "$ a month");
        foreach (var line in report.Bill.Lines)
            bill.AddRow(Render.Text(line.Item), N(line.Quantity), Render.Text(line.Unit), line.UsdPerUnit.ToString("0.##########", CultureInfo.InvariantCulture) + (line.Assumed ? " (assumed)" : ""),
                line.Usd.ToString("#,0.00", CultureInfo.InvariantCulture));
        bill.AddRow("[bold]total[/]", "", "", "", $"[bold]{report.Bill.TotalUsd.ToString("#,0.00", CultureInfo.InvariantCulture)}[/]");
        app.Console.Write(bill);
        if (report.AuditStorage is { } storage) app.Console.MarkupLine(Render.Text(AuditStorageLine.Of(storage)));

        var goals = new Table().Border(TableBorder.Rounded).Title("the issue's targets (for 1,000 accounts × 17 Regions × 50 quotas)").AddColumns("target", "this run", "met");
        foreach (var t in targets) goals.AddRow(Render.Text(t.Target), Render.Text(t.Value), t.Met ? "[green]yes[/]" : "[red]no[/]");
        app.Console.Write(goals);

        app.Console.MarkupLine("[bold]executed[/]");
        foreach (var line in FleetText.Executed(report)) app.Console.MarkupLine($"  - {Render.Text(line)}");
        app.Console.MarkupLine("[bold]modelled[/]");
        foreach (var line in FleetText.Modelled(report)) app.Console.MarkupLine($"  - {Render.Text(line)}");
    }

    /// <summary>Reports on the caller's thread: <see cref="Progress{T}"/> posts to the thread pool, which could reorder updates.</summary>
    private sealed class SynchronousProgress(IProgress<(string Stage, int Done, int Total)> inner) : IProgress<(string Stage, int Done, int Total)>
    {
        private readonly Lock _lock = new();

        public void Report((string Stage, int Done, int Total) value)
        {
            lock (_lock) inner.Report(value);
        }
    }
}
