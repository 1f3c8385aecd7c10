using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// The quota ids a wake names (<see cref="Ports.IShardWakes"/>, <see cref="FleetShard.Woken"/>): <c>{service}/{quota code}</c>,
/// or <c>{service}/*</c> for every quota of the service the shard governs (an AWS Health threshold notification names
/// the quota by its name, not its code, so only its service is certain).
/// </summary>
public static class ShardWakeIds
{
    /// <summary>What a store keeps for a wake that names no quota: the shard runs, nothing extra is read in detail.</summary>
    public const string WholeShard = "*";

    public const string Shape = "'{service}/{quota code}'";

    public static string Of(string serviceCode, string quotaCode) => $"{serviceCode}/{quotaCode}";

    /// <summary>Service: lower-case letters, digits and '-'; code: letters, digits and '-', or '*'; each at most 64.</summary>
    public static bool IsQuotaId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var slash = id.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash > 64 || id.Length - slash - 1 is < 1 or > 64) return false;
        var service = id.AsSpan(0, slash);
        var code = id.AsSpan(slash + 1);
        foreach (var c in service)
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')) return false;
        if (code is "*") return true;
        foreach (var c in code)
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-')) return false;
        return true;
    }

    /// <summary>The service and code of a well-formed id (<see cref="IsQuotaId"/>), else null; the code may be <c>*</c>.</summary>
    public static (string Service, string Code)? Split(string id) =>
        IsQuotaId(id) ? (id[..id.IndexOf('/', StringComparison.Ordinal)], id[(id.IndexOf('/', StringComparison.Ordinal) + 1)..]) : null;

    /// <summary>The quota ids a store returns: its marker dropped, each once, in order.</summary>
    public static IReadOnlyList<string> Quotas(IEnumerable<string> stored) =>
        stored.Where(id => id != WholeShard).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>Whether <paramref name="id"/> names <paramref name="key"/> (its service and code; <c>*</c> any code of the service).</summary>
    public static bool Names(string id, QuotaKey key)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(key);
        var slash = id.IndexOf('/', StringComparison.Ordinal);
        return slash > 0
            && id.AsSpan(0, slash).Equals(key.ServiceCode, StringComparison.Ordinal)
            && (id.AsSpan(slash + 1) is "*" || id.AsSpan(slash + 1).Equals(key.QuotaCode, StringComparison.Ordinal));
    }
}
