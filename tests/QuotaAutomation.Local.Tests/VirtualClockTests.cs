using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Local.Tests;

/// <summary>The embedded backend's virtual clock, shared through the file by every process that opens it.</summary>
public sealed class VirtualClockTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task AdvanceAsync_EightConcurrentRunnersOnOneFile_EachAdvanceCounts()
    {
        await _db.OpenAsync(); // creates the file, clock at Start
        var runners = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _db.OpenAsync()));

        await Task.WhenAll(runners.Select(backend => Task.Run(() => TempDatabase.CycleAsync(backend, TempDatabase.Engine(backend)))));

        var reopened = await _db.OpenAsync();
        Assert.Equal(TempDatabase.Start + 8 * SimulatedAccount.SampleInterval, reopened.Clock.GetUtcNow());
    }

    [Fact]
    public async Task AdvanceAsync_AfterAnotherProcessAdvanced_MovesFromTheFilesTime()
    {
        var first = await _db.OpenAsync();
        var second = await _db.OpenAsync();
        await first.AdvanceAsync(TimeSpan.FromMinutes(5), CancellationToken.None);

        await second.AdvanceAsync(TimeSpan.FromMinutes(5), CancellationToken.None);

        Assert.Equal(TempDatabase.Start + TimeSpan.FromMinutes(10), second.Clock.GetUtcNow());
    }
}
