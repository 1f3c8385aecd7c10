using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>SNS topics (<c>L-61103206</c>, "Topics per Account", which AWS applies per Region): every topic <c>ListTopics</c> names in the Region, standard and FIFO.</summary>
public sealed class SnsTopicsCounter : IQuotaCounter
{
    public static CountedQuota Topics { get; } = new("sns", "L-61103206", CountScope.Region, "topics");

    public string Name => "sns:ListTopics";

    public UsageSourceKind Kind => UsageSourceKind.DescribeCount;

    public IReadOnlyList<CountedQuota> Serves { get; } = [Topics];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var sns = scope.Clients.Sns(scope.Probe(Topics.ServiceCode));
        var topics = 0;
        string? token = null;
        do
        {
            var (arns, next) = await sns.ListTopicsAsync(token, ct);
            topics += arns.Count;
            token = Paging.Next(token, next, "ListTopics");
        }
        while (token is not null);
        return [new QuotaCount(Topics, topics)];
    }
}
