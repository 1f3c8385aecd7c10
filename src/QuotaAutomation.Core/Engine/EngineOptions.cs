using System.Security.Cryptography;
using QuotaAutomation.Core.Actions;
using QuotaAutomation.Core.Approvals;
using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Decisions;

namespace QuotaAutomation.Core.Engine;

/// <summary>Settings of the engine that are not per rule.</summary>
public sealed record EngineOptions
{
    public RequestLimits Limits { get; init; } = RequestLimits.Aws;

    public CostModel Costs { get; init; } = CostModel.SeedDefaults;

    /// <summary>Which quotas a quota's growth consumes: every increase checks the dependents the cycle observes (docs/dependencies.md).</summary>
    public Dependencies.QuotaDependencies Dependencies { get; init; } = Core.Dependencies.QuotaDependencies.Default;

    /// <summary>
    /// When each quota is read in detail (GetMetricData) rather than from the utilization report; null: every quota in
    /// detail every cycle.
    /// </summary>
    public ReadCadence? Cadence { get; init; }

    /// <summary>
    /// Whether the cycle's "nothing to do" decisions are written as digest records (<see cref="Audit.QuietDecisions"/>)
    /// rather than one record per rule. Fleet shards turn it on: their audit is the fleet's largest DynamoDB cost.
    /// </summary>
    public bool DigestQuietDecisions { get; init; }

    /// <summary>
    /// The organization's policies over rules (issue 17, docs/governance.md): caps, step limits, never-raise lists,
    /// who may auto-approve, when a person must approve. Empty: the rules as written.
    /// </summary>
    public IReadOnlyList<Governance.QuotaPolicy> Policies { get; init; } = [];

    /// <summary>
    /// Where a quota's account sits, for policies that name accounts or OUs; the default knows the rule's account id
    /// (null: the hub's own) and no OUs, so an OU-scoped policy restricts and never permits (docs/governance.md).
    /// </summary>
    public Func<Quotas.QuotaKey, Governance.AccountPlace> PlaceOf { get; init; } = q => new Governance.AccountPlace(q.AccountId, null);

    /// <summary>How much history a forecast reads, and how far back a quota with none is first read.</summary>
    public TimeSpan HistoryWindow { get; init; } = TimeSpan.FromDays(14);

    /// <summary>Increases are asked in steps of at most this multiple of the current value (<see cref="Sizing.FastStep"/>); null: all at once.</summary>
    public double? FastStep { get; init; } = Decisions.Sizing.FastStep;

    /// <summary>
    /// How increases are sized: by the rule's breach risk (default; a forecast without quantiles is sized as v1), with
    /// step plans when <see cref="EnginePorts.Plans"/> is set; or as v1 did, with no plans (docs/rules.md).
    /// </summary>
    public SizingPolicy Sizing { get; init; } = SizingPolicy.Risk;

    /// <summary>A request still pending this long gets a support case (Service Quotas <c>CreateSupportCase</c>).</summary>
    public TimeSpan SupportCaseAfter { get; init; } = TimeSpan.FromHours(24);

    /// <summary>An approval nobody decided within this time expires; the next cycle may ask again.</summary>
    public TimeSpan ApprovalTimeout { get; init; } = TimeSpan.FromHours(72);

    /// <summary>After a person or AWS says no to an increase, the quota is not asked for again within this time.</summary>
    public TimeSpan DenialQuietPeriod { get; init; } = TimeSpan.FromHours(24);

    /// <summary>One alert per quota and severity within this time; a higher severity is sent at once.</summary>
    public TimeSpan AlertCoolDown { get; init; } = TimeSpan.FromHours(6);

    /// <summary>
    /// An alerted quota has recovered only once its utilisation is this many points below the warning threshold: a
    /// forecast hovering at the threshold otherwise flapped between alert and recovery every few cycles (the simulated
    /// day sent a Lambda quota's warning and recovery 12 times in 9 hours; with 5 points, 4 warnings in an hour; with
    /// 10, one warning, one recovery and one later warning in the day).
    /// </summary>
    public double RecoveryMargin { get; init; } = 10;

    /// <summary>
    /// An intent with no outcome, or a cycle with no end, this old belongs to a process that ended (killed, timed out):
    /// the next cycle reconciles it. Longer than any cycle runs (a Lambda invocation runs at most 15 minutes), so a
    /// cycle still running is never reconciled under it.
    /// </summary>
    public TimeSpan ReconcileAfter { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How far back each cycle looks for unfinished records. Every cycle reconciles what is older than
    /// <see cref="ReconcileAfter"/>, so a day is ample; on DynamoDB each cycle reads the window's intents, outcomes and
    /// cycle records (about 600 cycle records a day at one cycle per 5 minutes), so it is kept short.
    /// </summary>
    public TimeSpan ReconcileWindow { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Who runs this engine's cycles (a process), recorded on each cycle's audit records as <c>owner</c>. Null on
    /// Lambda, where age alone says a run has ended: no invocation outlives <see cref="ReconcileAfter"/>.
    /// </summary>
    public string? RunOwner { get; init; }

    /// <summary>
    /// Whether a recorded owner still runs: its unfinished records are not reconciled, whatever their age. The
    /// embedded backend's virtual clock runs ahead of real time when several processes move it (8 runs at once move it
    /// 40 minutes in seconds), so there age alone would call a running cycle dead.
    /// </summary>
    public Func<string, bool> OwnerAlive { get; init; } = _ => false;

    /// <summary>Makes each cycle's run id unique between concurrent cycles; tests pass a fixed one.</summary>
    public Func<string> NewRunNonce { get; init; } = () => Guid.NewGuid().ToString("N")[..8];

    /// <summary>Approval ids are capabilities' names: 128 random bits, never a rule and a time someone could guess.</summary>
    public Func<string> NewApprovalId { get; init; } = () => ApprovalIds.From(RandomNumberGenerator.Fill);

    /// <summary>The lines of an approval message that say how to decide, for the backend the engine runs on.</summary>
    public Func<string, string> HowToDecide { get; init; } = id => $"Approve: quota-automation approve {id}\nDeny:    quota-automation deny {id}";
}
