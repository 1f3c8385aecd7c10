using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;

namespace QuotaAutomation.Aws.Clients;

/// <summary>What every thin client needs: where (Region, optional emulator endpoint), as whom, and how patiently.</summary>
public sealed record AwsClientOptions
{
    public required RegionEndpoint Region { get; init; }

    public required AWSCredentials Credentials { get; init; }

    /// <summary>Send every service here instead of its AWS endpoint (moto_server, LocalStack). Signing is unchanged.</summary>
    public Uri? EndpointUrl { get; init; }

    /// <summary>One attempt's time limit; a slower answer is a timeout, retried like a 5xx.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt, on throttling, 5xx, timeouts and connection failures only.</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>First backoff; it doubles per retry, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Jitter source (a uniform number in [0, 1)); tests pass a seeded one.</summary>
    public Func<double>? Randomizer { get; init; }

    /// <summary>The innermost HTTP handler: tests put a fake or a call counter here. Null means a real socket handler.</summary>
    public HttpMessageHandler? Transport { get; init; }

    /// <summary>
    /// The usual AWS resolution: a named profile when given, else the SDK's default chain (environment, profile,
    /// container and instance roles); the Region when given, else the SDK's fallback (AWS_REGION, profile, IMDS).
    /// </summary>
    public static AwsClientOptions Resolve(string? region, string? profile, Uri? endpointUrl)
    {
        var regionEndpoint = region is not null ? RegionEndpoint.GetBySystemName(region)
            : FallbackRegionFactory.GetRegionEndpoint()
              ?? throw new InvalidOperationException("no AWS Region: pass --region or set AWS_REGION");
        AWSCredentials credentials;
        if (profile is not null)
        {
            if (!new CredentialProfileStoreChain().TryGetAWSCredentials(profile, out credentials))
                throw new InvalidOperationException($"AWS profile '{profile}' not found in the shared config or credentials files");
        }
        else
        {
            credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
        }
        return new AwsClientOptions { Region = regionEndpoint, Credentials = credentials, EndpointUrl = endpointUrl };
    }
}
