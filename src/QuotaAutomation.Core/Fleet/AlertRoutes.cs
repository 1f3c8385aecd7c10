using System.Text.Json;
using System.Text.RegularExpressions;
using QuotaAutomation.Core.Common;

namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// Which SNS topic an account's alerts go to: an account's own route, else its deepest OU's (the organization root
/// counts as the shallowest), else the default topic. Read from a JSON object such as
/// <c>{"ou-ab12-cdef3456":"arn:aws:sns:…:team-a","123456789012":"arn:aws:sns:…:owner"}</c> (<c>QA_ALERT_ROUTES</c>).
/// </summary>
public sealed partial record AlertRoutes(IReadOnlyDictionary<string, string> Routes)
{
    public static AlertRoutes None { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal));

    /// <summary>The topic for an account whose parents (root first, as <c>OrgAccount.Parents</c>) are given; null: the default.</summary>
    public string? TopicFor(string? accountId, IReadOnlyList<string> parents)
    {
        ArgumentNullException.ThrowIfNull(parents);
        if (accountId is not null && Routes.TryGetValue(accountId, out var own)) return own;
        for (var i = parents.Count - 1; i >= 0; i--) // the direct parent is last: the deepest OU wins
            if (Routes.TryGetValue(parents[i], out var topic)) return topic;
        return null;
    }

    /// <summary>True when some route names an OU or the root, so resolving needs the account's parents.</summary>
    public bool NeedsParents => Routes.Keys.Any(k => !AccountId().IsMatch(k));

    /// <summary>Reads the setting; absent or blank means no routes. Every bad entry is named, all at once.</summary>
    /// <param name="setting">The variable's name, for messages.</param>
    public static Result<AlertRoutes> Parse(string setting, string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return Result.Ok(None);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return Result.Fail<AlertRoutes>($"{setting} is not JSON: {e.Message}");
        }
        if (root.ValueKind != JsonValueKind.Object)
            return Result.Fail<AlertRoutes>($"{setting} must be a JSON object of account id, OU id or root id → SNS topic ARN, not a JSON {root.ValueKind}");
        var problems = new List<string>();
        var routes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var route in root.EnumerateObject())
        {
            var key = JsonStrings.Name(route);
            var topic = route.Value.ValueKind == JsonValueKind.String ? JsonStrings.Read(route.Value) : null;
            if (!AccountId().IsMatch(key) && !OrganizationalUnitId().IsMatch(key) && !RootId().IsMatch(key))
                problems.Add($"'{Echo.Of(key)}' is not an account id (12 digits), an OU id (ou-…) or a root id (r-…)");
            else if (topic is null || !TopicArn().IsMatch(topic))
                problems.Add($"'{Echo.Of(key)}': '{Echo.Of(topic ?? route.Value.GetRawText())}' is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)");
            else if (!routes.TryAdd(key, topic))
                problems.Add($"'{Echo.Of(key)}' is routed twice");
        }
        return problems.Count > 0
            ? Result.Fail<AlertRoutes>($"{setting}: {string.Join("; ", problems)}")
            : Result.Ok(new AlertRoutes(routes));
    }

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountId();

    // Organizations' patterns (botocore organizations 2016-11-28): ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}, r-[0-9a-z]{4,32}.
    [GeneratedRegex("^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$")]
    private static partial Regex OrganizationalUnitId();

    [GeneratedRegex("^r-[0-9a-z]{4,32}$")]
    private static partial Regex RootId();

    [GeneratedRegex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$")]
    private static partial Regex TopicArn();
}
