using System.Globalization;
using System.Text.Json;

namespace QuotaAutomation.Lambda;

/// <summary>
/// Structured logs, one JSON object a line on stdout (Lambda sends them to CloudWatch Logs), and the cycle's metrics as
/// CloudWatch Embedded Metric Format lines. No credentials or raw payloads are logged.
/// </summary>
public sealed class LambdaLog(TextWriter output, TimeProvider time, string functionName)
{
    public const string MetricNamespace = "QuotaAutomation";

    public void Info(string message, params (string Name, object? Value)[] fields) => Write("INFO", message, fields);

    public void Error(string message, params (string Name, object? Value)[] fields) => Write("ERROR", message, fields);

    /// <summary>One EMF line: the metrics under <see cref="MetricNamespace"/>, dimensioned by function and invocation kind.</summary>
    public void Metrics(string kind, params (string Name, string Unit, double Value)[] metrics)
    {
        var line = new Dictionary<string, object>
        {
            ["_aws"] = new Dictionary<string, object>
            {
                ["Timestamp"] = time.GetUtcNow().ToUnixTimeMilliseconds(),
                ["CloudWatchMetrics"] = new[]
                {
                    new Dictionary<string, object>
                    {
                        ["Namespace"] = MetricNamespace,
                        ["Dimensions"] = new[] { new[] { "Function", "Kind" } },
                        ["Metrics"] = metrics.Select(m => new Dictionary<string, string> { ["Name"] = m.Name, ["Unit"] = m.Unit }).ToArray(),
                    },
                },
            },
            ["Function"] = functionName,
            ["Kind"] = kind,
        };
        foreach (var (name, _, value) in metrics) line[name] = value;
        lock (output) output.WriteLine(JsonSerializer.Serialize(line));
    }

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
        lock (output) output.WriteLine(JsonSerializer.Serialize(line));
    }
}
