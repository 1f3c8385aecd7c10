using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Aws.Dynamo;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests;

/// <summary>A fleet shard's quotas and their usage for the shard-history tests: names like Service Quotas', values seeded.</summary>
internal static class ShardUsage
{
    /// <summary>Services whose quotas have usage metrics (Service Quotas' codes), cycled through.</summary>
    private static readonly string[] Services = ["ec2", "vpc", "ebs", "lambda", "elasticloadbalancing", "dynamodb", "rds", "ecs", "cloudformation", "autoscaling"];

    public const string Account = "123456789012";

    /// <summary><paramref name="count"/> quotas of one shard, quota codes <c>L-</c> and 8 hex digits as AWS's are.</summary>
    public static List<QuotaKey> Keys(int count, string? account = Account, string region = "us-east-1")
    {
        var random = new Random(0);
        return Enumerable.Range(0, count).Select(i => new QuotaKey(Services[i % Services.Length], $"L-{random.Next():X8}", region, account)).ToList();
    }

    /// <summary>Row times over the <paramref name="days"/> up to <see cref="AwsWorld.Now"/>, every <paramref name="interval"/>, oldest first.</summary>
    public static List<DateTimeOffset> Times(TimeSpan interval, int days = 14)
    {
        var count = (int)(TimeSpan.FromDays(days) / interval);
        return Enumerable.Range(0, count).Select(i => AwsWorld.Now - (count - 1 - i) * interval).ToList();
    }

    /// <summary>Usage counts as CloudWatch's <c>ResourceCount</c> gives them (whole numbers up to a few thousand).</summary>
    public static Dictionary<QuotaKey, IReadOnlyList<UsageSample>> Counts(IReadOnlyList<QuotaKey> keys, IReadOnlyList<DateTimeOffset> times, int seed = 1)
    {
        var random = new Random(seed);
        return keys.ToDictionary(k => k, IReadOnlyList<UsageSample> (_) => times.Select(t => new UsageSample(t, random.Next(0, 5000))).ToList());
    }

    /// <summary>Every item of the usage table whose partition starts with <paramref name="prefix"/>, as stored (one Scan, followed).</summary>
    public static async Task<List<Dictionary<string, AttributeValue>>> StoredAsync(AwsBackend backend, string prefix)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        var request = new ScanRequest { TableName = backend.Options.UsageTable };
        do
        {
            var page = await backend.Dynamo.ScanAsync(request, CancellationToken.None);
            items.AddRange((page.Items ?? []).Where(i => i["quota"].S.StartsWith(prefix, StringComparison.Ordinal)));
            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (request.ExclusiveStartKey is not null);
        return items;
    }

    /// <summary>
    /// Read units of reading <paramref name="itemBytes"/> (one partition's items in key order) by Query, as DynamoDB
    /// bills it: pages of up to 1 MB, each page's item sizes summed then rounded up to 4 KB, halved when eventually consistent.
    /// </summary>
    public static (int Pages, double Units) QueryCost(IEnumerable<int> itemBytes, bool consistent = false)
    {
        var pages = new List<List<int>> { new() };
        foreach (var bytes in itemBytes)
        {
            if (pages[^1].Sum() + bytes > 1024 * 1024) pages.Add([]);
            pages[^1].Add(bytes);
        }
        return (pages.Count, pages.Sum(p => DynamoItemSize.QueryReadUnits(p, consistent)));
    }

    public static int DynamoCalls(AwsWorld world, string operation) => world.Quotas.Forwarded.GetValueOrDefault($"DynamoDB_20120810.{operation}");

    public static string DynamoCalls(AwsWorld world) => string.Join(" ", world.Quotas.Forwarded
        .Where(c => c.Key.StartsWith("DynamoDB_", StringComparison.Ordinal)).OrderBy(c => c.Key, StringComparer.Ordinal)
        .Select(c => $"{c.Key["DynamoDB_20120810.".Length..]}={c.Value}"));
}
