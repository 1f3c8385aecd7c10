using QuotaAutomation.Core.Engine;

namespace QuotaAutomation.Cli;

/// <summary>A command's view of a backend: its ports, the Region it lists, its time, and what to close after (<see cref="CliApp.OpenPortsAsync"/>).</summary>
internal sealed record OpenPorts(EnginePorts Ports, string Region, DateTimeOffset Now, IDisposable? Owned) : IDisposable
{
    public void Dispose() => Owned?.Dispose();
}
