using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>Rules from DynamoDB: a paged scan, each item handed to Core's parser as typed (a bad one is rejected alone).</summary>
public sealed class DynamoRuleStore(IAmazonDynamoDB dynamo, string table) : IRuleStore
{
    public async Task<IReadOnlyList<RawRule>> LoadRulesAsync(CancellationToken ct)
    {
        var rules = new List<RawRule>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamo.ScanAsync(new ScanRequest { TableName = table, ExclusiveStartKey = start, ConsistentRead = true }, ct);
            foreach (var item in page.Items ?? [])
            {
                var name = DynamoItems.Str(item, "rule_id") ?? $"#{rules.Count + 1}";
                rules.Add(new RawRule($"{table} item {name}", item.ToDictionary(a => a.Key, a => DynamoItems.ToPlain(a.Value))));
            }
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
        return rules.OrderBy(r => RuleParser.NameOf(r), StringComparer.Ordinal).ToList();
    }

    /// <summary>Writes rule items as given (strings, numbers, bools, nulls), for <c>rules import --backend aws</c> and tests.</summary>
    public async Task PutAsync(IReadOnlyDictionary<string, object?> item, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(item);
        await dynamo.PutItemAsync(new PutItemRequest { TableName = table, Item = item.ToDictionary(a => a.Key, a => ToAttribute(a.Value)) }, ct);
    }

    private static AttributeValue ToAttribute(object? value) => value switch
    {
        null => new AttributeValue { NULL = true },
        string s => DynamoItems.S(s),
        bool b => new AttributeValue { BOOL = b },
        double d => DynamoItems.N(d),
        int i => DynamoItems.N(i),
        long l => DynamoItems.N(l),
        _ => DynamoItems.S(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""),
    };
}
