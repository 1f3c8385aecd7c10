using System.Globalization;
using System.Text.Json;
using QuotaAutomation.Core.Common;

namespace QuotaAutomation.Core.Dependencies;

/// <summary>
/// The dependency map: which quotas a quota's growth consumes (running vCPUs → network interfaces, gp3 storage and
/// Elastic IPs; load balancers → target groups; …), read from data (<c>quota-dependencies.json</c>, embedded), not code.
/// Every increase the engine files or sends to approval checks the dependents it observes (<see cref="DependentDemand"/>),
/// and scaling events expect the dependents to grow with the service. Acyclic by construction: <see cref="Parse"/>
/// refuses a cycle, so a chain of raises always ends.
/// </summary>
public sealed class QuotaDependencies
{
    /// <summary>The embedded resource's name.</summary>
    public const string Resource = "quota-dependencies.json";

    private static readonly Lazy<QuotaDependencies> Embedded = new(LoadEmbedded);

    private readonly Dictionary<string, List<QuotaDependency>> _bySource;

    private QuotaDependencies(IReadOnlyList<QuotaDependency> edges, IReadOnlyList<string> order)
    {
        Edges = edges;
        SourcesFirst = order;
        _bySource = edges.GroupBy(e => e.From, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The map shipped with the product.</summary>
    public static QuotaDependencies Default => Embedded.Value;

    /// <summary>No dependencies: an engine that checks none.</summary>
    public static QuotaDependencies None { get; } = new([], []);

    public IReadOnlyList<QuotaDependency> Edges { get; }

    /// <summary>Every quota the map names (<c>service/code</c>), each after all the quotas whose growth consumes it.</summary>
    public IReadOnlyList<string> SourcesFirst { get; }

    /// <summary>What growth of <paramref name="service"/>/<paramref name="code"/> consumes.</summary>
    public IReadOnlyList<QuotaDependency> ConsumedBy(string service, string code) =>
        _bySource.GetValueOrDefault($"{service}/{code}") is { } edges ? edges : [];

    /// <summary>The edges into <paramref name="service"/>/<paramref name="code"/>.</summary>
    public IReadOnlyList<QuotaDependency> Consuming(string service, string code) =>
        Edges.Where(e => string.Equals(e.ToService, service, StringComparison.OrdinalIgnoreCase) && string.Equals(e.ToCode, code, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>
    /// Reads the map. Every problem is reported at once, each naming the entry and field: a source or dependent not written
    /// <c>service/L-code</c>, a missing unit, noun or provenance, a basis other than <c>fixed</c> or <c>in_use</c>, a ratio
    /// that is not a finite number ≥ 0, an unknown field, a quota depending on itself, an edge given twice, a cycle.
    /// </summary>
    public static Result<QuotaDependencies> Parse(string json, string source = Resource)
    {
        JsonElement root;
        try
        {
            root = JsonSerializer.Deserialize<JsonElement>(json);
        }
        catch (JsonException e)
        {
            return Result.Fail<QuotaDependencies>($"{source}: not JSON ({e.Message})");
        }
        var problems = new List<string>();
        var edges = new List<QuotaDependency>();
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("dependencies", out var list) || list.ValueKind != JsonValueKind.Array)
            return Result.Fail<QuotaDependencies>($"{source}: must be a mapping with a 'dependencies' list");
        Unknown(root, source, problems, "about", "dependencies");
        var index = 0;
        foreach (var entry in list.EnumerateArray())
            ReadEntry(entry, $"{source}: dependencies[{index++}]", edges, problems);

        foreach (var twice in edges.GroupBy(e => (From: e.From.ToUpperInvariant(), To: e.To.ToUpperInvariant())).Where(g => g.Count() > 1))
            problems.Add($"{source}: {twice.First().From} → {twice.First().To} is given {twice.Count()} times: give each dependency once");
        if (problems.Count > 0) return Result.Fail<QuotaDependencies>(string.Join("; ", problems));

        var order = SourcesFirstOrder(edges, out var cycle);
        return cycle is not null
            ? Result.Fail<QuotaDependencies>($"{source}: the dependencies form a cycle ({cycle}): a raise would never end")
            : Result.Ok(new QuotaDependencies(edges, order));
    }

    private static void ReadEntry(JsonElement entry, string where, List<QuotaDependency> edges, List<string> problems)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{where}: must be a mapping with from, unit and consumes");
            return;
        }
        Unknown(entry, where, problems, "from", "unit", "consumes");
        var sources = new List<(string Service, string Code)>();
        if (!entry.TryGetProperty("from", out var from) || from.ValueKind != JsonValueKind.Array || from.GetArrayLength() == 0)
            problems.Add($"{where}.from: a non-empty list of quotas (service/L-code) is required");
        else
        {
            var i = 0;
            foreach (var item in from.EnumerateArray())
            {
                if (QuotaRef(item, $"{where}.from[{i}]", problems) is { } quota) sources.Add(quota);
                i++;
            }
        }
        var unit = Text(entry, "unit", where, problems);
        if (!entry.TryGetProperty("consumes", out var consumes) || consumes.ValueKind != JsonValueKind.Array || consumes.GetArrayLength() == 0)
        {
            problems.Add($"{where}.consumes: a non-empty list of dependents is required");
            return;
        }
        var c = 0;
        foreach (var dependent in consumes.EnumerateArray())
        {
            var at = $"{where}.consumes[{c++}]";
            if (dependent.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{at}: must be a mapping with quota, noun, basis, per_unit and provenance");
                continue;
            }
            Unknown(dependent, at, problems, "quota", "noun", "basis", "per_unit", "provenance");
            var to = dependent.TryGetProperty("quota", out var q) ? QuotaRef(q, $"{at}.quota", problems) : Missing($"{at}.quota: a quota (service/L-code) is required", problems);
            var noun = Text(dependent, "noun", at, problems);
            var provenance = Text(dependent, "provenance", at, problems);
            var basis = Basis(dependent, at, problems);
            var perUnit = dependent.TryGetProperty("per_unit", out var p) && p.ValueKind == JsonValueKind.Number && p.GetDouble() is var ratio && double.IsFinite(ratio) && ratio >= 0
                ? ratio : (double?)null;
            if (perUnit is null) problems.Add($"{at}.per_unit: {Show(dependent, "per_unit")} must be a finite number ≥ 0 (units of the dependent per unit of the source)");
            if (to is not { } target || noun is null || provenance is null || basis is null || perUnit is null || unit is null) continue;
            foreach (var (service, code) in sources)
            {
                if (string.Equals(service, target.Service, StringComparison.OrdinalIgnoreCase) && string.Equals(code, target.Code, StringComparison.OrdinalIgnoreCase))
                    problems.Add($"{at}.quota: {service}/{code} cannot consume itself");
                else edges.Add(new QuotaDependency(service, code, unit, target.Service, target.Code, noun, basis.Value, perUnit.Value, provenance));
            }
        }
    }

    /// <summary>Kahn's order over the map's quotas; <paramref name="cycle"/> names the quotas left on a cycle.</summary>
    private static List<string> SourcesFirstOrder(List<QuotaDependency> edges, out string? cycle)
    {
        var comparer = StringComparer.OrdinalIgnoreCase;
        var nodes = edges.SelectMany(e => new[] { e.From, e.To }).Distinct(comparer).ToList();
        var incoming = nodes.ToDictionary(n => n, n => edges.Count(e => comparer.Equals(e.To, n)), comparer);
        var ready = new Queue<string>(nodes.Where(n => incoming[n] == 0));
        var order = new List<string>();
        while (ready.TryDequeue(out var node))
        {
            order.Add(node);
            foreach (var edge in edges.Where(e => comparer.Equals(e.From, node)))
                if (--incoming[edge.To] == 0) ready.Enqueue(edge.To);
        }
        cycle = order.Count == nodes.Count ? null : string.Join(", ", nodes.Where(n => incoming[n] > 0));
        return order;
    }

    private static (string Service, string Code)? QuotaRef(JsonElement e, string where, List<string> problems)
    {
        var text = e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (text is not null && slash > 0 && slash < text.Length - 1 && text.IndexOf('/', slash + 1) < 0 && !text.Any(char.IsWhiteSpace))
            return (text[..slash], text[(slash + 1)..]);
        problems.Add($"{where}: {(text is null ? e.GetRawText() : $"'{text}'")} must be a quota written service/L-code (e.g. vpc/L-DF5E4CA3)");
        return null;
    }

    private static (string Service, string Code)? Missing(string message, List<string> problems)
    {
        problems.Add(message);
        return null;
    }

    private static DependencyBasis? Basis(JsonElement e, string where, List<string> problems)
    {
        var text = e.TryGetProperty("basis", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null;
        switch (text)
        {
            case "fixed": return DependencyBasis.Fixed;
            case "in_use": return DependencyBasis.InUse;
            default:
                problems.Add($"{where}.basis: {Show(e, "basis")} must be fixed or in_use");
                return null;
        }
    }

    private static string? Text(JsonElement e, string field, string where, List<string> problems)
    {
        if (e.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString())) return v.GetString();
        problems.Add($"{where}.{field}: a non-empty text is required");
        return null;
    }

    private static void Unknown(JsonElement e, string where, List<string> problems, params string[] known)
    {
        foreach (var p in e.EnumerateObject().Where(p => !known.Contains(p.Name, StringComparer.Ordinal)))
            problems.Add($"{where}: '{p.Name}' is not a field of the map ({string.Join(", ", known)})");
    }

    private static string Show(JsonElement e, string field) =>
        e.TryGetProperty(field, out var v) ? v.GetRawText() : "(missing)";

    private static QuotaDependencies LoadEmbedded()
    {
        using var stream = typeof(QuotaDependencies).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"embedded resource {Resource} is missing from {typeof(QuotaDependencies).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        var parsed = Parse(reader.ReadToEnd());
        // The shipped map is checked by a test; a bad one is a build defect, not input.
        return parsed.Success ? parsed.Value : throw new InvalidOperationException(parsed.Error);
    }

    /// <summary>An amount as reasons write it: whole numbers plain, fractions to two places.</summary>
    internal static string Num(double v) => v.ToString("#,0.##", CultureInfo.InvariantCulture);
}
