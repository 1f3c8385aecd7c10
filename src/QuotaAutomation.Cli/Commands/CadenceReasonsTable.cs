using System.Globalization;
using QuotaAutomation.Local.FleetSimulation;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>simulate fleet</c>'s usage reads by cadence reason over the day's steady cycles: which reasons hold quotas on
/// GetMetricData detail, and what share of the metrics each costs (docs/fleet-detail.md).
/// </summary>
internal static class CadenceReasonsTable
{
    /// <summary>The rows, for the table and the JSON alike.</summary>
    public static IReadOnlyList<CadenceReasonDocument> Rows(FleetSimulationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var metrics = report.ReadsByReason.Sum(r => (double)r.Metrics);
        return [.. report.ReadsByReason.Where(r => r.Quotas > 0 || r.Metrics != 0).Select(r => new CadenceReasonDocument(r.Reason, r.Quotas, r.Detailed, r.Metrics, metrics == 0 ? 0 : Math.Round(r.Metrics / metrics, 4)))];
    }

    public static void Write(CliApp app, FleetSimulationReport report)
    {
        ArgumentNullException.ThrowIfNull(app);
        static string N(double v) => v.ToString("#,0", CultureInfo.InvariantCulture);
        var table = new Table().Border(TableBorder.Rounded)
            .Title("usage reads a day by cadence reason (steady cycles): quota reads, of them in detail (GetMetricData), metrics")
            .AddColumns("reason", "quota reads a day", "in detail", "metrics a day", "share of metrics");
        var rows = Rows(report);
        foreach (var r in rows)
            table.AddRow(Render.Text(r.Reason), N(r.QuotaReads), N(r.Detailed), N(r.Metrics), r.Share.ToString("P1", CultureInfo.InvariantCulture));
        table.AddRow("[bold]total[/]", N(rows.Sum(r => (double)r.QuotaReads)), N(rows.Sum(r => (double)r.Detailed)), $"[bold]{N(rows.Sum(r => (double)r.Metrics))}[/]", "");
        app.Console.Write(table);
    }
}

/// <summary>One cadence reason's reads a day: quota reads, of them in detail, metrics requested, and their share of the day's metrics.</summary>
internal sealed record CadenceReasonDocument(string Reason, long QuotaReads, long Detailed, long Metrics, double Share);
