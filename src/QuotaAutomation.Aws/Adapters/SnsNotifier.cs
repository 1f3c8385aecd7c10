using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>Publishes notifications to the alert or approval SNS topic.</summary>
public sealed class SnsNotifier(AwsClients clients, AwsBackendOptions options) : INotifier
{
    public async Task<string> PublishAsync(Notification notification, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (notification.Topic == NotificationTopics.Approvals && options.ApprovalsByWorkflow) return "sent by the approval workflow, with its task token";
        var topic = notification.Topic == NotificationTopics.Approvals ? options.ApprovalTopicArn ?? options.AlertTopicArn : options.AlertTopicArn;
        if (topic is null) return "not sent: no SNS topic configured";
        var reply = await clients.Sns().PublishAsync(new PublishRequest { TopicArn = topic, Subject = notification.Subject, Message = notification.Message }, ct);
        return reply.MessageId;
    }
}
