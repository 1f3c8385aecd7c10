using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// Policies from DynamoDB (issue 17): a paged Scan of the policies table, each item handed to Core's parser as typed.
/// The engine's role may only read it (terraform/iam.tf); people write it (<c>policy import --backend aws</c>, the console).
/// </summary>
public sealed class DynamoPolicyStore(IAmazonDynamoDB dynamo, string table) : IPolicyEditor
{
    public async Task<IReadOnlyList<RawPolicy>> LoadPoliciesAsync(CancellationToken ct) =>
        (await DynamoItems.ScanAllAsync(dynamo, table, ct))
            .Select((item, i) => new RawPolicy($"{table} item {DynamoItems.Str(item, "policy_id") ?? $"#{i + 1}"}", DynamoItems.Plain(item)))
            .OrderBy(p => p.Origin, StringComparer.Ordinal).ToList();

    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>> LoadByIdAsync(CancellationToken ct) =>
        (await DynamoItems.ScanAllAsync(dynamo, table, ct)).ToDictionary(item => DynamoItems.Req(item, "policy_id"), DynamoItems.Plain, StringComparer.Ordinal); // the table's key

    /// <summary>Item by item, writes first.</summary>
    public async Task ApplyAsync(IReadOnlyList<KeyValuePair<string, IReadOnlyDictionary<string, object?>>> puts, IReadOnlyList<string> deletes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(puts);
        ArgumentNullException.ThrowIfNull(deletes);
        foreach (var (policyId, item) in puts)
            await PutAsync(new Dictionary<string, object?>(item, StringComparer.Ordinal) { ["policy_id"] = policyId }, ct);
        foreach (var policyId in deletes)
            await dynamo.DeleteItemAsync(new DeleteItemRequest { TableName = table, Key = new() { ["policy_id"] = DynamoItems.S(policyId) } }, ct);
    }

    /// <summary>Writes a policy item as given (strings, numbers, bools, lists), as a person in the console would.</summary>
    public async Task PutAsync(IReadOnlyDictionary<string, object?> item, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(item);
        await dynamo.PutItemAsync(new PutItemRequest { TableName = table, Item = item.ToDictionary(a => a.Key, a => DynamoItems.FromPlain(a.Value)) }, ct);
    }
}
