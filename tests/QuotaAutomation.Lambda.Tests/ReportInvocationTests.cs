using System.Text.Json.Nodes;
using QuotaAutomation.Core.Audit;

namespace QuotaAutomation.Lambda.Tests;

/// <summary>
/// The weekly report's invocation (<c>{"report": "weekly"}</c> from the schedule in terraform/reports.tf) on the embedded
/// backend: the page is written to the report store (a folder here, S3 on AWS), announced on the alert topic with its
/// figures and where it is, and audited; a malformed request is a named rejection.
/// </summary>
public sealed class ReportInvocationTests : EmbeddedFunctionTests
{
    [Fact]
    public async Task AWeeklyReport_IsWritten_Announced_AndAudited()
    {
        for (var i = 0; i < 3; i++)
        {
            await App.HandleAsync("""{"id":"c","detail-type":"Scheduled Event","source":"aws.events","account":"123456789012","time":"2026-11-24T15:00:00Z","detail":{}}""", CancellationToken.None);
            await Backend.AdvanceAsync(TimeSpan.FromMinutes(5), CancellationToken.None);
        }

        var reply = await App.HandleAsync("""{"report": "weekly"}""", CancellationToken.None);

        Assert.Equal(("ok", "report"), ((string?)reply["status"], (string?)reply["kind"]));
        var location = (string)reply["location"]!;
        Assert.Contains(Path.Combine("reports", "2026", "11", "24"), location, StringComparison.Ordinal);
        var page = await File.ReadAllTextAsync(location);
        Assert.Contains("<h1>Quota report: the function&#39;s account, us-east-1</h1>", page, StringComparison.Ordinal);
        Assert.Contains($"data-metric=\"requests-filed\">{(int)reply["requests_filed"]!}<", page, StringComparison.Ordinal);
        var sent = await Backend.Notifier.RecentAsync(1, CancellationToken.None);
        Assert.Contains(location, sent[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("Quota report: us-east-1, 2026-11-24", sent[0].Subject, StringComparison.Ordinal);
        Assert.Single(await Backend.Audit.QueryAsync(new AuditFilter(Kind: AuditKind.StatusChange), 100, CancellationToken.None), r => r.Action == "report_written");
    }

    [Theory]
    [InlineData("""{"report": "daily"}""")]
    [InlineData("""{"report": {"days": 0}}""")]
    [InlineData("""{"report": {"days": "7"}}""")]
    public async Task AMalformedReportRequest_IsANamedRejection(string payload)
    {
        var reply = await App.HandleAsync(payload, CancellationToken.None);

        Assert.Equal("error", (string?)reply["status"]);
        Assert.StartsWith("report request: report must be \"weekly\" or {\"days\": 1 to 400}", (string?)reply["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReportOfNamedRegions_ReadsEach_AndIsNamedForThem()
    {
        await App.HandleAsync("""{"id":"c","detail-type":"Scheduled Event","source":"aws.events","account":"123456789012","time":"2026-11-24T15:00:00Z","detail":{}}""", CancellationToken.None);

        var reply = await App.HandleAsync("""{"report": {"days": 7, "regions": ["us-east-1", "eu-west-1"]}}""", CancellationToken.None);

        Assert.Equal("ok", (string?)reply["status"]);
        var location = (string)reply["location"]!;
        Assert.EndsWith("quota-report-2-regions-2026-11-24.html", location, StringComparison.Ordinal);
        Assert.Contains("<h1>Quota report: the function&#39;s account, us-east-1, eu-west-1</h1>", await File.ReadAllTextAsync(location), StringComparison.Ordinal);
        Assert.StartsWith("Quota report: 2-regions, 2026-11-24", (await Backend.Notifier.RecentAsync(1, CancellationToken.None))[0].Subject, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"report": {"days": 7, "regions": "eu-west-1"}}""", "\"eu-west-1\"")]
    [InlineData("""{"report": {"days": 7, "regions": []}}""", "[]")]
    [InlineData("""{"report": {"days": 7, "regions": ["eu-west-1", "mars-north-1"]}}""", "[\"eu-west-1\", \"mars-north-1\"]")]
    [InlineData("""{"report": {"days": 7, "regions": [1]}}""", "[1]")]
    public async Task ABadRegionsList_IsANamedRejection(string payload, string shown)
    {
        var reply = await App.HandleAsync(payload, CancellationToken.None);

        Assert.Equal($"report request: report.regions must be a list of 1 to 40 Region names such as \"eu-west-1\", not {shown}", (string?)reply["error"]);
    }

    [Fact]
    public async Task AnOrganizationsReport_NeedsTheFleetsOrganization_AndABadOuIsNamed()
    {
        var noFleet = await App.HandleAsync("""{"report": {"days": 7, "ou": "organization"}}""", CancellationToken.None);
        var badOu = await App.HandleAsync("""{"report": {"days": 7, "ou": "sandboxes"}}""", CancellationToken.None);

        Assert.Equal("report request: report.ou 'organization' needs the fleet's organization (QA_FLEET_BUCKET is not set)", (string?)noFleet["error"]);
        Assert.Equal("report request: report.ou must be \"organization\", an OU id (ou-…) or the root id (r-…), not \"sandboxes\"", (string?)badOu["error"]);
    }
}
