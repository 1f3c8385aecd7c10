using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Aws.Adapters;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// The six tables and their keys (docs/aws.md; terraform/ must create exactly these). All on-demand, TTL on <c>ttl</c>.
/// <list type="bullet">
/// <item><c>rules</c>: <c>rule_id</c> (S). Items as people type them.</item>
/// <item><c>usage</c>: <c>quota</c> (S, e.g. <c>ec2/L-1216C47A@us-east-1</c>) + <c>ts</c> (N, epoch seconds); <c>value</c>, <c>ttl</c>; at <c>ts</c> 0 the quota's head (<see cref="DynamoUsageHistory"/>);
/// fleet shards' rows under <c>shard#{account}#{region}</c> with <c>k</c> and <c>v</c>, their key lists under <c>keys#{account}#{region}</c> (<see cref="DynamoShardHistory"/>).</item>
/// <item><c>audit</c>: <c>id</c> (S, run id/sequence); GSIs <c>rule_id-ts-index</c> (<c>rule_id</c> S, <c>ts</c> N; keys only,
/// sparse: records of no rule, <c>-</c>, carry no <c>rule_id</c>) and
/// <c>kind-ts-index</c> (<c>kind</c> S, <c>ts</c> N, for the hub's plain reconciliation and <c>audit --kind</c>) and
/// <c>shard-ts-index</c> (<c>shard</c> S, <c>ts</c> N: sparse, a fleet shard's intents, outcomes and cycle records, for
/// its own reconciliation), each projecting only what its readers read (docs/fleet-auditw.md); TTL 365 days.</item>
/// <item><c>state</c>: <c>pk</c> (S) + <c>sk</c> (S): requests (<c>REQ#id</c>/<c>REQ</c>), approvals (<c>APR#id</c>/<c>APR</c>),
/// per-quota locks (<c>QUOTA#key</c>/<c>OPEN_REQUEST</c>, <c>ACTIVE_APPROVAL</c>) and alert times (<c>QUOTA#key</c>/<c>ALERT#severity</c>);
/// GSI <c>state-index</c> (<c>state_key</c> S, <c>updated_at</c> N) lists open, active and denied ones; GSI <c>shard-state-index</c>
/// (<c>shard_state</c> S = <c>{account or self}#{Region}#{state}</c>, <c>updated_at</c> N: sparse) lists one fleet shard's.</item>
/// <item><c>policies</c>: <c>policy_id</c> (S). The organization's policies (docs/governance.md), items as people type them; the engine only reads them.</item>
/// <item><c>events</c>: <c>event_id</c> (S); <c>event_type</c>, <c>source</c>, <c>ts</c>, <c>quota</c>, <c>detail</c>; TTL 30 days.</item>
/// </list>
/// </summary>
public static class DynamoTables
{
    public const string AuditByRuleIndex = "rule_id-ts-index";

    /// <summary>Audit records by kind and time: how each cycle finds intents without outcomes and cycles without ends.</summary>
    public const string AuditByKindIndex = "kind-ts-index";

    /// <summary>A fleet shard's intents, outcomes and cycle records by time: how its cycle finds its own unfinished ones (<see cref="DynamoAuditLog.ForShard"/>).</summary>
    public const string AuditByShardIndex = "shard-ts-index";

    /// <summary>
    /// What <c>kind-ts-index</c> holds besides the keys: what the hub's reconciliation needs to tell open records from
    /// closed ones. Readers that need a whole record (<c>audit --kind</c>, the open records) get it by key (BatchGetItem).
    /// </summary>
    public static readonly IReadOnlyList<string> AuditByKindAttributes = ["run_id", "action", "action_id"];

    /// <summary>What <c>shard-ts-index</c> holds besides the keys: a shard's reconciliation, which reads newest first and stops at <c>reconciled_through</c>.</summary>
    public static readonly IReadOnlyList<string> AuditByShardAttributes = ["kind", "run_id", "action", "action_id", "reconciled_through"];
    public const string StateIndex = "state-index";

    /// <summary>One fleet shard's open requests, active approvals, recent denials and active alerts (<see cref="DynamoStateStore.ForShard"/>).</summary>
    public const string ShardStateIndex = "shard-state-index";

    /// <summary>Creates the tables that do not exist yet and turns on TTL. For emulators and first use; production uses Terraform.</summary>
    public static async Task<IReadOnlyList<string>> CreateMissingAsync(IAmazonDynamoDB dynamo, AwsBackendOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dynamo);
        ArgumentNullException.ThrowIfNull(options);
        var existing = new HashSet<string>();
        string? start = null;
        do
        {
            var page = await dynamo.ListTablesAsync(new ListTablesRequest { ExclusiveStartTableName = start }, ct);
            existing.UnionWith(page.TableNames ?? []);
            start = page.LastEvaluatedTableName;
        }
        while (start is not null);

        var created = new List<string>();
        foreach (var table in Definitions(options).Where(t => !existing.Contains(t.TableName)))
        {
            await dynamo.CreateTableAsync(table, ct);
            created.Add(table.TableName);
        }
        foreach (var name in created)
        {
            await WaitActiveAsync(dynamo, name, ct);
            if (!options.HandEdited(name))
                await dynamo.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
                {
                    TableName = name,
                    TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = "ttl", Enabled = true },
                }, ct);
        }
        return created;
    }

    public static IReadOnlyList<CreateTableRequest> Definitions(AwsBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return
        [
            Edited(Table(options.RulesTable, [("rule_id", ScalarAttributeType.S)], [("rule_id", KeyType.HASH)])),
            Table(options.UsageTable, [("quota", ScalarAttributeType.S), ("ts", ScalarAttributeType.N)], [("quota", KeyType.HASH), ("ts", KeyType.RANGE)]),
            Table(options.AuditTable, [("id", ScalarAttributeType.S), ("kind", ScalarAttributeType.S), ("rule_id", ScalarAttributeType.S), ("shard", ScalarAttributeType.S), ("ts", ScalarAttributeType.N)],
                [("id", KeyType.HASH)], Index(AuditByRuleIndex, "rule_id", "ts", new Projection { ProjectionType = ProjectionType.KEYS_ONLY }),
                Index(AuditByKindIndex, "kind", "ts", Include(AuditByKindAttributes)), Index(AuditByShardIndex, "shard", "ts", Include(AuditByShardAttributes))),
            Table(options.StateTable, [("pk", ScalarAttributeType.S), ("sk", ScalarAttributeType.S), ("shard_state", ScalarAttributeType.S), ("state_key", ScalarAttributeType.S), ("updated_at", ScalarAttributeType.N)],
                [("pk", KeyType.HASH), ("sk", KeyType.RANGE)], Index(StateIndex, "state_key", "updated_at"), Index(ShardStateIndex, "shard_state", "updated_at")),
            Table(options.EventsTable, [("event_id", ScalarAttributeType.S)], [("event_id", KeyType.HASH)]),
            Edited(Table(options.PoliciesTable, [("policy_id", ScalarAttributeType.S)], [("policy_id", KeyType.HASH)])),
        ];
    }

    /// <summary>A table people edit by hand: its stream carries every change, old and new image, to the function that audits it (terraform/edits.tf).</summary>
    private static CreateTableRequest Edited(CreateTableRequest table)
    {
        table.StreamSpecification = new StreamSpecification { StreamEnabled = true, StreamViewType = StreamViewType.NEW_AND_OLD_IMAGES };
        return table;
    }

    private static CreateTableRequest Table(string name, (string, ScalarAttributeType)[] attributes, (string, KeyType)[] keys, params GlobalSecondaryIndex[] indexes) => new()
    {
        TableName = name,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions = attributes.Select(a => new AttributeDefinition(a.Item1, a.Item2)).ToList(),
        KeySchema = keys.Select(k => new KeySchemaElement(k.Item1, k.Item2)).ToList(),
        GlobalSecondaryIndexes = indexes.Length == 0 ? null : [.. indexes],
        SSESpecification = new SSESpecification { Enabled = true },
    };

    /// <param name="projection">What the index copies of each item besides the keys; every attribute (ALL) unless given.</param>
    private static GlobalSecondaryIndex Index(string name, string hash, string range, Projection? projection = null) => new()
    {
        IndexName = name,
        KeySchema = [new KeySchemaElement(hash, KeyType.HASH), new KeySchemaElement(range, KeyType.RANGE)],
        Projection = projection ?? new Projection { ProjectionType = ProjectionType.ALL },
    };

    private static Projection Include(IReadOnlyList<string> attributes) => new() { ProjectionType = ProjectionType.INCLUDE, NonKeyAttributes = [.. attributes] };

    private static async Task WaitActiveAsync(IAmazonDynamoDB dynamo, string table, CancellationToken ct)
    {
        for (var i = 0; i < 60; i++)
        {
            var status = (await dynamo.DescribeTableAsync(table, ct)).Table.TableStatus;
            if (status == TableStatus.ACTIVE) return;
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
        throw new TimeoutException($"table {table} did not become ACTIVE within 60 s");
    }
}
