namespace QuotaAutomation.Core.Approvals;

/// <summary>Approval ids that cannot be guessed: 128 bits from the given source, as lower-case hex after <c>apr-</c>.</summary>
public static class ApprovalIds
{
    public static string From(Action<Span<byte>> fill)
    {
        ArgumentNullException.ThrowIfNull(fill);
        Span<byte> bytes = stackalloc byte[16];
        fill(bytes);
        return "apr-" + Convert.ToHexStringLower(bytes);
    }

    /// <summary>Ids from a seeded <see cref="Random"/>, for tests and the simulator (never for a deployment).</summary>
    public static Func<string> Seeded(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return () => From(random.NextBytes);
    }
}
