using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// KMS customer managed keys per Region (<c>L-C2F1777E</c>, "Customer Master Keys (CMKs)"): AWS counts every customer
/// managed key whatever its key spec or state (disabled and pending deletion included); AWS managed keys do not count,
/// and AWS owned keys are not in the account at all (AWS KMS developer guide, resource quotas).
/// <para>
/// <c>ListKeys</c> lists customer and AWS managed keys alike. Rather than one <c>DescribeKey</c> per key (its
/// <c>KeyManager</c>), the AWS managed ones are told apart by their aliases: every AWS managed key has an alias
/// <c>alias/aws/&lt;service&gt;</c>, which only AWS can create and no one can delete or repoint, and a customer cannot
/// create an alias under <c>alias/aws/</c>. So the count is the listed keys less those targeted by an
/// <c>alias/aws/</c> alias: one <c>ListAliases</c> page per 100 aliases instead of a call per key.
/// </para>
/// </summary>
public sealed class KmsCustomerKeysCounter : IQuotaCounter
{
    public static CountedQuota CustomerManagedKeys { get; } = new("kms", "L-C2F1777E", CountScope.Region, "customer managed keys");

    public string Name => "kms:ListKeys+ListAliases";

    public UsageSourceKind Kind => UsageSourceKind.DescribeCount;

    public IReadOnlyList<CountedQuota> Serves { get; } = [CustomerManagedKeys];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var kms = scope.Clients.Kms(scope.Probe(CustomerManagedKeys.ServiceCode));
        var keys = new HashSet<string>(StringComparer.Ordinal);
        string? marker = null;
        do
        {
            var page = await kms.ListKeysAsync(new ListKeysRequest(KmsClient.MaxKeysPerPage, marker), ct);
            keys.UnionWith((page.Keys ?? []).Select(k => k.KeyId));
            marker = page.Truncated ? Paging.Next(marker, page.NextMarker, "ListKeys") : null;
        }
        while (marker is not null);
        marker = null;
        do
        {
            var page = await kms.ListAliasesAsync(new ListAliasesRequest(KmsClient.MaxAliasesPerPage, marker), ct);
            foreach (var alias in page.Aliases ?? [])
                if (alias.AliasName.StartsWith("alias/aws/", StringComparison.Ordinal) && alias.TargetKeyId is { } awsManaged) keys.Remove(awsManaged);
            marker = page.Truncated ? Paging.Next(marker, page.NextMarker, "ListAliases") : null;
        }
        while (marker is not null);
        return [new QuotaCount(CustomerManagedKeys, keys.Count)];
    }
}
