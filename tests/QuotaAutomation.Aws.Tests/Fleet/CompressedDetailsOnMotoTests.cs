using System.Globalization;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests.Fleet;

/// <summary>
/// An audit record's details over 1 KB are stored gzip'd, as binary (docs/fleet-digest.md): on moto, a 50-rule digest is
/// written as a B attribute under a quarter of its JSON and read back whole by every reader; an item written before
/// (details as text) still reads; a corrupt binary value leaves its record readable, its details named unreadable, and
/// the records beside it untouched; a retried put of the same digest passes and a different one under its id fails.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class CompressedDetailsOnMotoTests(MotoServer moto)
{
    private static readonly DateTimeOffset T = AwsWorld.Now;
    private static readonly string Table = new AwsBackendOptions().AuditTable;

    /// <summary>A 50-rule shard's quiet digest as the engine writes it: fleet rule ids, usages drawn from a seeded source, the decision table's reasons.</summary>
    private static Dictionary<string, string> FiftyRuleDigest(int seed = 0)
    {
        var random = new Random(seed);
        var details = new Dictionary<string, string>(StringComparer.Ordinal) { ["account_id"] = "123456789012", ["region"] = "eu-west-1" };
        for (var i = 0; i < 50; i++)
        {
            var code = "L-" + random.Next(0x10000000, int.MaxValue).ToString("X8", CultureInfo.InvariantCulture);
            var (quota, usage) = (random.Next(500, 5000), random.Next(0, 250));
            details[QuietDecisions.KeyOf($"ec2-{code}")] = QuietDecisions.Entry(new("ec2", code, "eu-west-1", "123456789012"),
                string.Create(CultureInfo.InvariantCulture, $"usage {usage:#,0} of quota {quota:#,0} = {100.0 * usage / quota:0.#}%, below warning 70%"));
        }
        return details;
    }

    private static AuditRecord Digest(string id, Dictionary<string, string> details) =>
        new(id, "run-1", T, AuditKind.Decision, "-", null, QuietDecisions.Action, "50 rules: no action", Details: details);

    [Fact]
    public async Task AppendMany_AFiftyRuleDigest_IsStoredGzippedAsBinary_AndReadBackWhole()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var digest = Digest("run-1/00002", FiftyRuleDigest());

        await backend.Audit.AppendManyAsync([digest], CancellationToken.None);

        var stored = await GetAsync(backend, "run-1/00002");
        Assert.Null(stored["details"].S);
        Assert.InRange(stored["details"].B.Length, 1, System.Text.Encoding.UTF8.GetByteCount(System.Text.Json.JsonSerializer.Serialize(digest.Details)) / 4);
        var read = Assert.Single(await backend.Audit.ForRuleAsync("-", CancellationToken.None));
        Assert.Equal(digest.Details, read.Details);
        Assert.Equal(50, QuietDecisions.Unpack(read).Count);
    }

    [Fact]
    public async Task Read_AnItemWrittenBeforeCompression_ReadsItsTextDetails()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var details = FiftyRuleDigest();
        await PutRawAsync(backend, "old/00002", new AttributeValue { S = System.Text.Json.JsonSerializer.Serialize(details) });

        var read = Assert.Single(await backend.Audit.QueryAsync(new AuditFilter(Kind: AuditKind.Decision), CancellationToken.None) ?? []);

        Assert.Equal(details, read.Details);
    }

    [Fact]
    public async Task Read_CorruptCompressedDetails_TheRecordIsReadWithItsDetailsNamedUnreadable_TheOthersWhole()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var good = Digest("run-1/00002", FiftyRuleDigest());
        await backend.Audit.AppendManyAsync([good], CancellationToken.None);
        var corrupt = StoredDetails.Encode(FiftyRuleDigest(seed: 1)).Gzip!; // ! : a digest is gzip'd
        corrupt[corrupt.Length / 2] ^= 0xFF;
        await PutRawAsync(backend, "run-2/00002", new AttributeValue { B = new MemoryStream(corrupt) });

        var read = await backend.Audit.ForRuleAsync("-", CancellationToken.None);

        Assert.Equal(["run-1/00002", "run-2/00002"], read.Select(r => r.Id));
        Assert.Equal(good.Details, read[0].Details);
        Assert.Equal("50 rules: no action", read[1].Message);
        Assert.Equal("audit record 'run-2/00002': the gzip'd details are corrupt; the record is shown without them", StoredDetails.Unreadable(read[1]));
        Assert.Equal([read[1]], QuietDecisions.Unpack(read[1]));
    }

    [Fact]
    public async Task AppendMany_TheSameDigestAgain_PassesAsTheSameRecord_ADifferentOneUnderItsIdFails()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var digest = Digest("run-1/00002", FiftyRuleDigest());
        await backend.Audit.AppendManyAsync([digest], CancellationToken.None);

        await backend.Audit.AppendManyAsync([digest], CancellationToken.None); // a flush retried after a lost reply: the same bytes are there

        await Assert.ThrowsAsync<ConditionalCheckFailedException>(() =>
            backend.Audit.AppendManyAsync([Digest("run-1/00002", FiftyRuleDigest(seed: 1))], CancellationToken.None)); // same id, other details: compared by their bytes
        Assert.Equal(digest.Details, Assert.Single(await backend.Audit.ForRuleAsync("-", CancellationToken.None)).Details);
    }

    /// <summary>A digest item as an older writer (or a hand edit) left it: every attribute the adapter writes, with <paramref name="details"/> as given.</summary>
    private static Task<PutItemResponse> PutRawAsync(AwsBackend backend, string id, AttributeValue details) =>
        backend.Dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = Table,
            Item = new()
            {
                ["id"] = new() { S = id }, ["run_id"] = new() { S = id.Split('/')[0] }, ["ts"] = new() { N = T.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) },
                ["at"] = new() { S = T.ToString("O", CultureInfo.InvariantCulture) }, ["kind"] = new() { S = nameof(AuditKind.Decision) },
                ["action"] = new() { S = QuietDecisions.Action }, ["message"] = new() { S = "50 rules: no action" },
                ["ttl"] = new() { N = (T + TimeSpan.FromDays(365)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) }, ["details"] = details,
            },
        }, CancellationToken.None);

    private static async Task<Dictionary<string, AttributeValue>> GetAsync(AwsBackend backend, string id) =>
        (await backend.Dynamo.GetItemAsync(new GetItemRequest { TableName = Table, Key = new() { ["id"] = new() { S = id } }, ConsistentRead = true }, CancellationToken.None)).Item;
}
