using System.CommandLine;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Local.Catalog;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>quotas list [--service S]</c> and <c>quotas search TEXT</c>: the quota codes rules need (and <c>quotas coverage</c>, <see cref="CoverageCommand"/>; <c>quotas rightsize</c>, <see cref="RightSizeCommand"/>). On the embedded backend
/// from the bundled catalog (defaults), marking the quotas the simulated account serves (with its values); on
/// <c>--backend aws</c> from the account (ListServiceQuotas: applied values).
/// </summary>
internal static class QuotasCommands
{
    /// <summary>One quota as shown. <see cref="ValueIs"/> says what <see cref="Value"/> is: default, applied or simulated.</summary>
    internal sealed record QuotaRow(string ServiceCode, string? ServiceName, string QuotaCode, string QuotaName, double? Value, string ValueIs,
        bool? Adjustable, bool UsageMetric, bool? ServedBySimulatedAccount);

    public static Command Create(CliApp app)
    {
        var quotas = new Command("quotas", "Find quota codes for rules: list a service's quotas or search by service, name or code");
        var service = new Option<string?>("--service") { Description = "Only this service code (e.g. ec2, lambda, vpc)" };
        var list = new Command("list", "List quotas (embedded: the bundled catalog, marking what the simulated account serves; aws: the account's)") { service };
        list.SetAction((parse, ct) => ShowAsync(app, parse, parse.GetValue(service), null, ct));
        var text = new Argument<string>("TEXT") { Description = "Matched, ignoring case, against service code, service name, quota name and quota code" };
        var search = new Command("search", "Search quotas by service code, service name, quota name or quota code") { text };
        search.SetAction((parse, ct) => ShowAsync(app, parse, null, parse.GetValue(text), ct));
        quotas.Subcommands.Add(list);
        quotas.Subcommands.Add(search);
        quotas.Subcommands.Add(CoverageCommand.Create(app));
        quotas.Subcommands.Add(RightSizeCommand.Create(app));
        return quotas;
    }

    private static async Task<int> ShowAsync(CliApp app, ParseResult parse, string? service, string? text, CancellationToken ct)
    {
        var rows = (app.IsAws(parse) ? await FromAccountAsync(app, parse, service, ct) : await FromCatalogAsync(app, parse, ct))
            .Where(r => service is null || string.Equals(r.ServiceCode, service.Trim(), StringComparison.OrdinalIgnoreCase))
            .Where(r => text is null || Matches(r, text.Trim()))
            .OrderBy(r => r.ServiceCode, StringComparer.Ordinal).ThenBy(r => r.QuotaCode, StringComparer.Ordinal).ToList();
        if (app.WantsJson(parse))
        {
            Json.JsonOutput.Write(app, rows);
            return ExitCodes.Ok;
        }
        var simulated = rows.Any(r => r.ServedBySimulatedAccount is not null);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("service", "code", "name", simulated ? "value (default)" : "value", "adjustable", "usage metric");
        if (simulated) table.AddColumn("simulated");
        foreach (var r in rows)
        {
            var cells = new List<string>
            {
                Render.Text(r.ServiceCode), Render.Text(r.QuotaCode), Render.Text(r.QuotaName),
                r.ValueIs == "simulated" ? $"[bold]{Render.Num(r.Value)}[/]" : Render.Num(r.Value), YesNo(r.Adjustable), r.UsageMetric ? "yes" : "no",
            };
            if (simulated) cells.Add(r.ServedBySimulatedAccount == true ? "[green]served[/]" : "");
            table.AddRow(cells.ToArray());
        }
        app.Console.Write(table);
        app.Console.MarkupLine(rows.Count == 0
            ? $"[yellow]no quota matches[/]{(text is null ? "" : $" '{Render.Text(text)}'")}{(service is null ? "" : $" in service '{Render.Text(service)}'")}"
            : simulated
                ? $"[grey]{rows.Count} quotas from the bundled catalog (AWS defaults; bold: the simulated account's value); rules on the embedded backend work only for the quotas marked served[/]"
                : $"[grey]{rows.Count} quotas from Service Quotas (applied values)[/]");
        return ExitCodes.Ok;
    }

    private static bool Matches(QuotaRow r, string text) =>
        new[] { r.ServiceCode, r.ServiceName, r.QuotaName, r.QuotaCode }.Any(field => field?.Contains(text, StringComparison.OrdinalIgnoreCase) == true);

    private static string YesNo(bool? value) => value switch { true => "yes", false => "no", null => "-" };

    private static async Task<IReadOnlyList<QuotaRow>> FromCatalogAsync(CliApp app, ParseResult parse, CancellationToken ct)
    {
        var backend = await app.OpenAsync(parse, ct);
        var served = (await backend.Account.ListQuotasAsync(ct)).GroupBy(q => (q.Info.Key.ServiceCode, q.Info.Key.QuotaCode)).ToDictionary(g => g.Key, g => g.First().Info);
        var rows = QuotaCatalog.All.Select(q => served.TryGetValue((q.ServiceCode, q.QuotaCode), out var s)
            ? new QuotaRow(q.ServiceCode, q.ServiceName, q.QuotaCode, q.QuotaName, s.Value, "simulated", s.Adjustable, s.UsageMetric is not null || q.HasUsageMetric, true)
            : new QuotaRow(q.ServiceCode, q.ServiceName, q.QuotaCode, q.QuotaName, q.DefaultValue, "default", q.Adjustable, q.HasUsageMetric, false)).ToList();
        // A simulated quota the catalog lacks still shows (the catalog is the source of the built-in ones, so none is expected).
        var inCatalog = QuotaCatalog.All.Select(q => (q.ServiceCode, q.QuotaCode)).ToHashSet();
        rows.AddRange(served.Where(s => !inCatalog.Contains(s.Key)).Select(s =>
            new QuotaRow(s.Key.ServiceCode, null, s.Key.QuotaCode, s.Value.QuotaName, s.Value.Value, "simulated", s.Value.Adjustable, s.Value.UsageMetric is not null, true)));
        return rows;
    }

    private static async Task<IReadOnlyList<QuotaRow>> FromAccountAsync(CliApp app, ParseResult parse, string? service, CancellationToken ct)
    {
        using var aws = app.OpenAws(parse);
        return (await AwsQuotaListing.ListAsync(aws.ServiceQuotas, service?.Trim(), ct))
            .Select(q => new QuotaRow(q.ServiceCode ?? "", q.ServiceName, q.QuotaCode ?? "", q.QuotaName ?? "", q.Value, "applied", q.Adjustable, q.UsageMetric is not null, null))
            .ToList();
    }
}
