using Spectre.Console;

namespace QuotaAutomation.Testing;

/// <summary>Runs the CLI in-process with a plain console (400 columns unless told) and returns its exit code and what it printed.</summary>
internal static class CliRunner
{
    /// <param name="environment">The variables the CLI reads (AWS_REGION, AWS_ENDPOINT_URL_…); unset ones come from the process.</param>
    public static async Task<(int Exit, string Output)> RunAsync(string[] args, TimeProvider time, int width = 400,
        IReadOnlyDictionary<string, string>? environment = null, CancellationToken ct = default)
    {
        var writer = new StringWriter();
        var exit = await App(writer, width, time, environment).RunAsync(args, writer, writer, ct);
        return (exit, writer.ToString());
    }

    /// <summary>As <see cref="RunAsync"/>, with standard output and standard error captured apart (what a pipeline reads is stdout alone).</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunSplitAsync(string[] args, TimeProvider time)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await App(stdout, 400, time, null).RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static QuotaAutomation.Cli.CliApp App(TextWriter output, int width, TimeProvider time, IReadOnlyDictionary<string, string>? environment)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = width;
        return new QuotaAutomation.Cli.CliApp(console, time,
            environment is null ? null : name => environment.GetValueOrDefault(name) ?? Environment.GetEnvironmentVariable(name));
    }
}
