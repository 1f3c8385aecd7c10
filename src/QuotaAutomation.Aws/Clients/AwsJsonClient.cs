using System.Text.Json;

namespace QuotaAutomation.Aws.Clients;

/// <summary>The common part of the JSON-protocol clients: one transport, one target prefix, typed request and response.</summary>
public abstract class AwsJsonClient(AwsTransport transport, string jsonVersion, string targetPrefix, JsonSerializerOptions serializer) : IDisposable
{
    protected async Task<TResponse> CallAsync<TResponse>(string operation, object request, CancellationToken ct)
    {
        using var document = await transport.JsonAsync(jsonVersion, targetPrefix, operation, request, serializer, ct);
        return Read<TResponse>(document, operation, serializer);
    }

    /// <summary>A reply as its typed shape; one that does not fit is a malformed reply naming the field.</summary>
    internal static TResponse Read<TResponse>(JsonDocument document, string operation, JsonSerializerOptions serializer)
    {
        try
        {
            return document.RootElement.Deserialize<TResponse>(serializer)
                ?? throw new JsonException("the reply is null");
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) ? "" : $"{e.Path.TrimStart('$', '.')}: ";
            throw new AwsServiceException("MalformedResponse", $"reply does not match the {operation} shape: {field}{e.Message}", System.Net.HttpStatusCode.OK, operation, null);
        }
    }

    public void Dispose()
    {
        transport.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The reply of operations that return nothing.</summary>
public sealed record EmptyResponse;
