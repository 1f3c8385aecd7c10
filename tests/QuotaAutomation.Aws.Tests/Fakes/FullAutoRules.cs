using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests.Fakes;

/// <summary>A steady shard of <c>n</c> VPC quotas in us-east-1, one full_auto rule each, stored in the backend's rules table.</summary>
internal static class FullAutoRules
{
    public static async Task<List<QuotaKey>> PutAsync(AwsBackend backend, int quotas)
    {
        var keys = Enumerable.Range(0, quotas).Select(i => new QuotaKey("vpc", $"L-{i:D8}", "us-east-1")).ToList();
        foreach (var key in keys)
            await backend.Rules.PutAsync(new Dictionary<string, object?>
            {
                ["rule_id"] = key.QuotaCode, ["service_code"] = key.ServiceCode, ["quota_code"] = key.QuotaCode, ["region"] = key.Region, ["automation_level"] = "full_auto",
            }, CancellationToken.None);
        return keys;
    }
}
