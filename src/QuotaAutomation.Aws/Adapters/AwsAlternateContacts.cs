using QuotaAutomation.Aws.Clients;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// An account's operations alternate contact (Account API <c>GetAlternateContact</c>, type OPERATIONS), asked from the
/// management account or a delegated administrator, so alerts can reach the people who run that account.
/// </summary>
/// <param name="callerAccountId">The account the credentials belong to: its own contact is asked without an <c>AccountId</c>, which the API refuses for the caller.</param>
public sealed class AwsAlternateContacts(AccountClient account, string? callerAccountId)
{
    /// <summary>The contact, or null when the account has none of that type (the API's <c>ResourceNotFoundException</c>).</summary>
    public async Task<AlternateContact?> OperationsAsync(string accountId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        try
        {
            var reply = await account.GetAlternateContactAsync(new GetAlternateContactRequest
            {
                AlternateContactType = "OPERATIONS",
                AccountId = accountId == callerAccountId ? null : accountId,
            }, ct);
            return reply.AlternateContact;
        }
        catch (AwsServiceException e) when (e.ErrorCode == "ResourceNotFoundException")
        {
            return null; // no operations contact set: an expected answer, not a failure
        }
    }
}
