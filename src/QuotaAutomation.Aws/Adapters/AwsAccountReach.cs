using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>Whether the hub can act in a member account: it assumes the member role there and asks STS who it is.</summary>
public sealed class AwsAccountReach(AwsClients clients) : IAccountReach
{
    public async Task<string?> ProbeAsync(string accountId, CancellationToken ct)
    {
        try
        {
            await clients.StsIn(accountId).GetCallerArnAsync(ct);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }
}
