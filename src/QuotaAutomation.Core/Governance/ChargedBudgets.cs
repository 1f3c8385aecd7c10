using System.Text.Json;

namespace QuotaAutomation.Core.Governance;

/// <summary>
/// What an increase was charged before it was filed: the same <paramref name="Cost"/> to each budget of
/// <paramref name="Keys"/> in <paramref name="Month"/>. Kept on the increase, and on its request once filed, so that
/// one that is then not filed, or that AWS denies, gives the charges back.
/// </summary>
public sealed record ChargedBudgets(string Month, double Cost, IReadOnlyList<string> Keys)
{
    /// <summary>As stored beside a request; null for none.</summary>
    public static string? ToJson(ChargedBudgets? charged) =>
        charged is null ? null : JsonSerializer.Serialize(new Stored(charged.Month, charged.Cost, [.. charged.Keys]));

    /// <summary>The inverse of <see cref="ToJson"/>: what the engine itself stored, so a malformed value is a bug and throws.</summary>
    public static ChargedBudgets? FromJson(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<Stored>(json) is { } s ? new ChargedBudgets(s.Month, s.Cost, s.Keys) : null;

    private sealed record Stored(string Month, double Cost, string[] Keys);
}
