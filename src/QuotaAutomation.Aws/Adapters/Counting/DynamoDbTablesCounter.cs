using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// DynamoDB tables per Region (<c>L-F98FE922</c>, "Maximum number of tables"): every table <c>ListTables</c> names in the
/// Region, whatever its status (a table being created or deleted still holds its place), and a global table's replica
/// in each Region it is in, as AWS counts them.
/// </summary>
public sealed class DynamoDbTablesCounter : IQuotaCounter
{
    /// <summary>The most table names one page may hold (the API's maximum <c>Limit</c>).</summary>
    public const int PageSize = 100;

    public static CountedQuota Tables { get; } = new("dynamodb", "L-F98FE922", CountScope.Region, "tables");

    public string Name => "dynamodb:ListTables";

    public UsageSourceKind Kind => UsageSourceKind.DescribeCount;

    public IReadOnlyList<CountedQuota> Serves { get; } = [Tables];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var dynamo = scope.Clients.DynamoDb(scope.Probe(Tables.ServiceCode));
        var tables = 0;
        string? start = null;
        do
        {
            var page = await dynamo.ListTablesAsync(new ListTablesRequest { Limit = PageSize, ExclusiveStartTableName = start }, ct);
            tables += page.TableNames?.Count ?? 0;
            start = Paging.Next(start, page.LastEvaluatedTableName, "ListTables");
        }
        while (start is not null);
        return [new QuotaCount(Tables, tables)];
    }
}
