using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace QuotaAutomation.Core.Quotas;

/// <summary>
/// What one read of quotas returned: the quotas found and, for each key whose read failed (its service's listing
/// failed after its retries, say), why. A key in neither does not exist. A failed read fails only the rules it serves.
/// </summary>
public sealed class QuotaDictionary(IReadOnlyDictionary<QuotaKey, QuotaInfo> found, IReadOnlyDictionary<QuotaKey, string>? failed = null)
    : IReadOnlyDictionary<QuotaKey, QuotaInfo>
{
    /// <summary>Why each key could not be read, e.g. <c>ListServiceQuotas for ec2 in us-east-1 failed: ThrottlingException: Rate exceeded</c>.</summary>
    public IReadOnlyDictionary<QuotaKey, string> Failed { get; } = failed ?? new Dictionary<QuotaKey, string>();

    /// <summary>Adapters that read everything or fail as a whole return a plain dictionary.</summary>
    [SuppressMessage("Usage", "CA2225:Operator overloads have named alternates", Justification = "the constructor is the named alternate")]
    public static implicit operator QuotaDictionary(Dictionary<QuotaKey, QuotaInfo> found) => new(found);

    public QuotaInfo this[QuotaKey key] => found[key];

    public IEnumerable<QuotaKey> Keys => found.Keys;

    public IEnumerable<QuotaInfo> Values => found.Values;

    public int Count => found.Count;

    public bool ContainsKey(QuotaKey key) => found.ContainsKey(key);

    public bool TryGetValue(QuotaKey key, [MaybeNullWhen(false)] out QuotaInfo value) => found.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<QuotaKey, QuotaInfo>> GetEnumerator() => found.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
