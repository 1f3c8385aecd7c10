using System.Reflection;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Aws.Dynamo;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// A fleet shard's usage-table calls keep to its share of the table (<see cref="UsageTablePacing"/>), on a fake clock:
/// a task that has not completed is a call held back, and only advancing the clock lets it go.
/// </summary>
public sealed class UsageTablePacingTests
{
    private const string Account = "222222222222";

    private static Dictionary<string, AttributeValue> Item(int bytes) => new() { ["v"] = new AttributeValue { S = new string('x', bytes - 1) } };

    [Fact]
    public void BeforeWrite_TakesAKilobyteAUnitPerItem_AndHoldsTheNextWriteUntilItsUnitsRefill()
    {
        var time = new FakeTimeProvider();
        var pacing = new UsageTablePacing(time);
        using var lease = pacing.Pace(Account, "eu-west-1", unitsPerSecond: 10);
        var pacer = pacing.For($"shard#{Account}#eu-west-1");

        var first = pacer.BeforeWriteAsync(Enumerable.Repeat(Item(2000), 25), CancellationToken.None); // 25 × 2 units: the bucket owes 40
        var second = pacer.BeforeWriteAsync([Item(100)], CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(3.9));
        var heldAt39 = second.IsCompleted;
        time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.True(first.IsCompleted);
        Assert.False(heldAt39);
        Assert.True(second.IsCompleted);
    }

    [Fact]
    public void AfterRead_AQueryPagesConsumedUnits_HoldTheNextPage()
    {
        var time = new FakeTimeProvider();
        var pacing = new UsageTablePacing(time);
        using var lease = pacing.Pace(Account, "eu-west-1", unitsPerSecond: 5);
        var pacer = pacing.For($"shard#{Account}#eu-west-1");

        var page1 = pacer.BeforeReadAsync(CancellationToken.None);
        pacer.AfterRead(new QueryResponse { ConsumedCapacity = new ConsumedCapacity { CapacityUnits = 25 } }, consistent: false); // owes 20: 4 s
        var page2 = pacer.BeforeReadAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(3.5));
        var heldAt35 = page2.IsCompleted;
        time.Advance(TimeSpan.FromSeconds(0.5));

        Assert.True(page1.IsCompleted);
        Assert.False(heldAt35);
        Assert.True(page2.IsCompleted);
    }

    [Fact]
    public void AShardNotPaced_OrWhoseRunEnded_WaitsForNothing()
    {
        var time = new FakeTimeProvider();
        var pacing = new UsageTablePacing(time);
        var lease = pacing.Pace(Account, "eu-west-1", unitsPerSecond: 1);
        lease.Dispose();

        var ended = pacing.For($"shard#{Account}#eu-west-1").BeforeWriteAsync(Enumerable.Repeat(Item(4000), 25), CancellationToken.None);
        var again = pacing.For($"shard#{Account}#eu-west-1").BeforeWriteAsync(Enumerable.Repeat(Item(4000), 25), CancellationToken.None);
        var other = pacing.For("shard#self#us-east-1").BeforeReadAsync(CancellationToken.None);

        Assert.True(ended.IsCompleted && again.IsCompleted && other.IsCompleted);
        Assert.False(pacing.For("shard#self#us-east-1").IsPaced);
    }

    [Fact]
    public async Task ABackfill_ItsSecondBatchWriteItem_IsSentOnlyWhenTheShardsShareHasRefilled()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero));
        var pacing = new UsageTablePacing(time);
        var dynamo = RecordingDynamo.Create();
        var history = new DynamoShardHistory(dynamo, "usage", TimeSpan.FromDays(30), pacing);
        using var lease = pacing.Pace(Account, "eu-west-1", unitsPerSecond: 10);
        var key = new QuotaKey("ec2", "L-1216C47A", "eu-west-1", Account);
        var rows = Enumerable.Range(0, 50).Select(i => new UsageSample(time.GetUtcNow().AddMinutes(-5 * (50 - i)), i)).ToList(); // 50 rows of 1 unit: 2 calls of 25

        var backfill = history.AppendManyAsync(new Dictionary<QuotaKey, IReadOnlyList<UsageSample>> { [key] = rows }, CancellationToken.None);
        // The newest hourly row's Query and the compaction's (docs/fleet-window.md), the consistent Query of the span, the
        // rows' key list (docs/fleet-rows.md: 1 unit), then the first BatchWriteItem (the bucket owes 16).
        await RecordingDynamo.Of(dynamo).Sent(5);
        time.Advance(TimeSpan.FromSeconds(1.5));
        var sentAt15 = RecordingDynamo.Of(dynamo).Operations();
        time.Advance(TimeSpan.FromSeconds(0.1));
        await backfill;

        Assert.Equal(["QueryAsync", "QueryAsync", "QueryAsync", "PutItemAsync", "BatchWriteItemAsync"], sentAt15);
        Assert.Equal(["QueryAsync", "QueryAsync", "QueryAsync", "PutItemAsync", "BatchWriteItemAsync", "BatchWriteItemAsync"], RecordingDynamo.Of(dynamo).Operations());
    }

    [Fact]
    public async Task AnAppendsNewestHourQuery_WaitsForTheShardsReadDebt()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero));
        var pacing = new UsageTablePacing(time);
        var dynamo = RecordingDynamo.Create();
        var history = new DynamoShardHistory(dynamo, "usage", TimeSpan.FromDays(30), pacing);
        using var lease = pacing.Pace(Account, "eu-west-1", unitsPerSecond: 5);
        pacing.For($"shard#{Account}#eu-west-1").AfterRead(new QueryResponse { ConsumedCapacity = new ConsumedCapacity { CapacityUnits = 25 } }, consistent: false); // owes 20: 4 s
        var key = new QuotaKey("ec2", "L-1216C47A", "eu-west-1", Account);

        var append = history.AppendManyAsync(new Dictionary<QuotaKey, IReadOnlyList<UsageSample>> { [key] = [new UsageSample(time.GetUtcNow(), 1)] }, CancellationToken.None);
        var sentBefore = RecordingDynamo.Of(dynamo).Operations();
        time.Advance(TimeSpan.FromSeconds(4));
        await RecordingDynamo.Of(dynamo).Sent(1);
        await RecordingDynamo.Of(dynamo).Finish(append, time);

        Assert.Empty(sentBefore);
        Assert.Equal(["QueryAsync", "QueryAsync", "PutItemAsync", "PutItemAsync"], RecordingDynamo.Of(dynamo).Operations()); // newest hour, compaction, key list, row
    }

    /// <summary>An <see cref="IAmazonDynamoDB"/> that answers the shard history's calls empty and records them in order.</summary>
    public class RecordingDynamo : DispatchProxy
    {
        private readonly List<string> _operations = [];

        public static IAmazonDynamoDB Create() => DispatchProxy.Create<IAmazonDynamoDB, RecordingDynamo>();

        public static RecordingDynamo Of(IAmazonDynamoDB dynamo) => (RecordingDynamo)(object)dynamo;

        public List<string> Operations()
        {
            lock (_operations) return [.. _operations];
        }

        /// <summary>
        /// Completes when <paramref name="count"/> calls have been sent; fails, naming the calls sent, when they have not after
        /// <paramref name="steps"/> short real pauses (a call held on the fake clock never comes by itself: fail, never hang).
        /// </summary>
        public async Task Sent(int count, int steps = 300)
        {
            for (var step = 0; step < steps; step++)
            {
                if (Operations().Count >= count) return;
                await Task.Delay(10);
            }
            Assert.Fail($"{count} calls were expected; {Operations().Count} were sent: {string.Join(", ", Operations())}.");
        }

        /// <summary>Advances the fake clock a second at a time until <paramref name="work"/> ends; fails after <paramref name="steps"/> seconds.</summary>
        public async Task Finish(Task work, FakeTimeProvider time, int steps = 120)
        {
            for (var step = 0; step < steps && !work.IsCompleted; step++)
            {
                await Task.WhenAny(work, Task.Delay(10));
                if (!work.IsCompleted) time.Advance(TimeSpan.FromSeconds(1));
            }
            if (!work.IsCompleted) Assert.Fail($"the work did not end within {steps} s on the fake clock; sent: {string.Join(", ", Operations())}.");
            await work;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            lock (_operations) _operations.Add(targetMethod.Name);
            return targetMethod.Name switch
            {
                "QueryAsync" => Task.FromResult(new QueryResponse { Items = [] }),
                "BatchWriteItemAsync" => Task.FromResult(new BatchWriteItemResponse { UnprocessedItems = [] }),
                "PutItemAsync" => Task.FromResult(new PutItemResponse()),
                _ => throw new NotSupportedException(targetMethod.Name),
            };
        }
    }
}
