using System.Text;
using System.Text.Json;

namespace QuotaAutomation.Lambda.Tests;

/// <summary>
/// What the managed .NET runtime puts behind <c>Console.Out</c> when the function's log format is JSON, rebuilt from
/// its source (aws/aws-lambda-dotnet at 831492165a694825e0e762d68ec74f3e36b628c0, Amazon.Lambda.RuntimeSupport 2.1.2;
/// docs/lambda-logging.md): <c>Helpers/ConsoleLoggerWriter.cs</c> <c>WrapperTextWriter</c> turns every
/// <c>WriteLine</c> into a JsonLogMessageFormatter envelope with the line as the string <c>message</c> (lines 363-395,
/// 415, 447), and passes every <c>Write</c> to the inner writer untouched (lines 490, 513). The inner writer is a
/// StreamWriter with AutoFlush on Lambda's telemetry file descriptor (<c>Helpers/FileDescriptorLogStream.cs</c> lines
/// 64-73, 115-144), so each call becomes one frame, one CloudWatch Logs record: <see cref="Records"/> keeps them so.
/// </summary>
internal sealed class ManagedRuntimeConsole : TextWriter
{
    private readonly List<string> _records = [];

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>One entry per CloudWatch Logs record the runtime would send.</summary>
    public IReadOnlyList<string> Records => _records;

    public override void WriteLine(string? value) => _records.Add(Envelope(value ?? "") + "\n");

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override void Write(string? value) => _records.Add(value ?? "");

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    // Per character or buffer the runtime also passes through; a record made of pieces would show here as several.
    public override void Write(char value) => _records.Add(value.ToString());

    private static string Envelope(string message) => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["timestamp"] = "2026-11-24T15:00:00.000Z",
        ["level"] = "Information",
        ["requestId"] = "8f5d3b1e-0000-4000-8000-000000000000",
        ["message"] = message,
    });
}
