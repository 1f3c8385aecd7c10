using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// Where a counter counts: one account (null for the caller's own) and Region, through that account's clients. A global
/// service's counter (<see cref="Core.Usage.CountScope.Account"/>) is asked in the Region its quotas name (us-east-1).
/// </summary>
public sealed record CounterScope(AwsClients Clients, string? AccountId, string Region)
{
    /// <summary>A key in this account and Region, for the per-account client getters of <see cref="AwsClients"/>.</summary>
    public QuotaKey Probe(string serviceCode) => new(serviceCode, "-", Region, AccountId);

    private readonly Dictionary<string, object> _reads = new(StringComparer.Ordinal);

    /// <summary>
    /// A read that several counters need in this account and Region (EC2 DescribeSubnets: subnets per VPC, and the
    /// Availability Zones of NAT gateways), made once however many ask: the first caller's <paramref name="read"/> runs.
    /// </summary>
    /// <param name="call">Names the read (<c>ec2:DescribeSubnets</c>); every caller's <typeparamref name="T"/> for it is the same.</param>
    public Task<T> Once<T>(string call, Func<Task<T>> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (_reads)
        {
            if (!_reads.TryGetValue(call, out var started)) _reads[call] = started = read();
            return (Task<T>)started; // one type per call name, as documented
        }
    }
}
