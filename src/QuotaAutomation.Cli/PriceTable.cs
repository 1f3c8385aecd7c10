using System.Globalization;
using System.Text.Json;
using QuotaAutomation.Core.Decisions;

namespace QuotaAutomation.Cli;

/// <summary>
/// Reads a unit-price table for the cost estimate:
/// <c>{"usd_per_unit_hour": {"ec2": 0.05, "lambda/L-B99A9384": 0.015}, "default_usd_per_unit_hour": 0.01, "hours_per_month": 730}</c>.
/// A key is a service code (all its quotas) or <c>service/QuotaCode</c> (one quota), priced per unit of that quota
/// per hour (a vCPU-hour, a concurrent execution held an hour: see docs/rules.md). Missing members keep the defaults
/// (<see cref="CostModel.DefaultPrices"/>); keys not listed keep their default price.
/// </summary>
public static class PriceTable
{
    public static CostModel Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}: a price table must be a JSON object");
        var model = CostModel.SeedDefaults;
        var prices = new Dictionary<string, double>(model.UsdPerUnitHour, StringComparer.OrdinalIgnoreCase);
        foreach (var member in root.EnumerateObject())
        {
            switch (member.Name)
            {
                case "usd_per_unit_hour" when member.Value.ValueKind == JsonValueKind.Object:
                    foreach (var price in member.Value.EnumerateObject()) prices[price.Name] = NonNegative(path, $"usd_per_unit_hour.{price.Name}", price.Value);
                    break;
                case "default_usd_per_unit_hour":
                    model = model with { DefaultUsdPerUnitHour = NonNegative(path, member.Name, member.Value) };
                    break;
                case "hours_per_month":
                    model = model with { HoursPerMonth = NonNegative(path, member.Name, member.Value) };
                    break;
                default:
                    throw new InvalidDataException($"{path}: '{member.Name}' is not a price table member (usd_per_unit_hour, default_usd_per_unit_hour, hours_per_month)");
            }
        }
        return model with { UsdPerUnitHour = prices };
    }

    private static double NonNegative(string path, string field, JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.GetDouble() is var n && n >= 0 && double.IsFinite(n)
            ? n
            : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: {field} {value.GetRawText()} must be a number ≥ 0"));
}
