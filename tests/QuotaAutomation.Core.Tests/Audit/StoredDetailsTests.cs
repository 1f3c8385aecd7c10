using System.Globalization;
using System.IO.Compression;
using System.Text;
using QuotaAutomation.Core.Audit;

namespace QuotaAutomation.Core.Tests.Audit;

/// <summary>
/// Details as a store keeps them: a quiet digest's 6–7 KB of JSON gzip'd to under a quarter, small details as text, and
/// stored details that cannot be decoded read as a named, unreadable value, never an exception (docs/fleet-digest.md).
/// </summary>
public sealed class StoredDetailsTests
{
    /// <summary>
    /// A 50-rule shard's quiet digest as the engine writes it (AdmitPhase): rule ids and quota codes of the fleet's form,
    /// usages and quotas drawn from a seeded source, the decision table's reasons.
    /// </summary>
    internal static Dictionary<string, string> FiftyRuleDigest()
    {
        var random = new Random(0);
        string[] services = ["ec2", "lambda", "vpc", "ebs", "elasticloadbalancing", "rds", "iam", "s3", "dynamodb", "ecs"];
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < 50; i++)
        {
            var service = services[i % services.Length];
            var code = "L-" + random.Next(0x10000000, int.MaxValue).ToString("X8", CultureInfo.InvariantCulture);
            var quota = random.Next(5, 5000);
            var usage = random.Next(0, quota / 2);
            var forecast = random.Next(3) == 0 ? string.Create(CultureInfo.InvariantCulture, $", forecast peak {usage + random.Next(1, 50):#,0} in 24h (trend)") : "";
            details[QuietDecisions.KeyOf($"{service}-{code}")] = QuietDecisions.Entry(new($"{service}", code, "eu-west-1", "123456789012"),
                string.Create(CultureInfo.InvariantCulture, $"usage {usage:#,0}{forecast} of quota {quota:#,0} = {100.0 * usage / quota:0.#}%, below warning 70%"));
        }
        details["account_id"] = "123456789012";
        details["region"] = "eu-west-1";
        return details;
    }

    [Fact]
    public void Encode_SmallDetails_AreJsonText()
    {
        var stored = StoredDetails.Encode(new Dictionary<string, string> { ["severity"] = "Warning" });

        Assert.Equal(new StoredForm("{\"severity\":\"Warning\"}", null), stored);
    }

    [Fact]
    public void Encode_AFiftyRuleDigest_IsGzipUnderAQuarterOfItsJson_AndReadsBackTheSame()
    {
        var digest = FiftyRuleDigest();
        var json = Encoding.UTF8.GetByteCount(System.Text.Json.JsonSerializer.Serialize(digest));

        var stored = StoredDetails.Encode(digest);

        Assert.Null(stored.Json);
        Assert.InRange(json, 6000, 7500);
        Assert.InRange(stored.Bytes, 1, json / 4);
        Assert.Equal(digest, StoredDetails.FromGzip("run-1/00002", stored.Gzip!)); // ! : gzip'd, asserted above
    }

    [Fact]
    public void Encode_TheSameDetailsTwice_GiveTheSameBytes()
    {
        var first = StoredDetails.Encode(FiftyRuleDigest());
        var second = StoredDetails.Encode(FiftyRuleDigest());

        Assert.Equal(first.Gzip, second.Gzip);
    }

    [Fact]
    public void FromGzip_CorruptBytes_IsUnreadableNamingTheRecord()
    {
        var gzip = StoredDetails.Encode(FiftyRuleDigest()).Gzip!; // ! : a digest is gzip'd
        gzip[gzip.Length / 2] ^= 0xFF;

        var read = StoredDetails.FromGzip("run-1/00002", gzip);

        Assert.Equal(new Dictionary<string, string> { [StoredDetails.UnreadableKey] = "audit record 'run-1/00002': the gzip'd details are corrupt; the record is shown without them" }, read);
    }

    [Fact]
    public void FromGzip_BytesThatAreNotGzip_AreUnreadable()
    {
        var read = StoredDetails.FromGzip("run-1/00002", Encoding.UTF8.GetBytes("{\"a\":\"b\"}"));

        Assert.Equal("audit record 'run-1/00002': the gzip'd details are corrupt; the record is shown without them", read[StoredDetails.UnreadableKey]);
    }

    [Fact]
    public void FromGzip_GzipOfSomethingElseThanJson_IsUnreadable()
    {
        var read = StoredDetails.FromGzip("run-1/00002", Gzip(Encoding.UTF8.GetBytes("[1, 2, 3]")));

        Assert.Equal("audit record 'run-1/00002': the details are not a JSON object of strings; the record is shown without them", read[StoredDetails.UnreadableKey]);
    }

    [Fact]
    public void FromGzip_AValueThatExpandsPastOneMegabyte_StopsThereAndIsUnreadable()
    {
        var read = StoredDetails.FromGzip("run-1/00002", Gzip(new byte[StoredDetails.MaxJsonBytes + 1]));

        Assert.Equal("audit record 'run-1/00002': the gzip'd details expand past 1 MB; the record is shown without them", read[StoredDetails.UnreadableKey]);
    }

    [Fact]
    public void FromJson_HandEditedText_IsUnreadable()
    {
        var read = StoredDetails.FromJson("run-1/00007", "{\"severity\": Warning");

        Assert.Equal(new Dictionary<string, string> { [StoredDetails.UnreadableKey] = "audit record 'run-1/00007': the details are not a JSON object of strings; the record is shown without them" }, read);
    }

    [Fact]
    public void Unpack_ADigestWhoseDetailsAreUnreadable_IsTheDigestItself()
    {
        var digest = new AuditRecord("run-1/00002", "run-1", DateTimeOffset.UnixEpoch, AuditKind.Decision, "-", null, QuietDecisions.Action, "50 rules: no action", null,
            StoredDetails.Unreadable("run-1/00002", "the gzip'd details are corrupt"));

        var unpacked = QuietDecisions.Unpack(digest);

        Assert.Equal([digest], unpacked);
        Assert.Null(QuietDecisions.For(digest, "ec2-L-1"));
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(data);
        return output.ToArray();
    }
}
