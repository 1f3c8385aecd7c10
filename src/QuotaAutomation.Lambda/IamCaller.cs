using System.Text.Json;

namespace QuotaAutomation.Lambda;

/// <summary>
/// The signed caller of a Function URL with <c>AWS_IAM</c> auth, as Lambda puts it in the event
/// (<c>requestContext.authorizer.iam</c>: <c>userArn</c>, <c>userId</c>, <c>accountId</c>, <c>callerId</c>,
/// <c>accessKey</c>, <c>principalOrgId</c>). Lambda fills it only after checking the SigV4 signature; with auth
/// <c>NONE</c> it is absent, and nobody can add it through the URL.
/// </summary>
public sealed record IamCaller(string UserArn, string? UserId, string? AccountId)
{
    /// <summary>The caller in a Function URL payload; null without an IAM authorizer or a user ARN.</summary>
    public static IamCaller? From(JsonElement root) =>
        root.TryGetProperty("requestContext", out var context) && context.ValueKind == JsonValueKind.Object
        && context.TryGetProperty("authorizer", out var authorizer) && authorizer.ValueKind == JsonValueKind.Object
        && authorizer.TryGetProperty("iam", out var iam) && iam.ValueKind == JsonValueKind.Object
        && Text(iam, "userArn") is { } arn
            ? new IamCaller(arn, Text(iam, "userId"), Text(iam, "accountId"))
            : null;

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && Core.Common.JsonStrings.Read(v) is { Length: > 0 and <= 2048 } s ? s : null; // total: a lone surrogate cannot throw
}
