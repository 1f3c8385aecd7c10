using System.Diagnostics;
using System.Globalization;

namespace QuotaAutomation.Local.Runtime;

/// <summary>
/// Names the process that runs embedded cycles (its id and start time, so a reused pid is not mistaken for it) and
/// tells whether a named process still runs. Reconciliation closes an unfinished cycle or intent only when its process
/// has ended: a CLI killed with kill -9 is gone, while a run that is merely behind the shared virtual clock is not.
/// </summary>
public static class ProcessOwner
{
    private const string Prefix = "pid ";

    /// <summary>This process, as recorded on its cycles' audit records.</summary>
    public static string Current { get; } = Describe();

    /// <summary>True while the process <paramref name="owner"/> names (as <see cref="Current"/> writes it) still runs.</summary>
    public static bool IsAlive(string owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var parts = owner.StartsWith(Prefix, StringComparison.Ordinal) ? owner[Prefix.Length..].Split(" started ") : [];
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var started))
            return false; // not written by this class: age alone decides
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && process.StartTime.ToUniversalTime().Ticks == started;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false; // no such process, or it ended while we looked
        }
    }

    private static string Describe()
    {
        using var process = Process.GetCurrentProcess();
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}{process.Id} started {process.StartTime.ToUniversalTime().Ticks}");
    }
}
