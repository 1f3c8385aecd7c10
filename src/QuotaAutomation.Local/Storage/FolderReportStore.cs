using System.Globalization;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Local.Storage;

/// <summary>Reports in a folder beside the embedded database (<c>reports/YYYY/MM/DD/NAME</c>), as the S3 store keys them.</summary>
public sealed class FolderReportStore(string folder) : IReportStore
{
    public async Task<string> PutAsync(string name, string html, DateTimeOffset at, CancellationToken ct)
    {
        var path = Path.Combine(folder, at.UtcDateTime.ToString("yyyy", CultureInfo.InvariantCulture), at.UtcDateTime.ToString("MM", CultureInfo.InvariantCulture),
            at.UtcDateTime.ToString("dd", CultureInfo.InvariantCulture), Path.GetFileName(name));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, html, ct);
        return path;
    }
}
