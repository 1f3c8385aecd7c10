using System.CommandLine;
using Microsoft.Data.Sqlite;
using QuotaAutomation.Cli.Commands;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Local;
using QuotaAutomation.Local.Simulation;
using Spectre.Console;

namespace QuotaAutomation.Cli;

/// <summary>The composition root of the command line: wires the embedded backend to the engine and renders results.</summary>
/// <param name="environment">Reads an environment variable (AWS_ENDPOINT_URL…); tests pass their own, since the process's is shared.</param>
public sealed class CliApp(IAnsiConsole console, TimeProvider realTime, Func<string, string?>? environment = null)
{
    public const string DefaultDatabase = "quota-automation.db";

    private IAnsiConsole? _stderr;
    private TextWriter? _error;

    /// <summary>
    /// Where commands write what people read. With <c>--output json</c> it is standard error, so standard output holds
    /// the one JSON document and nothing else (progress, "created …", warnings).
    /// </summary>
    internal IAnsiConsole Console => _stderr ?? console;

    /// <summary>Standard output, for machine-readable documents (<c>--output json</c>, <c>check --format</c>).</summary>
    internal TextWriter Stdout => console.Profile.Out.Writer;

    internal TimeProvider RealTime => realTime;

    internal Func<string, string?> EnvironmentVariable { get; } = environment ?? System.Environment.GetEnvironmentVariable;

    internal Option<string> Database { get; } = new("--db")
    {
        Description = "SQLite file of the embedded backend (created with sample rules when absent)",
        DefaultValueFactory = _ => DefaultDatabase,
        Recursive = true,
    };

    internal Option<int> Seed { get; } = new("--seed")
    {
        Description = "Seed of the simulated account, used when the database is created",
        DefaultValueFactory = _ => new SimulationOptions().Seed,
        Recursive = true,
    };

    internal Option<FileInfo?> Prices { get; } = new("--prices")
    {
        Description = "JSON unit-price table for cost estimates; default: the built-in prices (docs/rules.md#sizing-and-cost)",
        Recursive = true,
    };

    internal Option<bool> PriceList { get; } = new("--price-list")
    {
        Description = "With --backend aws: unit prices from the AWS Price List (pricing:GetProducts), cached a day; a price it does not give keeps the table's, marked estimated (docs/rules.md#sizing-and-cost)",
        Recursive = true,
    };

    internal Option<FileInfo?> Policies { get; } = new("--policies")
    {
        Description = "JSON or YAML list of organization policies the engine enforces above the rules (docs/governance.md); an invalid policy stops the command",
        Recursive = true,
    };

    internal Option<double> ApprovalDelay { get; } = new("--approval-delay")
    {
        Description = "Simulated AWS: minutes until a request up to 2× the quota is decided",
        DefaultValueFactory = _ => new SimulationOptions().ApprovalDelay.TotalMinutes,
        Recursive = true,
    };

    internal Option<double> DenyRate { get; } = new("--deny-rate")
    {
        Description = "Simulated AWS: share of requests denied, 0 to 1",
        DefaultValueFactory = _ => new SimulationOptions().DenyProbability,
        Recursive = true,
    };

    internal Option<string> Backend { get; } = new("--backend")
    {
        Description = "embedded (SQLite + simulated account, default) or aws (DynamoDB and the AWS APIs)",
        DefaultValueFactory = _ => "embedded",
        Recursive = true,
    };

    internal Option<string?> EndpointUrl { get; } = new("--endpoint-url")
    {
        Description = "aws backend: send every AWS call here (an emulator such as moto_server); without it, AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL as the AWS CLI reads them",
        Recursive = true,
    };

    internal Option<string?> Region { get; } = new("--region") { Description = "aws backend: the Region (default: AWS_REGION or the profile's); embedded status and audit: only this Region of a fleet", Recursive = true };

    internal Option<string?> Profile { get; } = new("--profile") { Description = "aws backend: a named profile (default: the SDK's credential chain)", Recursive = true };

    internal Option<string?> AlertTopic { get; } = new("--alert-topic-arn") { Description = "aws backend: SNS topic for alerts (and approvals, unless --approval-topic-arn)", Recursive = true };

    internal Option<string?> ApprovalTopic { get; } = new("--approval-topic-arn") { Description = "aws backend: SNS topic for approval requests", Recursive = true };

    internal Option<string> TablePrefix { get; } = new("--tables")
    {
        Description = "aws backend: the DynamoDB tables' prefix (Terraform's name): PREFIX-rules, -usage, -audit, -state, -events",
        DefaultValueFactory = _ => "quota-automation",
        Recursive = true,
    };

    internal Option<string> ForecasterChoice { get; } = new("--forecaster")
    {
        Description = "model (default): the shipped FastTree model, falling back to trend when history is short or the model is missing; or trend (docs/forecasting.md)",
        DefaultValueFactory = _ => "model",
        Recursive = true,
    };

    /// <summary>How commands that show data write it: <c>table</c> for people (default) or <c>json</c> for pipelines.</summary>
    internal Option<string> Output { get; } = new Option<string>("--output", "-o")
    {
        Description = "table (default) or json: what commands that show data write to stdout",
        DefaultValueFactory = _ => "table",
        Recursive = true,
    }.AcceptOnlyFromAmong("table", "json");

    /// <summary>True when the caller asked for <c>--output json</c>.</summary>
    internal bool WantsJson(ParseResult parse) => parse.GetValue(Output) == "json";

    /// <param name="ct">Stops a command that runs until stopped (serve-quotas); Ctrl+C does the same.</param>
    public async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken ct = default)
    {
        var root = new RootCommand("QuotaAutomation: keeps AWS accounts from hitting service quotas. Runs here on an embedded backend (SQLite + a simulated account).");
        root.Options.Add(Database);
        root.Options.Add(Seed);
        root.Options.Add(Prices);
        root.Options.Add(PriceList);
        root.Options.Add(Policies);
        root.Options.Add(ApprovalDelay);
        root.Options.Add(DenyRate);
        foreach (var option in new Option[] { Backend, EndpointUrl, Region, Profile, AlertTopic, ApprovalTopic, TablePrefix, ForecasterChoice, Output }) root.Options.Add(option);
        root.Subcommands.Add(RunCommand.Create(this));
        root.Subcommands.Add(RulesCommands.Create(this));
        root.Subcommands.Add(QuotasCommands.Create(this));
        root.Subcommands.Add(InitCommand.Create(this));
        root.Subcommands.Add(InvokeCommand.Create(this));
        root.Subcommands.Add(TrainCommand.Create(this));
        root.Subcommands.Add(BacktestCommand.Create(this));
        root.Subcommands.Add(SimulateCommand.Create(this));
        root.Subcommands.Add(CheckCommand.Create(this));
        root.Subcommands.Add(CheckCommand.CreateWait(this));
        root.Subcommands.Add(StatusCommand.Create(this));
        root.Subcommands.Add(AuditCommand.Create(this));
        root.Subcommands.Add(AuditCommand.CreateNotifications(this));
        root.Subcommands.Add(ApprovalCommands.Create(this, approve: true));
        root.Subcommands.Add(ApprovalCommands.Create(this, approve: false));
        root.Subcommands.Add(ServeQuotasCommand.Create(this));
        root.Subcommands.Add(OrgCommands.Create(this));
        root.Subcommands.Add(PlansCommand.Create(this));
        root.Subcommands.Add(PolicyCommands.Create(this));
        root.Subcommands.Add(ComplianceCommand.Create(this));
        root.Subcommands.Add(ReportCommand.Create(this));

        var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        if (output is not null) invocation.Output = output;
        if (error is not null) invocation.Error = error;
        var stderr = error ?? System.Console.Error;
        var parse = root.Parse(args);
        // System.CommandLine exits 1 on a parse error, which for check and wait means "shortfall": a typo such as
        // --plna must not look like a verdict, so every argument error is exit 2 (README, "Exit codes").
        if (parse.Errors.Count > 0)
        {
            foreach (var parseError in parse.Errors) stderr.WriteLine($"error: {parseError.Message}");
            stderr.WriteLine($"see: {string.Join(' ', ["quota-automation", .. CommandPath(parse.CommandResult), "--help"])}");
            return ExitCodes.Error;
        }
        _error = error;
        if (WantsJson(parse)) MessagesToStandardError();
        try
        {
            return await parse.InvokeAsync(invocation, ct);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException
            or InvalidOperationException or Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or QuotaAutomation.Aws.Clients.AwsServiceException)
        {
            Console.MarkupLine($"[red]error:[/] {Render.Text(e.Message)}");
            return ExitCodes.Error;
        }
    }

    /// <summary>The subcommand names from the root down to the one parsed, for the "see --help" hint.</summary>
    private static Stack<string> CommandPath(System.CommandLine.Parsing.CommandResult? result)
    {
        var names = new Stack<string>();
        for (var r = result; r?.Parent is System.CommandLine.Parsing.CommandResult parent; r = parent) names.Push(r.Command.Name);
        return names;
    }

    /// <summary>From now on <see cref="Console"/> writes to standard error: standard output carries a document (JSON) alone.</summary>
    internal void MessagesToStandardError() => _stderr ??= ErrorConsole(_error);

    /// <summary>A console on standard error, as wide as the main one; plain text when the caller gave its own writer (tests).</summary>
    private IAnsiConsole ErrorConsole(TextWriter? error)
    {
        var errorConsole = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = error is null ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = error is null ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = error is null ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(error ?? System.Console.Error),
        });
        errorConsole.Profile.Width = console.Profile.Width;
        return errorConsole;
    }

    internal async Task<EmbeddedBackend> OpenAsync(ParseResult parse, CancellationToken ct, DateTimeOffset? start = null)
    {
        var path = parse.GetValue(Database)!; // has a default
        var options = new EmbeddedOptions { Simulation = Simulation(parse), Start = start };
        var backend = await EmbeddedBackend.OpenAsync(path, options, realTime, ct);
        // The virtual clock of an existing database is its history's: moving it silently would mislead, so say so.
        if (start is { } asked && !backend.Created)
            throw new InvalidDataException($"--start applies only when the database is created; {path} exists (clock at {backend.Clock.GetUtcNow():yyyy-MM-dd HH:mm} UTC): drop --start to go on from there, or give a new --db to start at {asked:yyyy-MM-dd HH:mm} UTC");
        if (backend.Created)
            Console.MarkupLine($"[grey]created {Render.Text(path)}: simulated account (seed {backend.Simulation.Seed}), {await backend.Rules.CountAsync(ct)} sample rules, clock {backend.Clock.GetUtcNow():yyyy-MM-dd HH:mm} UTC[/]");
        return backend;
    }

    /// <summary>How the simulated account answers: <c>--seed</c>, <c>--approval-delay</c>, <c>--deny-rate</c>.</summary>
    internal SimulationOptions Simulation(ParseResult parse)
    {
        var delay = parse.GetValue(ApprovalDelay);
        var denyRate = parse.GetValue(DenyRate);
        if (delay < 0 || denyRate is < 0 or > 1)
            throw new InvalidDataException($"--approval-delay {delay} must be ≥ 0 and --deny-rate {denyRate} between 0 and 1");
        return new SimulationOptions { Seed = parse.GetValue(Seed), ApprovalDelay = TimeSpan.FromMinutes(delay), DenyProbability = denyRate };
    }

    internal AutomationEngine Engine(ParseResult parse, EnginePorts ports, TimeProvider time) => new(ports, Forecaster(parse), time, EngineOptions(parse));

    /// <summary>The engine's settings for the backend in use: how approvals are decided, who runs the cycle, <c>--prices</c>.</summary>
    internal EngineOptions EngineOptions(ParseResult parse)
    {
        // Approval messages name the command that decides on the backend in use.
        var options = IsAws(parse)
            ? new EngineOptions { HowToDecide = QuotaAutomation.Lambda.Handler.AwsHowToDecide }
            : new EngineOptions
            {
                RunOwner = Local.Runtime.ProcessOwner.Current, OwnerAlive = Local.Runtime.ProcessOwner.IsAlive, // a killed CLI is gone; a run behind the shared virtual clock is not
                Cadence = Core.Cadence.ReadCadence.Default with { ReportCoversCalm = true }, // the simulated account's utilization report serves the quotas whose detail is not due
            };
        if (parse.GetValue(Prices) is { } prices) options = options with { Costs = PriceTable.Read(prices.FullName) };
        if (parse.GetValue(Policies) is { } policies) options = options with { Policies = PolicyFiles.ReadValid(policies.FullName) };
        return options;
    }

    /// <summary>The forecaster <c>--forecaster</c> names; the model is loaded once, and a missing one is reported.</summary>
    internal IForecaster Forecaster(ParseResult parse)
    {
        switch (parse.GetValue(ForecasterChoice))
        {
            case "trend":
                return new TrendForecaster();
            case "model":
                // Read at the first forecast that needs it, so commands over short histories start without ML.NET; a
                // missing model is said at once, a broken one in each forecast's name.
                var path = Path.Combine(AppContext.BaseDirectory, "models", QuotaAutomation.Forecasting.ModelTrainer.ModelFile);
                if (!File.Exists(path)) Console.MarkupLine($"[yellow]model {Render.Text(Path.GetFileName(path))} not found: the trend forecaster answers[/]");
                return QuotaAutomation.Forecasting.ModelForecaster.LoadWhenNeeded(path);
            case var other:
                throw new InvalidDataException($"--forecaster '{other}' must be model or trend");
        }
    }

    /// <summary>True for <c>--backend aws</c>; an unknown backend name is an error.</summary>
    internal bool IsAws(ParseResult parse) => parse.GetValue(Backend) switch
    {
        "aws" => true,
        "embedded" => false,
        var other => throw new InvalidDataException($"--backend '{other}' must be embedded or aws"),
    };

    /// <summary>
    /// The engine's ports on the chosen backend, the Region a listing reads (the embedded backend's own unless
    /// <c>--region</c>) and the backend's time; dispose the result when done (it closes the AWS clients).
    /// </summary>
    internal async Task<OpenPorts> OpenPortsAsync(ParseResult parse, CancellationToken ct)
    {
        if (IsAws(parse))
        {
            var aws = OpenAws(parse);
            return new OpenPorts(aws.Ports, aws.Region, RealTime.GetUtcNow(), aws);
        }
        var backend = await OpenAsync(parse, ct);
        return new OpenPorts(backend.Ports, parse.GetValue(Region) ?? Local.Simulation.BuiltInAccount.Region, backend.Clock.GetUtcNow(), null);
    }

    internal QuotaAutomation.Aws.AwsBackend OpenAws(ParseResult parse)
    {
        Uri? endpoint = null;
        if (parse.GetValue(EndpointUrl) is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
            throw new InvalidDataException($"--endpoint-url '{url}' must be an absolute http or https URL");
        var client = QuotaAutomation.Aws.Clients.AwsClientOptions.Resolve(parse.GetValue(Region), parse.GetValue(Profile), endpoint, EnvironmentVariable);
        var prefix = parse.GetValue(TablePrefix)!; // has a default
        var options = new QuotaAutomation.Aws.Adapters.AwsBackendOptions
        {
            AlertTopicArn = parse.GetValue(AlertTopic),
            ApprovalTopicArn = parse.GetValue(ApprovalTopic),
            RulesTable = $"{prefix}-rules",
            UsageTable = $"{prefix}-usage",
            AuditTable = $"{prefix}-audit",
            StateTable = $"{prefix}-state",
            EventsTable = $"{prefix}-events",
            PoliciesTable = $"{prefix}-policies",
            PriceList = parse.GetValue(PriceList),
        };
        return new QuotaAutomation.Aws.AwsBackend(client, options);
    }
}
