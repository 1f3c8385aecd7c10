using System.Globalization;
using System.Security.Cryptography;
using QuotaAutomation.Core.Forecasting;

namespace QuotaAutomation.Forecasting;

/// <summary>A usage trace: a <c>timestamp,value</c> CSV (models/traces), with its file's sha256 for provenance.</summary>
public sealed record TraceFile(string Name, string Sha256, IReadOnlyList<UsageSample> Samples)
{
    /// <summary>Every <c>*.csv</c> trace in a folder except the manifest, in name order.</summary>
    public static IReadOnlyList<TraceFile> ReadFolder(string folder) => Directory.GetFiles(folder, "*.csv")
        .Where(f => !Path.GetFileName(f).Equals("manifest.csv", StringComparison.OrdinalIgnoreCase))
        .Order(StringComparer.Ordinal)
        .Select(Read)
        .ToList();

    /// <summary>Reads one trace; timestamps are UTC (<c>yyyy-MM-dd HH:mm:ss</c>), invariant culture; a last line may lack its newline.</summary>
    public static TraceFile Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var samples = new List<UsageSample>();
        using var reader = new StringReader(System.Text.Encoding.UTF8.GetString(bytes));
        var header = reader.ReadLine();
        if (header?.Trim() != "timestamp,value") throw new InvalidDataException($"{Path.GetFileName(path)}: the header must be 'timestamp,value', not '{header}'");
        var line = 1;
        for (var text = reader.ReadLine(); text is not null; text = reader.ReadLine())
        {
            line++;
            if (text.Length == 0) continue;
            var comma = text.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0
                || !DateTimeOffset.TryParseExact(text[..comma], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
                || !double.TryParse(text[(comma + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                throw new InvalidDataException($"{Path.GetFileName(path)} line {line}: '{text}' is not 'yyyy-MM-dd HH:mm:ss,number'");
            samples.Add(new UsageSample(time, value));
        }
        return new TraceFile(Path.GetFileName(path), Convert.ToHexStringLower(SHA256.HashData(bytes)), samples);
    }
}
