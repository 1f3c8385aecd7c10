using QuotaAutomation.Aws.Clients;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>NextToken paging as AWS documents it: go on until the token is null or empty, even after an empty page.</summary>
internal static class Paging
{
    /// <summary>
    /// The token for the next page, or null when there is none. A reply that hands back the token just sent would
    /// page forever; it is a malformed reply instead.
    /// </summary>
    public static string? Next(string? sent, string? received, string operation) =>
        string.IsNullOrEmpty(received) ? null
        : received == sent ? throw new AwsServiceException("MalformedResponse", $"NextToken '{AwsTransport.Snippet(received)}' repeats the one sent: the listing would never end", System.Net.HttpStatusCode.OK, operation, null)
        : received;
}
