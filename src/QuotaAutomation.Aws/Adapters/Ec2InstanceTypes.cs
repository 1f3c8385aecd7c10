using System.Collections.Concurrent;
using QuotaAutomation.Aws.Clients;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// vCPUs of instance types from EC2 DescribeInstanceTypes, cached for the life of the process per Region (a type's
/// vCPUs never change; a type EC2 does not know is remembered as unknown too, so it is asked for once).
/// </summary>
public sealed class Ec2InstanceTypes(Ec2Client client, string region)
{
    private static readonly ConcurrentDictionary<(string Region, string Type), int?> Cache = new();

    public async Task<IReadOnlyDictionary<string, int>> VCpusAsync(IReadOnlyCollection<string> instanceTypes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(instanceTypes);
        var missing = instanceTypes.Where(t => !Cache.ContainsKey((region, t))).ToList();
        if (missing.Count > 0)
        {
            var found = await client.DescribeVCpusAsync(missing, ct);
            foreach (var type in missing) Cache[(region, type)] = found.TryGetValue(type, out var n) ? n : null;
        }
        return instanceTypes.Distinct(StringComparer.Ordinal)
            .Select(t => (Type: t, VCpus: Cache.GetValueOrDefault((region, t))))
            .Where(t => t.VCpus is not null)
            .ToDictionary(t => t.Type, t => t.VCpus!.Value, StringComparer.Ordinal); // nulls filtered above
    }
}
