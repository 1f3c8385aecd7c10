using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Governance;

namespace QuotaAutomation.Core.Engine.Phases;

/// <summary>
/// Before evaluation: the policies this cycle runs under, the options' (a file) and the store's (a table people edit by
/// hand). Each stored item that does not parse is audited with its message; the store's policies are all-or-nothing,
/// since the item left out could be the one that forbids: one bad item, or a store that cannot be read, adds
/// <see cref="QuotaPolicy.FailClosed"/> and every quota is alert-only this cycle (its alerts still go out).
/// </summary>
internal sealed class PolicyLoad(EnginePorts ports, EngineOptions options)
{
    public async Task<IReadOnlyList<QuotaPolicy>> RunAsync(CycleAudit audit, CancellationToken ct)
    {
        if (ports.Policies is null) return options.Policies;
        IReadOnlyList<RawPolicy> raws;
        try
        {
            raws = await ports.Policies.LoadPoliciesAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var closed = QuotaPolicy.FailClosed(QuotaPolicy.UnreadableId);
            await audit.WriteAsync(AuditKind.PolicyRejected, "-", null, "policies_unreadable",
                $"could not read the policies ({e.GetType().Name}: {e.Message}): every quota is alert-only this cycle ({closed.PolicyId})", ct);
            return [.. options.Policies, closed];
        }
        var (policies, problems) = PolicyParser.ParseAll(raws);
        if (problems.Count == 0) return [.. options.Policies, .. policies];
        var failClosed = QuotaPolicy.FailClosed(QuotaPolicy.InvalidId);
        foreach (var problem in problems)
            await audit.WriteAsync(AuditKind.PolicyRejected, "-", null, "policy_rejected", $"{problem}: every quota is alert-only until it is fixed ({failClosed.PolicyId})", ct);
        return [.. options.Policies, .. policies, failClosed];
    }
}
