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

    /// <summary>
    /// Endpoints of single services, by signing name (<c>servicequotas</c>, <c>monitoring</c>, <c>dynamodb</c>…); each
    /// wins over <see cref="EndpointUrl"/> for its service, as the AWS SDKs' <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c> variables do.
    /// </summary>
    public IReadOnlyDictionary<string, Uri> ServiceEndpoints { get; init; } = new Dictionary<string, Uri>();

    /// <summary>Where one service's calls go: its own endpoint, else <see cref="EndpointUrl"/>; null means AWS's.</summary>
    public Uri? EndpointFor(string signingName) => ServiceEndpoints.TryGetValue(signingName, out var endpoint) ? endpoint : EndpointUrl;

    /// <summary>
    /// The services these clients call: signing name → the service id of the AWS SDKs' shared configuration
    /// (<c>AWS_ENDPOINT_URL_SERVICE_QUOTAS</c>, <c>AWS_ENDPOINT_URL_CLOUDWATCH</c>…: the SDK's serviceId, upper case,
    /// spaces as underscores).
    /// </summary>
    public static IReadOnlyDictionary<string, string> ServiceIds { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["servicequotas"] = "SERVICE_QUOTAS",
        ["monitoring"] = "CLOUDWATCH",
        ["dynamodb"] = "DYNAMODB",
        ["sns"] = "SNS",
        ["sts"] = "STS",
        ["states"] = "SFN",
        ["events"] = "EVENTBRIDGE",
        ["support"] = "SUPPORT",
        ["kms"] = "KMS",
        ["ec2"] = "EC2",
        ["organizations"] = "ORGANIZATIONS",
        ["account"] = "ACCOUNT",
        ["s3"] = "S3",
        ["iam"] = "IAM",
        ["rds"] = "RDS",
        ["autoscaling"] = "AUTO_SCALING",
        ["cloudformation"] = "CLOUDFORMATION",
        ["route53"] = "ROUTE_53",
        ["lambda"] = "LAMBDA",
        ["eks"] = "EKS",
        ["ecs"] = "ECS",
        ["elasticloadbalancing"] = "ELASTIC_LOAD_BALANCING_V2",
    };

    /// <summary>One attempt's time limit; a slower answer is a timeout, retried like a 5xx.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt, on throttling, 5xx, timeouts and connection failures only.</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>
    /// Retries of the hub's DynamoDB client (AWSSDK.DynamoDBv2, standard mode: full jitter from 1 s doubling, at most
    /// 20 s; <see cref="Core.Fleet.DynamoRetries"/>): enough to span a burst at a table's ceiling, few enough that a
    /// call's waits (at most 91 s at 8) fit a shard's time budget. Set here because the SDK's own default for DynamoDB
    /// (3 retries, about 3.5 s) is shorter than such a burst.
    /// </summary>
    public int DynamoMaxRetries { get; init; } = Core.Fleet.DynamoRetries.DefaultMaxRetries;

    /// <summary>First backoff; it doubles per retry, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Jitter source (a uniform number in [0, 1)); tests pass a seeded one.</summary>
    public Func<double>? Randomizer { get; init; }

    /// <summary>The innermost HTTP handler: tests put a fake or a call counter here. Null means a real socket handler.</summary>
    public HttpMessageHandler? Transport { get; init; }

    /// <summary>
    /// The usual AWS resolution: a named profile when given (or AWS_PROFILE, unless keys are in the environment), else
    /// the SDK's default chain (environment, profile, container and instance roles); the Region when given, else
    /// AWS_REGION, the named profile's, or the SDK's fallback (default profile, IMDS).
    /// Endpoints as the AWS CLI chooses them: <paramref name="endpointUrl"/> (<c>--endpoint-url</c>) for every service
    /// when given; else <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c> for its service, then <c>AWS_ENDPOINT_URL</c> for the rest;
    /// none of them when <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS</c> is true.
    /// </summary>
    /// <param name="environment">Reads an environment variable; tests pass their own.</param>
    public static AwsClientOptions Resolve(string? region, string? profile, Uri? endpointUrl, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var (general, services) = endpointUrl is not null ? (endpointUrl, new Dictionary<string, Uri>()) : ConfiguredEndpoints(environment);
        // As the AWS CLI: keys in the environment first, else AWS_PROFILE names the profile as --profile does.
        if (profile is null && NonEmpty(environment("AWS_ACCESS_KEY_ID")) is null) profile = NonEmpty(environment("AWS_PROFILE"));
        CredentialProfile? named = null;
        if (profile is not null && !new CredentialProfileStoreChain().TryGetProfile(profile, out named))
            throw new InvalidOperationException($"AWS profile '{profile}' not found in the shared config or credentials files");
        region ??= NonEmpty(environment("AWS_REGION")) ?? NonEmpty(environment("AWS_DEFAULT_REGION")) ?? named?.Region?.SystemName;
        var regionEndpoint = region is not null ? RegionEndpoint.GetBySystemName(region)
            : FallbackRegionFactory.GetRegionEndpoint()
              ?? throw new InvalidOperationException("no AWS Region: pass --region or set AWS_REGION");
        AWSCredentials credentials;
        if (profile is not null)
        {
            if (!new CredentialProfileStoreChain().TryGetAWSCredentials(profile, out credentials))
                throw new InvalidOperationException($"AWS profile '{profile}' has no credentials the SDK can use");
        }
        else
        {
            credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
        }
        if (credentials is SSOAWSCredentials sso)
            CheckSsoLogin(sso, profile ?? "default");
        return new AwsClientOptions { Region = regionEndpoint, Credentials = credentials, EndpointUrl = general, ServiceEndpoints = services };
    }

    /// <summary>
    /// An IAM Identity Center (SSO) profile signs with the token <c>aws sso login</c> caches. The SDK would otherwise
    /// start a device login of its own (a browser prompt a scheduled or scripted CLI cannot answer) or fail inside the
    /// first call; so the token is checked here, never fetched, and a missing or expired one says what to run.
    /// </summary>
    private static void CheckSsoLogin(SSOAWSCredentials credentials, string profile)
    {
        credentials.Options.SupportsGettingNewToken = false;
        try
        {
            credentials.GetCredentials();
        }
        catch (Exception e) when (e is AmazonClientException or InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            var why = e.Message.Split('\n', 2)[0].TrimEnd('.');
            throw new InvalidOperationException($"profile '{profile}' uses IAM Identity Center: run `aws sso login --profile {profile}` ({why})", e);
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary><c>AWS_ENDPOINT_URL</c> and the <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c> variables of the services these clients call.</summary>
    public static (Uri? General, Dictionary<string, Uri> Services) ConfiguredEndpoints(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var services = new Dictionary<string, Uri>(StringComparer.Ordinal);
        if (string.Equals(environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.Trim(), "true", StringComparison.OrdinalIgnoreCase)) return (null, services);
        foreach (var (signingName, serviceId) in ServiceIds)
            if (Endpoint(environment, $"AWS_ENDPOINT_URL_{serviceId}") is { } endpoint) services[signingName] = endpoint;
        return (Endpoint(environment, "AWS_ENDPOINT_URL"), services);
    }

    private static Uri? Endpoint(Func<string, string?> environment, string variable) => environment(variable) switch
    {
        null or "" => null,
        var text when Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" => uri,
        var text => throw new InvalidOperationException($"{variable} '{text}' must be an absolute http or https URL"),
    };
}
