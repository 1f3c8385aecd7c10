using System.Diagnostics;
using QuotaAutomation.Local.Runtime;

namespace QuotaAutomation.Local.Tests.Runtime;

public class ProcessOwnerTests
{
    [Fact]
    public void IsAlive_ThisProcess_True() => Assert.True(ProcessOwner.IsAlive(ProcessOwner.Current));

    [Fact]
    public async Task IsAlive_AProcessThatWasKilled_False()
    {
        using var child = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!; // started above, or it threw
        var owner = $"pid {child.Id} started {child.StartTime.ToUniversalTime().Ticks}";
        var before = ProcessOwner.IsAlive(owner);

        child.Kill();
        await child.WaitForExitAsync();

        Assert.True(before);
        Assert.False(ProcessOwner.IsAlive(owner));
    }

    [Theory]
    [InlineData("pid 1 started 0")] // pid 1 runs, but did not start at tick 0: a reused pid is not the owner
    [InlineData("lambda")]
    [InlineData("pid x started y")]
    [InlineData("")]
    public void IsAlive_NotThisClassesOwnerOrAnotherProcessOnThatPid_False(string owner) => Assert.False(ProcessOwner.IsAlive(owner));
}
