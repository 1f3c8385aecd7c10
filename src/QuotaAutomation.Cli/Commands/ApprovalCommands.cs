using System.CommandLine;
using QuotaAutomation.Core.Ports;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary><c>approve ID</c> / <c>deny ID</c>: a person's decision on a waiting increase, audited with who made it.</summary>
internal static class ApprovalCommands
{
    public static Command Create(CliApp app, bool approve)
    {
        var id = new Argument<string>("ID") { Description = "The approval id (see run, status or notifications)" };
        var by = new Option<string>("--by") { Description = "Who decides (recorded in the audit)", DefaultValueFactory = _ => Environment.UserName };
        var comment = new Option<string?>("--comment") { Description = "Why" };
        var token = new Option<string?>("--token") { Description = "aws backend: the task token from the approval message" };
        var command = new Command(approve ? "approve" : "deny", approve
            ? "Approve a waiting increase; the next cycle files it (on AWS: resumes the approval workflow)"
            : "Deny a waiting increase") { id, by, comment, token };
        command.SetAction(async (parse, ct) =>
        {
            if (app.IsAws(parse)) return await DecideOnAwsAsync(app, parse, approve, parse.GetValue(id)!, parse.GetValue(by)!, parse.GetValue(comment), parse.GetValue(token), ct);
            var backend = await app.OpenAsync(parse, ct);
            var approvalId = parse.GetValue(id)!; // required argument
            var approval = await backend.Requests.FindApprovalAsync(approvalId, ct);
            if (approval is null)
            {
                app.Console.MarkupLine($"[red]error:[/] no approval '{Markup.Escape(approvalId)}'");
                return ExitCodes.Error;
            }
            if (approval.Status != ApprovalStatus.Waiting)
            {
                app.Console.MarkupLine($"[red]approval {Markup.Escape(approvalId)} is {approval.Status}[/], not waiting: nothing changed");
                return ExitCodes.Invalid;
            }

            var who = parse.GetValue(by)!; // has a default
            await backend.DecideApprovalAsync(approval, approve, who, parse.GetValue(comment), "cli", ct);
            app.Console.MarkupLine(approve
                ? $"[green]approved[/] {Markup.Escape(approval.Id)}: {Markup.Escape(approval.Quota.ToString())} → {Render.Num(approval.DesiredValue)}; the next cycle files it"
                : $"[yellow]denied[/] {Markup.Escape(approval.Id)}: nothing will be filed");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// On AWS the approval waits in its Step Functions execution: approving sends SendTaskSuccess, denying SendTaskFailure
    /// (error <c>Denied</c>), each carrying who decided and why; the workflow's Lambda task records it in the audit.
    /// </summary>
    private static async Task<int> DecideOnAwsAsync(CliApp app, ParseResult parse, bool approve, string approvalId, string who, string? comment, string? token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            app.Console.MarkupLine("[red]error:[/] --token is required with --backend aws: it is in the approval message");
            return ExitCodes.Error;
        }
        using var aws = app.OpenAws(parse);
        await QuotaAutomation.Aws.Adapters.StepFunctionsApprovals.SendDecisionAsync(aws.StepFunctions, token, approve, approvalId, who, comment, "cli", ct);
        app.Console.MarkupLine(approve
            ? $"[green]approved[/] {Markup.Escape(approvalId)}: the workflow files the increase"
            : $"[yellow]denied[/] {Markup.Escape(approvalId)}");
        return ExitCodes.Ok;
    }
}
