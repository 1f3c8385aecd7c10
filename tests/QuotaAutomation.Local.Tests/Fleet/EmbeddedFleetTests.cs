using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Local.Fleet;

namespace QuotaAutomation.Local.Tests.Fleet;

/// <summary>
/// A fleet cycle on the embedded backend: a virtual organization of 12 accounts in 4 Regions, the fleet sample rules
/// (every account but the sandbox OU in every Region; the Prod OU in 2 Regions; every account in 3 Regions), plan →
/// shards 3 at a time → summary through <see cref="FleetCycle"/> and <see cref="EmbeddedShardRunner"/>.
/// </summary>
public sealed class EmbeddedFleetTests : IAsyncLifetime
{
    private static readonly VirtualOrganizationSettings Size = new(12, VirtualOrganizationSettings.DefaultEnabledRegions.Take(4).ToList());

    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private async Task<(EmbeddedBackend Backend, VirtualOrganization Org, FleetCycleResult Result)> RunFleetAsync()
    {
        var backend = await _db.OpenAsync(sampleRules: false);
        var (org, _) = await backend.JoinOrganizationAsync(Size.Accounts, Size.Regions, CancellationToken.None);
        await backend.Rules.UpsertAsync(FleetSampleRules.Items.Select(i => ((string)i["rule_id"]!, i)), CancellationToken.None);
        var options = new EngineOptions { HistoryWindow = TimeSpan.FromDays(1) }; // a day of backfill per quota keeps the test short
        var runner = new EmbeddedShardRunner(backend, org, new TrendForecaster(), options);
        var result = await new FleetCycle(org, backend.Rules, runner)
            .RunAsync("fleet-test", new FleetSettings(null, org.Organization.ManagementAccountId, "us-east-1"), 3, null, CancellationToken.None);
        return (backend, org, result);
    }

    /// <summary>The cells the three sample rules govern, worked out from the organization alone.</summary>
    private static HashSet<string> InScope(VirtualOrganization org)
    {
        var cells = new HashSet<string>(StringComparer.Ordinal);
        foreach (var account in org.Organization.Accounts.Where(a => a.State == AccountState.Active))
        foreach (var region in account.EnabledRegions!)
        {
            var ec2 = !account.Parents.Contains("ou-fl33-sandboxs");
            var lambda = account.Parents.Contains("ou-fl33-prodwork") && region is "us-east-1" or "eu-west-1";
            var vpcs = region is "us-east-1" or "us-west-2" or "eu-west-1";
            if (ec2 || lambda || vpcs) cells.Add(FleetShard.IdOf(account.Id, region));
        }
        return cells;
    }

    private static async Task<HashSet<string>> AuditedAsync(EmbeddedBackend backend, string action) =>
        (await backend.Database.QueryAsync("SELECT DISTINCT account_id || '/' || region FROM audit WHERE action = $action", r => r.GetString(0), CancellationToken.None, ("$action", action)))
            .ToHashSet(StringComparer.Ordinal);

    [Fact]
    public async Task FleetCycle_EveryAccountRegionInScope_CycledAndAudited_NoneOutOfScopeTouched()
    {
        var (backend, org, result) = await RunFleetAsync();
        var expected = InScope(org);
        var denied = expected.Where(c => org.MissingRole.Contains(c.Split('/')[0])).ToHashSet(StringComparer.Ordinal);

        var everyPlace = (await backend.Database.QueryAsync("SELECT DISTINCT account_id || '/' || region FROM audit", r => r.GetString(0), CancellationToken.None))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal(expected.Order(StringComparer.Ordinal), result.Plan.Shards.Select(s => s.ShardId).Order(StringComparer.Ordinal));
        Assert.Contains(expected, c => c.EndsWith("/ap-southeast-1", StringComparison.Ordinal)); // the 4th Region is in scope for some accounts
        Assert.DoesNotContain(expected, c => c.EndsWith("/ap-southeast-1", StringComparison.Ordinal) && org.Organization.Accounts.Single(a => a.Id == c.Split('/')[0]).Parents.Contains("ou-fl33-sandboxs"));
        Assert.Equal(expected.Except(denied).Order(StringComparer.Ordinal), (await AuditedAsync(backend, "cycle_end")).Order(StringComparer.Ordinal));
        Assert.Equal(denied.Order(StringComparer.Ordinal), (await AuditedAsync(backend, "shard_failed")).Order(StringComparer.Ordinal));
        Assert.Subset(expected, everyPlace);
        var hub = org.Organization.ManagementAccountId;
        var simulated = (await backend.Database.QueryAsync("SELECT DISTINCT account_id, region FROM sim_quotas", r => (r.GetString(0), r.GetString(1)), CancellationToken.None))
            .Where(p => p != ("", "us-east-1")) // the hub's own quotas, there since the database was made
            .Select(p => FleetShard.IdOf(p.Item1.Length == 0 ? hub : p.Item1, p.Item2)).ToHashSet(StringComparer.Ordinal);
        Assert.Subset(expected.Except(denied).ToHashSet(StringComparer.Ordinal), simulated);
    }

    [Fact]
    public async Task FleetCycle_SuspendedAndClosedAccounts_SkippedAndNeverTouched()
    {
        var (backend, org, result) = await RunFleetAsync();
        var inactive = org.Organization.Accounts.Where(a => a.State != AccountState.Active).ToList();

        var touched = await backend.Database.QueryAsync("SELECT COUNT(*) FROM audit WHERE instr($ids, ',' || account_id || ',') > 0", r => r.GetInt64(0), CancellationToken.None,
            ("$ids", "," + string.Join(",", inactive.Select(a => a.Id)) + ","));
        var quotas = await backend.Database.QueryAsync("SELECT COUNT(*) FROM sim_quotas WHERE instr($ids, ',' || account_id || ',') > 0", r => r.GetInt64(0), CancellationToken.None,
            ("$ids", "," + string.Join(",", inactive.Select(a => a.Id)) + ","));

        Assert.Equal([AccountState.Suspended, AccountState.PendingClosure, AccountState.Closed], inactive.Select(a => a.State).Order());
        Assert.Equal(inactive.Select(a => a.Id).Order(StringComparer.Ordinal), result.Summary.Skipped.Select(s => s.AccountId).Order(StringComparer.Ordinal));
        Assert.Equal((0L, 0L), (touched[0], quotas[0]));
    }

    [Fact]
    public async Task FleetCycle_AccountWithoutMemberRole_ReportedWithAwsMessage_WhileTheOthersFinish()
    {
        var (_, org, result) = await RunFleetAsync();
        var missing = Assert.Single(org.MissingRole);
        var hub = org.Organization.ManagementAccountId;

        var failure = Assert.Single(result.Summary.AccountsFailed);
        Assert.Equal(missing, failure.AccountId);
        Assert.Equal($"AssumeRole: AccessDenied: User: arn:aws:sts::{hub}:assumed-role/quota-automation/quota-automation is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{missing}:role/QuotaAutomationMemberRole",
            failure.FirstError);
        Assert.All(result.Results.Where(r => r.AccountId != missing), r => Assert.NotEqual(ShardResult.Failed, r.Status));
        Assert.Equal(result.Results.Count(r => r.AccountId == missing), result.Summary.Failed);
    }

    [Fact]
    public async Task FleetCycle_ShardAuditRecords_ReadBackByAccountAndRegion()
    {
        var (backend, org, result) = await RunFleetAsync();
        var shard = result.Results.First(r => r.AccountId != org.Organization.ManagementAccountId && r.Status == ShardResult.Ok);

        var records = await backend.Audit.QueryAsync(new AuditFilter { Accounts = [shard.AccountId], Region = shard.Region }, 1000, CancellationToken.None);

        Assert.Equal(["cycle_start", "cycle_end"], records.Where(r => r.Kind == AuditKind.Cycle).Select(r => r.Action));
        Assert.All(records.Where(r => r.Quota is not null), r => Assert.EndsWith($"@{shard.Region}#{shard.AccountId}", r.Quota, StringComparison.Ordinal));
    }
    [Fact]
    public async Task FleetCycle_QuietDecisionsAreDigested_AndAuditByRuleFindsTheirEntry()
    {
        var (backend, org, result) = await RunFleetAsync();
        var shard = result.Results.First(r => r.AccountId != org.Organization.ManagementAccountId && r.Status == ShardResult.Ok);
        var details = (await backend.Database.QueryAsync("SELECT details FROM audit WHERE action = 'none_digest' AND account_id = $a AND region = $r",
            r => r.GetString(0), CancellationToken.None, ("$a", shard.AccountId), ("$r", shard.Region))).Single();
        var rule = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(details)!.Keys.First(k => k.StartsWith("rule:", StringComparison.Ordinal))["rule:".Length..];

        var records = await backend.Audit.QueryAsync(new AuditFilter(rule) { Accounts = [shard.AccountId], Region = shard.Region }, 1000, CancellationToken.None);

        var decision = Assert.Single(records, r => r.Kind == AuditKind.Decision);
        Assert.Equal((rule, "none"), (decision.RuleId, decision.Action));
        Assert.EndsWith($"#{rule}", decision.Id, StringComparison.Ordinal);
        Assert.EndsWith($"@{shard.Region}#{shard.AccountId}", decision.Quota, StringComparison.Ordinal);
        Assert.DoesNotContain(records, r => r.Action == "none_digest");
    }
}
