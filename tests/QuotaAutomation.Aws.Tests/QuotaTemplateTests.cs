using Amazon;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// <see cref="AwsQuotaTemplate"/> and <see cref="AwsAutoManagement"/> against <see cref="FakeQuotaTemplate"/>: moto
/// 5.2.1 serves none of the template or Automatic Management operations, so the fake answers with the model's shapes.
/// </summary>
public class QuotaTemplateTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 30, 11, 0, 0, TimeSpan.Zero);

    private static AwsClientOptions Options(HttpMessageHandler handler) => new()
    {
        Region = RegionEndpoint.USEast1,
        Credentials = new BasicAWSCredentials("AKIDEXAMPLE", "secret"),
        MaxRetries = 0,
        Transport = handler,
    };

    private static TemplateEntry E(string quota, string region, double value, string? rule = null) => new("ec2", quota, region, value, rule);

    [Fact]
    public async Task Sync_RemovesStale_UpdatesChanged_AddsMissing_ThenAssociates_AuditingEachChange()
    {
        var aws = new FakeQuotaTemplate();
        aws.Hold("ec2", "L-1216C47A", "eu-west-1", 128);
        aws.Hold("ec2", "L-0263D0A3", "us-east-1", 10);
        using var quotas = new ServiceQuotasClient(Options(aws));
        var audit = new ListAuditLog();
        var template = new AwsQuotaTemplate(quotas, audit, new FakeTimeProvider(T));

        var report = await template.SyncAsync([E("L-1216C47A", "eu-west-1", 256, "vcpu-new-accounts"), E("L-F678F1CE", "eu-west-1", 20, "vpcs")], "sync-1", apply: true, CancellationToken.None);

        Assert.Equal(new Dictionary<(string, string, string), double> { [("ec2", "L-1216C47A", "eu-west-1")] = 256, [("ec2", "L-F678F1CE", "eu-west-1")] = 20 }, aws.Entries);
        Assert.Equal(("ASSOCIATED", true), (report.Association, report.Applied));
        Assert.Empty(report.Failures);
        Assert.Equal(["ListServiceQuotaIncreaseRequestsInTemplate", "GetAssociationForServiceQuotaTemplate", "DeleteServiceQuotaIncreaseRequestFromTemplate",
            "PutServiceQuotaIncreaseRequestIntoTemplate", "PutServiceQuotaIncreaseRequestIntoTemplate", "AssociateServiceQuotaTemplate"], aws.Calls);
        Assert.Equal([
            "Intent template_remove quota-template ec2/L-0263D0A3@us-east-1: remove ec2/L-0263D0A3@us-east-1 (10): no rule asks for it",
            "Outcome template_remove quota-template ec2/L-0263D0A3@us-east-1: remove ec2/L-0263D0A3@us-east-1 (10): no rule asks for it: done",
            "Intent template_update vcpu-new-accounts ec2/L-1216C47A@eu-west-1: put ec2/L-1216C47A@eu-west-1 = 256",
            "Outcome template_update vcpu-new-accounts ec2/L-1216C47A@eu-west-1: put ec2/L-1216C47A@eu-west-1 = 256: done",
            "Intent template_add vpcs ec2/L-F678F1CE@eu-west-1: put ec2/L-F678F1CE@eu-west-1 = 20",
            "Outcome template_add vpcs ec2/L-F678F1CE@eu-west-1: put ec2/L-F678F1CE@eu-west-1 = 20: done",
            "Intent template_associate quota-template -: associate the template with the organization: new accounts get its increases",
            "Outcome template_associate quota-template -: associate the template with the organization: new accounts get its increases: done"],
            audit.Records.Select(r => $"{r.Kind} {r.Action} {r.RuleId} {r.Quota?.ToString() ?? "-"}: {r.Message}"));
        Assert.All(audit.Records.Where(r => r.Kind == AuditKind.Outcome), o => Assert.Equal(audit.Records[audit.Records.IndexOf(o) - 1].Id, o.ActionId));
    }

    [Fact]
    public async Task Sync_WithoutApply_ChangesNothing_AndSaysWhatItWouldDo()
    {
        var aws = new FakeQuotaTemplate();
        aws.Hold("ec2", "L-0263D0A3", "us-east-1", 10);
        using var quotas = new ServiceQuotasClient(Options(aws));
        var audit = new ListAuditLog();

        var report = await new AwsQuotaTemplate(quotas, audit, new FakeTimeProvider(T)).SyncAsync([E("L-1216C47A", "eu-west-1", 256, "vcpu")], "sync-1", apply: false, CancellationToken.None);

        Assert.Equal((1, 1, AwsQuotaTemplate.NotInUse, false), (report.Changes.Add.Count, report.Changes.Remove.Count, report.Association, report.Applied));
        Assert.Equal(["ListServiceQuotaIncreaseRequestsInTemplate", "GetAssociationForServiceQuotaTemplate"], aws.Calls);
        Assert.Empty(audit.Records);
    }

    [Fact]
    public async Task Sync_AnEntryAwsRefuses_IsRecorded_AndTheOthersGoOn()
    {
        var aws = new FakeQuotaTemplate { Association = "ASSOCIATED", Refuse = { ["L-0263D0A3"] = "IllegalArgumentException" } };
        using var quotas = new ServiceQuotasClient(Options(aws));
        var audit = new ListAuditLog();

        var report = await new AwsQuotaTemplate(quotas, audit, new FakeTimeProvider(T))
            .SyncAsync([E("L-0263D0A3", "us-east-1", 10, "eips"), E("L-1216C47A", "us-east-1", 256, "vcpu")], "sync-1", apply: true, CancellationToken.None);

        Assert.Equal(["put ec2/L-0263D0A3@us-east-1 = 10: PutServiceQuotaIncreaseRequestIntoTemplate: IllegalArgumentException: The quota L-0263D0A3 can't be added to the template."], report.Failures);
        Assert.Equal([("ec2", "L-1216C47A", "us-east-1")], aws.Entries.Keys);
        Assert.Equal("put ec2/L-0263D0A3@us-east-1 = 10: failed: PutServiceQuotaIncreaseRequestIntoTemplate: IllegalArgumentException: The quota L-0263D0A3 can't be added to the template.",
            audit.Records.Single(r => r.Kind == AuditKind.Outcome && r.RuleId == "eips").Message);
    }

    [Fact]
    public async Task AutoManagement_StartsNotifyOnly_WhereOff_AndLeavesAnOwnersChoiceAlone()
    {
        var aws = new FakeQuotaTemplate { AutoManagement = { ["eu-west-1"] = "NotifyAndAdjust" } };
        using var clients = new AwsClients(Options(aws), new AwsBackendOptions());
        var auto = new AwsAutoManagement(clients);

        var started = await auto.EnableAsync(null, "us-east-1", CancellationToken.None);
        var again = await auto.EnableAsync(null, "us-east-1", CancellationToken.None);
        var kept = await auto.EnableAsync(null, "eu-west-1", CancellationToken.None);

        Assert.Equal(["enabled", "already", "kept"], new[] { started, again, kept }.Select(r => r.Outcome));
        Assert.Equal(("NotifyOnly", "NotifyAndAdjust"), (aws.AutoManagement["us-east-1"], aws.AutoManagement["eu-west-1"]));
    }

    private sealed class ListAuditLog : IAuditLog
    {
        public List<AuditRecord> Records { get; } = [];

        public Task AppendAsync(AuditRecord record, CancellationToken ct)
        {
            Records.Add(record);
            return Task.CompletedTask;
        }

        public Task<bool> TryAppendAsync(AuditRecord record, CancellationToken ct)
        {
            Records.Add(record);
            return Task.FromResult(true);
        }

        public Task<IReadOnlyList<AuditRecord>> ListUnfinishedAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<AuditRecord>>([]);
    }
}
