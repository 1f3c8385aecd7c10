using System.Reflection;
using QuotaAutomation.Core.Engine;

namespace QuotaAutomation.Core.Tests;

/// <summary>Core stays pure: no AWS SDK, no SQLite, no HTTP, no file system, no ambient clock or environment.</summary>
public class ArchitectureTests
{
    private static readonly Assembly Core = typeof(AutomationEngine).Assembly;

    [Fact]
    public void Core_ReferencesOnlyTheBaseLibrary()
    {
        var references = Core.GetReferencedAssemblies().Select(a => a.Name!).Order().ToList();

        var outside = references.Where(name => !name.StartsWith("System.", StringComparison.Ordinal) || Forbidden.Contains(name));

        Assert.Empty(outside);
    }

    private static readonly HashSet<string> Forbidden =
    [
        "System.Net.Http", "System.Net.Primitives", "System.Net.Sockets", "System.IO.FileSystem", "System.Data.Common", "System.Console",
        "Microsoft.Data.Sqlite", "AWSSDK.Core", "AWSSDK.DynamoDBv2", "Microsoft.ML",
    ];

    [Theory]
    [InlineData("File.")]
    [InlineData("Directory.")]
    [InlineData("HttpClient")]
    [InlineData("Environment.")]
    [InlineData("DateTime.UtcNow")]
    [InlineData("DateTimeOffset.UtcNow")]
    [InlineData("new Random(")]
    [InlineData("Console.")]
    public void CoreSources_UseNoAmbientIo(string api)
    {
        var root = Path.Combine(Testing.Repository.Root, "src", "QuotaAutomation.Core");
        var offenders = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains(api, StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .ToList();

        Assert.Empty(offenders);
    }

}
