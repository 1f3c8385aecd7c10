using System.Globalization;

namespace QuotaAutomation.Core.Rules;

/// <summary>A weekly window in a time zone, e.g. Mon–Fri 09:00–18:00 UTC.</summary>
public sealed record BusinessHours(IReadOnlySet<DayOfWeek> Days, TimeOnly Start, TimeOnly End, TimeZoneInfo Zone)
{
    public static BusinessHours Default { get; } = new(
        new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday },
        new TimeOnly(9, 0), new TimeOnly(18, 0), TimeZoneInfo.Utc);

    public bool Contains(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, Zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return Days.Contains(local.DayOfWeek) && time >= Start && time < End;
    }

    public override string ToString()
    {
        var days = string.Join(",", Days.Order().Select(d => d.ToString()[..3]));
        return string.Create(CultureInfo.InvariantCulture, $"{days} {Start:HH\\:mm}-{End:HH\\:mm} {Zone.Id}");
    }
}
