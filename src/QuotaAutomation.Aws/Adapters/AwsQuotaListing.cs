using QuotaAutomation.Aws.Clients;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// The account's quotas as Service Quotas lists them (<c>quotas list|search --backend aws</c>): one paged
/// <c>ListServiceQuotas</c> per service, every service from a paged <c>ListServices</c> when none is named.
/// </summary>
public static class AwsQuotaListing
{
    public static async Task<IReadOnlyList<ServiceQuota>> ListAsync(ServiceQuotasClient client, string? serviceCode, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var services = serviceCode is not null ? [serviceCode] : await ServicesAsync(client, ct);
        var quotas = new List<ServiceQuota>();
        foreach (var service in services)
        {
            string? next = null;
            do
            {
                var page = await client.ListServiceQuotasAsync(new ListServiceQuotasRequest { ServiceCode = service, NextToken = next, MaxResults = 100 }, ct);
                quotas.AddRange((page.Quotas ?? []).Select(q => q with { ServiceCode = q.ServiceCode ?? service }));
                next = page.NextToken;
            }
            while (!string.IsNullOrEmpty(next));
        }
        return quotas;
    }

    private static async Task<List<string>> ServicesAsync(ServiceQuotasClient client, CancellationToken ct)
    {
        var services = new List<string>();
        string? next = null;
        do
        {
            var page = await client.ListServicesAsync(new ListServicesRequest { NextToken = next, MaxResults = 100 }, ct);
            services.AddRange((page.Services ?? []).Select(s => s.ServiceCode).OfType<string>());
            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));
        return services;
    }
}
