using System.Globalization;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Core.Common;

namespace QuotaAutomation.Lambda;

/// <summary>
/// The function's settings, from environment variables (README.md, "The Lambda"). Every variable is parsed or
/// reported: no silent defaults for what Terraform sets, and all problems are listed at once.
/// </summary>
public sealed partial record LambdaSettings(
    AwsBackendOptions Backend,
    string? ApprovalStateMachineArn,
    TimeSpan TimeBudget,
    TimeSpan AlertCoolDown,
    Uri? EndpointUrl,
    string FunctionName,
    bool UseModel,
    IReadOnlyList<string>? Approvers = null,
    string? LinkKeyId = null,
    Uri? ApprovalUrl = null,
    FunctionRole Role = FunctionRole.All,
    bool AdaptiveCadence = false,
    FleetOptions? Fleet = null)
{
    /// <summary>The bucket the weekly report is kept in (<c>QA_REPORT_BUCKET</c>); null: the function writes no reports.</summary>
    public string? ReportBucket { get; init; }

    /// <summary>Signed links for people without AWS credentials are on (<c>QA_APPROVAL_LINKS=signed</c>, which requires the key).</summary>
    public bool SignedLinks => LinkKeyId is not null;

    public static Result<LambdaSettings> FromEnvironment(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var problems = new List<string>();
        string Required(string name)
        {
            var value = variable(name);
            if (string.IsNullOrWhiteSpace(value)) problems.Add($"{name} is missing");
            return value?.Trim() ?? "";
        }
        string? Arn(string name, string service, bool required)
        {
            var value = required ? Required(name) : variable(name)?.Trim();
            if (string.IsNullOrEmpty(value)) return null;
            if (!value.StartsWith("arn:", StringComparison.Ordinal) || value.Split(':').Length < 6 || value.Split(':')[2] != service)
                problems.Add($"{name} '{value}' must be an {service} ARN (arn:aws:{service}:REGION:ACCOUNT:…)");
            return value;
        }
        int Whole(string name, int min, int max, int? fallback)
        {
            var value = fallback is null ? Required(name) : variable(name);
            if (string.IsNullOrWhiteSpace(value)) return fallback ?? 0;
            if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
            problems.Add($"{name} '{value}' must be a whole number from {min} to {max}");
            return min;
        }

        var backend = new AwsBackendOptions
        {
            RulesTable = Required("QA_RULES_TABLE"),
            UsageTable = Required("QA_USAGE_TABLE"),
            AuditTable = Required("QA_AUDIT_TABLE"),
            StateTable = Required("QA_STATE_TABLE"),
            EventsTable = Required("QA_EVENTS_TABLE"),
            PoliciesTable = Required("QA_POLICIES_TABLE"), // required: a function that lost it would run without the organization's policies
            AlertTopicArn = Arn("QA_ALERT_TOPIC_ARN", "sns", required: true),
            ApprovalTopicArn = Arn("QA_APPROVAL_TOPIC_ARN", "sns", required: false),
            MemberRoleName = variable("QA_MEMBER_ROLE_NAME") is { Length: > 0 } role ? role : new AwsBackendOptions().MemberRoleName,
            EventBusName = variable("QA_EVENT_BUS_NAME") is { Length: > 0 } bus ? bus.Trim() : null,
            PriceList = (variable("QA_PRICES")?.Trim() is { Length: > 0 } p ? p : "table") == "price_list",
        };
        if (variable("QA_PRICES")?.Trim() is { Length: > 0 } prices && prices is not ("table" or "price_list"))
            problems.Add($"QA_PRICES '{prices}' must be table or price_list");
        var machine = Arn("QA_APPROVAL_STATE_MACHINE_ARN", "states", required: false);
        var budget = Whole("QA_TIME_BUDGET_SECONDS", 10, 900, null);
        var coolDown = Whole("QA_ALERT_COOLDOWN_MINUTES", 0, 10_080, 360);
        Uri? endpoint = null;
        if (variable("QA_ENDPOINT_URL") is { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
            problems.Add($"QA_ENDPOINT_URL '{url}' must be an absolute http or https URL");
        if (string.IsNullOrWhiteSpace(variable("AWS_REGION"))) problems.Add("AWS_REGION is missing (the Lambda runtime sets it)");
        var forecaster = variable("QA_FORECASTER") is { Length: > 0 } f ? f.Trim() : "model";
        if (forecaster is not ("model" or "trend")) problems.Add($"QA_FORECASTER '{forecaster}' must be model or trend");

        var (approvers, approverProblems) = Core.Approvals.ApproverAllowList.Parse([variable("QA_APPROVERS") ?? ""]);
        problems.AddRange(approverProblems.Select(p => $"QA_APPROVERS: {p}"));
        var links = variable("QA_APPROVAL_LINKS")?.Trim() is { Length: > 0 } l ? l : "off";
        if (links is not ("off" or "signed")) problems.Add($"QA_APPROVAL_LINKS '{links}' must be off or signed");
        var keyId = variable("QA_LINK_KEY_ID")?.Trim() is { Length: > 0 } k ? k : null;
        if (links == "signed" && keyId is null) problems.Add("QA_LINK_KEY_ID is missing: QA_APPROVAL_LINKS=signed needs the KMS HMAC_256 key that signs the links");
        Uri? approvalUrl = null;
        if (variable("QA_APPROVAL_URL") is { Length: > 0 } u && (!Uri.TryCreate(u.Trim().TrimEnd('/') + "/", UriKind.Absolute, out approvalUrl) || approvalUrl.Scheme is not ("https" or "http")))
            problems.Add($"QA_APPROVAL_URL '{u}' must be an absolute https URL");
        var serves = variable("QA_SERVES")?.Trim() is { Length: > 0 } r ? r : "all";
        FunctionRole functionRole = serves switch { "cycle" => FunctionRole.Cycle, "approval_links" => FunctionRole.ApprovalLinks, _ => FunctionRole.All };
        if (serves is not ("all" or "cycle" or "approval_links")) problems.Add($"QA_SERVES '{serves}' must be all, cycle or approval_links");
        // Links are made by the ask task (cycle function), which must know where they point; the approval function only checks them.
        if (links == "signed" && approvalUrl is null && functionRole != FunctionRole.ApprovalLinks)
            problems.Add("QA_APPROVAL_URL is missing: QA_APPROVAL_LINKS=signed needs the approval function's URL to put in the links");

        // adaptive: GetMetricData only when a quota's detail is due, the utilization report otherwise (docs/fleet.md).
        var cadence = variable("QA_READ_CADENCE")?.Trim() is { Length: > 0 } c ? c : "every_cycle";
        if (cadence is not ("every_cycle" or "adaptive")) problems.Add($"QA_READ_CADENCE '{cadence}' must be every_cycle or adaptive");
        var fleet = FleetOptions.FromEnvironment(variable, problems);
        var reportBucket = variable("QA_REPORT_BUCKET")?.Trim() is { Length: > 0 } rb ? rb : null;
        if (reportBucket is not null && !BucketName().IsMatch(reportBucket)) problems.Add($"QA_REPORT_BUCKET '{reportBucket}' is not an S3 bucket name");

        return problems.Count > 0
            ? Result.Fail<LambdaSettings>("invalid settings: " + string.Join("; ", problems))
            : Result.Ok(new LambdaSettings(backend, machine, TimeSpan.FromSeconds(budget), TimeSpan.FromMinutes(coolDown), endpoint,
                variable("AWS_LAMBDA_FUNCTION_NAME") ?? "quota-automation", forecaster == "model", approvers, links == "signed" ? keyId : null, approvalUrl, functionRole, cadence == "adaptive", fleet) { ReportBucket = reportBucket });
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial System.Text.RegularExpressions.Regex BucketName();
}
