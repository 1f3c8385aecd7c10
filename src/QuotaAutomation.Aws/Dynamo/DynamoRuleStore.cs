using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>Rules from DynamoDB: a paged scan, each item handed to Core's parser as typed (a bad one is rejected alone).</summary>
public sealed class DynamoRuleStore(IAmazonDynamoDB dynamo, string table) : IRuleEditor
{
    public async Task<IReadOnlyList<RawRule>> LoadRulesAsync(CancellationToken ct)
    {
        var rules = new List<RawRule>();
        foreach (var item in await ScanAsync(ct))
        {
            var name = DynamoItems.Str(item, "rule_id") ?? $"#{rules.Count + 1}";
            rules.Add(new RawRule($"{table} item {name}", DynamoItems.Plain(item)));
        }
        return rules.OrderBy(r => RuleParser.NameOf(r), StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>> LoadByIdAsync(CancellationToken ct) =>
        (await ScanAsync(ct)).ToDictionary(
            item => DynamoItems.Req(item, "rule_id"), // the table's key: every item has it
            DynamoItems.Plain, StringComparer.Ordinal);

    /// <summary>Item by item, writes first.</summary>
    public async Task ApplyAsync(IReadOnlyList<KeyValuePair<string, IReadOnlyDictionary<string, object?>>> puts, IReadOnlyList<string> deletes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(puts);
        ArgumentNullException.ThrowIfNull(deletes);
        foreach (var (ruleId, item) in puts)
        {
            var attributes = item.ToDictionary(a => a.Key, a => DynamoItems.FromPlain(a.Value));
            attributes["rule_id"] = DynamoItems.S(ruleId);
            await dynamo.PutItemAsync(new PutItemRequest { TableName = table, Item = attributes }, ct);
        }
        foreach (var ruleId in deletes)
            await dynamo.DeleteItemAsync(new DeleteItemRequest { TableName = table, Key = new() { ["rule_id"] = DynamoItems.S(ruleId) } }, ct);
    }

    /// <summary>An update of the one attribute, only where the item exists (a concurrent delete is not undone).</summary>
    public async Task SetEnabledAsync(IReadOnlyList<string> ruleIds, bool enabled, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ruleIds);
        foreach (var ruleId in ruleIds)
        {
            await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = table,
                Key = new() { ["rule_id"] = DynamoItems.S(ruleId) },
                UpdateExpression = "SET #enabled = :enabled",
                ExpressionAttributeNames = new() { ["#enabled"] = "enabled" },
                ConditionExpression = "attribute_exists(rule_id)",
                ExpressionAttributeValues = new() { [":enabled"] = new AttributeValue { BOOL = enabled } },
            }, ct);
        }
    }

    private Task<List<Dictionary<string, AttributeValue>>> ScanAsync(CancellationToken ct) => DynamoItems.ScanAllAsync(dynamo, table, ct);

    /// <summary>Writes rule items as given (strings, numbers, bools, nulls), for <c>rules import --backend aws</c> and tests.</summary>
    public async Task PutAsync(IReadOnlyDictionary<string, object?> item, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(item);
        await dynamo.PutItemAsync(new PutItemRequest { TableName = table, Item = item.ToDictionary(a => a.Key, a => DynamoItems.FromPlain(a.Value)) }, ct);
    }
}
