using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Core.Engine;

/// <summary>The adapters one engine runs on: all AWS or all embedded (or a mix in tests).</summary>
/// <param name="RequestBudget">The account's open-request slots shared with concurrent fleet shards; null: none shared (<see cref="LocalRequestBudget"/>).</param>
public sealed record EnginePorts(
    IRuleStore Rules,
    IQuotaSource Quotas,
    IUsageSource Usage,
    IUsageHistory History,
    IQuotaRequester Requester,
    IRequestStore Requests,
    IApprovalStore Approvals,
    INotifier Notifier,
    IAlertLog Alerts,
    IAuditLog Audit,
    IEventPublisher Published,
    IAccountRequestBudget? RequestBudget = null)
{
    /// <summary>Which quotas of an account and Region are observed: what wildcard rules expand to each cycle. Null: a wildcard rule fails, saying so.</summary>
    public IUsageCoverage? Coverage { get; init; }

    /// <summary>Where step plans are kept between cycles (issue 16). Null: no plans; an increase over ×2 is re-decided every cycle, as v1 did.</summary>
    public IStepPlanStore? Plans { get; init; }

    /// <summary>
    /// The organization's stored policies (issue 17), read every cycle beside <see cref="EngineOptions.Policies"/>. Null:
    /// only those. An item that does not parse, or a store that cannot be read, makes the cycle fail closed (<see cref="Phases.PolicyLoad"/>).
    /// </summary>
    public IPolicyStore? Policies { get; init; }

    /// <summary>Monthly spend per budget (policies' <c>monthly_budget</c>). Null: no ledger; an increase a budget covers then goes to a person.</summary>
    public IBudgetLedger? Budgets { get; init; }

    /// <summary>Unit prices read each cycle (the Price List, cached); null: <see cref="EngineOptions.Costs"/>.</summary>
    public IPriceSource? Prices { get; init; }
}
