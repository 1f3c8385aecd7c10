namespace QuotaAutomation.Testing;

/// <summary>
/// The repository's folders, found from the running assembly (tests and benchmarks run inside the clone), so they read
/// data, tools, <c>models/</c> and sources by relative path. Linked into each test and benchmark project. Everything a
/// test reads is inside the clone: nothing beside it is needed.
/// </summary>
internal static class Repository
{
    /// <summary>The folder holding QuotaAutomation.sln.</summary>
    public static string Root { get; } = Find();

    /// <summary>The bundled usage traces (<c>models/traces</c>: provenance and licences in its README).</summary>
    public static string Traces => Path.Combine(Root, "models", "traces");

    /// <summary>The offline checkers and patched moto the tests run (<c>eng/tools</c>).</summary>
    public static string Tools => Path.Combine(Root, "eng", "tools");

    /// <summary>The quota catalog the simulated account and <c>quotas list</c> use.</summary>
    public static string Catalog => Path.Combine(Root, "src", "QuotaAutomation.Local", "Catalog", "quota-catalog.json");

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "QuotaAutomation.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("QuotaAutomation.sln not found above " + AppContext.BaseDirectory);
    }
}
