using System.Globalization;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Local.Simulation;
using QuotaAutomation.Local.Storage;

namespace QuotaAutomation.Local;

/// <summary>
/// Everything the engine needs on this machine: one SQLite file with the stores and a simulated AWS account, and a
/// virtual clock that the file remembers. A new file starts its clock at the current time rounded down to five
/// minutes (or at <see cref="EmbeddedOptions.Start"/>), with the built-in quotas and the sample rules.
/// </summary>
public sealed class EmbeddedBackend
{
    private EmbeddedBackend(SqliteDatabase db, VirtualClock clock, SimulatedAccount account, SimulationOptions simulation, DateTimeOffset genesis, bool created)
    {
        Database = db;
        Clock = clock;
        Account = account;
        Accounts = new SimulatedFleet(db, clock, simulation, genesis, account);
        Simulation = simulation;
        Created = created;
        Rules = new SqliteRuleStore(db, clock);
        Policies = new SqlitePolicyStore(db, clock);
        History = new SqliteUsageHistory(db);
        Requests = new SqliteRequestStore(db);
        Audit = new SqliteAuditLog(db);
        Notifier = new SqliteNotifier(db, clock);
        Events = new SqliteEventLog(db);
        Door = new SqliteApprovalDoor(db);
        Budget = new SqliteRequestBudget(db);
        Wakes = new SqliteShardWakes(db);
        Plans = new SqliteStepPlanStore(db, Audit, clock);
        Ports = new EnginePorts(Rules, Accounts, Accounts, History, Accounts, Requests, Requests, Notifier, Notifier, Audit, Events) { Coverage = Coverage, Plans = Plans, Policies = Policies, Budgets = new SqliteBudgetLedger(db) };
    }

    public SqliteDatabase Database { get; }

    public VirtualClock Clock { get; }

    /// <summary>The hub's own simulated account (quotas with no account id).</summary>
    public SimulatedAccount Account { get; }

    /// <summary>
    /// What the engine's quota, usage and request ports are: the hub's account, and once a virtual organization is
    /// joined (<see cref="Fleet.VirtualOrganization"/>) its member accounts, by each quota's account id.
    /// </summary>
    public SimulatedFleet Accounts { get; }

    public SimulationOptions Simulation { get; }

    /// <summary>True when this open created the database.</summary>
    public bool Created { get; }

    public SqliteRuleStore Rules { get; }

    /// <summary>The organization's policies (<c>policy import</c>), read by every cycle beside <c>--policies FILE</c>.</summary>
    public SqlitePolicyStore Policies { get; }

    public SqliteUsageHistory History { get; }

    public SqliteRequestStore Requests { get; }

    public SqliteAuditLog Audit { get; }

    public SqliteNotifier Notifier { get; }

    public SqliteEventLog Events { get; }

    /// <summary>AWS's open requests per account, shared by the parallel shards of a fleet run.</summary>
    public SqliteRequestBudget Budget { get; }

    /// <summary>Shards an event woke, taken by the next fleet plan.</summary>
    public SqliteShardWakes Wakes { get; }

    /// <summary>Step plans (issue 16): an increase over ×2 the quota, planned once and followed step by step.</summary>
    public SqliteStepPlanStore Plans { get; }

    /// <summary>Task tokens, spent link nonces and the link key.</summary>
    public SqliteApprovalDoor Door { get; }

    public EnginePorts Ports { get; }

    /// <summary>
    /// Which quotas of the simulated accounts are observed, and how (what a wildcard rule expands to and
    /// <c>quota-automation quotas coverage</c> lists): the hub's own account, and a joined organization's members by id.
    /// </summary>
    public IUsageCoverage Coverage => Accounts;

    public static async Task<EmbeddedBackend> OpenAsync(string path, EmbeddedOptions options, TimeProvider realTime, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(realTime);
        var db = await SqliteDatabase.OpenAsync(path, ct);
        var state = await ReadStateAsync(db, ct);
        var created = !state.ContainsKey("clock");
        if (created)
        {
            var start = options.Start ?? Floor(realTime.GetUtcNow(), SimulatedAccount.SampleInterval);
            state = new Dictionary<string, string>
            {
                ["clock"] = Format(start),
                ["genesis"] = Format(start),
                ["seed"] = options.Simulation.Seed.ToString(CultureInfo.InvariantCulture),
            };
            foreach (var (name, value) in state)
                await db.ExecuteAsync("INSERT OR IGNORE INTO sim_state (name, value) VALUES ($name, $value)", ct, ("$name", name), ("$value", value));
        }

        // The seed a database was created with stays its seed, so its usage history never changes under it.
        var simulation = options.Simulation with { Seed = int.Parse(state["seed"], CultureInfo.InvariantCulture) };
        var clock = new VirtualClock(Parse(state["clock"]));
        var account = new SimulatedAccount(db, clock, simulation, Parse(state["genesis"]));
        var backend = new EmbeddedBackend(db, clock, account, simulation, Parse(state["genesis"]), created);
        if (created)
        {
            if (options.SimulatedResources) await account.EnsureQuotasAsync(Local.Simulation.Resources.SimulatedEstate.Quotas, ct);
            await account.EnsureQuotasAsync(BuiltInAccount.Quotas, ct); // the rest, or all of them without resources (INSERT OR IGNORE)
            if (options.SampleRules)
                await backend.Rules.UpsertAsync(SampleRules.Items.Select(i => ((string)i["rule_id"]!, i)), ct); // every sample has a rule_id
        }
        return backend;
    }

    /// <summary>The virtual organization this database's fleet runs over, once joined (<see cref="JoinOrganizationAsync"/>).</summary>
    public Fleet.VirtualOrganization? Organization { get; private set; }

    /// <summary>
    /// Joins the database's virtual organization: the one its first fleet run kept, or, on the first, one of the
    /// <paramref name="asked"/> size (default <see cref="Fleet.VirtualOrganizationSettings.Default"/>), kept from now
    /// on; a database this open created also gets the fleet sample rules. Asking for another size than the kept one is
    /// an error that says which size the database has.
    /// </summary>
    /// <returns>The organization, and whether this call made it.</returns>
    public async Task<(Fleet.VirtualOrganization Organization, bool Made)> JoinOrganizationAsync(int? accounts, IReadOnlyList<string>? regions, CancellationToken ct)
    {
        var kept = await Fleet.VirtualOrganizationSettings.ReadAsync(Database, ct);
        var made = kept is null;
        if (kept is null)
        {
            var asked = new Fleet.VirtualOrganizationSettings(accounts ?? Fleet.VirtualOrganizationSettings.Default.Accounts, regions ?? Fleet.VirtualOrganizationSettings.Default.Regions);
            kept = await asked.KeepAsync(Database, ct);
            if (Created) await Rules.UpsertAsync(Fleet.FleetSampleRules.Items.Select(i => ((string)i["rule_id"]!, i)), ct); // every sample has a rule_id
        }
        else if ((accounts is { } a && a != kept.Accounts) || (regions is { } r && !r.SequenceEqual(kept.Regions)))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{Database.Path} keeps a virtual organization of {kept.Accounts} accounts in {kept.Regions.Count} Regions ({string.Join(",", kept.Regions)}) from its first fleet run: drop --accounts and --regions to use it, or give a new --db"));
        }
        Organization = Fleet.VirtualOrganization.Create(Simulation.Seed, kept);
        Accounts.Join(Organization.Organization.ManagementAccountId, Organization.Members());
        return (Organization, made);
    }

    /// <summary>A person's decision on a waiting approval, recorded with who made it (the next cycle files an approved one).</summary>
    public async Task<ApprovalRequest> DecideApprovalAsync(ApprovalRequest approval, bool approve, string decidedBy, string? comment, string via, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(approval);
        var now = Clock.GetUtcNow();
        var decided = approval with { Status = approve ? ApprovalStatus.Approved : ApprovalStatus.Denied, DecidedAt = now, DecidedBy = decidedBy, Comment = comment };
        await Requests.UpdateAsync(decided, ct);
        var runId = Core.Audit.AuditRunIds.For(via, now);
        await Audit.AppendAsync(new AuditRecord($"{runId}/00001", runId, now, AuditKind.StatusChange, approval.RuleId, approval.Quota,
            approve ? "approval_granted" : "approval_denied",
            Echo.Of(string.Create(CultureInfo.InvariantCulture, $"approval {approval.Id} for {approval.Quota} → {approval.DesiredValue:#,0.##} {(approve ? "granted" : "denied")} by {decidedBy} via {via}{(comment is { } c ? $": {c}" : "")}"))), ct); // name and comment are typed by a person
        return decided;
    }

    /// <summary>
    /// A decision sent with a task token, checked as Step Functions' SendTaskSuccess / SendTaskFailure check it: a token
    /// that is not the one issued for this approval's waiting task is refused (InvalidToken when it cannot be a token at
    /// all, TaskDoesNotExist otherwise) and nothing changes; a token decides once.
    /// </summary>
    public async Task<ApprovalRequest> DecideWithTokenAsync(ApprovalRequest approval, string token, bool approve, string decidedBy, string? comment, string via, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(approval);
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length is 0 or > 1024) throw new TaskTokenRejectedException("InvalidToken", "Invalid Token: the task token must be 1 to 1024 characters");
        var issued = await Door.FindTaskTokenAsync(approval.Id, ct);
        if (issued is null || approval.Status != ApprovalStatus.Waiting
            || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(issued), System.Text.Encoding.UTF8.GetBytes(token)))
            throw new TaskTokenRejectedException("TaskDoesNotExist", "Task Timed Out or does not exist: the token is not the one issued for this approval's waiting task");
        if (!await Door.TryEndTaskTokenAsync(approval.Id, token, ct)) // a token decides once: a racing decision lost
            throw new TaskTokenRejectedException("TaskDoesNotExist", "Task Timed Out or does not exist: the task was decided by another request");
        return await DecideApprovalAsync(approval, approve, decidedBy, comment, via, ct);
    }

    /// <summary>
    /// Moves the file's virtual clock by <paramref name="by"/> and this backend's clock to where the file's now is.
    /// Read, add and write are one IMMEDIATE transaction: writing back the time this process last saw lost the other
    /// processes' advances (8 concurrent runs of 1 cycle moved the clock 5 minutes, not 40).
    /// </summary>
    public async Task AdvanceAsync(TimeSpan by, CancellationToken ct)
    {
        if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), by, "time only moves forward");
        await using var connection = await Database.ConnectAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: takes the write lock before reading
        DateTimeOffset moved;
        await using (var read = SqliteDatabase.Command(connection, "SELECT value FROM sim_state WHERE name = 'clock'"))
        {
            read.Transaction = transaction;
            moved = Parse((string)(await read.ExecuteScalarAsync(ct) ?? throw new InvalidOperationException($"{Database.Path} has no virtual clock (sim_state 'clock')"))) + by;
        }
        await using (var write = SqliteDatabase.Command(connection, "UPDATE sim_state SET value = $value WHERE name = 'clock'", ("$value", Format(moved))))
        {
            write.Transaction = transaction;
            await write.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        Clock.MoveTo(Max(moved, Clock.GetUtcNow()));
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static async Task<Dictionary<string, string>> ReadStateAsync(SqliteDatabase db, CancellationToken ct) =>
        (await db.QueryAsync("SELECT name, value FROM sim_state", row => (row.GetString(0), row.GetString(1)), ct)).ToDictionary(x => x.Item1, x => x.Item2);

    private static DateTimeOffset Floor(DateTimeOffset t, TimeSpan step) => new(t.UtcTicks / step.Ticks * step.Ticks, TimeSpan.Zero);

    private static string Format(DateTimeOffset t) => t.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}

/// <summary>A task token refused as Step Functions refuses it: <see cref="ErrorCode"/> is AWS's error code.</summary>
public sealed class TaskTokenRejectedException(string errorCode, string message) : Exception($"{errorCode}: {message}")
{
    public string ErrorCode { get; } = errorCode;
}

/// <summary>How to open or create an embedded database.</summary>
public sealed record EmbeddedOptions
{
    public SimulationOptions Simulation { get; init; } = new();

    /// <summary>The virtual clock's start for a new database; null means now, rounded down to 5 minutes.</summary>
    public DateTimeOffset? Start { get; init; }

    /// <summary>Whether a new database gets the sample rules.</summary>
    public bool SampleRules { get; init; } = true;

    /// <summary>
    /// Whether a new database's own account has resources (VPCs with subnets, security groups with rules, …) and every
    /// quota of issue 15 counted from them (<see cref="Simulation.Resources.SimulatedEstate"/>); false: only the
    /// built-in quotas, each with its usage shape (a fleet simulation's shard, whose account is drawn).
    /// </summary>
    public bool SimulatedResources { get; init; } = true;
}
