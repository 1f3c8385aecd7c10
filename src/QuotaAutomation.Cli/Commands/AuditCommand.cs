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
        var kind = new Option<AuditKind?>("--kind") { Description = $"Only records of this kind ({string.Join(", ", Enum.GetNames<AuditKind>())})" };
        var changes = new Option<bool>("--changes") { Description = "Only records where something changed: intents, outcomes (alerts sent, requests filed), status changes and rule edits; not each cycle's decisions" };
        var since = new Option<string?>("--since") { Description = "From this time on: ISO 8601 (2026-11-24T15:00Z; UTC unless it says) or a duration back from now (30m, 2h, 7d; the virtual clock on the embedded backend)" };
        var until = new Option<string?>("--until") { Description = "Before this time (same forms as --since)" };
        var limit = new Option<int>("--limit") { Description = "How many of the newest records", DefaultValueFactory = _ => 50 };
        var place = new PlaceOptions(app);
        var command = new Command("audit", "Show the audit trail, oldest of the selection first (--account, --ou, and on the embedded backend --region: a fleet's accounts and Region)") { rule, kind, changes, since, until, limit, place.Account, place.Ou };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(limit) < 1) throw new InvalidDataException($"--limit {parse.GetValue(limit)} must be at least 1");
            Func<DateTimeOffset, IReadOnlyCollection<string>?, AuditFilter> filter = (now, accounts) => new AuditFilter(parse.GetValue(rule), parse.GetValue(kind), parse.GetValue(changes),
                parse.GetValue(since) is { } s ? TimeArgument.Parse(s, "--since", now) : null, parse.GetValue(until) is { } u ? TimeArgument.Parse(u, "--until", now) : null)
                { Accounts = accounts, Region = place.Region(parse) };
            var rows = app.IsAws(parse) ? await FromDynamoAsync(app, parse, place, filter, limit, ct) : await FromSqliteAsync(app, parse, place, filter, limit, ct);
            if (app.WantsJson(parse))
            {
                Json.JsonOutput.Write(app, new Json.AuditDocument(rows.Select(r => new Json.AuditRecordDocument(r.Id, r.RunId, r.Timestamp, r.Kind.ToString(), r.RuleId, r.Quota, r.Action, r.Message, r.ActionId)).ToList()));
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("#", "time (UTC)", "kind", "rule", "action", "message");
            foreach (var r in rows)
            {
                var colour = r.Kind switch
                {
                    AuditKind.RuleRejected or AuditKind.Error => "red",
                    AuditKind.Intent => "yellow",
                    AuditKind.Outcome => "green",
                    AuditKind.StatusChange => "aqua",
                    _ => "default",
                };
                table.AddRow(r.Number, Render.Time(r.Timestamp), $"[{colour}]{r.Kind}[/]", Render.Text(r.RuleId), Render.Text(r.Action), Render.Text(r.Message));
            }
            app.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private sealed record Row(string Number, string Id, string RunId, DateTimeOffset Timestamp, AuditKind Kind, string RuleId, string? Quota, string Action, string Message, string? ActionId);

    private static async Task<IReadOnlyList<Row>> FromSqliteAsync(CliApp app, ParseResult parse, PlaceOptions place, Func<DateTimeOffset, IReadOnlyCollection<string>?, AuditFilter> filter,
        Option<int> limit, CancellationToken ct)
    {
        var backend = await app.OpenAsync(parse, ct);
        var accounts = await place.AccountsAsync(parse, await PlaceOptions.EmbeddedOrganizationAsync(backend, ct), ct);
        return (await backend.Audit.QueryAsync(filter(backend.Clock.GetUtcNow(), accounts), parse.GetValue(limit), ct))
            .Select(r => new Row(r.Sequence.ToString(CultureInfo.InvariantCulture), r.Id, r.RunId, r.Timestamp, r.Kind, r.RuleId, r.Quota, r.Action, r.Message, r.ActionId)).ToList();
    }

    /// <summary>On DynamoDB the trail is read through its rule_id and kind indexes (a whole-table scan is not what an audit read should cost).</summary>
    private static async Task<IReadOnlyList<Row>> FromDynamoAsync(CliApp app, ParseResult parse, PlaceOptions place, Func<DateTimeOffset, IReadOnlyCollection<string>?, AuditFilter> filter,
        Option<int> limit, CancellationToken ct)
    {
        using var aws = app.OpenAws(parse);
        var accounts = await place.AccountsAsync(parse, parse.GetValue(place.Ou) is null ? null : aws.Organization(), ct);
        var records = await aws.Audit.QueryAsync(filter(app.RealTime.GetUtcNow(), accounts), ct)
            ?? throw new InvalidDataException("audit --backend aws needs --rule, --kind or --changes: the audit table is read through its rule_id and kind indexes, not scanned");
        return records.Skip(Math.Max(0, records.Count - parse.GetValue(limit)))
            .Select(r => new Row(r.Id, r.Id, r.RunId, r.Timestamp, r.Kind, r.RuleId, r.Quota?.ToString(), r.Action,
                StoredDetails.Unreadable(r) is { } why ? $"{r.Message} ({why})" : r.Message, r.ActionId)).ToList(); // a record whose details are corrupt is still shown, and says so
    }

    public static Command CreateNotifications(CliApp app)
    {
        var limit = new Option<int>("--limit") { Description = "How many of the newest messages", DefaultValueFactory = _ => 20 };
        var command = new Command("notifications",
            "Show the alerts and approval requests sent to people: the embedded SNS, or on AWS the audit trail's record of them (SNS keeps no history)") { limit };
        command.SetAction(async (parse, ct) =>
        {
            if (app.IsAws(parse)) return await SentOnAwsAsync(app, parse, parse.GetValue(limit), ct);
            var backend = await app.OpenAsync(parse, ct);
            if (app.WantsJson(parse))
            {
                Json.JsonOutput.Write(app, new Json.NotificationsDocument((await backend.Notifier.RecentAsync(parse.GetValue(limit), ct))
                    .Select(n => new Json.NotificationDocument(n.At, n.Topic, n.Subject, n.Message)).ToList()));
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("time (UTC)", "topic", "subject", "message");
            foreach (var (at, topic, subject, message) in await backend.Notifier.RecentAsync(parse.GetValue(limit), ct))
                table.AddRow(Render.Time(at), Render.Text(topic), Render.Text(subject), Render.Text(message));
            app.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The actions that tell people something: an alert (or recovery) and an approval request.</summary>
    private static readonly HashSet<string> Told = ["notify", "start_approval"];

    /// <summary>
    /// SNS delivers and forgets, so on AWS what was sent is read where the engine recorded it: each rule's audit trail
    /// (through the rule_id index, as <c>audit --rule</c> reads it) holds the intent to send, with its text, and the
    /// outcome (the SNS message id, or the error).
    /// </summary>
    private static async Task<int> SentOnAwsAsync(CliApp app, ParseResult parse, int limit, CancellationToken ct)
    {
        using var aws = app.OpenAws(parse);
        var sent = new List<(AuditRecord Intent, AuditRecord? Outcome)>();
        foreach (var raw in await aws.Ports.Rules.LoadRulesAsync(ct))
        {
            var trail = await aws.Audit.ForRuleAsync(Core.Rules.RuleParser.NameOf(raw), ct);
            var outcomes = trail.Where(r => r.Kind == AuditKind.Outcome && r.ActionId is not null).GroupBy(r => r.ActionId!).ToDictionary(g => g.Key, g => g.Last());
            sent.AddRange(trail.Where(r => r.Kind == AuditKind.Intent && Told.Contains(r.Action))
                .Select(r => (r, outcomes.GetValueOrDefault(r.Id)))); // an outcome names its intent by the intent's id
        }
        app.Console.MarkupLine("[grey]SNS keeps no history: these are the alerts and approval requests the audit trail records for the rules in the rules table; subscribers (email, chat) received them from the alert and approval topics.[/]");
        var table = new Table().Border(TableBorder.Rounded).AddColumns("time (UTC)", "rule", "action", "message", "outcome");
        foreach (var (intent, outcome) in sent.OrderBy(s => s.Intent.Timestamp).TakeLast(limit))
            table.AddRow(Render.Time(intent.Timestamp), Render.Text(intent.RuleId), Render.Text(intent.Action), Render.Text(intent.Message), Render.Text(outcome?.Message ?? "no outcome recorded"));
        app.Console.Write(table);
        return ExitCodes.Ok;
    }
}
