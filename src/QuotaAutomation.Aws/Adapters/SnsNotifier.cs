using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// Publishes notifications to the alert or approval SNS topic. An alert about another account's quota goes to that
/// account's routed topic when <paramref name="alertTopicFor"/> names one (docs/fleet.md, "Alert routing"), and
/// carries the account as the message attribute <c>account_id</c>, which per-account subscriptions filter on.
/// </summary>
public sealed class SnsNotifier(AwsClients clients, AwsBackendOptions options, Func<string, string?>? alertTopicFor = null) : INotifier
{
    /// <summary>The message attribute naming the quota's account; contact subscriptions' filter policies match it.</summary>
    public const string AccountAttribute = "account_id";

    public async Task<string> PublishAsync(Notification notification, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (notification.Topic == NotificationTopics.Approvals && options.ApprovalsByWorkflow) return "sent by the approval workflow, with its task token";
        var account = notification.Quota?.AccountId;
        var topic = notification.Topic == NotificationTopics.Approvals ? options.ApprovalTopicArn ?? options.AlertTopicArn
            : (account is not null ? alertTopicFor?.Invoke(account) : null) ?? options.AlertTopicArn;
        if (topic is null) return "not sent: no SNS topic configured";
        var reply = await clients.Sns().PublishAsync(new PublishRequest
        {
            TopicArn = topic, Subject = notification.Subject, Message = notification.Message,
            MessageAttributes = account is null ? null : new Dictionary<string, string> { [AccountAttribute] = account },
        }, ct);
        return reply.MessageId;
    }
}
