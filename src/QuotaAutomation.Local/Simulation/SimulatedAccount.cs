using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Local.Simulation.Resources;
using QuotaAutomation.Local.Storage;

namespace QuotaAutomation.Local.Simulation;

/// <summary>
/// A simulated AWS account behind the same ports as Service Quotas and CloudWatch. Quotas and requests live in the
/// database; usage is computed from each quota's <see cref="UsageProfile"/>. Requests are decided after a delay
/// (some denied, drawn from the seed) and AWS's open-request limits are enforced with AWS's error names.
/// Usage is reported as demand: above the quota means requests would have failed. A quota marked counted (the own
/// account's quotas of issue 15: <see cref="SimulatedEstate"/>) takes its usage from the account's resources instead,
/// one count per read as AWS's describe and account-limit APIs give it. This file: quotas, usage and requests (past 300
/// lines, as one port's state); SimulatedAccount.Report.cs the utilization report, SimulatedAccount.Observation.cs how
/// each quota is observed.
/// </summary>
/// <param name="accountId">
/// The account this instance is, as its rows' <c>account_id</c>: "" (the default) is the caller's own account; a member
/// account of a virtual organization is its id. Every read and write is confined to its rows, so the accounts of a
/// fleet share the file and never see each other's quotas or requests.
/// </param>
public sealed partial class SimulatedAccount(SqliteDatabase db, TimeProvider time, SimulationOptions options, DateTimeOffset genesis, string accountId = "")
    : IQuotaSource, IUsageSource, IQuotaRequester, IUsageCoverage
{
    public static readonly TimeSpan SampleInterval = TimeSpan.FromMinutes(5);

    private const string QuotaColumns = "service_code, quota_code, region, account_id, quota_name, value, initial_value, adjustable, unit, profile";
    private const string RequestColumns = "id, service_code, quota_code, region, account_id, desired_value, status, case_id, created_at";

    private readonly SimulatedInventory _inventory = new(options.Seed, genesis);

    /// <summary>The account's <c>account_id</c> column: "" for the caller's own.</summary>
    public string AccountId => accountId;

    /// <summary>Adds the quotas the account does not have yet (one transaction: a fleet adds an account's Region at a time).</summary>
    public Task EnsureQuotasAsync(IEnumerable<(QuotaInfo Quota, UsageProfile Profile)> quotas, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(quotas);
        return InsertQuotasAsync(quotas.Select(q => new EstateQuota(q.Quota, q.Profile, Counted: false)), ct);
    }

    /// <summary>As <see cref="EnsureQuotasAsync(IEnumerable{ValueTuple{QuotaInfo, UsageProfile}}, CancellationToken)"/>, with the quotas whose usage the account's resources give.</summary>
    public Task EnsureQuotasAsync(IEnumerable<EstateQuota> quotas, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(quotas);
        return InsertQuotasAsync(quotas, ct);
    }

    private async Task InsertQuotasAsync(IEnumerable<EstateQuota> quotas, CancellationToken ct)
    {
        await using var connection = await db.ConnectAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var (quota, profile, counted) in quotas)
        {
            await using var insert = SqliteDatabase.Command(connection,
                $"INSERT OR IGNORE INTO sim_quotas ({QuotaColumns}) VALUES ($service, $quota, $region, $account, $name, $value, $value, $adjustable, $unit, $profile)",
                [.. SqliteDatabase.KeyParameters(quota.Key), ("$name", quota.QuotaName), ("$value", quota.Value),
                    ("$adjustable", quota.Adjustable ? 1 : 0), ("$unit", quota.Unit), ("$profile", JsonSerializer.Serialize(new StoredQuota(quota.UsageMetric, profile, counted)))]);
            insert.Transaction = transaction;
            await insert.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<SimulatedQuota>> ListQuotasAsync(CancellationToken ct)
    {
        await SettleAsync(ct);
        return await db.QueryAsync($"SELECT {QuotaColumns} FROM sim_quotas WHERE account_id = $self ORDER BY service_code, quota_code, region, account_id", ReadQuota, ct, ("$self", accountId));
    }

    public async Task<QuotaDictionary> GetQuotasAsync(IReadOnlyCollection<QuotaKey> keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var wanted = keys.ToHashSet();
        var served = await ListQuotasAsync(ct);
        var found = served.Where(q => wanted.Contains(q.Info.Key)).ToDictionary(q => q.Info.Key, q => q.Info);
        // A quota this account does not serve is named with the ones it does, so a rule's author can pick one.
        var why = $"the simulated account does not serve it; it serves {string.Join(", ", served.Select(q => q.Info.Key))} (quota-automation quotas list marks them)";
        return new QuotaDictionary(found, wanted.Where(k => !found.ContainsKey(k)).ToDictionary(k => k, _ => why));
    }

    public async Task<QuotaInfo?> GetQuotaAsync(QuotaKey key, CancellationToken ct) =>
        (await GetQuotasAsync([key], ct)).GetValueOrDefault(key);

    /// <summary>
    /// Non-detailed queries from the utilization report; the rest as GetMetricData would answer the calls
    /// <see cref="MetricDataRead.Plan"/> makes (per Region): 5-minute samples on the grid, and for a read of more than a
    /// day (a backfill) the part older than the last day as each hour's highest 5-minute sample, stamped at the hour's start.
    /// </summary>
    public async Task<IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>> GetUsageAsync(IReadOnlyList<UsageQuery> queries, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(queries);
        return Usage((await ListQuotasAsync(ct)).ToDictionary(q => q.Info.Key), queries, until);
    }

    private Dictionary<QuotaKey, IReadOnlyList<UsageSample>> Usage(Dictionary<QuotaKey, SimulatedQuota> quotas, IReadOnlyList<UsageQuery> queries, DateTimeOffset until)
    {
        var result = new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>();
        var detailed = new List<UsageQuery>();
        foreach (var query in queries)
        {
            if (!quotas.TryGetValue(query.Quota.Key, out var quota)) continue;
            if (quota.Counted)
            {
                // A count is of now only: one sample a read, at the grid point the read falls on (no GetMetricData metric).
                var at = NextGridPoint(until - SampleInterval);
                result[quota.Info.Key] = at > query.From ? [new UsageSample(at, DemandAt(quota, at))] : [];
                continue;
            }
            if (!query.Detailed && FromReport(quota, query, until) is { } reported)
            {
                result[quota.Info.Key] = reported;
                continue;
            }
            detailed.Add(query with { Quota = quota.Info });
        }
        var samples = detailed.Select(q => q.Quota.Key).Distinct().ToDictionary(k => k, _ => new List<UsageSample>());
        foreach (var region in detailed.GroupBy(q => q.Quota.Key.Region))
        {
            var reads = MetricDataRead.Plan(region.ToList(), until);
            Interlocked.Add(ref _metricsRequested, MetricDataRead.Metrics(reads));
            Interlocked.Add(ref _metricDataCalls, reads.Count);
            foreach (var read in reads)
                foreach (var part in read.Parts)
                    samples[part.Query.Quota.Key].AddRange(Answer(quotas[part.Query.Quota.Key], read, part));
        }
        foreach (var (key, list) in samples) result[key] = list.OrderBy(s => s.Timestamp).ToList();
        return result;
    }

    /// <summary>One part of a GetMetricData call: its period's maxima of the 5-minute grid, each stamped at its period's start.</summary>
    private IEnumerable<UsageSample> Answer(SimulatedQuota quota, MetricDataRead read, MetricDataPart part)
    {
        if (read.Period <= SampleInterval)
        {
            for (var t = NextGridPoint(part.KeepFrom - TimeSpan.FromTicks(1)); t <= read.End; t += SampleInterval)
                if (part.Keeps(t)) yield return new UsageSample(t, DemandAt(quota, t));
            yield break;
        }
        foreach (var peak in PeriodMaxima.Of(read.Start, read.End, read.Period, (from, to) => GridValues(quota, from, to)))
            if (part.Keeps(peak.Timestamp)) yield return peak;
    }

    /// <summary>The quota's demand at each 5-minute grid point in [from, to).</summary>
    private IEnumerable<double> GridValues(SimulatedQuota quota, DateTimeOffset from, DateTimeOffset to)
    {
        for (var t = NextGridPoint(from - TimeSpan.FromTicks(1)); t < to; t += SampleInterval) yield return DemandAt(quota, t);
    }

    /// <summary>The utilization report's line for a quota, as the report path of <see cref="GetUsageAsync"/> reads it; null if the report does not list it.</summary>
    private IReadOnlyList<UsageSample>? FromReport(SimulatedQuota quota, UsageQuery query, DateTimeOffset until)
    {
        var report = ReportAt(until, [quota]);
        if (report.Lines.Count == 0) return null;
        Interlocked.Increment(ref _reportLinesRead);
        var line = report.Lines[0];
        return report.GeneratedAt > query.From ? [new UsageSample(report.GeneratedAt, line.Utilization / 100 * line.AppliedValue)] : [];
    }

    /// <summary>The usage of a quota at a moment: a pure function of the seed, the quota and the time.</summary>
    public double DemandAt(SimulatedQuota quota, DateTimeOffset t)
    {
        ArgumentNullException.ThrowIfNull(quota);
        if (quota.Counted && SimulatedEstate.For(quota.Info.Key) is { } counter) return _inventory.Count(counter, t).Used;
        var p = quota.Profile;
        var name = quota.Info.Key.ToString();
        var days = (t - genesis).TotalDays;
        var hour = t.UtcDateTime.TimeOfDay.TotalHours;
        var growth = Math.Max(0.1, 1 + p.GrowthPerDay * days);
        var daily = 1 + p.DailyAmplitude * Math.Sin(2 * Math.PI * (hour - 9) / 24); // peaks at 15:00 UTC
        var weekend = t.UtcDateTime.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? p.WeekendFactor : 1;
        var hourIndex = t.ToUnixTimeSeconds() / 3600;
        var spike = StableRandom.Uniform(options.Seed, name + "/spike", hourIndex) < p.SpikeChancePerHour ? p.SpikeSize : 1;
        var noise = 1 + p.Noise * (2 * StableRandom.Uniform(options.Seed, name + "/noise", t.ToUnixTimeSeconds() / 60) - 1);
        var demand = quota.InitialValue * p.BaseFraction * growth * daily * weekend * spike * noise;
        return quota.Info.IsCount ? Math.Round(demand) : demand;
    }

    public async Task<RequestedServiceQuotaChange> RequestIncreaseAsync(QuotaKey quota, double desiredValue, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(quota);
        await SettleAsync(ct);
        await using var connection = await db.ConnectAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: check and insert as one
        var found = await QueryAsync(connection, transaction, $"SELECT {QuotaColumns} FROM sim_quotas WHERE {SqliteDatabase.KeyMatch}", ReadQuota, ct, SqliteDatabase.KeyParameters(quota));
        if (found.Count == 0)
            throw new QuotaServiceException(QuotaServiceException.NoSuchResource, $"The request failed because the specified quota {quota} does not exist.");
        var current = found[0];
        if (!current.Info.Adjustable)
            throw new QuotaServiceException(QuotaServiceException.IllegalArgument, $"Quota {quota} is not adjustable.");
        if (desiredValue <= current.Info.Value)
            throw new QuotaServiceException(QuotaServiceException.IllegalArgument,
                string.Create(CultureInfo.InvariantCulture, $"DesiredValue {desiredValue} must be greater than the current value {current.Info.Value}."));

        var open = await QueryAsync(connection, transaction,
            "SELECT service_code, quota_code, region, account_id FROM sim_requests WHERE status IN ('PENDING', 'CASE_OPENED') AND account_id = $self",
            row => SqliteDatabase.ReadKey(row), ct, ("$self", accountId));
        if (open.Count(k => k == quota) >= options.Limits.PerQuota)
            throw new QuotaServiceException(QuotaServiceException.ResourceAlreadyExists, $"A request for quota {quota} is already open.");
        if (open.Count(k => k.Region == quota.Region && k.AccountOrSelf == quota.AccountOrSelf) >= options.Limits.PerRegion)
            throw new QuotaServiceException(QuotaServiceException.QuotaExceeded, $"You have reached the maximum number of open requests in {quota.Region}.");
        if (open.Count(k => k.AccountOrSelf == quota.AccountOrSelf) >= options.Limits.PerAccount)
            throw new QuotaServiceException(QuotaServiceException.QuotaExceeded, "You have reached the maximum number of open requests for this account.");

        var count = (await QueryAsync(connection, transaction, "SELECT COUNT(*) FROM sim_requests", row => row.GetInt64(0), ct))[0];
        var id = string.Create(CultureInfo.InvariantCulture, $"sim-{count + 1:D6}");
        var now = time.GetUtcNow();
        // A member account draws by quota and value, not by the file's request count, so the accounts of a fleet that file
        // in parallel get the same verdicts in every run.
        var draw = accountId.Length == 0 ? StableRandom.Uniform(options.Seed, "verdict", count + 1)
            : StableRandom.Uniform(options.Seed, $"verdict/{quota}", (long)desiredValue);
        var verdict = draw < options.DenyProbability ? "DENIED" : "APPROVED";
        var delay = desiredValue <= options.LargeFactor * current.Info.Value ? options.ApprovalDelay : options.LargeApprovalDelay;
        await using (var insert = SqliteDatabase.Command(connection,
            "INSERT INTO sim_requests (id, service_code, quota_code, region, account_id, desired_value, status, created_at, decide_at, verdict) VALUES ($id, $service, $quota, $region, $account, $desired, 'PENDING', $created, $decide, $verdict)",
            [("$id", id), .. SqliteDatabase.KeyParameters(quota), ("$desired", desiredValue), ("$created", SqliteDatabase.ToUnix(now)),
                ("$decide", SqliteDatabase.ToUnix(now + delay)), ("$verdict", verdict)]))
        {
            insert.Transaction = transaction;
            await insert.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return new RequestedServiceQuotaChange(id, quota, desiredValue, RequestStatus.Pending, null, now);
    }

    public async Task<RequestedServiceQuotaChange> GetRequestAsync(QuotaKey quota, string requestId, CancellationToken ct)
    {
        await SettleAsync(ct);
        var found = await db.QueryAsync($"SELECT {RequestColumns} FROM sim_requests WHERE id = $id AND account_id = $self", ReadRequest, ct, ("$id", requestId), ("$self", accountId));
        return found.Count == 1 ? found[0]
            : throw new QuotaServiceException(QuotaServiceException.NoSuchResource, $"The request {requestId} does not exist.");
    }

    public async Task<RequestedServiceQuotaChange?> FindOpenRequestAsync(QuotaKey quota, CancellationToken ct)
    {
        await SettleAsync(ct);
        var found = await db.QueryAsync($"SELECT {RequestColumns} FROM sim_requests WHERE {SqliteDatabase.KeyMatch} AND status IN ('PENDING', 'CASE_OPENED')",
            ReadRequest, ct, SqliteDatabase.KeyParameters(quota));
        return found.SingleOrDefault();
    }

    /// <summary>As Service Quotas' request history without a status filter: every status, newest first.</summary>
    public async Task<RequestedServiceQuotaChange?> FindRequestAsync(QuotaKey quota, double desiredValue, DateTimeOffset createdFrom, CancellationToken ct)
    {
        await SettleAsync(ct);
        var found = await db.QueryAsync($"SELECT {RequestColumns} FROM sim_requests WHERE {SqliteDatabase.KeyMatch} AND desired_value = $desired AND created_at >= $from ORDER BY created_at DESC, id DESC",
            ReadRequest, ct, [.. SqliteDatabase.KeyParameters(quota), ("$desired", desiredValue), ("$from", SqliteDatabase.ToUnix(createdFrom))]);
        return found.FirstOrDefault();
    }

    public async Task CreateSupportCaseAsync(QuotaKey quota, string requestId, CancellationToken ct)
    {
        await SettleAsync(ct);
        var changed = await db.ExecuteAsync("UPDATE sim_requests SET status = 'CASE_OPENED', case_id = 'case-' || id WHERE id = $id AND status = 'PENDING'",
            ct, ("$id", requestId));
        if (changed == 0)
            throw new QuotaServiceException(QuotaServiceException.InvalidResourceState, $"Request {requestId} is not PENDING, so no support case can be opened.");
    }

    /// <summary>Every simulated request, newest first (for status and tests).</summary>
    public async Task<IReadOnlyList<RequestedServiceQuotaChange>> ListRequestsAsync(CancellationToken ct)
    {
        await SettleAsync(ct);
        return await db.QueryAsync($"SELECT {RequestColumns} FROM sim_requests WHERE account_id = $self ORDER BY id DESC", ReadRequest, ct, ("$self", accountId));
    }

    /// <summary>Decides the requests whose time has come; an approval raises the quota.</summary>
    private async Task SettleAsync(CancellationToken ct)
    {
        var now = SqliteDatabase.ToUnix(time.GetUtcNow());
        // Most calls find nothing due: a read says so without taking the file's write lock, which a fleet's parallel
        // shards would otherwise queue on at every call.
        var due = await db.QueryAsync("SELECT 1 FROM sim_requests WHERE account_id = $self AND status IN ('PENDING','CASE_OPENED') AND decide_at <= $now LIMIT 1",
            row => row.GetInt64(0), ct, ("$self", accountId), ("$now", now));
        if (due.Count == 0) return;
        await using var connection = await db.ConnectAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var sql in new[]
        {
            $"UPDATE sim_quotas SET value = (SELECT MAX(r.desired_value) FROM sim_requests r WHERE r.status IN ('PENDING','CASE_OPENED') AND r.verdict = 'APPROVED' AND r.decide_at <= $now AND {Match("r")}) " +
            $"WHERE account_id = $self AND EXISTS (SELECT 1 FROM sim_requests r WHERE r.status IN ('PENDING','CASE_OPENED') AND r.verdict = 'APPROVED' AND r.decide_at <= $now AND r.desired_value > sim_quotas.value AND {Match("r")})",
            "UPDATE sim_requests SET status = verdict WHERE account_id = $self AND status IN ('PENDING','CASE_OPENED') AND decide_at <= $now",
        })
        {
            await using var command = SqliteDatabase.Command(connection, sql, ("$now", now), ("$self", accountId));
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);

        static string Match(string alias) =>
            $"{alias}.service_code = sim_quotas.service_code AND {alias}.quota_code = sim_quotas.quota_code AND {alias}.region = sim_quotas.region AND {alias}.account_id = sim_quotas.account_id";
    }

    private static async Task<List<T>> QueryAsync<T>(SqliteConnection connection, SqliteTransaction transaction, string sql,
        Func<SqliteDataReader, T> map, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var command = SqliteDatabase.Command(connection, sql, parameters);
        command.Transaction = transaction;
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct)) rows.Add(map(reader));
        return rows;
    }

    private static DateTimeOffset NextGridPoint(DateTimeOffset after)
    {
        var ticks = SampleInterval.Ticks;
        var next = (after.UtcTicks / ticks + 1) * ticks;
        return new DateTimeOffset(next, TimeSpan.Zero);
    }

    private static SimulatedQuota ReadQuota(SqliteDataReader row)
    {
        var stored = JsonSerializer.Deserialize<StoredQuota>(row.GetString(9))
            ?? throw new InvalidDataException($"sim_quotas row {row.GetString(0)}/{row.GetString(1)} has no profile");
        var info = new QuotaInfo(SqliteDatabase.ReadKey(row), row.GetString(4), row.GetDouble(5), row.GetInt32(7) == 1, row.GetString(8), stored.Metric);
        return new SimulatedQuota(info, row.GetDouble(6), stored.Profile) { Counted = stored.Counted };
    }

    private static RequestedServiceQuotaChange ReadRequest(SqliteDataReader row) => new(
        row.GetString(0), SqliteDatabase.ReadKey(row, 1), row.GetDouble(5), RequestStatusExtensions.FromApiName(row.GetString(6)), SqliteDatabase.NullableString(row, 7),
        SqliteDatabase.FromUnix(row.GetInt64(8)));

    /// <param name="Counted">Usage from the inventory, not the profile (absent in databases made before issue 15: false).</param>
    private sealed record StoredQuota(UsageMetric? Metric, UsageProfile Profile, bool Counted = false);
}

/// <summary>A quota of the simulated account: what Service Quotas reports, plus the value it started at and its usage shape.</summary>
public sealed record SimulatedQuota(QuotaInfo Info, double InitialValue, UsageProfile Profile)
{
    /// <summary>Its usage is counted from the account's resources (<see cref="SimulatedEstate"/>), not drawn from <see cref="Profile"/>.</summary>
    public bool Counted { get; init; }
}
