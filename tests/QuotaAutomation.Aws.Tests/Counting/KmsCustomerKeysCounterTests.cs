using Amazon;
using Amazon.Runtime;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Adapters.Counting;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;

namespace QuotaAutomation.Aws.Tests.Counting;

/// <summary>
/// Customer managed keys are the listed keys less those an <c>alias/aws/</c> alias targets. moto cannot make an AWS
/// managed key (its <c>alias/aws/*</c> aliases point at keys ListKeys never lists), so these replies are scripted in
/// KMS's wire shape (checked against the botocore model), two pages of each listing.
/// </summary>
public sealed class KmsCustomerKeysCounterTests
{
    private static readonly string[] Replies =
    [
        """{"Keys":[{"KeyId":"k1","KeyArn":"arn:aws:kms:eu-west-1:111122223333:key/k1"},{"KeyId":"k2","KeyArn":"arn:aws:kms:eu-west-1:111122223333:key/k2"}],"NextMarker":"keys-2","Truncated":true}""",
        """{"Keys":[{"KeyId":"k3","KeyArn":"arn:aws:kms:eu-west-1:111122223333:key/k3"},{"KeyId":"k4","KeyArn":"arn:aws:kms:eu-west-1:111122223333:key/k4"}],"Truncated":false}""",
        """{"Aliases":[{"AliasName":"alias/aws/ebs","AliasArn":"arn:aws:kms:eu-west-1:111122223333:alias/aws/ebs","TargetKeyId":"k1"},{"AliasName":"alias/mine","AliasArn":"arn:aws:kms:eu-west-1:111122223333:alias/mine","TargetKeyId":"k2"}],"NextMarker":"aliases-2","Truncated":true}""",
        // alias/aws/s3 has no target: AWS has not created that managed key yet.
        """{"Aliases":[{"AliasName":"alias/aws/s3","AliasArn":"arn:aws:kms:eu-west-1:111122223333:alias/aws/s3"},{"AliasName":"alias/aws/rds","AliasArn":"arn:aws:kms:eu-west-1:111122223333:alias/aws/rds","TargetKeyId":"k4"}],"Truncated":false}""",
    ];

    [Fact]
    public void TheScriptedReplies_HaveKmsWireShape()
    {
        var kms = BotocoreModel.Load("kms");

        Assert.All(Replies.Take(2), r => Assert.Empty(kms.CheckOutput("ListKeys", r)));
        Assert.All(Replies.Skip(2), r => Assert.Empty(kms.CheckOutput("ListAliases", r)));
    }

    [Fact]
    public async Task CountAsync_ExcludesKeysAnAwsAliasTargets_FollowingEveryPage()
    {
        var wire = new ScriptedHandler([.. Replies.Select(r => (Func<HttpResponseMessage>)(() => ScriptedHandler.Json(r)))]);
        using var clients = new AwsClients(new AwsClientOptions { Region = RegionEndpoint.EUWest1, Credentials = new BasicAWSCredentials("a", "b"), MaxRetries = 0, Transport = wire }, new AwsBackendOptions());
        var counter = new KmsCustomerKeysCounter();

        var counts = await counter.CountAsync(new CounterScope(clients, null, "eu-west-1"), counter.Serves, CancellationToken.None);

        Assert.Equal([new QuotaCount(KmsCustomerKeysCounter.CustomerManagedKeys, 2)], counts); // k2 and k3
        Assert.Equal(["TrentService.ListKeys", "TrentService.ListKeys", "TrentService.ListAliases", "TrentService.ListAliases"], wire.Seen.Select(s => s.Target));
        Assert.Equal(["""{"Limit":1000}""", """{"Limit":1000,"Marker":"keys-2"}""", """{"Limit":100}""", """{"Limit":100,"Marker":"aliases-2"}"""], wire.Seen.Select(s => s.Body));
    }
}
