using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Core.Engine;

/// <summary>The adapters one engine runs on: all AWS or all embedded (or a mix in tests).</summary>
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
    IEventPublisher Published);
