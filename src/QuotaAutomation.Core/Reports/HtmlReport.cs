using System.Globalization;
using System.Text;
using QuotaAutomation.Core.Decisions;
using static QuotaAutomation.Core.Reports.Svg;

namespace QuotaAutomation.Core.Reports;

/// <summary>
/// The report as one self-contained HTML file: inline CSS and SVG, no script, nothing fetched, so it opens anywhere
/// (a mail attachment, an S3 object, offline). Every headline number carries <c>data-metric</c>, for the browser test.
/// </summary>
public static class HtmlReport
{
    private const double Width = 760, Height = 200, Left = 56, Right = 12, Top = 12, Bottom = 26;

    public static string Render(ReportModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var input = model.Input;
        var html = new StringBuilder();
        html.Append($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Quota report: {Text(input.Scope)}</title>
            <style>{Css}</style></head><body>
            <header><h1>Quota report: {Text(input.Scope)}</h1>
            <p>{Day(input.Since)} to {Day(input.Until)} (UTC) · generated {Time(input.GeneratedAt)} by quota-automation</p></header>
            """);
        Summary(html, model.Summary);
        Section(html, "utilisation", "Utilisation against quota", "The quotas that came nearest their value: usage (blue), the quota's value (red, stepping up where AWS approved an increase) and, after the period, the forecast of the peak over the next days (orange: p50 to p99).",
            model.Charts.Count == 0 ? Empty("no usage recorded in the period") : string.Concat(model.Charts.Select(Chart)));
        Section(html, "heatmap", "Peak utilisation by account and quota", "The highest usage ÷ quota of the period, per account (rows) and quota (columns, every Region).", HeatMap(model.Heat));
        Section(html, "requests", "Requests and approvals", "Each increase filed with Service Quotas and each one sent to a person, from when it was asked to when it was answered.",
            Timeline(model, input) + RequestTable(model.Requests) + ApprovalTable(model.Approvals));
        Section(html, "pressure", "Breaches and near misses", $"Minutes at or above the quota's value (breach), and at {ReportBuilder.NearMissPercent:0} % or more of it (near miss).", PressureTable(model.Pressure));
        Section(html, "budgets", "Cost of added quota against budgets", "What the increases AWS approved in the period add a month (the cost model's estimate), and each monthly budget this month.", Budgets(model));
        Section(html, "compliance", "Compliance", "Observed quotas near their value with no rule, and rejected, disabled and shadowed rules (quota-automation compliance).", Findings(model));
        Section(html, "rightsizing", "Right-sizing opportunities", "Quotas at least twice what the p99 of their usage needs at the warning threshold: a reason not to ask for more (Service Quotas cannot lower a quota by API).", RightSizingTable(model.RightSizing));
        html.Append("<footer>Every figure comes from the audit trail, the usage history and the quotas' values read when the report was made.</footer></body></html>\n");
        return html.ToString();
    }

    private static void Summary(StringBuilder html, ReportSummary s)
    {
        html.Append("<section id=\"summary\" class=\"cards\">");
        Card(html, "quotas", "quotas watched", s.Quotas.ToString(CultureInfo.InvariantCulture));
        Card(html, "peak-utilization", "highest peak", $"{N(s.PeakUtilizationPercent)} %", s.PeakUtilizationPercent >= 100 ? "bad" : s.PeakUtilizationPercent >= ReportBuilder.NearMissPercent ? "warn" : "");
        Card(html, "breach-minutes", "breach minutes", N(s.BreachMinutes), s.BreachMinutes > 0 ? "bad" : "good");
        Card(html, "near-miss-minutes", "near-miss minutes", N(s.NearMissMinutes), s.NearMissMinutes > 0 ? "warn" : "");
        Card(html, "requests-filed", "requests filed", s.RequestsFiled.ToString(CultureInfo.InvariantCulture));
        Card(html, "requests-approved", "approved by AWS", s.RequestsApproved.ToString(CultureInfo.InvariantCulture), "good");
        Card(html, "requests-denied", "denied by AWS", s.RequestsDenied.ToString(CultureInfo.InvariantCulture), s.RequestsDenied > 0 ? "bad" : "");
        Card(html, "requests-open", "still open", s.RequestsOpen.ToString(CultureInfo.InvariantCulture));
        Card(html, "approvals-asked", "sent to a person", s.ApprovalsAsked.ToString(CultureInfo.InvariantCulture));
        Card(html, "approvals-granted", "granted by a person", s.ApprovalsGranted.ToString(CultureInfo.InvariantCulture));
        Card(html, "median-lead-time", "median lead time", s.MedianLeadTime is { } lead ? Duration(lead) : "–");
        Card(html, "monthly-cost-added", "added a month", $"${DecisionTable.Num(Math.Round(s.MonthlyCostAdded, 2))}");
        Card(html, "findings", "compliance findings", s.Findings.ToString(CultureInfo.InvariantCulture), s.Findings > 0 ? "warn" : "good");
        html.Append("</section>");
    }

    private static void Card(StringBuilder html, string metric, string label, string value, string css = "") =>
        html.Append($"<div class=\"card {css}\"><div class=\"value\" data-metric=\"{metric}\">{Text(value)}</div><div class=\"label\">{Text(label)}</div></div>");

    private static void Section(StringBuilder html, string id, string title, string note, string body) =>
        html.Append($"<section id=\"{id}\"><h2>{Text(title)}</h2><p class=\"note\">{Text(note)}</p>{body}</section>");

    private static string Chart(QuotaChart c)
    {
        var start = c.Usage[0].Timestamp;
        var end = c.Usage[^1].Timestamp + (c.Forecast is null ? TimeSpan.Zero : c.Horizon);
        var top = new[] { c.Usage.Max(s => s.Value), c.Value.Max(s => s.Value), c.Forecast?.P99 ?? 0 }.Max() * 1.1;
        top = top <= 0 ? 1 : top;
        double X(DateTimeOffset t) => Left + (Width - Left - Right) * ((t - start).TotalSeconds / Math.Max(1, (end - start).TotalSeconds));
        double Y(double v) => Top + (Height - Top - Bottom) * (1 - v / top);
        var svg = new StringBuilder($"<svg class=\"chart\" viewBox=\"0 0 {N(Width)} {N(Height)}\" role=\"img\" aria-label=\"{Text(c.Key.ToString())}\">");
        svg.Append(Line(Left, Y(0), Width - Right, Y(0), "grid"));
        if (c.Forecast is { } f)
        {
            var from = X(c.Usage[^1].Timestamp);
            svg.Append(Rect(from, Y(f.P99), Width - Right - from, Y(f.P50) - Y(f.P99), "band", $"forecast peak over {Duration(c.Horizon)}: p50 {DecisionTable.Num(f.P50)}, p90 {DecisionTable.Num(f.P90)}, p99 {DecisionTable.Num(f.P99)}"));
            svg.Append(Line(from, Y(f.P50), Width - Right, Y(f.P50), "p50"));
        }
        svg.Append(Steps(c.Value.Select(s => (X(s.Timestamp), Y(s.Value))).ToList(), "quota"));
        svg.Append(Polyline(c.Usage.Select(s => (X(s.Timestamp), Y(s.Value))), "usage"));
        svg.Append(Label(Left - 6, Y(top / 1.1) + 4, DecisionTable.Num(Math.Round(top / 1.1, 2)), anchor: "end"));
        svg.Append(Label(Left - 6, Y(0) + 4, "0", anchor: "end"));
        svg.Append(Label(Left, Height - 6, Day(start)));
        svg.Append(Label(X(c.Usage[^1].Timestamp), Height - 6, Day(c.Usage[^1].Timestamp), anchor: c.Forecast is null ? "end" : "middle"));
        svg.Append("</svg>");
        return $"<figure><figcaption><b>{Text(c.Key.ToString())}</b> {Text(c.Name)} · peak {N(c.PeakUtilizationPercent)} % of quota</figcaption>{svg}</figure>";
    }

    private static string HeatMap(HeatMap heat)
    {
        if (heat.Accounts.Count == 0) return Empty("no usage recorded in the period");
        var table = new StringBuilder("<div class=\"scroll\"><table class=\"heat\"><thead><tr><th>account</th>");
        foreach (var q in heat.Quotas) table.Append($"<th class=\"rot\"><span>{Text(q)}</span></th>");
        table.Append("</tr></thead><tbody>");
        foreach (var account in heat.Accounts)
        {
            table.Append($"<tr><th>{Text(account)}</th>");
            foreach (var q in heat.Quotas)
                table.Append(heat.PeakPercent.TryGetValue((account, q), out var p)
                    ? $"<td style=\"background:{HeatColour(p)}\" title=\"{Text($"{account} {q}: {N(p)} %")}\">{N(p)}</td>"
                    : "<td class=\"none\">·</td>");
            table.Append("</tr>");
        }
        return table.Append("</tbody></table></div>").ToString();
    }

    /// <summary>Green below 70 %, amber to 90 %, red from 100 %: the thresholds people set rules at.</summary>
    private static string HeatColour(double percent)
    {
        var t = Math.Clamp(percent / 100, 0, 1);
        var hue = 120 * (1 - Math.Clamp((t - 0.5) / 0.5, 0, 1));
        return string.Create(CultureInfo.InvariantCulture, $"hsl({hue:0},70%,{(percent >= 100 ? 55 : 78):0}%)");
    }

    private static string Timeline(ReportModel model, ReportInput input)
    {
        var rows = model.Requests.Select(r => (Label: $"{Short(r.Quota)} → {(r.To is { } to ? DecisionTable.Num(to) : "?")}", r.FiledAt, End: r.DecidedAt, Css: StatusCss(r.Status), Title: $"filed {Time(r.FiledAt)}: {r.Status}"))
            .Concat(model.Approvals.Select(a => (Label: $"{Short(a.Quota)} → {(a.To is { } to ? DecisionTable.Num(to) : "?")}, a person", FiledAt: a.AskedAt, End: a.DecidedAt, Css: a.Outcome switch { "granted" => "ok", "denied" => "no", "expired" => "no", _ => "open" }, Title: $"asked {Time(a.AskedAt)}: {a.Outcome}")))
            .OrderBy(r => r.FiledAt).ToList();
        if (rows.Count == 0) return Empty("nothing was filed or sent to a person in the period");
        const double rowHeight = 18, labelWidth = 300;
        var height = rows.Count * rowHeight + 24;
        double X(DateTimeOffset t) => labelWidth + (Width - labelWidth - Right) * ((t - input.Since).TotalSeconds / Math.Max(1, (input.Until - input.Since).TotalSeconds));
        var svg = new StringBuilder($"<svg class=\"timeline\" viewBox=\"0 0 {N(Width)} {N(height)}\">");
        for (var i = 0; i < rows.Count; i++)
        {
            var (label, from, to, css, title) = rows[i];
            var y = i * rowHeight + 4;
            svg.Append(Label(labelWidth - 6, y + 12, label, anchor: "end"));
            svg.Append(Rect(X(from), y + 3, Math.Max(3, X(to ?? input.Until) - X(from)), rowHeight - 6, $"span {css}", title));
        }
        svg.Append(Label(labelWidth, height - 4, Day(input.Since))).Append(Label(Width - Right, height - 4, Day(input.Until), anchor: "end"));
        return svg.Append("</svg>").ToString();
    }

    /// <summary>A quota as a timeline row names it: its service and code, and its account when not the hub's own.</summary>
    private static string Short(Quotas.QuotaKey quota) => $"{quota.ServiceCode}/{quota.QuotaCode}{(quota.AccountId is { } a ? $" ({a})" : "")}";

    private static string StatusCss(string status) => status switch { "APPROVED" => "ok", "DENIED" or "NOT_APPROVED" or "INVALID_REQUEST" => "no", "CASE_CLOSED" => "closed", _ => "open" };

    private static string RequestTable(IReadOnlyList<RequestLine> requests) => requests.Count == 0 ? "" : Table(
        ["filed (UTC)", "rule", "quota", "from → to", "est. $/month", "status", "lead time"],
        requests.Select(r => new[] { Time(r.FiledAt), r.RuleId, r.Quota.ToString(), $"{Num(r.From)} → {Num(r.To)}", Num(r.MonthlyCost), r.Status, r.LeadTime is { } l ? Duration(l) : "open" }), "requests-table");

    private static string ApprovalTable(IReadOnlyList<ApprovalLine> approvals) => approvals.Count == 0 ? "" : Table(
        ["asked (UTC)", "rule", "quota", "to", "est. $/month", "answer", "lead time"],
        approvals.Select(a => new[] { Time(a.AskedAt), a.RuleId, a.Quota.ToString(), Num(a.To), Num(a.MonthlyCost), a.Outcome, a.LeadTime is { } l ? Duration(l) : "waiting" }), "approvals-table");

    private static string PressureTable(IReadOnlyList<PressureLine> pressure) => pressure.Count == 0 ? Empty("no quota reached 90 % of its value in the period") : Table(
        ["quota", "name", "breach minutes", "near-miss minutes", "peak"],
        pressure.Select(p => new[] { p.Quota.ToString(), p.Name, N(p.BreachMinutes), N(p.NearMissMinutes), $"{N(p.PeakUtilizationPercent)} %" }), "pressure-table");

    private static string Budgets(ReportModel model)
    {
        var added = $"<p>Added a month by the increases AWS approved in the period: <b>${DecisionTable.Num(Math.Round(model.Summary.MonthlyCostAdded, 2))}</b>.</p>";
        if (model.Input.Budgets.Count == 0) return added + Empty("no policy sets a monthly_budget (docs/governance.md, \"Budgets\")");
        var rows = model.Input.Budgets.Select(b =>
        {
            var share = b.Limit > 0 ? Math.Min(1, b.Spent / b.Limit) : 1;
            var bar = $"<div class=\"bar\"><div class=\"{(b.Spent >= b.Limit ? "over" : "fill")}\" style=\"width:{N(share * 100)}%\"></div></div>";
            return $"<tr><td>{Text(b.Budget)}</td><td>{Text(b.Month)}</td><td class=\"num\">${DecisionTable.Num(b.Limit)}</td><td class=\"num\">${DecisionTable.Num(Math.Round(b.Spent, 2))}</td><td>{bar}</td></tr>";
        });
        return added + $"<table class=\"budgets-table\"><thead><tr><th>budget</th><th>month</th><th>limit</th><th>spent</th><th></th></tr></thead><tbody>{string.Concat(rows)}</tbody></table>";
    }

    private static string Findings(ReportModel model) => model.Input.Findings.Count == 0 ? Empty("no findings") : Table(
        ["finding", "about", "detail"], model.Input.Findings.Select(f => new[] { f.KindName, f.Subject, f.Detail }), "findings-table");

    private static string RightSizingTable(IReadOnlyList<RightSizingLine> rows) => rows.Count == 0 ? Empty("no quota is twice what it needs") : Table(
        ["quota", "name", "value", "needs", "usage p99"], rows.Select(r => new[] { r.Quota.ToString(), r.Name, DecisionTable.Num(r.Value), DecisionTable.Num(r.Needed), DecisionTable.Num(r.UsageP99) }), "rightsizing-table");

    private static string Table(string[] headers, IEnumerable<string[]> rows, string css) =>
        $"<div class=\"scroll\"><table class=\"{css}\"><thead><tr>{string.Concat(headers.Select(h => $"<th>{Text(h)}</th>"))}</tr></thead><tbody>"
        + string.Concat(rows.Select(r => $"<tr>{string.Concat(r.Select(c => $"<td>{Text(c)}</td>"))}</tr>")) + "</tbody></table></div>";

    private static string Empty(string text) => $"<p class=\"empty\">{Text(text)}</p>";

    private static string Num(double? value) => value is { } v ? DecisionTable.Num(Math.Round(v, 2)) : "?";

    private static string Day(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan t) => t.TotalDays >= 2 ? $"{t.TotalDays:0.#} d" : t.TotalHours >= 2 ? $"{t.TotalHours:0.#} h" : $"{t.TotalMinutes:0} min";

    private const string Css = """
        :root{--ink:#1f2933;--muted:#616e7c;--line:#d9e2ec;--bg:#f5f7fa;--ok:#2f9e44;--no:#e03131;--warn:#f08c00;--blue:#1c7ed6}
        *{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
        header{background:#102a43;color:#fff;padding:20px 32px}header h1{margin:0 0 4px;font-size:22px}header p{margin:0;color:#bcccdc}
        section{background:#fff;margin:16px 32px;padding:16px 20px;border:1px solid var(--line);border-radius:8px}
        h2{margin:0 0 4px;font-size:17px}.note{margin:0 0 12px;color:var(--muted)}.empty{color:var(--muted);font-style:italic}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;background:none;border:none;padding:0}
        .card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px}.card .value{font-size:22px;font-weight:600}
        .card .label{color:var(--muted);font-size:12px}.card.good .value{color:var(--ok)}.card.bad .value{color:var(--no)}.card.warn .value{color:var(--warn)}
        figure{margin:0 0 14px}figcaption{margin-bottom:4px}svg{width:100%;max-width:900px;height:auto;display:block}
        .usage{fill:none;stroke:var(--blue);stroke-width:1.5}.quota{fill:none;stroke:var(--no);stroke-width:1.5;stroke-dasharray:5 3}
        .band{fill:var(--warn);opacity:.22}.p50{stroke:var(--warn);stroke-width:1.5}.grid{stroke:var(--line)}.axis{font-size:10px;fill:var(--muted)}
        .timeline .axis{font-size:11px}.span.ok{fill:var(--ok)}.span.no{fill:var(--no)}.span.open{fill:var(--warn)}.span.closed{fill:var(--muted)}
        table{border-collapse:collapse;margin-top:8px}th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
        .scroll{overflow-x:auto}.heat td{text-align:center;min-width:44px;font-variant-numeric:tabular-nums}.heat td.none{color:var(--line)}
        .heat th.rot{white-space:nowrap;vertical-align:bottom;padding:4px 2px}.heat th.rot span{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:500;font-size:12px}
        .num{text-align:right}.bar{width:160px;height:10px;background:var(--line);border-radius:5px;overflow:hidden}.bar .fill{height:100%;background:var(--ok)}.bar .over{height:100%;background:var(--no)}
        footer{margin:16px 32px 32px;color:var(--muted);font-size:12px}
        """;
}
