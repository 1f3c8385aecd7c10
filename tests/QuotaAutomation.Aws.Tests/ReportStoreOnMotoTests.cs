using Amazon.S3.Model;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Tests.Fakes;

namespace QuotaAutomation.Aws.Tests;

/// <summary>The weekly report kept in S3 (moto's): keyed by its day, served as HTML, read back as written.</summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class ReportStoreOnMotoTests(MotoServer moto)
{
    [Fact]
    public async Task AReport_IsKeptUnderItsDay_AsHtml()
    {
        await moto.ResetAsync();
        using var s3 = S3ShardStore.Client(moto.Options());
        await s3.PutBucketAsync("qa-reports-123456789012");
        using var store = new S3ReportStore(moto.Options(), "qa-reports-123456789012");

        var location = await store.PutAsync("quota-report-us-east-1-2026-12-07.html", "<!DOCTYPE html><title>r</title>", new DateTimeOffset(2026, 12, 7, 7, 0, 0, TimeSpan.Zero), CancellationToken.None);

        Assert.Equal("s3://qa-reports-123456789012/reports/2026/12/07/quota-report-us-east-1-2026-12-07.html", location);
        using var got = await s3.GetObjectAsync(new GetObjectRequest { BucketName = "qa-reports-123456789012", Key = "reports/2026/12/07/quota-report-us-east-1-2026-12-07.html" });
        using var reader = new StreamReader(got.ResponseStream);
        Assert.Equal("<!DOCTYPE html><title>r</title>", await reader.ReadToEndAsync());
        Assert.StartsWith("text/html", got.Headers.ContentType, StringComparison.Ordinal);
    }
}
