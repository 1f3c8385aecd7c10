using System.Globalization;
using QuotaAutomation.Core.Fleet.Costs;
using QuotaAutomation.Local.FleetSimulation;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>One cause's share of the modelled Lambda time: seconds an invocation (mean), its share, and the GB-seconds a day it stands for.</summary>
internal sealed record InvocationCauseDocument(string Cause, double SecondsPerInvocation, double Share, double GbSecondsPerDay);

/// <summary>
/// <c>simulate fleet</c>'s table of where the Lambda's billed time goes (docs/fleet-waits.md): the modelled steady
/// cycles' invocations by cause (<see cref="InvocationTime"/>), each cause's share applied to the day's Lambda GB-seconds.
/// </summary>
internal static class InvocationTimeTable
{
    public static IReadOnlyList<InvocationCauseDocument> Rows(FleetSimulationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var time = report.SteadyInvocationTime;
        var total = time.Seconds;
        if (time.Invocations == 0 || total <= 0) return [];
        var gbSeconds = report.PerDay.GetValueOrDefault(BillItems.LambdaGbSeconds);
        return [.. InvocationTime.Causes.Where(time.SecondsByCause.ContainsKey).Select(cause =>
        {
            var seconds = time.SecondsByCause[cause];
            return new InvocationCauseDocument(cause, Math.Round(seconds / time.Invocations, 3), Math.Round(seconds / total, 4), Math.Round(gbSeconds * seconds / total, 1));
        })];
    }

    public static void Write(CliApp app, FleetSimulationReport report)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(report);
        var rows = Rows(report);
        if (rows.Count == 0) return;
        var time = report.SteadyInvocationTime;
        var table = new Table().Border(TableBorder.Rounded).Title(Render.Text(string.Create(CultureInfo.InvariantCulture,
                $"Lambda time by cause: the modelled steady cycles' {time.Invocations:#,0} invocations, {time.Seconds / time.Invocations:0.00} s each on average, along each one's critical path")))
            .AddColumns("cause", "s an invocation", "share", "Lambda GB-s a day");
        foreach (var row in rows)
            table.AddRow(Render.Text(row.Cause), row.SecondsPerInvocation.ToString("0.000", CultureInfo.InvariantCulture),
                row.Share.ToString("0.0%", CultureInfo.InvariantCulture), row.GbSecondsPerDay.ToString("#,0.0", CultureInfo.InvariantCulture));
        app.Console.Write(table);
    }
}
