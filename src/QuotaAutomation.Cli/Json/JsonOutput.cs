using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

[assembly: InternalsVisibleTo("QuotaAutomation.Local.Tests")] // the JSON shapes and number rules are tested directly
[assembly: InternalsVisibleTo("QuotaAutomation.Aws.Tests")] // quotas rightsize's report is read through the AWS ports on moto

namespace QuotaAutomation.Cli.Json;

/// <summary>
/// How every command writes <c>--output json</c>: one document on standard output, snake_case names in the order the
/// shape records declare them, text as typed (<c>+</c>, <c>&lt;</c>, <c>'</c>, <c>→</c> are not escaped: the
/// document goes to a pipe, never into HTML), numbers without floating-point noise and times in UTC.
/// </summary>
internal static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
        Converters = { new CleanNumberConverter(), new UtcTimeConverter(), new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Writes <paramref name="document"/> to standard output.</summary>
    public static void Write<T>(CliApp app, T document)
    {
        app.Stdout.WriteLine(JsonSerializer.Serialize(document, Options));
        app.Stdout.Flush();
    }

    /// <summary>An estimate (a forecast peak) to two decimals, as the decision's reason states it: 45.37380937 is 45.37.</summary>
    public static double? Estimate(double? value) => value is { } v && double.IsFinite(v) ? Math.Round(v, 2) : null;

    /// <summary>A percentage as people read it: two decimals (66.66666666666667 is 66.67); null when not finite (a quota of 0).</summary>
    public static double? Percent(double? value) => value is { } v && double.IsFinite(v) ? Math.Round(v, 2) : null;
}
