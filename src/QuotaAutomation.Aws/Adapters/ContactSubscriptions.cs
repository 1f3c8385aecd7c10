using System.Text.Json;
using QuotaAutomation.Aws.Clients;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// An account's own contact (its operations alternate contact) receives the alerts about that account: an e-mail
/// subscription of the account's alert topic whose filter policy passes only messages whose <c>account_id</c> attribute
/// is one of the accounts that address is the contact of (<see cref="SnsNotifier.AccountAttribute"/>). One subscription
/// per (topic, address); SNS first mails the address a confirmation link, and delivers nothing until the owner confirms.
/// </summary>
public sealed class ContactSubscriptions(SnsClient sns)
{
    public static string FilterPolicy(IEnumerable<string> accountIds) =>
        JsonSerializer.Serialize(new Dictionary<string, string[]> { [SnsNotifier.AccountAttribute] = accountIds.Order(StringComparer.Ordinal).ToArray() });

    /// <summary>
    /// Subscribes each address not yet subscribed to its topic; a confirmed subscription gets its filter policy set
    /// again, so an address that became another account's contact receives that account's alerts too.
    /// </summary>
    /// <returns>What was subscribed or updated, one line each, for the audit.</returns>
    public async Task<IReadOnlyList<string>> EnsureAsync(IEnumerable<AccountContact> contacts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(contacts);
        var done = new List<string>();
        foreach (var topic in contacts.GroupBy(c => c.TopicArn, StringComparer.Ordinal))
        {
            var existing = (await sns.ListSubscriptionsByTopicAsync(topic.Key, ct)).Where(s => s.Protocol == "email")
                .GroupBy(s => s.Endpoint, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
            foreach (var address in topic.GroupBy(c => c.Email, StringComparer.OrdinalIgnoreCase))
            {
                var accounts = address.Select(c => c.AccountId).Distinct(StringComparer.Ordinal).ToList();
                var policy = FilterPolicy(accounts);
                var who = $"{address.Key} on {topic.Key} for account{(accounts.Count > 1 ? "s" : "")} {string.Join(", ", accounts.Order(StringComparer.Ordinal))}";
                if (!existing.TryGetValue(address.Key, out var subscription))
                {
                    await sns.SubscribeAsync(topic.Key, "email", address.Key, policy, ct);
                    done.Add($"subscribed {who} (awaits the owner's confirmation)");
                }
                else if (subscription.SubscriptionArn.StartsWith("arn:", StringComparison.Ordinal)) // "PendingConfirmation" cannot be changed
                {
                    await sns.SetSubscriptionAttributeAsync(subscription.SubscriptionArn, "FilterPolicy", policy, ct);
                }
            }
        }
        return done;
    }
}

/// <summary>Where one account's own alerts go: its contact's address on its alert topic.</summary>
public sealed record AccountContact(string AccountId, string TopicArn, string Email);
