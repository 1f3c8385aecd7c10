using System.Globalization;
using System.Xml.Linq;

namespace QuotaAutomation.Aws.Clients;

/// <summary>
/// EC2 over its query protocol (botocore ec2 2016-11-15, signing name <c>ec2</c>): only <c>DescribeInstanceTypes</c>,
/// for the deployment gate's vCPU counts. Written as a thin client when AWSSDK.EC2 (about 5 MB, the largest assembly
/// in the Lambda package) would have come in for this one operation; the usage counters bring it in now
/// (<see cref="Adapters.AwsClients.AmazonEc2"/>), and this operation stays here only because moving it (and its tests)
/// was not needed for them.
/// </summary>
public sealed class Ec2Client(AwsClientOptions options) : IDisposable
{
    private const int ValuesPerCall = 50;

    private readonly AwsTransport _transport = new(options, "ec2", "ec2");

    /// <summary>
    /// Default vCPUs of each named type EC2 knows in the Region. Asked with the <c>instance-type</c> filter rather than
    /// <c>InstanceType.N</c>, so an unknown (mistyped) type is simply absent instead of failing the whole call with
    /// <c>InvalidInstanceType</c>.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> DescribeVCpusAsync(IReadOnlyCollection<string> instanceTypes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(instanceTypes);
        var vcpus = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var chunk in instanceTypes.Distinct(StringComparer.Ordinal).Chunk(ValuesPerCall))
        {
            string? next = null;
            do
            {
                var parameters = new List<KeyValuePair<string, string>> { new("Filter.1.Name", "instance-type"), new("MaxResults", "100") };
                parameters.AddRange(chunk.Select((type, i) => KeyValuePair.Create(string.Create(CultureInfo.InvariantCulture, $"Filter.1.Value.{i + 1}"), type)));
                if (next is not null) parameters.Add(new("NextToken", next));
                var reply = await _transport.QueryAsync("2016-11-15", "DescribeInstanceTypes", parameters, ct);
                foreach (var item in Child(reply, "instanceTypeSet")?.Elements() ?? [])
                {
                    if (Child(item, "instanceType")?.Value is { Length: > 0 } type
                        && Child(Child(item, "vCpuInfo"), "defaultVCpus")?.Value is { } count
                        && int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                        vcpus[type] = n;
                }
                next = Child(reply, "nextToken")?.Value is { Length: > 0 } token ? token : null;
            }
            while (next is not null);
        }
        return vcpus;
    }

    private static XElement? Child(XElement? parent, string name) => parent?.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    public void Dispose() => _transport.Dispose();
}
