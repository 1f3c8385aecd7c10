using System.CommandLine;
using System.Globalization;
using System.Net;
using QuotaAutomation.Cli.StandIn;
using QuotaAutomation.Local;
using QuotaAutomation.Local.Simulation;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>serve-quotas</c>: the stand-in for what moto_server lacks (Service Quotas, and the quotas' usage in CloudWatch),
/// for trying <c>--backend aws</c> on moto (README, "On AWS"). The simulated account lives in its own SQLite file and
/// runs in real time.
/// </summary>
internal static class ServeQuotasCommand
{
    /// <summary>The stand-in's account file unless <c>--db</c> names one: apart from an embedded tour's virtual-time database.</summary>
    public const string DefaultDatabase = "serve-quotas.db";

    public static Command Create(CliApp app)
    {
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 to serve on", DefaultValueFactory = _ => 5001 };
        var command = new Command("serve-quotas",
            "Serve Service Quotas and the quotas' usage (CloudWatch GetMetricData) on 127.0.0.1 from the simulated account, in real time: a stand-in for what moto_server lacks (README, \"On AWS\"); stop it with Ctrl+C")
        {
            port,
        };
        command.SetAction(async (parse, ct) =>
        {
            var listenOn = parse.GetValue(port);
            if (listenOn is < 1 or > 65535)
            {
                app.Console.MarkupLine($"[red]error:[/] --port {listenOn} must be between 1 and 65535");
                return ExitCodes.Error;
            }
            var path = parse.GetResult(app.Database) is { Implicit: false } ? parse.GetValue(app.Database)! : DefaultDatabase;
            var backend = await EmbeddedBackend.OpenAsync(path, new EmbeddedOptions { Simulation = app.Simulation(parse), SampleRules = false }, app.RealTime, ct);
            var account = new SimulatedAccount(backend.Database, app.RealTime, backend.Simulation, await GenesisAsync(backend, ct)); // real time, not the file's virtual clock
            var standIn = new ServiceQuotasStandIn(account, BuiltInAccount.Region);
            var url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{listenOn}");
            app.Console.MarkupLine($"serving Service Quotas and CloudWatch usage for {(await account.ListQuotasAsync(ct)).Count} quotas of the simulated account ({BuiltInAccount.Region}, {Render.Text(backend.Database.Path)}) on [bold]{url}[/]");
            app.Console.MarkupLine($"[grey]a stand-in for what moto_server lacks; send those two services here:[/] export AWS_ENDPOINT_URL_SERVICE_QUOTAS={url} AWS_ENDPOINT_URL_CLOUDWATCH={url}");
            try
            {
                await standIn.ServeAsync(listenOn, line => app.Console.MarkupLine($"[grey]{Render.Text(line)}[/]"), ct);
            }
            catch (HttpListenerException e)
            {
                app.Console.MarkupLine($"[red]error:[/] cannot serve on {url}: {Render.Text(e.Message)}");
                return ExitCodes.Error;
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>When the account began: its usage grows from there (sim_state, written when the file was created).</summary>
    private static async Task<DateTimeOffset> GenesisAsync(EmbeddedBackend backend, CancellationToken ct) =>
        (await backend.Database.QueryAsync("SELECT value FROM sim_state WHERE name = 'genesis'",
            row => DateTimeOffset.Parse(row.GetString(0), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), ct))
        .DefaultIfEmpty(backend.Clock.GetUtcNow()).First();
}
