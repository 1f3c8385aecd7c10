using QuotaAutomation.Aws.Tests.Fakes;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// <c>notifications --backend aws</c>: SNS keeps no history, so what was sent is read from the audit trail in DynamoDB
/// (the intent with its text and the outcome with the SNS message id), never from a local SQLite file.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class NotificationsOnMotoTests(MotoServer moto)
{
    [Fact]
    public async Task Notifications_OnAws_ShowsTheAlertsTheAuditTrailRecords()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        world.Quotas.AddQuota("us-east-1", "vpc", "L-F678F1CE", 5, AwsWorld.VpcMetric);
        await world.PutUsageAsync(AwsWorld.VpcMetric, 4, TimeSpan.FromHours(2));
        using (var backend = world.Backend())
        {
            await backend.Rules.PutAsync(new Dictionary<string, object?>
            {
                ["rule_id"] = "vpcs", ["service_code"] = "vpc", ["quota_code"] = "L-F678F1CE", ["region"] = "us-east-1", ["automation_level"] = "alert_only",
            }, CancellationToken.None);
            await world.Engine(backend).RunCycleAsync(CancellationToken.None);
        }
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
        var folder = Directory.CreateTempSubdirectory("qa-notifications-");

        var (exit, output) = await Testing.CliRunner.RunAsync(
            ["--backend", "aws", "--endpoint-url", moto.Endpoint.ToString(), "--region", "us-east-1", "--db", Path.Combine(folder.FullName, "absent.db"), "notifications"],
            TimeProvider.System);

        Assert.Equal(0, exit);
        Assert.Contains("SNS keeps no history: these are the alerts and approval requests the audit trail records", output, StringComparison.Ordinal);
        Assert.Matches(@"│ vpcs +│ notify +│ send alert_warning: usage 4 of quota 5 = 80% reached warning 70% +│ done: message \S+", output);
        Assert.False(File.Exists(Path.Combine(folder.FullName, "absent.db"))); // the embedded database is neither read nor created
        folder.Delete(recursive: true);
    }
}
