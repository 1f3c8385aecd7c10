using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Core.Approvals;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Tests.Fakes;

namespace QuotaAutomation.Core.Tests.Engine;

/// <summary>An engine on in-memory stores and a strict fake account, on a fake clock (Tuesday 12:00 UTC).</summary>
internal sealed class EngineFixture
{
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    /// <param name="coverage">What wildcard rules expand over, made from the fake account (none: they fail, saying so).</param>
    /// <param name="forecaster">The trend forecaster (no quantiles: every decision sized as v1) unless given.</param>
    /// <param name="plans">Where step plans are kept; none: no plans.</param>
    /// <param name="policies">Stored policies, read every cycle; none: only the options'.</param>
    /// <param name="budgets">The budget ledger; none: no ledger (a budgeted increase goes to a person).</param>
    public EngineFixture(EngineOptions? options = null, Func<FakeAccount, Ports.IUsageCoverage>? coverage = null, IForecaster? forecaster = null, Ports.IStepPlanStore? plans = null,
        Ports.IPolicyStore? policies = null, Ports.IBudgetLedger? budgets = null)
    {
        Account = new FakeAccount(Time);
        Options = (options ?? new EngineOptions()) with { NewRunNonce = () => $"n{++_runs}", NewApprovalId = ApprovalIds.Seeded(new Random(0)) };
        Engine = new AutomationEngine(
            new(Stores, Account, Account, Stores, Account, Stores, Stores, Stores, Stores, Stores, Stores) { Coverage = coverage?.Invoke(Account), Plans = plans, Policies = policies, Budgets = budgets },
            forecaster ?? new TrendForecaster(), Time, Options);
    }

    private int _runs;

    /// <summary>The first approval id the seeded source gives (the ids are 128 random bits, not a rule and a time).</summary>
    public static readonly string FirstApprovalId = ApprovalIds.Seeded(new Random(0))();

    public FakeTimeProvider Time { get; } = new(Start);

    public InMemoryStores Stores { get; } = new();

    public FakeAccount Account { get; }

    public EngineOptions Options { get; }

    public AutomationEngine Engine { get; }

    public async Task<CycleReport> CycleAsync()
    {
        var report = await Engine.RunCycleAsync(CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(5));
        return report;
    }
}
