using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Tests.Fakes;

/// <summary>Open step plans in memory, one per quota, with an optional fault per operation; ended plans are kept for assertions.</summary>
internal sealed class InMemoryStepPlans : IStepPlanStore
{
    private readonly Lock _lock = new();

    public Dictionary<QuotaKey, StepPlan> Open { get; } = [];

    public List<StepPlan> Ended { get; } = [];

    /// <summary>Every plan saved, in order (a plan saved at each step appears once per step).</summary>
    public List<StepPlan> Saved { get; } = [];

    /// <summary>Given the operation ("load", "save", "end"), an exception to throw instead; null: none.</summary>
    public Func<string, Exception?> Fail { get; set; } = _ => null;

    public Task<IReadOnlyDictionary<QuotaKey, StepPlan>> LoadAsync(IReadOnlyCollection<QuotaKey> quotas, CancellationToken ct)
    {
        if (Fail("load") is { } e) throw e;
        lock (_lock)
            return Task.FromResult<IReadOnlyDictionary<QuotaKey, StepPlan>>(Open.Where(p => quotas.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value));
    }

    public Task<IReadOnlyList<StepPlan>> ListAsync(CancellationToken ct)
    {
        lock (_lock) return Task.FromResult<IReadOnlyList<StepPlan>>([.. Open.Values]);
    }

    public Task SaveAsync(StepPlan plan, CancellationToken ct)
    {
        if (Fail("save") is { } e) throw e;
        lock (_lock)
        {
            Open[plan.Quota] = plan;
            Saved.Add(plan);
        }
        return Task.CompletedTask;
    }

    public Task EndAsync(StepPlan plan, CancellationToken ct)
    {
        if (Fail("end") is { } e) throw e;
        lock (_lock)
        {
            if (Open.Remove(plan.Quota)) Ended.Add(plan);
        }
        return Task.CompletedTask;
    }
}
