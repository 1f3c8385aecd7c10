using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>One limit a Trusted Advisor Service Limits check reports, and the Service Quotas quota it is.</summary>
public sealed record TrustedAdvisorLimit(string CheckId, string CheckName, string Service, string LimitName, string ServiceCode, string QuotaCode);

/// <summary>
/// Trusted Advisor's limit names mapped to quota codes, from the data table <c>TrustedAdvisorLimits.csv</c> (embedded;
/// its header names the sources). Trusted Advisor spells limits its own way ("VPCs" for "VPCs per Region"), so a quota
/// is matched through this table, never by its name.
/// </summary>
public static class TrustedAdvisorLimits
{
    public static IReadOnlyList<TrustedAdvisorLimit> All { get; } = Load();

    private static readonly Dictionary<(string Service, string Code), TrustedAdvisorLimit> ByQuota =
        All.ToDictionary(l => (l.ServiceCode, l.QuotaCode));

    /// <summary>The check and names that report <paramref name="quota"/>, or null when Trusted Advisor does not.</summary>
    public static TrustedAdvisorLimit? For(QuotaKey quota)
    {
        ArgumentNullException.ThrowIfNull(quota);
        return ByQuota.GetValueOrDefault((quota.ServiceCode, quota.QuotaCode));
    }

    private static List<TrustedAdvisorLimit> Load()
    {
        using var stream = typeof(TrustedAdvisorLimits).Assembly.GetManifestResourceStream("TrustedAdvisorLimits.csv")
            ?? throw new InvalidOperationException("TrustedAdvisorLimits.csv is not embedded in QuotaAutomation.Aws");
        using var reader = new StreamReader(stream);
        var rows = reader.ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        const string header = "check_id,check_name,ta_service,ta_limit_name,service_code,quota_code";
        if (rows.Count == 0 || rows[0] != header) throw new InvalidDataException($"TrustedAdvisorLimits.csv: the first row must be '{header}'");
        // No field holds a comma (checked here), so a plain split reads the table.
        return rows.Skip(1).Select((row, i) => row.Split(',') is [var id, var name, var service, var limit, var code, var quota]
            ? new TrustedAdvisorLimit(id, name, service, limit, code, quota)
            : throw new InvalidDataException($"TrustedAdvisorLimits.csv: data row {i + 1} must have 6 fields without commas: '{row}'")).ToList();
    }
}
