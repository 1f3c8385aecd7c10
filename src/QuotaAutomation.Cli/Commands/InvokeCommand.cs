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
                var lambda = new LambdaApp(new LambdaServices(aws.Ports, aws.Events, aws.State.FindApprovalAsync, app.RealTime, new EngineOptions { HowToDecide = Handler.AwsHowToDecide }, seconds, log, null, app.Forecaster(parse),
                    new ApprovalDoor(Core.Approvals.ApproverAllowList.Parse([Environment.GetEnvironmentVariable("QA_APPROVERS") ?? ""]).Patterns, aws.Door),
                    EditedTables: TableStreamBatch.Audited(aws.Options.RulesTable, aws.Options.PoliciesTable)));
                reply = JsonSerializer.SerializeToElement(await lambda.HandleAsync(payload, ct));
            }
            else
            {
                var backend = await app.OpenAsync(parse, ct);
                var approvers = Core.Approvals.ApproverAllowList.Parse([Environment.GetEnvironmentVariable("QA_APPROVERS") ?? ""]).Patterns;
                var signed = Environment.GetEnvironmentVariable("QA_APPROVAL_LINKS") == "signed";
                reply = JsonSerializer.SerializeToElement(await EmbeddedLambda.Create(backend, seconds, log, app.Forecaster(parse), approvers, signed).HandleAsync(payload, ct));
                await backend.AdvanceAsync(Local.Simulation.SimulatedAccount.SampleInterval, ct);
            }
            app.Stdout.WriteLine(JsonSerializer.Serialize(reply, Indented)); // the reply is data: stdout, also under --output json
            return reply.TryGetProperty("status", out var status) && status.GetString() == "error" ? ExitCodes.Invalid : ExitCodes.Ok;
        });
        return command;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

/// <summary>The Lambda application on the embedded backend: the same handler code, with SQLite and the simulated account behind it.</summary>
public static class EmbeddedLambda
{
    /// <param name="approvers">ARN patterns of who may approve (as QA_APPROVERS); none: nobody may.</param>
    /// <param name="signedLinks">Whether signed links are on (as QA_APPROVAL_LINKS=signed), signed with the database's key.</param>
    public static LambdaApp Create(EmbeddedBackend backend, TimeSpan budget, LambdaLog log, Core.Forecasting.IForecaster? forecaster = null,
        IReadOnlyList<string>? approvers = null, bool signedLinks = false, EngineOptions? engineOptions = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        // As on AWS: a decision goes to the waiting task with the token the ask task stored (checked as Step Functions
        // checks it); an approval no workflow waits on is decided in the store.
        ApprovalDecider decide = async (approval, approve, who, comment, via, ct) =>
        {
            if (await backend.Door.FindTaskTokenAsync(approval.Id, ct) is { } token) await backend.DecideWithTokenAsync(approval, token, approve, who, comment, via, ct);
            else await backend.DecideApprovalAsync(approval, approve, who, comment, via, ct);
        };
        var door = new ApprovalDoor(approvers ?? [], backend.Door, signedLinks ? backend.Door : null, signedLinks ? new Uri("http://localhost/") : null);
        // The embedded backend has no streams: a stream payload naming the AWS backend's default tables is audited as theirs (invoke --event).
        var defaults = new QuotaAutomation.Aws.Adapters.AwsBackendOptions();
        return new(new LambdaServices(backend.Ports, backend.Events, backend.Requests.FindApprovalAsync, backend.Clock, engineOptions ?? new EngineOptions(), budget, log, decide, forecaster, door,
            EditedTables: TableStreamBatch.Audited(defaults.RulesTable, defaults.PoliciesTable),
            Report: new ReportOutput(backend.Audit.RecordsAsync, new Local.Storage.FolderReportStore(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(backend.Database.Path))!, "reports")), Local.Simulation.BuiltInAccount.Region)));
    }
}
