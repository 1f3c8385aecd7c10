using System.CommandLine;
using System.Globalization;
using QuotaAutomation.Core.Approvals;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;
using QuotaAutomation.Local;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>approve ID</c> / <c>deny ID</c>: a person's decision on a waiting increase, audited with who made it. Who is never
/// what is typed: on AWS it is the caller STS names (checked against the approver allow-list); on the embedded backend
/// it is the OS user, and <c>--by</c> is recorded only as a claim ("NAME (typed by OSUSER)").
/// </summary>
internal static class ApprovalCommands
{
    public static Command Create(CliApp app, bool approve)
    {
        var id = new Argument<string>("ID") { Description = "The approval id (see run, status or notifications)" };
        var by = new Option<string?>("--by") { Description = "A name to record beside your verified identity (recorded as a claim, not as who decided)" };
        var comment = new Option<string?>("--comment") { Description = "Why" };
        var token = new Option<string?>("--token") { Description = "A workflow task token to decide with; refused unless it is the one issued for this approval" };
        var command = new Command(approve ? "approve" : "deny", approve
            ? "Approve a waiting increase; the next cycle files it (on AWS: resumes the approval workflow)"
            : "Deny a waiting increase") { id, by, comment, token };
        command.SetAction(async (parse, ct) =>
        {
            var approvalId = parse.GetValue(id)!; // required argument
            if (app.IsAws(parse)) return await DecideOnAwsAsync(app, parse, approve, approvalId, parse.GetValue(by), parse.GetValue(comment), parse.GetValue(token), ct);
            var backend = await app.OpenAsync(parse, ct);
            var approval = await backend.Requests.FindApprovalAsync(approvalId, ct);
            if (approval is null)
            {
                app.Console.MarkupLine($"[red]error:[/] no approval '{Render.Text(approvalId)}'");
                return ExitCodes.Error;
            }
            if (approval.Status != ApprovalStatus.Waiting)
            {
                app.Console.MarkupLine($"[red]approval {Render.Text(approvalId)} is {approval.Status}[/], not waiting: nothing changed");
                return ExitCodes.Invalid;
            }

            var who = Identity(Environment.UserName, parse.GetValue(by));
            if (approve)
            {
                var (stop, decidedBy) = await ChainAsync(app, backend.Requests, backend.Audit, backend.Clock, approval, Environment.UserName, who, ct);
                if (stop is { } exit) return exit;
                who = decidedBy;
            }
            try
            {
                // A given token is checked as Step Functions checks it; without one, a waiting (simulated) workflow is
                // sent its own stored token, and an approval no workflow waits on is decided in the store.
                if ((parse.GetValue(token) ?? await backend.Door.FindTaskTokenAsync(approval.Id, ct)) is { } taskToken)
                    await backend.DecideWithTokenAsync(approval, taskToken, approve, who, parse.GetValue(comment), "cli", ct);
                else
                    await backend.DecideApprovalAsync(approval, approve, who, parse.GetValue(comment), "cli", ct);
            }
            catch (TaskTokenRejectedException e)
            {
                app.Console.MarkupLine($"[red]error:[/] {Render.Text(e.Message)}: nothing changed");
                return ExitCodes.Error;
            }
            app.Console.MarkupLine(approve
                ? $"[green]approved[/] {Render.Text(approval.Id)} by {Render.Text(who)}: {Render.Text(approval.Quota.ToString())} → {Render.Num(approval.DesiredValue)}; the next cycle files it"
                : $"[yellow]denied[/] {Render.Text(approval.Id)} by {Render.Text(who)}: nothing will be filed");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// A person's approval through the chain (<see cref="ApprovalChainGate"/>): the exit code when it does not complete the
    /// approval now (recorded, waiting for more approvers; refused), said to the person; else null and who decided it
    /// (a chain's every approver).
    /// </summary>
    private static async Task<(int? Stop, string DecidedBy)> ChainAsync(CliApp app, IApprovalStore approvals, IAuditLog audit, TimeProvider time,
        ApprovalRequest approval, string verified, string who, CancellationToken ct)
    {
        switch (await ApprovalChainGate.ApproveAsync(approvals, audit, time, approval, verified, who, identified: true, "cli", ct))
        {
            case ChainStep.Recorded recorded:
                app.Console.MarkupLine($"[green]recorded[/] your approval of {Render.Text(approval.Id)} ({recorded.Progress}): waiting for {Render.Text(recorded.StillWanted)}; nothing is filed yet");
                return (ExitCodes.Ok, who);
            case ChainStep.Refused refused:
                app.Console.MarkupLine($"[red]refused:[/] {Render.Text(refused.Reason)}");
                return (ExitCodes.Invalid, who);
            case ChainStep.Complete complete:
                return (null, complete.DecidedBy);
            default:
                throw new System.Diagnostics.UnreachableException();
        }
    }

    /// <summary>The verified identity, with a typed name beside it only as a claim.</summary>
    internal static string Identity(string verified, string? typed) =>
        string.IsNullOrWhiteSpace(typed) || typed.Trim() == verified ? verified : $"{typed.Trim()} (typed by {verified})";

    /// <summary>
    /// On AWS the caller is who STS says the credentials belong to, checked against the rule's approvers or QA_APPROVERS
    /// (the environment variable). A waiting workflow gets SendTaskSuccess / SendTaskFailure (error <c>Denied</c>) with
    /// the task token its ask task stored; an approval no workflow waits on (made by <c>run --backend aws</c> or
    /// <c>check --request</c>) is decided in the state table, where the next cycle files it. The allow-list check here
    /// runs on the caller's machine: IAM (who may write the state table or send task results) is what enforces it.
    /// </summary>
    private static async Task<int> DecideOnAwsAsync(CliApp app, ParseResult parse, bool approve, string approvalId, string? typed, string? comment, string? token, CancellationToken ct)
    {
        using var aws = app.OpenAws(parse);
        var caller = await aws.Sts.GetCallerArnAsync(ct);
        var approval = await aws.State.FindApprovalAsync(approvalId, ct);
        if (approval is null)
        {
            app.Console.MarkupLine($"[red]error:[/] no approval '{Render.Text(approvalId)}'");
            return ExitCodes.Error;
        }
        if (approval.Status != ApprovalStatus.Waiting)
        {
            app.Console.MarkupLine($"[red]approval {Render.Text(approvalId)} is {approval.Status}[/], not waiting: nothing changed");
            return ExitCodes.Invalid;
        }
        var rule = (await aws.Rules.LoadRulesAsync(ct)).Where(r => RuleParser.NameOf(r) == WildcardRules.SourceRuleId(approval.RuleId)).Select(RuleParser.Parse).FirstOrDefault(r => r.Success);
        var check = ApproverAllowList.Check(caller, ApproverAllowList.Parse([Environment.GetEnvironmentVariable("QA_APPROVERS") ?? ""]).Patterns,
            rule?.Value.Approvers, approval.RuleId, approval.Id);
        var now = app.RealTime.GetUtcNow();
        var runId = AuditRunIds.For("cli", now);
        if (!check.Allowed)
        {
            await aws.Audit.AppendAsync(new AuditRecord($"{runId}/refused", runId, now, AuditKind.Error, approval.RuleId, approval.Quota, "approval_refused", $"{caller} refused: {check.Reason}"), ct);
            app.Console.MarkupLine($"[red]refused:[/] {Render.Text(check.Reason)}");
            return ExitCodes.Invalid;
        }
        var who = Identity(caller, typed);
        if (approve)
        {
            var (stop, decidedBy) = await ChainAsync(app, aws.State, aws.Audit, app.RealTime, approval, caller, who, ct);
            if (stop is { } exit) return exit;
            who = decidedBy;
        }
        if ((token ?? await aws.Door.FindTaskTokenAsync(approval.Id, ct)) is { } taskToken)
        {
            await QuotaAutomation.Aws.Adapters.StepFunctionsApprovals.SendDecisionAsync(aws.StepFunctions, taskToken, approve, approvalId, who, comment, "cli", ct);
        }
        else
        {
            await aws.State.UpdateAsync(approval with { Status = approve ? ApprovalStatus.Approved : ApprovalStatus.Denied, DecidedAt = now, DecidedBy = who, Comment = comment }, ct);
            await aws.Audit.AppendAsync(new AuditRecord($"{runId}/00001", runId, now, AuditKind.StatusChange, approval.RuleId, approval.Quota, approve ? "approval_granted" : "approval_denied",
                string.Create(CultureInfo.InvariantCulture, $"approval {approval.Id} for {approval.Quota} → {approval.DesiredValue:#,0.##} {(approve ? "granted" : "denied")} by {who} via cli ({check.Reason}){(comment is { } c ? $": {c}" : "")}")), ct);
        }
        app.Console.MarkupLine(approve
            ? $"[green]approved[/] {Render.Text(approvalId)} as {Render.Text(who)}: the next cycle (or the workflow) files the increase"
            : $"[yellow]denied[/] {Render.Text(approvalId)} as {Render.Text(who)}");
        return ExitCodes.Ok;
    }
}
