using System.CommandLine;
using System.Text.Json;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Lambda;
using QuotaAutomation.Local;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>invoke --event FILE</c>: runs the Lambda's handler on a payload here, as <c>sam local invoke</c> would, on the
/// embedded backend (default) or on AWS, and prints its JSON reply; its logs and metrics lines go to stderr.
/// </summary>
internal static class InvokeCommand
{
    public static Command Create(CliApp app)
    {
        var file = new Option<FileInfo>("--event") { Description = "JSON payload: a scheduled event, a quota event, an approval task, …", Required = true };
        var budget = new Option<int>("--time-budget") { Description = "Seconds the invocation may take (QA_TIME_BUDGET_SECONDS)", DefaultValueFactory = _ => 240 };
        var command = new Command("invoke", "Run the Lambda handler on an event payload and print its reply") { file, budget };
        command.SetAction(async (parse, ct) =>
        {
            var payload = await File.ReadAllTextAsync(parse.GetValue(file)!.FullName, ct); // required option
            var seconds = TimeSpan.FromSeconds(parse.GetValue(budget));
            var log = new LambdaLog(Console.Error, app.IsAws(parse) ? app.RealTime : TimeProvider.System, "quota-automation-local");
            JsonElement reply;
            if (app.IsAws(parse))
            {
                using var aws = app.OpenAws(parse);
                var lambda = new LambdaApp(new LambdaServices(aws.Ports, aws.Events, aws.State.FindApprovalAsync, app.RealTime, new EngineOptions(), seconds, log, null, app.Forecaster(parse)));
                reply = JsonSerializer.SerializeToElement(await lambda.HandleAsync(payload, ct));
            }
            else
            {
                var backend = await app.OpenAsync(parse, ct);
                reply = JsonSerializer.SerializeToElement(await EmbeddedLambda.Create(backend, seconds, log, app.Forecaster(parse)).HandleAsync(payload, ct));
                await backend.AdvanceAsync(Local.Simulation.SimulatedAccount.SampleInterval, ct);
            }
            app.Console.WriteLine(JsonSerializer.Serialize(reply, Indented));
            return reply.TryGetProperty("status", out var status) && status.GetString() == "error" ? ExitCodes.Invalid : ExitCodes.Ok;
        });
        return command;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

/// <summary>The Lambda application on the embedded backend: the same handler code, with SQLite and the simulated account behind it.</summary>
public static class EmbeddedLambda
{
    public static LambdaApp Create(EmbeddedBackend backend, TimeSpan budget, LambdaLog log, Core.Forecasting.IForecaster? forecaster = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ApprovalDecider decide = async (approval, _, approve, who, comment, ct) => await backend.DecideApprovalAsync(approval, approve, who, comment, "link", ct);
        return new(new LambdaServices(backend.Ports, backend.Events, backend.Requests.FindApprovalAsync, backend.Clock, new EngineOptions(), budget, log, decide, forecaster));
    }
}
