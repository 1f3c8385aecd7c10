using System.Globalization;
using System.Text;

namespace QuotaAutomation.Core.Fleet;

/// <summary>A fleet run's totals, its failures by account, parity drift, and one digest for people.</summary>
public sealed record FleetSummary(int Shards, int Ok, int Partial, int Failed, int Rules, int Actions, int Errors,
    IReadOnlyList<AccountFailure> AccountsFailed, IReadOnlyList<ParityDrift> Drift, IReadOnlyList<SkippedAccount> Skipped)
{
    /// <summary>Status of the whole run: failed when any shard failed, partial when any had errors.</summary>
    public string Status => Failed > 0 ? ShardResult.Failed : Partial > 0 ? ShardResult.Partial : ShardResult.Ok;

    public static FleetSummary From(IEnumerable<ShardResult> results, IReadOnlyList<SkippedAccount>? skipped = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        var list = results.ToList();
        var failures = list.Where(r => r.Status != ShardResult.Ok)
            .GroupBy(r => r.AccountId, StringComparer.Ordinal)
            .Select(g => new AccountFailure(g.Key, g.Count(), g.Count(r => r.Status == ShardResult.Failed),
                g.Select(r => r.Error).FirstOrDefault(e => e is not null) ?? "errors in rules or actions"))
            .OrderByDescending(f => f.Failed).ThenBy(f => f.AccountId, StringComparer.Ordinal).ToList();
        return new FleetSummary(list.Count, list.Count(r => r.Status == ShardResult.Ok), list.Count(r => r.Status == ShardResult.Partial),
            list.Count(r => r.Status == ShardResult.Failed), list.Sum(r => r.Rules), list.Sum(r => r.Actions), list.Sum(r => r.Errors),
            failures, list.SelectMany(r => r.Drift ?? []).ToList(), skipped ?? []);
    }

    /// <summary>One message for the whole fleet: totals first, then what needs a person, worst first, capped so it stays readable.</summary>
    public string Digest(int maxLines = 20)
    {
        var text = new StringBuilder();
        var accounts = string.Create(CultureInfo.InvariantCulture, $"{Shards} shard(s): {Ok} ok, {Partial} partial, {Failed} failed; {Rules} rule evaluations, {Actions} action(s), {Errors} error(s)");
        text.Append(accounts);
        if (Skipped.Count > 0) text.Append(CultureInfo.InvariantCulture, $"; {Skipped.Count} account(s) skipped");
        text.Append('.');
        var lines = AccountsFailed.Select(f => string.Create(CultureInfo.InvariantCulture, $"account {f.AccountId}: {f.Failed} failed, {f.Shards - f.Failed} partial: {f.FirstError}"))
            .Concat(Drift.Select(d => d.ToString()))
            .Concat(Skipped.Select(s => s.Reason))
            .ToList();
        foreach (var line in lines.Take(maxLines)) text.Append('\n').Append("- ").Append(line);
        if (lines.Count > maxLines) text.Append(CultureInfo.InvariantCulture, $"\n- … and {lines.Count - maxLines} more (see the audit trail)");
        return text.ToString();
    }
}

/// <summary>An account with shards that did not finish cleanly.</summary>
public sealed record AccountFailure(string AccountId, int Shards, int Failed, string FirstError);
