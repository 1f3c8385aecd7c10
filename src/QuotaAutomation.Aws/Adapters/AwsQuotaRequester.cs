using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using CoreChange = QuotaAutomation.Core.Ports.RequestedServiceQuotaChange;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// Files and follows increase requests through Service Quotas. Client errors (4xx) become Core's
/// <see cref="QuotaServiceException"/> with AWS's error name, so the engine knows nothing was filed; 5xx and timeouts
/// stay as they are, because the request may have gone through.
/// </summary>
public sealed class AwsQuotaRequester(AwsClients clients) : IQuotaRequester
{
    public Task<CoreChange> RequestIncreaseAsync(QuotaKey quota, double desiredValue, CancellationToken ct) =>
        Translate(quota, async () => ToCore(quota, (await clients.ServiceQuotas(quota).RequestServiceQuotaIncreaseAsync(new RequestServiceQuotaIncreaseRequest
        {
            ServiceCode = quota.ServiceCode,
            QuotaCode = quota.QuotaCode,
            DesiredValue = desiredValue,
            SupportCaseAllowed = true,
        }, ct)).RequestedQuota, "RequestServiceQuotaIncrease"));

    public Task<CoreChange> GetRequestAsync(QuotaKey quota, string requestId, CancellationToken ct) =>
        Translate(quota, async () => ToCore(quota, (await clients.ServiceQuotas(quota).GetRequestedServiceQuotaChangeAsync(new(requestId), ct)).RequestedQuota,
            "GetRequestedServiceQuotaChange"));

    public Task<CoreChange?> FindOpenRequestAsync(QuotaKey quota, CancellationToken ct) =>
        FirstInHistoryAsync(quota, r => r.Status.IsOpen(), ct);

    // Every status, so a request AWS has already approved, denied or closed is found too.
    public Task<CoreChange?> FindRequestAsync(QuotaKey quota, double desiredValue, DateTimeOffset createdFrom, CancellationToken ct) =>
        FirstInHistoryAsync(quota, r => r.DesiredValue == desiredValue && r.Created >= createdFrom, ct);

    /// <summary>The first request in the quota's request history (every status, all pages) that <paramref name="match"/> accepts.</summary>
    private Task<CoreChange?> FirstInHistoryAsync(QuotaKey quota, Func<CoreChange, bool> match, CancellationToken ct) =>
        Translate(quota, async () =>
        {
            var client = clients.ServiceQuotas(quota);
            string? next = null;
            do
            {
                var page = await client.ListRequestedServiceQuotaChangeHistoryByQuotaAsync(new ListRequestedServiceQuotaChangeHistoryByQuotaRequest
                {
                    ServiceCode = quota.ServiceCode,
                    QuotaCode = quota.QuotaCode,
                    NextToken = next,
                    MaxResults = 100,
                }, ct);
                if ((page.RequestedQuotas ?? []).Select(r => ToCore(quota, r, "ListRequestedServiceQuotaChangeHistoryByQuota")).FirstOrDefault(match) is { } found)
                    return found;
                next = page.NextToken;
            }
            while (!string.IsNullOrEmpty(next));
            return (CoreChange?)null;
        });

    public Task CreateSupportCaseAsync(QuotaKey quota, string requestId, CancellationToken ct) =>
        Translate(quota, async () =>
        {
            await clients.ServiceQuotas(quota).CreateSupportCaseAsync(new(requestId), ct);
            return true;
        });

    private static CoreChange ToCore(QuotaKey quota, Clients.RequestedServiceQuotaChange? change, string operation) =>
        change is { Id: { } id, Status: { } status }
            ? new CoreChange(id, quota, change.DesiredValue ?? 0, RequestStatusExtensions.FromApiName(status), change.CaseId, change.Created)
            : throw new AwsServiceException("MalformedResponse", "the reply has no RequestedQuota with an Id and a Status", System.Net.HttpStatusCode.OK, operation, null);

    private static async Task<T> Translate<T>(QuotaKey quota, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (AwsServiceException e) when ((int)e.StatusCode is >= 400 and < 500)
        {
            throw new QuotaServiceException(e.ErrorCode, $"{e.Operation} for {quota}: {e.ErrorMessage}");
        }
    }
}
