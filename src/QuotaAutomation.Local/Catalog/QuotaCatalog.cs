using System.IO.Compression;
using System.Text.Json;

namespace QuotaAutomation.Local.Catalog;

/// <summary>One quota of the bundled catalog (README.md beside this file): what AWS publishes about it, with its default when known.</summary>
public sealed record CatalogQuota(string ServiceCode, string? ServiceName, string QuotaCode, string QuotaName, double? DefaultValue, bool? Adjustable, bool HasUsageMetric);

/// <summary>
/// The 6,913 quotas of the bundled catalog, for <c>quotas list|search</c> without an AWS account. Embedded
/// gzip-compressed (the project compresses Catalog/quota-catalog.json at build time) and read on first use only, so
/// commands that never ask pay nothing.
/// </summary>
public static class QuotaCatalog
{
    private const string Resource = "quota-catalog.json.gz";

    private static readonly Lazy<IReadOnlyList<CatalogQuota>> Quotas = new(Load);

    public static IReadOnlyList<CatalogQuota> All => Quotas.Value;

    private static List<CatalogQuota> Load()
    {
        using var stream = typeof(QuotaCatalog).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"the quota catalog ({Resource}) is not embedded in {typeof(QuotaCatalog).Assembly.GetName().Name}");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var document = JsonDocument.Parse(gzip);
        return document.RootElement.EnumerateArray().Select(q => new CatalogQuota(
            q.GetProperty("ServiceCode").GetString() ?? "",
            Optional(q, "ServiceName")?.GetString(),
            q.GetProperty("QuotaCode").GetString() ?? "",
            q.GetProperty("QuotaName").GetString() ?? "",
            Optional(q, "DefaultValue")?.GetDouble(),
            Optional(q, "Adjustable")?.GetBoolean(),
            Optional(q, "UsageMetric") is not null)).ToList();
    }

    private static JsonElement? Optional(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
}
