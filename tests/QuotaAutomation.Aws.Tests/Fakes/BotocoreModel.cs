using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;

namespace QuotaAutomation.Aws.Tests.Fakes;

/// <summary>
/// The botocore service models on this machine (the same ones the AWS CLI uses), to check that every request our
/// clients send names a real operation, uses only real members with the right JSON types, and has every required one.
/// </summary>
public sealed class BotocoreModel
{
    private readonly JsonElement _shapes;
    private readonly JsonElement _operations;

    private BotocoreModel(JsonDocument model)
    {
        _shapes = model.RootElement.GetProperty("shapes");
        _operations = model.RootElement.GetProperty("operations");
        Metadata = model.RootElement.GetProperty("metadata");
    }

    public JsonElement Metadata { get; }

    /// <summary>The model's <c>operations</c> object (name → <c>http</c>, <c>input</c>, <c>output</c>…).</summary>
    public JsonElement Operations => _operations;

    private static readonly Lazy<string> DataFolder = new(() =>
    {
        var start = new ProcessStartInfo("python3", "-c \"import botocore,os;print(os.path.dirname(botocore.__file__))\"") { RedirectStandardOutput = true };
        using var python = Process.Start(start) ?? throw new InvalidOperationException("python3 not found: botocore models are read through it");
        var folder = python.StandardOutput.ReadToEnd().Trim();
        python.WaitForExit();
        return Path.Combine(folder, "data");
    });

    /// <summary>Loads the newest model of a service (e.g. <c>service-quotas</c>, <c>cloudwatch</c>).</summary>
    public static BotocoreModel Load(string service)
    {
        var file = Directory.GetDirectories(Path.Combine(DataFolder.Value, service)).Order(StringComparer.Ordinal).Last();
        using var gz = new GZipStream(File.OpenRead(Path.Combine(file, "service-2.json.gz")), CompressionMode.Decompress);
        return new BotocoreModel(JsonDocument.Parse(gz));
    }

    /// <summary>Every problem of a JSON request body for an operation; empty when it conforms.</summary>
    public IReadOnlyList<string> Check(string operation, string body)
    {
        if (!_operations.TryGetProperty(operation, out var op)) return [$"{operation} is not an operation of this service"];
        var problems = new List<string>();
        using var document = JsonDocument.Parse(body);
        if (op.TryGetProperty("input", out var input)) CheckShape(input.GetProperty("shape").GetString()!, document.RootElement, operation, problems);
        return problems;
    }

    /// <summary>Every problem of a JSON reply body for an operation (its output shape); empty when it conforms.</summary>
    public IReadOnlyList<string> CheckOutput(string operation, string body)
    {
        if (!_operations.TryGetProperty(operation, out var op)) return [$"{operation} is not an operation of this service"];
        var problems = new List<string>();
        using var document = JsonDocument.Parse(body);
        if (op.TryGetProperty("output", out var output)) CheckShape(output.GetProperty("shape").GetString()!, document.RootElement, operation, problems);
        return problems;
    }

    /// <summary>The path a REST operation is sent to (the model's <c>http.requestUri</c>, e.g. <c>/getAlternateContact</c>).</summary>
    public string RequestUri(string operation) => _operations.GetProperty(operation).GetProperty("http").GetProperty("requestUri").GetString()!;

    /// <summary>The error shapes an operation may answer with (e.g. <c>NoSuchResourceException</c>).</summary>
    public IReadOnlyList<string> Errors(string operation) =>
        _operations.TryGetProperty(operation, out var op) && op.TryGetProperty("errors", out var errors)
            ? errors.EnumerateArray().Select(e => e.GetProperty("shape").GetString()!).ToList()
            : [];

    private void CheckShape(string shapeName, JsonElement value, string path, List<string> problems)
    {
        var shape = _shapes.GetProperty(shapeName);
        var type = shape.GetProperty("type").GetString();
        switch (type)
        {
            case "structure":
                if (value.ValueKind != JsonValueKind.Object) { problems.Add($"{path}: expected an object"); return; }
                var members = shape.GetProperty("members");
                foreach (var property in value.EnumerateObject())
                {
                    if (!members.TryGetProperty(property.Name, out var member)) problems.Add($"{path}.{property.Name} is not a member of {shapeName}");
                    else CheckShape(member.GetProperty("shape").GetString()!, property.Value, $"{path}.{property.Name}", problems);
                }
                if (shape.TryGetProperty("required", out var required))
                    foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                        if (!value.TryGetProperty(name, out _)) problems.Add($"{path}.{name} is required by {shapeName}");
                break;
            case "list":
                if (value.ValueKind != JsonValueKind.Array) { problems.Add($"{path}: expected a list"); return; }
                var itemShape = shape.GetProperty("member").GetProperty("shape").GetString()!;
                var i = 0;
                foreach (var item in value.EnumerateArray()) CheckShape(itemShape, item, $"{path}[{i++}]", problems);
                if (shape.TryGetProperty("max", out var max) && i > max.GetInt32()) problems.Add($"{path}: {i} items, at most {max.GetInt32()}");
                break;
            case "map":
                if (value.ValueKind != JsonValueKind.Object) { problems.Add($"{path}: expected a map"); return; }
                foreach (var entry in value.EnumerateObject()) CheckShape(shape.GetProperty("value").GetProperty("shape").GetString()!, entry.Value, $"{path}.{entry.Name}", problems);
                break;
            case "string":
                if (value.ValueKind != JsonValueKind.String) problems.Add($"{path}: expected a string");
                else if (shape.TryGetProperty("enum", out var values) && !values.EnumerateArray().Any(v => v.GetString() == value.GetString()))
                    problems.Add($"{path}: '{value.GetString()}' is not one of {shapeName}'s values");
                break;
            case "integer" or "long" or "double" or "float":
                if (value.ValueKind != JsonValueKind.Number) problems.Add($"{path}: expected a number");
                break;
            case "boolean":
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) problems.Add($"{path}: expected a boolean");
                break;
            case "timestamp":
                if (value.ValueKind != JsonValueKind.Number) problems.Add($"{path}: expected epoch seconds");
                break;
        }
    }
}
