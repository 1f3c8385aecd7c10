using System.Text;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.Runtime.Credentials;
using QuotaAutomation.Aws;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Engine;

namespace QuotaAutomation.Lambda;

/// <summary>
/// The Lambda entry point on the managed <c>dotnet10</c> runtime:
/// <c>QuotaAutomation.Lambda::QuotaAutomation.Lambda.Handler::HandleAsync</c>. A Stream in, a Stream out, so no
/// Amazon.Lambda package or serializer is needed. Settings are read and checked once per container; while they are
/// invalid every invocation answers with the full list of problems.
/// </summary>
public sealed class Handler
{
    private static readonly Lazy<(LambdaApp? App, string? Error, LambdaLog Log)> Container = new(Create);

#pragma warning disable CA1822 // the runtime creates the class and calls an instance method
    public async Task<Stream> HandleAsync(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            using var reader = new StreamReader(input, Encoding.UTF8);
            var payload = await reader.ReadToEndAsync();
            var (app, error, _) = Container.Value;
            var reply = app is null
                ? new JsonObject { ["status"] = "error", ["kind"] = "settings", ["error"] = error }
                : await app.HandleAsync(payload, CancellationToken.None);
            return new MemoryStream(Encoding.UTF8.GetBytes(reply.ToJsonString()));
        }
        catch (Exception e)
        {
            // The last resort: without it the runtime reports an unhandled error and EventBridge retries the event.
            return await LastResortAsync(e);
        }
    }
#pragma warning restore CA1822

    /// <summary>Answers an exception that escaped everything else with a JSON error, logged and (when the app exists) audited.</summary>
    internal static async Task<Stream> LastResortAsync(Exception e)
    {
        JsonObject reply;
        try
        {
            var (app, _, log) = Container.Value;
            log.Error("unhandled error", ("error", $"{e.GetType().Name}: {e.Message}"));
            reply = app is null ? Unhandled(e) : await app.FailedAsync(e);
        }
        catch (Exception inner)
        {
            await Console.Out.WriteAsync(new JsonObject { ["level"] = "ERROR", ["message"] = "unhandled error", ["error"] = Core.Common.Echo.Of($"{e.GetType().Name}: {e.Message}; then {inner.GetType().Name}: {inner.Message}") }.ToJsonString() + "\n"); // Write, not WriteLine: see LambdaLog
            reply = Unhandled(e);
        }
        FiniteJson.Replace(reply);
        return new MemoryStream(Encoding.UTF8.GetBytes(reply.ToJsonString()));
    }

    private static JsonObject Unhandled(Exception e) => new()
    {
        ["status"] = "error", ["kind"] = "internal", ["error"] = Core.Common.Echo.Of($"invocation failed: {e.GetType().Name}: {e.Message}"),
    };

    private static (LambdaApp?, string?, LambdaLog) Create()
    {
        var settings = LambdaSettings.FromEnvironment(Environment.GetEnvironmentVariable);
        var log = new LambdaLog(Console.Out, TimeProvider.System, Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME") ?? "quota-automation");
        if (!settings.Success)
        {
            log.Error("settings rejected", ("error", settings.Error));
            return (null, settings.Error, log);
        }
        var s = settings.Value;
        var client = new AwsClientOptions
        {
            Region = RegionEndpoint.GetBySystemName(Environment.GetEnvironmentVariable("AWS_REGION")!), // checked by the settings
            Credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials(null),
            EndpointUrl = s.EndpointUrl,
        };
        return (Build(client, s, TimeProvider.System, log), null, log);
    }

    /// <summary>The application on AWS (or an emulator): also used by <c>invoke --backend aws</c>.</summary>
    /// <param name="organization">The organization fleet runs read (<c>QA_FLEET_BUCKET</c>); null: AWS Organizations (tests pass another).</param>
    public static LambdaApp Build(AwsClientOptions client, LambdaSettings settings, TimeProvider time, LambdaLog log, Core.Fleet.IOrganization? organization = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var backend = new AwsBackend(client, settings.Backend with { ApprovalsByWorkflow = settings.ApprovalStateMachineArn is not null });
        var engineOptions = new EngineOptions
        {
            AlertCoolDown = settings.AlertCoolDown, HowToDecide = AwsHowToDecide,
            // AwsUsageSource serves the quotas not read in detail from the utilization report (GetMetricData where it omits one).
            Cadence = settings.AdaptiveCadence ? Core.Cadence.ReadCadence.Default with { ReportCoversCalm = true } : null,
        };
        // A warm container keeps each quota's history window and reads only its newest hour from DynamoDB.
        var ports = backend.Ports with { History = new CachedUsageHistory(backend.Ports.History) };
        if (settings.ApprovalStateMachineArn is { } machine)
            ports = ports with { Approvals = new StepFunctionsApprovals(backend.State, backend.StepFunctions, machine, engineOptions.ApprovalTimeout) };
        // The approval function sends a decision with the task token the workflow's ask task stored; never one from a request.
        ApprovalDecider decide = async (approval, approve, who, comment, via, ct) =>
            await StepFunctionsApprovals.SendDecisionAsync(backend.StepFunctions,
                await backend.Door.FindTaskTokenAsync(approval.Id, ct) ?? throw new InvalidOperationException($"approval {approval.Id} has no waiting workflow: decide it with quota-automation --backend aws approve|deny {approval.Id}"),
                approve, approval.Id, who, comment, via, ct);
        var door = new ApprovalDoor(settings.Approvers ?? [], backend.Door, settings.LinkKeyId is { } key ? new KmsLinkSigner(backend.Kms, key) : null, settings.ApprovalUrl);
        var forecaster = settings.UseModel ? Forecaster(log) : new Core.Forecasting.TrendForecaster();
        return new LambdaApp(new LambdaServices(ports, backend.Events, backend.State.FindApprovalAsync, time, engineOptions, settings.TimeBudget, log,
            decide, forecaster, door, settings.Role, Fleet(backend, client, ports, forecaster, time, engineOptions, settings.Fleet, organization),
            TableStreamBatch.Audited(settings.Backend.RulesTable, settings.Backend.PoliciesTable),
            settings.ReportBucket is { } reports
                ? new ReportOutput(async (filter, ct) => await backend.Audit.QueryAsync(filter, ct) ?? [], new S3ReportStore(client, reports), client.Region.SystemName)
                {
                    FleetHistory = settings.Fleet?.Bucket is not null ? backend.ShardHistory : null, // as Fleet() decides a fleet deployment
                }
                : null));
    }

    /// <summary>The fleet steps on AWS, when <c>QA_FLEET_BUCKET</c> is set.</summary>
    public static FleetServices? Fleet(AwsBackend backend, AwsClientOptions client, EnginePorts ports, Core.Forecasting.IForecaster forecaster, TimeProvider time,
        EngineOptions engineOptions, FleetOptions? options, Core.Fleet.IOrganization? organization)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(client);
        if (options?.Bucket is not { } bucket) return null;
        var hub = new Lazy<Task<string>>(async () => (await backend.Sts.GetCallerArnAsync(CancellationToken.None)).Split(':')[4]); // arn:aws:sts::ACCOUNT:…
        var contacts = new ContactSubscriptions(backend.Sns);
        // Shards keep one usage row per shard and time; a warm container keeps their windows as the hub's cycle keeps its own.
        var shardHistory = new CachedUsageHistory(backend.ShardHistory);
        // Enabled Regions are read only when no Regions setting says what region '*' means.
        organization ??= new HubOrganization(async () => backend.Organization(options.Regions is null ? new AwsEnabledRegions(backend.Account, await hub.Value, time) : null));
        // A runner serves one batch: its shards read the rules and the policies once between them (one Scan each a batch, not one a shard).
        return new FleetServices(organization, new S3ShardStore(client, bucket),
            (hubId, topics) => new AwsShardRunner(backend, ports with { Rules = new Core.Fleet.BatchRuleStore(ports.Rules), Policies = ports.Policies is { } policies ? new Core.Fleet.BatchPolicyStore(policies) : null }, forecaster, time, engineOptions, hubId, topics, options.AccountRate, shardHistory, options.TableUnits),
            _ => hub.Value, options.Regions, client.Region.SystemName, options.Routes, backend.Options.AlertTopicArn,
            SubscribeContacts: async (list, ct) => await contacts.EnsureAsync(list.Select(c => new AccountContact(c.AccountId, c.TopicArn, c.Email)), ct),
            OperationsContact: options.NotifyOperationsContacts ? OperationsEmailAsync : null)
        {
            Wakes = new Aws.Dynamo.DynamoShardWakes(backend.Dynamo, backend.Options.StateTable, time),
            ShardsAtOnce = options.ShardsAtOnce,
            NewShardsPerCycle = options.NewShardsPerCycle,
        };

        async Task<string?> OperationsEmailAsync(string account, CancellationToken ct) =>
            (await new AwsAlternateContacts(backend.Account, await hub.Value).OperationsAsync(account, ct))?.EmailAddress;
    }

    /// <summary>
    /// AWS Organizations, made on first use: reading enabled Regions needs the hub's account id (STS), and the adapter
    /// is kept so a warm container reuses its 24-hour cache of each account's Regions.
    /// </summary>
    private sealed class HubOrganization(Func<Task<AwsOrganization>> create) : Core.Fleet.IOrganization
    {
        private readonly Lazy<Task<AwsOrganization>> _organization = new(create);

        public async Task<Core.Fleet.Organization> ReadAsync(CancellationToken ct) => await (await _organization.Value).ReadAsync(ct);
    }

    /// <summary>What approval messages tell approvers on AWS: the CLI decides as the caller STS names (checked against the allow-list).</summary>
    public static string AwsHowToDecide(string approvalId) =>
        $"Approve: quota-automation --backend aws approve {approvalId}\nDeny:    quota-automation --backend aws deny {approvalId}";

    /// <summary>The shipped model, loaded once per container; when it cannot be, every forecast falls back and says why.</summary>
    public static Core.Forecasting.IForecaster Forecaster(LambdaLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var forecaster = Forecasting.ModelForecaster.Load(Path.Combine(AppContext.BaseDirectory, "models", Forecasting.ModelTrainer.ModelFile));
        if (forecaster.LoadError is { } error) log.Error("forecasting model unavailable: the trend fallback answers every forecast", ("error", error));
        return forecaster;
    }
}
