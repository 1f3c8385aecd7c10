namespace QuotaAutomation.Testing;

/// <summary>
/// The repository's folders, found from the running assembly (tests and benchmarks run inside the clone), so they read
/// <c>../shared/</c>, <c>models/</c> and sources by relative path. Linked into each test and benchmark project.
/// </summary>
internal static class Repository
{
    /// <summary>The folder holding QuotaAutomation.sln.</summary>
    public static string Root { get; } = Find();

    /// <summary>The shared data and tools beside the clone (<c>../shared</c>).</summary>
    public static string Shared => Path.Combine(Root, "..", "shared");

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "QuotaAutomation.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("QuotaAutomation.sln not found above " + AppContext.BaseDirectory);
    }
}
