using System.CommandLine;
using QuotaAutomation.Core.Audit;
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
        var command = new Command(approve ? "approve" : "deny", approve
            ? "Approve a waiting increase; the next cycle files it"
            : "Deny a waiting increase") { id, by, comment };
        command.SetAction(async (parse, ct) =>
        {
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

            var now = backend.Clock.GetUtcNow();
            var who = parse.GetValue(by)!; // has a default
            var decided = approval with
            {
                Status = approve ? ApprovalStatus.Approved : ApprovalStatus.Denied,
                DecidedAt = now,
                DecidedBy = who,
                Comment = parse.GetValue(comment),
            };
            await backend.Requests.UpdateAsync(decided, ct);
            var runId = $"cli-{now:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid():N}"[..32];
            await backend.Audit.AppendAsync(new AuditRecord($"{runId}/00001", runId, now, AuditKind.StatusChange, approval.RuleId, approval.Quota,
                approve ? "approval_granted" : "approval_denied",
                $"approval {approval.Id} for {approval.Quota} → {Render.Num(approval.DesiredValue)} {(approve ? "granted" : "denied")} by {who}{(decided.Comment is { } c ? $": {c}" : "")}"), ct);
            app.Console.MarkupLine(approve
                ? $"[green]approved[/] {Markup.Escape(approval.Id)}: {Markup.Escape(approval.Quota.ToString())} → {Render.Num(approval.DesiredValue)}; the next cycle files it"
                : $"[yellow]denied[/] {Markup.Escape(approval.Id)}: nothing will be filed");
            return ExitCodes.Ok;
        });
        return command;
    }
}
