using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace QuotaAutomation.Core.Audit;

/// <summary>
/// An audit record's details as a store keeps them where bytes are billed (DynamoDB bills a write unit per 1 KB of the
/// item, and its storage by the byte): the JSON object as text, or, when that text is over <see cref="CompressAbove"/>
/// bytes, the same JSON gzip'd (a fleet shard's quiet digest: about 6.5 KB of text, 1.5 KB gzip'd). One encoding, shared
/// by the DynamoDB adapter that writes it and the simulator's size model that bills it. Reading never throws: details
/// that cannot be decoded come back as <see cref="Unreadable(string, string)"/>, naming the record, so the record is
/// still read and shown (docs/fleet-digest.md).
/// </summary>
public static class StoredDetails
{
    /// <summary>Details whose JSON is larger than this many UTF-8 bytes are stored gzip'd: below it an item is about one write unit anyway.</summary>
    public const int CompressAbove = 1024;

    /// <summary>
    /// The most a gzip'd value may expand to when read (a DynamoDB item is at most 400 KB, and 200 rules' digest is
    /// about 27 KB): a corrupt or crafted value cannot make a reader allocate without bound.
    /// </summary>
    public const int MaxJsonBytes = 1 << 20;

    /// <summary>The details key of a record whose stored details could not be decoded; its value says which record and why.</summary>
    public const string UnreadableKey = "unreadable_details";

    /// <summary>The details as stored: <see cref="StoredForm.Gzip"/> when the JSON is over <see cref="CompressAbove"/> bytes and gzip is smaller, else <see cref="StoredForm.Json"/>.</summary>
    public static StoredForm Encode(IReadOnlyDictionary<string, string> details)
    {
        ArgumentNullException.ThrowIfNull(details);
        var json = JsonSerializer.Serialize(details);
        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes <= CompressAbove) return new StoredForm(json, null);
        var gzip = Gzip(json);
        return gzip.Length < bytes ? new StoredForm(null, gzip) : new StoredForm(json, null);
    }

    /// <summary>
    /// The JSON gzip'd at the smallest size. The same details give the same bytes on one runtime (GZipStream writes no
    /// time or name in its header), so a retried put is recognised as the same record.
    /// </summary>
    private static byte[] Gzip(string json)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
            gzip.Write(Encoding.UTF8.GetBytes(json));
        return output.ToArray();
    }

    /// <summary>Details stored as JSON text; <see cref="Unreadable(string, string)"/> when the text is not a JSON object of strings.</summary>
    public static IReadOnlyDictionary<string, string> FromJson(string recordId, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? Unreadable(recordId, "the details are not a JSON object of strings");
        }
        catch (JsonException)
        {
            return Unreadable(recordId, "the details are not a JSON object of strings");
        }
    }

    /// <summary>Details stored gzip'd; <see cref="Unreadable(string, string)"/> when the bytes are not gzip, expand past <see cref="MaxJsonBytes"/>, or are not a JSON object of strings.</summary>
    public static IReadOnlyDictionary<string, string> FromGzip(string recordId, byte[] gzip)
    {
        ArgumentNullException.ThrowIfNull(gzip);
        string json;
        try
        {
            using var input = new GZipStream(new MemoryStream(gzip, writable: false), CompressionMode.Decompress);
            using var expanded = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = input.Read(chunk)) > 0)
            {
                if (expanded.Length + read > MaxJsonBytes) return Unreadable(recordId, $"the gzip'd details expand past {MaxJsonBytes / 1024 / 1024} MB");
                expanded.Write(chunk, 0, read);
            }
            json = StrictUtf8.GetString(expanded.GetBuffer(), 0, (int)expanded.Length);
        }
        catch (Exception e) when (e is InvalidDataException or DecoderFallbackException)
        {
            return Unreadable(recordId, "the gzip'd details are corrupt");
        }
        return FromJson(recordId, json);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The details a reader gets for a record whose stored details could not be decoded: one entry, naming the record and why.</summary>
    public static IReadOnlyDictionary<string, string> Unreadable(string recordId, string why) =>
        new Dictionary<string, string>(StringComparer.Ordinal) { [UnreadableKey] = $"audit record '{recordId}': {why}; the record is shown without them" };

    /// <summary>Why a record's details could not be read; null when they were.</summary>
    public static string? Unreadable(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Details?.GetValueOrDefault(UnreadableKey);
    }
}

/// <summary>Details in the form a store keeps: exactly one of <paramref name="Json"/> (text) and <paramref name="Gzip"/> (the JSON gzip'd) is set.</summary>
public sealed record StoredForm(string? Json, byte[]? Gzip)
{
    /// <summary>The bytes the value takes (UTF-8 text, or the gzip'd bytes): what DynamoDB bills for it.</summary>
    public int Bytes => Gzip?.Length ?? Encoding.UTF8.GetByteCount(Json ?? "");
}
