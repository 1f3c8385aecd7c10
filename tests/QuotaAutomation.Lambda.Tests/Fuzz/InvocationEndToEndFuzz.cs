using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Cli.Commands;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Local;

namespace QuotaAutomation.Lambda.Tests.Fuzz;

#pragma warning disable CA1001 // disposed in DisposeAsync, as xUnit fixtures are
/// <summary>One embedded backend for the whole sample: the function keeps state between invocations as it does when warm.</summary>
public sealed class WarmFunction : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "qa-fuzz-" + Guid.NewGuid().ToString("N"));
    private readonly StringWriter _logs = new();

    public LambdaApp App { get; private set; } = null!; // set in InitializeAsync

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        var start = new DateTimeOffset(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);
        var backend = await EmbeddedBackend.OpenAsync(Path.Combine(_folder, "qa.db"), new EmbeddedOptions { Start = start }, new FakeTimeProvider(start), CancellationToken.None);
        App = EmbeddedLambda.Create(backend, TimeSpan.FromSeconds(60), new LambdaLog(_logs, backend.Clock, "quota-automation-fuzz"));
    }

    public Task DisposeAsync()
    {
        _logs.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}
#pragma warning restore CA1001

/// <summary>
/// A sample of the mutated invocations through the whole function (parser, handlers, engine, audit): every one is
/// answered with JSON that serialises, and an error answer says what failed on one line. Smaller than the parser's
/// 10,000 because a payload that parses runs a cycle.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class InvocationEndToEndFuzz(WarmFunction function) : IClassFixture<WarmFunction>
{
    public const int Cases = 300;

    [Property(MaxTest = Cases, Replay = InvocationFuzz.Replay)]
    public Property HandleAsync_AnyMutatedShape_AnswersJson() => Prop.ForAll(Arb.From(InvocationFuzz.Payloads), async payload =>
    {
        var reply = await function.App.HandleAsync(payload, CancellationToken.None);

        _ = reply.ToJsonString();
        Assert.True(reply.ContainsKey("status") || reply.ContainsKey("statusCode") || reply.ContainsKey("proceed"), reply.ToJsonString());
        if ((string?)reply["status"] == "error")
        {
            var error = (string?)reply["error"];
            Assert.False(string.IsNullOrEmpty(error));
            Assert.Equal(error, Echo.Of(error));
        }
    });
}
