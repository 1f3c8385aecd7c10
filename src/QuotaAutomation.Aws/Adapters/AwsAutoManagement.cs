using QuotaAutomation.Aws.Clients;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>What enabling Automatic Management found or did in one account and Region.</summary>
/// <param name="Outcome"><c>enabled</c> (started now), <c>already</c> (it was on, NotifyOnly), <c>kept</c> (it was on in another mode, left as the owner set it) or <c>failed</c>.</param>
public sealed record AutoManagementResult(string AccountId, string Region, string Outcome, string? Error = null);

/// <summary>
/// Turns on Service Quotas Automatic Management in NotifyOnly mode, per account and Region, under the member role
/// (<see cref="AwsClients"/>): AWS then notifies at 80 % and 95 % utilization and raises the AWS Health event
/// <c>AWS_SERVICEQUOTAS_THRESHOLD_BREACH</c>, which the fleet can wake on. Idempotent: an account where it is already
/// on is left alone, and one an owner set to NotifyAndAdjust is not downgraded. One account's failure (no role, no
/// permission) is its result; the others go on.
/// </summary>
public sealed class AwsAutoManagement(AwsClients clients)
{
    public const string NotifyOnly = "NotifyOnly";

    public async Task<AutoManagementResult> EnableAsync(string? accountId, string region, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(region);
        var account = accountId ?? "self";
        var client = clients.ServiceQuotas(new Core.Quotas.QuotaKey("servicequotas", "-", region, accountId));
        try
        {
            var now = await ConfigurationAsync(client, ct);
            if (now?.OptInStatus == "ENABLED")
                return new(account, region, now.OptInType == NotifyOnly ? "already" : "kept");
            await client.StartAutoManagementAsync(new StartAutoManagementRequest { OptInLevel = "ACCOUNT", OptInType = NotifyOnly }, ct);
            return new(account, region, "enabled");
        }
        catch (AwsServiceException e) when (!e.IsRetryable)
        {
            return new(account, region, "failed", e.Message);
        }
        catch (Amazon.Runtime.AmazonServiceException e)
        {
            // The member role could not be assumed (STS refused): this account is reported, the rest go on.
            return new(account, region, "failed", $"assume role: {e.ErrorCode}: {e.Message}");
        }
    }

    /// <summary>The account's configuration, or null when Automatic Management was never started there (AWS answers NoSuchResourceException).</summary>
    private static async Task<GetAutoManagementConfigurationResponse?> ConfigurationAsync(ServiceQuotasClient client, CancellationToken ct)
    {
        try
        {
            return await client.GetAutoManagementConfigurationAsync(new GetAutoManagementConfigurationRequest(), ct);
        }
        catch (NoSuchResourceException)
        {
            return null;
        }
    }
}
