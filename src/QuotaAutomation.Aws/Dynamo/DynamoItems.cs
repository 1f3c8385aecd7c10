using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>Small helpers for reading and writing DynamoDB attribute values.</summary>
internal static class DynamoItems
{
    public static AttributeValue S(string value) => new() { S = value };

    public static AttributeValue N(double value) => new() { N = value.ToString("R", CultureInfo.InvariantCulture) };

    public static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static void Put(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (value is not null) item[name] = S(value);
    }

    public static string? Str(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && v.S is { } s ? s : null;

    public static string Req(Dictionary<string, AttributeValue> item, string name) =>
        Str(item, name) ?? throw new InvalidDataException($"item {Str(item, "pk") ?? Str(item, "id") ?? "?"} has no '{name}'");

    public static double Num(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && v.N is { } n ? double.Parse(n, CultureInfo.InvariantCulture)
        : throw new InvalidDataException($"item {Str(item, "pk") ?? Str(item, "id") ?? "?"} has no number '{name}'");

    public static long Seconds(DateTimeOffset t) => t.ToUnixTimeSeconds();

    public static DateTimeOffset Time(Dictionary<string, AttributeValue> item, string name) => DateTimeOffset.FromUnixTimeSeconds((long)Num(item, name));

    /// <summary>The quota's key as one string, e.g. <c>ec2/L-1216C47A@us-east-1</c> or <c>…#123456789012</c>.</summary>
    public static string QuotaId(QuotaKey key) => key.ToString();

    public static void PutKey(Dictionary<string, AttributeValue> item, QuotaKey key)
    {
        item["service_code"] = S(key.ServiceCode);
        item["quota_code"] = S(key.QuotaCode);
        item["region"] = S(key.Region);
        Put(item, "account_id", key.AccountId);
    }

    public static QuotaKey Key(Dictionary<string, AttributeValue> item) =>
        new(Req(item, "service_code"), Req(item, "quota_code"), Req(item, "region"), Str(item, "account_id"));

    /// <summary>Every item a query matches, following <c>LastEvaluatedKey</c> page by page.</summary>
    /// <param name="pacer">Spaces the pages to a fleet shard's share of the table (<see cref="UsageTablePacing"/>); null: not paced.</param>
    public static async Task<List<Dictionary<string, AttributeValue>>> QueryAllAsync(IAmazonDynamoDB dynamo, QueryRequest request, CancellationToken ct,
        UsageTablePacing.ShardTablePacer? pacer = null)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        do
        {
            if (pacer is not null) await pacer.BeforeReadAsync(ct);
            var page = await dynamo.QueryAsync(request, ct);
            pacer?.AfterRead(page, request.ConsistentRead == true);
            items.AddRange(page.Items ?? []);
            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (request.ExclusiveStartKey is not null);
        return items;
    }

    /// <summary>Every item of a table (a consistent Scan, page by page): the hand-edited tables (rules, policies) are small.</summary>
    public static async Task<List<Dictionary<string, AttributeValue>>> ScanAllAsync(IAmazonDynamoDB dynamo, string table, CancellationToken ct)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamo.ScanAsync(new ScanRequest { TableName = table, ExclusiveStartKey = start, ConsistentRead = true }, ct);
            items.AddRange(page.Items ?? []);
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
        return items;
    }

    /// <summary>A hand-edited item as the parser reads it: attribute name → neutral value (<see cref="ToPlain"/>).</summary>
    public static IReadOnlyDictionary<string, object?> Plain(Dictionary<string, AttributeValue> item) => item.ToDictionary(a => a.Key, a => ToPlain(a.Value));

    /// <summary>
    /// A hand-edited attribute as the parser's neutral value: S → string, N → number, BOOL, NULL, L → list, M → map.
    /// Binaries and sets have no such value: they become <see cref="UnsupportedValue"/>, which the parser rejects naming
    /// the field and the type, rather than null, which it would read as "use the default".
    /// </summary>
    public static object? ToPlain(AttributeValue v) => v switch
    {
        { S: { } s } => s,
        { N: { } n } => double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : n,
        { BOOL: { } b } => b,
        { NULL: true } => null,
        { B: not null } => new UnsupportedValue("a DynamoDB binary (B)"),
        { SS: { Count: > 0 } } => new UnsupportedValue("a DynamoDB string set (SS)"),
        { NS: { Count: > 0 } } => new UnsupportedValue("a DynamoDB number set (NS)"),
        { BS: { Count: > 0 } } => new UnsupportedValue("a DynamoDB binary set (BS)"),
        { L: { } l } => l.Select(ToPlain).ToArray(),
        { M: { } m } => m.ToDictionary(p => p.Key, p => ToPlain(p.Value)),
        _ => new UnsupportedValue("a DynamoDB value of no type this parser knows"),
    };

    /// <summary>
    /// The inverse of <see cref="ToPlain"/> for what rule files and the parser hold: string → S, number → N, bool → BOOL,
    /// null → NULL, a map → M, any other list → L. Anything else is a bug in the caller, not a person's input.
    /// </summary>
    public static AttributeValue FromPlain(object? value) => value switch
    {
        null => new AttributeValue { NULL = true },
        string s => S(s),
        bool b => new AttributeValue { BOOL = b },
        double d => N(d),
        int i => N(i),
        long l => N(l),
        IEnumerable<KeyValuePair<string, object?>> map => new AttributeValue { M = map.ToDictionary(p => p.Key, p => FromPlain(p.Value)) },
        System.Collections.IEnumerable list => new AttributeValue { L = list.Cast<object?>().Select(FromPlain).ToList() },
        _ => throw new ArgumentException($"a {value.GetType().Name} has no DynamoDB attribute type", nameof(value)),
    };
}
