using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// Why a quota the deployment is short on has nothing in flight, for <c>wait</c>: AWS denied the increase, a person
/// denied it, its rule only alerts (nothing will ever be filed), or it was never asked for.
/// </summary>
internal static class WhyIdle
{
    /// <summary>Refusals this recent are the answer; the engine holds a refused quota for as long (24 h).</summary>
    private static readonly TimeSpan Recent = TimeSpan.FromHours(24);

    public static async Task<string> ExplainAsync(EnginePorts ports, QuotaKey quota, DateTimeOffset now, CancellationToken ct)
    {
        var denied = (await ports.Requests.ListDeniedSinceAsync(now - Recent, ct)).Where(r => r.Quota == quota).MaxBy(r => r.UpdatedAt);
        if (denied is not null)
            return $"denied by AWS (request {denied.AwsRequestId ?? denied.Id}, {denied.Status.ToApiName()}): the engine asks again after 24 h; or file a smaller increase, or open a support case";
        var refused = (await ports.Approvals.ListDeniedSinceAsync(now - Recent, ct)).Where(a => a.Quota == quota).MaxBy(a => a.DecidedAt);
        if (refused is not null)
            return $"denied by {refused.DecidedBy ?? "a person"} (approval {refused.Id}{(refused.Comment is { Length: > 0 } c ? $": {c}" : "")})";
        var rule = (await ports.Rules.LoadRulesAsync(ct)).Select(r => RuleParser.Parse(r)).Where(p => p.Success).Select(p => p.Value)
            .FirstOrDefault(r => r.Quota == quota && r.Level is AutomationLevel.AlertOnly or AutomationLevel.MonitorOnly);
        if (rule is not null)
        {
            var level = rule.Level == AutomationLevel.AlertOnly ? "alert_only" : "monitor_only";
            return $"rule '{rule.RuleId}' is {level}: it {(rule.Level == AutomationLevel.AlertOnly ? "alerts and" : "only watches and")} never files an increase; raise its automation_level, or request the increase in the Service Quotas console";
        }
        return "never requested, or granted and still short (quota-automation check --request files what is missing)";
    }
}
