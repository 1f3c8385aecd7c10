namespace QuotaAutomation.Cli;

/// <summary>Exit codes scripts can rely on (README.md, "Exit codes").</summary>
public static class ExitCodes
{
    /// <summary>Done; for <c>run</c>, the cycles ran (rejected rules and failed actions are audited, not fatal).</summary>
    public const int Ok = 0;

    /// <summary>The input was understood and is invalid: a rules file with a bad rule, an approval that is not waiting.</summary>
    public const int Invalid = 1;

    /// <summary>Could not do the work: unreadable file, unknown id, database error, bad arguments.</summary>
    public const int Error = 2;
}
