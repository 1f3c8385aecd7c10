using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Replay;

/// <summary>A way of running a quota, replayed step by step against the same <see cref="ReplayAccount"/>.</summary>
public interface IReplayPolicy
{
    string Name { get; }

    /// <summary>Called once per trace, after the warm-up and before the first evaluated step.</summary>
    Task<IPolicyRun> StartAsync(ReplayTrace trace, ReplayAccount account, VirtualClock clock, CancellationToken ct);
}

/// <summary>One policy on one trace: it observes each step and may file a request through the account.</summary>
public interface IPolicyRun : IAsyncDisposable
{
    /// <summary>Called with the clock at the step's time and the account's due decisions already made (<see cref="ReplayLoop"/>).</summary>
    Task StepAsync(int index, CancellationToken ct);

    /// <summary>Approvals asked of people so far.</summary>
    int ApprovalsAsked { get; }

    /// <summary>Actions that failed (an error from the account): each is a bug or a limit the policy ignored.</summary>
    int FailedActions { get; }
}

/// <summary>What a reactive policy sees at a step: the quota now and the usage so far.</summary>
public readonly record struct PolicyView(ReplayTrace Trace, int Index, double Quota, ReplayScenario Scenario)
{
    public double Usage => Trace.Usage[Index];

    public double PeakOver(TimeSpan span) => Trace.PeakOver(Index, span);

    /// <summary>Steps since the first evaluated one (for once-a-day policies).</summary>
    public int Elapsed => Index - Trace.FirstEvaluated;
}

/// <summary>
/// A policy that is a formula: at each step with no request open, <see cref="Want"/> names the value to request (or
/// null). The value is rounded up to a whole unit and capped at the scenario's cap; nothing is filed unless it is
/// above the quota. These are the alternatives the issue compares with (docs/simulation.md says where each comes from).
/// </summary>
public sealed record FormulaPolicy(string Name, string Description, Func<PolicyView, double?> Want) : IReplayPolicy
{
    public Task<IPolicyRun> StartAsync(ReplayTrace trace, ReplayAccount account, VirtualClock clock, CancellationToken ct) =>
        Task.FromResult<IPolicyRun>(new Run(this, trace, account));

    private sealed class Run(FormulaPolicy policy, ReplayTrace trace, ReplayAccount account) : IPolicyRun
    {
        public int ApprovalsAsked => 0;

        public int FailedActions { get; private set; }

        public Task StepAsync(int index, CancellationToken ct)
        {
            if (account.HasOpenRequest) return Task.CompletedTask;
            var scenario = account.Scenario;
            if (policy.Want(new PolicyView(trace, index, account.Quota, scenario)) is not { } wanted) return Task.CompletedTask;
            var desired = Math.Min(scenario.Cap, Math.Ceiling(wanted));
            if (desired <= account.Quota) return Task.CompletedTask;
            try
            {
                account.Request(desired, trace.TimeAt(index));
            }
            catch (Core.Ports.QuotaServiceException)
            {
                FailedActions++;
            }
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>The compared policies, by name.</summary>
public static class Policies
{
    public const string QuotaAutomation = "quota-automation";

    /// <summary>The engine with the sizing shipped before issue 16 (<c>SizingPolicy.V1</c>): the change shown on the same run.</summary>
    public const string QuotaAutomationV1 = "quota-automation-v1";

    /// <summary>The engine with the adaptive read cadence: GetMetricData only when a quota's detail is due, the utilization report otherwise.</summary>
    public const string QuotaAutomationAdaptive = "quota-automation-adaptive";

    /// <summary>The seed's engine: utilisation of max(current, 1.2 × current); at 70 / 85 / 95 % ask 1.2 / 1.5 / 2 × the quota.</summary>
    public static readonly FormulaPolicy Seed = new("seed", "the seed's engine: utilisation of 1.2 × current; at 70/85/95 % request 1.2/1.5/2 × the quota", v =>
        (1.2 * v.Usage / v.Quota) switch
        {
            >= 0.95 => 2.0 * v.Quota,
            >= 0.85 => 1.5 * v.Quota,
            >= 0.70 => 1.2 * v.Quota,
            _ => null,
        });

    /// <summary>Service Quotas automatic management as a reactive rule (AWS does not document its adjustment's size).</summary>
    public static readonly FormulaPolicy Native = new("native", "Service Quotas automatic management as a rule: at 80 % request max(1.2 × quota, usage ÷ 0.8)", v =>
        v.Usage >= 0.8 * v.Quota ? Math.Max(1.2 * v.Quota, v.Usage / 0.8) : null);

    /// <summary>Cloud Custodian's request-increase run daily: the last day's peak at or above 80 % asks 1.2 ×.</summary>
    public static readonly FormulaPolicy Custodian = new("custodian", "Cloud Custodian request-increase, daily: last day's peak ≥ 80 % requests 1.2 ×", v =>
        v.Elapsed % v.Trace.StepsIn(TimeSpan.FromDays(1)) == 0 && v.PeakOver(TimeSpan.FromDays(1)) >= 0.8 * v.Quota ? 1.2 * v.Quota : null);

    /// <summary>A simple strong baseline: keep the quota at 1.5 × the last week's peak, asking for 2 ×.</summary>
    public static readonly FormulaPolicy Headroom = new("headroom", "quota below 1.5 × the last 7 days' peak: request 2 × that peak", v =>
        v.Quota < 1.5 * v.PeakOver(TimeSpan.FromDays(7)) ? 2 * v.PeakOver(TimeSpan.FromDays(7)) : null);

    /// <summary>The physical bound: the cap as fast as approvals allow (doubling is approved in 30 minutes, more takes a day).</summary>
    public static readonly FormulaPolicy Limit = new("limit", "not a policy: the cap as fast as approvals allow (×2 steps, each approved in 30 min)", v =>
        v.Quota < v.Scenario.Cap ? v.Scenario.LargeFactor * v.Quota : null);

    public static IReadOnlyList<string> Names { get; } = ["seed", "native", "custodian", "headroom", "limit", QuotaAutomationV1, QuotaAutomation, QuotaAutomationAdaptive];

    /// <summary>What <c>simulate</c> runs when no <c>--policy</c> is given: all but the adaptive-cadence variant (asked for by name).</summary>
    public static IReadOnlyList<string> Default { get; } = [.. Names.Where(n => n != QuotaAutomationAdaptive)];

    public static IReadOnlyList<FormulaPolicy> Formulas { get; } = [Seed, Native, Custodian, Headroom, Limit];
}
