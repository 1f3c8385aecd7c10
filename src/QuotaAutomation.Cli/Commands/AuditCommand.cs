using System.CommandLine;
using System.Globalization;
using QuotaAutomation.Core.Audit;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary><c>audit</c> and <c>notifications</c>: read the trail and what was sent to people.</summary>
internal static class AuditCommand
{
    public static Command Create(CliApp app)
    {
        var rule = new Option<string?>("--rule") { Description = "Only this rule's records" };
        var kind = new Option<AuditKind?>("--kind") { Description = "Only records of this kind (RuleRejected, Decision, Intent, Outcome, StatusChange, Error, Cycle)" };
        var limit = new Option<int>("--limit") { Description = "How many of the newest records", DefaultValueFactory = _ => 50 };
        var command = new Command("audit", "Show the audit trail, oldest of the selection first") { rule, kind, limit };
        command.SetAction(async (parse, ct) =>
        {
            var backend = await app.OpenAsync(parse, ct);
            var records = await backend.Audit.QueryAsync(parse.GetValue(rule), parse.GetValue(kind), parse.GetValue(limit), ct);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("#", "time (UTC)", "kind", "rule", "action", "message");
            foreach (var r in records)
            {
                var colour = r.Kind switch
                {
                    AuditKind.RuleRejected or AuditKind.Error => "red",
                    AuditKind.Intent => "yellow",
                    AuditKind.Outcome => "green",
                    AuditKind.StatusChange => "aqua",
                    _ => "default",
                };
                table.AddRow(r.Sequence.ToString(CultureInfo.InvariantCulture), Render.Time(r.Timestamp), $"[{colour}]{r.Kind}[/]",
                    Markup.Escape(r.RuleId), Markup.Escape(r.Action), Markup.Escape(r.Message));
            }
            app.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command CreateNotifications(CliApp app)
    {
        var limit = new Option<int>("--limit") { Description = "How many of the newest messages", DefaultValueFactory = _ => 20 };
        var command = new Command("notifications", "Show the alerts and approval requests sent to people (the embedded SNS)") { limit };
        command.SetAction(async (parse, ct) =>
        {
            var backend = await app.OpenAsync(parse, ct);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("time (UTC)", "topic", "subject", "message");
            foreach (var (at, topic, subject, message) in await backend.Notifier.RecentAsync(parse.GetValue(limit), ct))
                table.AddRow(Render.Time(at), Markup.Escape(topic), Markup.Escape(subject), Markup.Escape(message));
            app.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
