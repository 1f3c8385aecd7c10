using System.Globalization;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// A point in time as people type it on the command line: an ISO 8601 time (UTC unless it says otherwise, e.g.
/// <c>2026-11-24T15:00Z</c> or <c>2026-11-24</c>) or a duration back from now (<c>90s</c>, <c>30m</c>, <c>2h</c>, <c>7d</c>).
/// "Now" is the backend's clock: the virtual clock on the embedded backend.
/// </summary>
internal static class TimeArgument
{
    public static DateTimeOffset Parse(string text, string option, DateTimeOffset now)
    {
        var trimmed = text.Trim();
        if (trimmed.Length > 1 && double.TryParse(trimmed[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0 && double.IsFinite(n))
        {
            TimeSpan? back = trimmed[^1] switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => null,
            };
            if (back is { } span && span < now - DateTimeOffset.MinValue) return now - span;
        }
        if (DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            return at;
        throw new InvalidDataException($"{option} '{text}' must be an ISO 8601 time (2026-11-24T15:00Z) or a duration back from now (90s, 30m, 2h, 7d)");
    }
}
