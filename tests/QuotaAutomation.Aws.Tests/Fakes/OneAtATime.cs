namespace QuotaAutomation.Aws.Tests.Fakes;

/// <summary>
/// Sends one request at a time: each reaches moto whole, as DynamoDB applies each write whole. moto 5.2.1 applies an
/// UpdateItem in steps with no lock between (moto/dynamodb/models/__init__.py, update_item): two concurrent requests can
/// both create the item and lose one write, which DynamoDB never does.
/// </summary>
internal sealed class OneAtATime(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly SemaphoreSlim _one = new(1, 1);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken);
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            return response;
        }
        finally
        {
            _one.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _one.Dispose();
        base.Dispose(disposing);
    }
}
