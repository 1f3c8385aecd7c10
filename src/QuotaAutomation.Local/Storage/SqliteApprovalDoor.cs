using System.Security.Cryptography;
using System.Text;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Local.Storage;

/// <summary>
/// The approval door on the embedded backend: task tokens and spent nonces in the database (a primary key is the
/// conditional write), and link MACs with an HMAC-SHA256 key made once per database and kept in it, as KMS keeps its own.
/// </summary>
public sealed class SqliteApprovalDoor(SqliteDatabase db) : IApprovalDoorState, ILinkSigner
{
    public async Task SaveTaskTokenAsync(string approvalId, string taskToken, DateTimeOffset expires, CancellationToken ct) =>
        await db.ExecuteAsync("INSERT INTO approval_tokens (approval_id, token, expires) VALUES ($id, $token, $expires) ON CONFLICT (approval_id) DO UPDATE SET token = $token, expires = $expires",
            ct, ("$id", approvalId), ("$token", taskToken), ("$expires", SqliteDatabase.ToUnix(expires)));

    public async Task<string?> FindTaskTokenAsync(string approvalId, CancellationToken ct) =>
        (await db.QueryAsync("SELECT token FROM approval_tokens WHERE approval_id = $id", row => row.GetString(0), ct, ("$id", approvalId))).SingleOrDefault();

    /// <summary>Ends a task token's life once its task is decided, as Step Functions does.</summary>
    /// <returns>False when it was already gone (another decision won).</returns>
    public async Task<bool> TryEndTaskTokenAsync(string approvalId, string taskToken, CancellationToken ct) =>
        await db.ExecuteAsync("DELETE FROM approval_tokens WHERE approval_id = $id AND token = $token", ct, ("$id", approvalId), ("$token", taskToken)) == 1;

    public Task<bool> TryUseNonceAsync(string nonce, string approvalId, DateTimeOffset expires, CancellationToken ct) =>
        db.TryInsertAsync("INSERT INTO used_link_nonces (nonce, approval_id, expires) VALUES ($nonce, $id, $expires)",
            ct, ("$nonce", nonce), ("$id", approvalId), ("$expires", SqliteDatabase.ToUnix(expires)));

    public async Task<string> SignAsync(string message, CancellationToken ct) =>
        Convert.ToBase64String(HMACSHA256.HashData(await KeyAsync(ct), Encoding.UTF8.GetBytes(message)));

    public async Task<bool> VerifyAsync(string message, string mac, CancellationToken ct)
    {
        var expected = HMACSHA256.HashData(await KeyAsync(ct), Encoding.UTF8.GetBytes(message));
        var given = new byte[64];
        return Convert.TryFromBase64String(mac, given, out var length) && CryptographicOperations.FixedTimeEquals(expected, given.AsSpan(0, length));
    }

    private async Task<byte[]> KeyAsync(CancellationToken ct)
    {
        // INSERT OR IGNORE then read: two processes creating the key at once agree on the first one written.
        await db.ExecuteAsync("INSERT OR IGNORE INTO sim_state (name, value) VALUES ('link_key', $key)", ct, ("$key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
        return Convert.FromBase64String((await db.QueryAsync("SELECT value FROM sim_state WHERE name = 'link_key'", row => row.GetString(0), ct)).Single());
    }
}
