using System.Text.Json;
using QuotaAutomation.Aws.Clients;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// vCPUs of instance types from EC2 DescribeInstanceTypes, asked once per type: kept for the life of this object (one
/// per command) and, when given a cache file, on disk for <see cref="DiskLifetime"/>, so the next command asks again
/// only for types it has not seen. A type EC2 does not know is remembered as unknown too.
/// </summary>
public sealed class Ec2InstanceTypes(Ec2Client client, string region, string? cacheFile = null, TimeProvider? time = null)
{
    /// <summary>A type's vCPUs never change; a day bounds how long a typo's "unknown" or a partial file is trusted.</summary>
    public static readonly TimeSpan DiskLifetime = TimeSpan.FromDays(1);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private Dictionary<string, Entry>? _known;

    private sealed record Entry(int? VCpus, long At);

    public async Task<IReadOnlyDictionary<string, int>> VCpusAsync(IReadOnlyCollection<string> instanceTypes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(instanceTypes);
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        _known ??= Load(now);
        var missing = instanceTypes.Where(t => !_known.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            var found = await client.DescribeVCpusAsync(missing, ct);
            foreach (var type in missing) _known[type] = new Entry(found.TryGetValue(type, out var n) ? n : null, now);
            Save();
        }
        return instanceTypes.Distinct(StringComparer.Ordinal)
            .Where(t => _known[t].VCpus is not null)
            .ToDictionary(t => t, t => _known[t].VCpus!.Value, StringComparer.Ordinal); // nulls filtered above
    }

    /// <summary>The file's fresh entries for this Region; a missing, unreadable or stale file is simply not used.</summary>
    private Dictionary<string, Entry> Load(long now)
    {
        try
        {
            if (cacheFile is null || !File.Exists(cacheFile)) return new(StringComparer.Ordinal);
            var all = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, Entry>>>(File.ReadAllText(cacheFile));
            return (all?.GetValueOrDefault(region) ?? [])
                .Where(e => now - e.Value.At < DiskLifetime.TotalSeconds && e.Value.At <= now)
                .ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return new(StringComparer.Ordinal); // a cache is an optimisation: EC2 answers instead
        }
    }

    private void Save()
    {
        if (cacheFile is null || _known is null) return;
        try
        {
            var all = File.Exists(cacheFile) ? JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, Entry>>>(File.ReadAllText(cacheFile)) ?? [] : [];
            all[region] = _known;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(cacheFile))!); // a full path has a directory
            var temporary = cacheFile + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(all));
            File.Move(temporary, cacheFile, overwrite: true); // whole or not at all, when two commands write at once
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // Not cached on disk this time; the answer stands.
        }
    }
}
