using System.Globalization;
using System.Text.Json;
using QuotaAutomation.Core.Common;

namespace QuotaAutomation.Core.Fleet.Costs;

/// <summary>
/// The list prices a bill is computed at, read from a JSON document:
/// <c>{"region": "us-east-1", "prices": [{"item": "lambda.requests", "usd_per_unit": 0.0000002, "unit": "request",
/// "source": "https://…", "checked": "2026-11-30", "assumed": false, "note": "…"}, …]}</c>. Every
/// <see cref="BillItems.Priced"/> name (the bill's and those beside it) must have exactly one price.
/// </summary>
public sealed record PriceList(string Region, IReadOnlyList<Price> Prices)
{
    public Price For(string item) =>
        Prices.FirstOrDefault(p => p.Item == item) ?? throw new KeyNotFoundException($"the price list has no price for '{item}'");

    /// <summary>Reads a price list; a failure names the field and what it must be.</summary>
    public static Result<PriceList> Parse(string json, string name)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            return Result.Fail<PriceList>($"{name}: not JSON ({e.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("prices", out var prices) || prices.ValueKind != JsonValueKind.Array)
                return Result.Fail<PriceList>($"{name}: a price list is an object with a 'prices' array");
            var region = root.TryGetProperty("region", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "us-east-1"; // a string element's GetString is not null
            var problems = new List<string>();
            var read = new List<Price>();
            var index = 0;
            foreach (var entry in prices.EnumerateArray())
            {
                var at = $"prices[{index++}]";
                var item = Text(entry, "item");
                if (item is null || !BillItems.Priced.Contains(item))
                {
                    problems.Add($"{at}.item '{item}' must be one of {string.Join(", ", BillItems.Priced)}");
                    continue;
                }
                if (!entry.TryGetProperty("usd_per_unit", out var usd) || usd.ValueKind != JsonValueKind.Number || usd.GetDouble() is var value && (value < 0 || !double.IsFinite(value)))
                {
                    problems.Add($"{at} ({item}).usd_per_unit must be a number ≥ 0");
                    continue;
                }
                var source = Text(entry, "source");
                var checkedOn = Text(entry, "checked");
                if (string.IsNullOrWhiteSpace(source)) problems.Add($"{at} ({item}).source must name the page the price was read from");
                if (checkedOn is null || !DateOnly.TryParseExact(checkedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                    problems.Add($"{at} ({item}).checked must be the date it was read, yyyy-MM-dd");
                var assumed = entry.TryGetProperty("assumed", out var a) && a.ValueKind == JsonValueKind.True;
                read.Add(new Price(item, usd.GetDouble(), Text(entry, "unit") ?? "unit", source ?? "", checkedOn ?? "", assumed, Text(entry, "note")));
            }
            foreach (var twice in read.GroupBy(p => p.Item).Where(g => g.Count() > 1)) problems.Add($"'{twice.Key}' is priced {twice.Count()} times");
            foreach (var missing in BillItems.Priced.Where(i => read.All(p => p.Item != i))) problems.Add($"'{missing}' has no price");
            return problems.Count > 0
                ? Result.Fail<PriceList>($"{name}: {string.Join("; ", problems)}")
                : Result.Ok(new PriceList(region, read));
        }
    }

    private static string? Text(JsonElement entry, string field) =>
        entry.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
