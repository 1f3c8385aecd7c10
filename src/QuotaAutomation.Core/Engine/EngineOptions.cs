using QuotaAutomation.Core.Actions;
using QuotaAutomation.Core.Decisions;

namespace QuotaAutomation.Core.Engine;

/// <summary>Settings of the engine that are not per rule.</summary>
public sealed record EngineOptions
{
    public RequestLimits Limits { get; init; } = RequestLimits.Aws;

    public CostModel Costs { get; init; } = CostModel.SeedDefaults;

    /// <summary>How much history a forecast reads, and how far back a quota with none is first read.</summary>
    public TimeSpan HistoryWindow { get; init; } = TimeSpan.FromDays(14);

    /// <summary>A request still pending this long gets a support case (Service Quotas <c>CreateSupportCase</c>).</summary>
    public TimeSpan SupportCaseAfter { get; init; } = TimeSpan.FromHours(24);

    /// <summary>An approval nobody decided within this time expires; the next cycle may ask again.</summary>
    public TimeSpan ApprovalTimeout { get; init; } = TimeSpan.FromHours(72);

    /// <summary>Makes each cycle's run id unique between concurrent cycles; tests pass a fixed one.</summary>
    public Func<string> NewRunNonce { get; init; } = () => Guid.NewGuid().ToString("N")[..8];
}
