using System.Globalization;
using System.Text.Json;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// Unit prices from the AWS Price List (<c>GetProducts</c>) for the quotas the cost model prices
/// (<see cref="CostModel.DefaultPrices"/>), one query each, cached per Region for a day (an hour after a failure). A price
/// the list does not give (no product matched, the call failed, no permission) keeps the shipped table's, and its
/// provenance says it is estimated and why; the cycle never waits on, nor fails with, the Price List.
/// </summary>
public sealed class PriceListPrices(PricingClient pricing, TimeProvider time)
{
    public static readonly TimeSpan Fresh = TimeSpan.FromDays(1);

    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromHours(1);

    /// <summary>
    /// What to ask the list for each priced key, and how one of its prices becomes the key's unit-hour price. The
    /// attribute names are the offer files' (AWS Billing User Guide, "Offer File Definitions").
    /// </summary>
    public static IReadOnlyList<PriceQuery> Queries { get; } =
    [
        new("ec2", "AmazonEC2",
            [("instanceType", "m5.large"), ("operatingSystem", "Linux"), ("tenancy", "Shared"), ("preInstalledSw", "NA"), ("capacitystatus", "Used")],
            null, (price, attributes) => price / double.Parse(attributes.GetValueOrDefault("vcpu") ?? "2", CultureInfo.InvariantCulture), "m5.large Linux On-Demand ÷ its vCPUs"),
        new("ec2/L-0263D0A3", "AmazonVPC", [], "PublicIPv4:InUseAddress", (price, _) => price, "an in-use public IPv4 address-hour"),
        new("lambda/L-B99A9384", "AWSLambda", [], "Lambda-Provisioned-Concurrency", (price, _) => price * 0.125 * 3600, "provisioned concurrency per GB-second × 0.125 GB × 3,600 s"),
        new("rds/L-7B6409FD", "AmazonRDS", [("instanceType", "db.m5.large"), ("databaseEngine", "MySQL"), ("deploymentOption", "Single-AZ")], null, (price, _) => price,
            "db.m5.large MySQL Single-AZ On-Demand"),
    ];

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (DateTimeOffset Until, CostModel Model)> _cache = new(StringComparer.Ordinal);

    /// <summary>The prices of <paramref name="region"/> as a cycle reads them.</summary>
    public IPriceSource ForRegion(string region) => new RegionPrices(this, region);

    /// <summary>The Region's cost model: cached, or read now; never throws (a failure keeps the table, marked estimated).</summary>
    public async Task<CostModel> CostModelAsync(string region, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_cache.TryGetValue(region, out var kept) && kept.Until > now) return kept.Model;
        }
        var prices = new Dictionary<string, double>(CostModel.SeedDefaults.UsdPerUnitHour, StringComparer.OrdinalIgnoreCase);
        var provenance = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["*"] = $"estimated: a placeholder ${CostModel.DefaultUnitHour} a unit-hour, no price for this quota",
        };
        var failed = false;
        foreach (var query in Queries)
        {
            try
            {
                if (await ReadAsync(query, region, ct) is { } price)
                {
                    prices[query.Key] = price;
                    provenance[query.Key] = $"Price List {region} {now:yyyy-MM-dd}";
                    continue;
                }
                provenance[query.Key] = $"estimated: the shipped table; the Price List has no {query.Describe} in {region}";
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed = true;
                provenance[query.Key] = $"estimated: the shipped table; the Price List could not be read ({Short(e)})";
            }
        }
        var model = CostModel.SeedDefaults with { UsdPerUnitHour = prices, Provenance = provenance };
        lock (_lock) _cache[region] = (now + (failed ? RetryAfterFailure : Fresh), model);
        return model;
    }

    /// <summary>The unit-hour price of <paramref name="query"/> in the Region: the first product's first non-zero On-Demand USD price.</summary>
    private async Task<double?> ReadAsync(PriceQuery query, string region, CancellationToken ct)
    {
        var filters = query.Terms.Select(t => PricingFilter.TermMatch(t.Field, t.Value)).Append(PricingFilter.TermMatch("regionCode", region)).ToList();
        if (query.UsageTypeSuffix is { } usage) filters.Add(PricingFilter.Contains("usagetype", usage));
        string? token = null;
        do
        {
            var page = await pricing.GetProductsAsync(new GetProductsRequest { ServiceCode = query.ServiceCode, Filters = filters, FormatVersion = "aws_v1", NextToken = token, MaxResults = 100 }, ct);
            foreach (var product in page.PriceList ?? [])
                if (Price(product, query.UsageTypeSuffix) is { } found) return query.ToUnitHour(found.Price, found.Attributes);
            token = page.NextToken;
        }
        while (token is not null);
        return null;
    }

    /// <summary>A product's On-Demand USD price and its attributes, or null when it has none above zero or is not the usage type asked for.</summary>
    internal static (double Price, IReadOnlyDictionary<string, string> Attributes)? Price(string productJson, string? usageTypeSuffix)
    {
        using var document = JsonDocument.Parse(productJson);
        var root = document.RootElement;
        var attributes = root.TryGetProperty("product", out var product) && product.TryGetProperty("attributes", out var a) && a.ValueKind == JsonValueKind.Object
            ? a.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)
            : [];
        // A Region's usage types carry its prefix (USE1-…): the suffix must be the whole rest, so an ARM variant is not taken for x86.
        if (usageTypeSuffix is not null && attributes.GetValueOrDefault("usagetype") is { } usage && !usage.EndsWith("-" + usageTypeSuffix, StringComparison.Ordinal) && usage != usageTypeSuffix)
            return null;
        if (!root.TryGetProperty("terms", out var terms) || !terms.TryGetProperty("OnDemand", out var onDemand) || onDemand.ValueKind != JsonValueKind.Object) return null;
        foreach (var offer in onDemand.EnumerateObject())
        {
            if (!offer.Value.TryGetProperty("priceDimensions", out var dimensions) || dimensions.ValueKind != JsonValueKind.Object) continue;
            foreach (var dimension in dimensions.EnumerateObject())
            {
                if (dimension.Value.TryGetProperty("pricePerUnit", out var perUnit) && perUnit.TryGetProperty("USD", out var usd) && usd.ValueKind == JsonValueKind.String
                    && double.TryParse(usd.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var price) && double.IsFinite(price) && price > 0)
                    return (price, attributes);
            }
        }
        return null;
    }

    private static string Short(Exception e) => e is AwsServiceException aws ? aws.ErrorCode : e.GetType().Name;

    private sealed class RegionPrices(PriceListPrices prices, string region) : IPriceSource
    {
        public Task<CostModel> CostModelAsync(CancellationToken ct) => prices.CostModelAsync(region, ct);
    }
}

/// <summary>One priced key's Price List query: its service, attribute terms, optional usage type, and how a price becomes a unit-hour price.</summary>
/// <param name="ToUnitHour">The product's price (per its unit) and attributes → USD per unit of the quota per hour.</param>
public sealed record PriceQuery(string Key, string ServiceCode, IReadOnlyList<(string Field, string Value)> Terms, string? UsageTypeSuffix,
    Func<double, IReadOnlyDictionary<string, string>, double> ToUnitHour, string Describe);
