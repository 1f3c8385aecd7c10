using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace QuotaAutomation.Lambda;

/// <summary>
/// Structured logs, one JSON object a line on stdout (Lambda sends them to CloudWatch Logs), and metrics as CloudWatch
/// Embedded Metric Format lines. No credentials or raw payloads are logged.
/// </summary>
/// <remarks>
/// Every line leaves in one <see cref="TextWriter.Write(string)"/> call, never <c>WriteLine</c>: with the function's log
/// format JSON, the managed runtime wraps each <c>Console.WriteLine</c> in its own JSON envelope with the line as a string
/// <c>message</c>, where CloudWatch extracts no EMF and Logs Insights sees no fields, while <c>Write</c> passes through
/// untouched, one call one log record (docs/lambda-logging.md has the source lines).
/// </remarks>
public sealed class LambdaLog(TextWriter output, TimeProvider time, string functionName)
{
    public const string MetricNamespace = "QuotaAutomation";

    // Log lines are read by people in the console and by Logs Insights, never embedded in HTML: keep → and + readable.
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The dimensions of a quota's <c>Utilization</c> metric: one metric per quota, as <c>AWS/Usage</c> has one per resource.</summary>
    public static readonly IReadOnlyList<string> QuotaDimensions = ["ServiceCode", "QuotaCode", "Region", "AccountId"];

    public void Info(string message, params (string Name, object? Value)[] fields) => Write("INFO", message, fields);

    public void Error(string message, params (string Name, object? Value)[] fields) => Write("ERROR", message, fields);

    /// <summary>
    /// One EMF line: the metrics under <see cref="MetricNamespace"/>, by function and invocation kind, and by function
    /// alone (what the Terraform alarm on <c>Errors</c> watches, whatever the kind).
    /// </summary>
    public void Metrics(string kind, params (string Name, string Unit, double Value)[] metrics)
    {
        var line = Emf([["Function", "Kind"], ["Function"]], metrics.Select(m => (m.Name, m.Unit)));
        line["Function"] = functionName;
        line["Kind"] = kind;
        foreach (var (name, _, value) in metrics) line[name] = value;
        WriteLine(line);
    }

    /// <summary>
    /// One EMF line for one quota's utilisation (percent of its value at the forecast peak). A document carries one value
    /// per dimension, so each quota has its own line; one metric a line stays far below EMF's 100 metrics a document.
    /// </summary>
    public void QuotaUtilization(Core.Quotas.QuotaKey quota, double percent)
    {
        ArgumentNullException.ThrowIfNull(quota);
        var line = Emf([[.. QuotaDimensions]], [("Utilization", "Percent")]);
        line["ServiceCode"] = quota.ServiceCode;
        line["QuotaCode"] = quota.QuotaCode;
        line["Region"] = quota.Region;
        line["AccountId"] = quota.AccountOrSelf;
        line["Utilization"] = percent;
        WriteLine(line);
    }

    private Dictionary<string, object?> Emf(string[][] dimensions, IEnumerable<(string Name, string Unit)> metrics) => new()
    {
        ["_aws"] = new Dictionary<string, object>
        {
            ["Timestamp"] = time.GetUtcNow().ToUnixTimeMilliseconds(),
            ["CloudWatchMetrics"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["Namespace"] = MetricNamespace,
                    ["Dimensions"] = dimensions,
                    ["Metrics"] = metrics.Select(m => new Dictionary<string, string> { ["Name"] = m.Name, ["Unit"] = m.Unit }).ToArray(),
                },
            },
        },
    };

    private void Write(string level, string message, (string Name, object? Value)[] fields)
    {
        var line = new Dictionary<string, object?>
        {
            ["timestamp"] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            ["level"] = level,
            ["function"] = functionName,
            ["message"] = message,
        };
        foreach (var (name, value) in fields) line[name] = value;
        WriteLine(line);
    }

    // One Write call per line: under the runtime's JSON log format that is one raw record (see the remarks above).
    private void WriteLine(Dictionary<string, object?> line)
    {
        var text = JsonSerializer.Serialize(line, JsonOptions) + "\n";
        lock (output) output.Write(text);
    }
}
