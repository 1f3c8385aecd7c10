using QuotaAutomation.Cli;
using Spectre.Console;

if (Console.IsOutputRedirected) AnsiConsole.Console.Profile.Width = 200; // logs and CI: do not wrap tables at 80 columns
return await new CliApp(AnsiConsole.Console, TimeProvider.System).RunAsync(args);
