using Spectre.Console;

namespace QuotaAutomation.Testing;

/// <summary>Runs the CLI in-process with a plain 400-column console and returns its exit code and everything it printed.</summary>
internal static class CliRunner
{
    public static async Task<(int Exit, string Output)> RunAsync(string[] args, TimeProvider time, int width = 400)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        var exit = await new QuotaAutomation.Cli.CliApp(console, time).RunAsync(args, writer, writer);
        return (exit, writer.ToString());
    }

    /// <summary>As <see cref="RunAsync"/>, with standard output and standard error captured apart (what a pipeline reads is stdout alone).</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunSplitAsync(string[] args, TimeProvider time)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(stdout),
        });
        console.Profile.Width = 400;
        var exit = await new QuotaAutomation.Cli.CliApp(console, time).RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
