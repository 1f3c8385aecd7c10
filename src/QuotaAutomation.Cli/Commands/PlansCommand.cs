using System.CommandLine;
using QuotaAutomation.Core.Plans;
using QuotaAutomation.Core.Ports;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>plans</c>: the open step plans (issue 16) on either backend, oldest first: quota, rule, the steps with the next one
/// marked, when each plan was made and last moved, and why; then any stored item that does not read as a plan, named by
/// item and field (a cycle drops such an item, audited, when it reads that quota's plan). Table or <c>--output json</c>.
/// </summary>
internal static class PlansCommand
{
    public static Command Create(CliApp app)
    {
        var command = new Command("plans", "List open step plans (an increase over ×2 the quota asked for in steps): quota, rule, steps with the next marked, created and updated");
        command.SetAction(async (parse, ct) =>
        {
            StepPlanListing listing;
            if (app.IsAws(parse))
            {
                using var aws = app.OpenAws(parse);
                listing = await aws.Plans.ReadAllAsync(ct);
            }
            else
            {
                listing = await (await app.OpenAsync(parse, ct)).Plans.ReadAllAsync(ct);
            }
            Write(app, parse, listing);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Write(CliApp app, ParseResult parse, StepPlanListing listing)
    {
        if (app.WantsJson(parse))
        {
            Json.JsonOutput.Write(app, new Json.PlansDocument(
                listing.Plans.Select(p => new Json.PlanDocument(p.Id, p.RuleId, p.Quota.ToString(), p.StartValue, p.Steps, p.Next, p.Completed ? null : p.Steps[p.Next],
                    p.Target, p.CreatedAt, p.UpdatedAt, p.Reason)).ToList(),
                listing.Unreadable.Select(u => new Json.UnreadablePlanDocument(u.Item, u.Field, u.Problem, u.RuleId, u.Quota?.ToString())).ToList()));
            return;
        }
        if (listing.Plans.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("quota", "rule", "from", "steps", "created (UTC)", "updated (UTC)", "reason");
            foreach (var p in listing.Plans)
                table.AddRow(Render.Text(p.Quota.ToString()), Render.Text(p.RuleId), Render.Num(p.StartValue), Steps(p), Render.Time(p.CreatedAt), Render.Time(p.UpdatedAt), Render.Text(p.Reason));
            app.Console.Write(table);
        }
        app.Console.MarkupLine(listing.Plans.Count switch
        {
            0 => "[grey]no open step plan[/]",
            1 => "[grey]1 open step plan[/]",
            var n => $"[grey]{n} open step plans[/]",
        });
        foreach (var u in listing.Unreadable) app.Console.MarkupLine($"[red]unreadable:[/] {Render.Text(u.Message)}");
        if (listing.Unreadable.Count > 0)
            app.Console.MarkupLine($"[grey]a cycle drops such an item when it reads the quota's plan, with an Error audit record ({UnreadableStepPlan.AuditAction}) keeping it as stored[/]");
    }

    /// <summary>The steps in order, the next to file marked: <c>200 → 400 (next) → 640</c>; <c>(all filed)</c> after the last.</summary>
    private static string Steps(StepPlan plan) =>
        string.Join(" → ", plan.Steps.Select((v, i) => i == plan.Next ? $"[bold]{Render.Num(v)} (next)[/]" : Render.Num(v))) + (plan.Completed ? " (all filed)" : "");
}
