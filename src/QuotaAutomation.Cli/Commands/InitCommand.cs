using System.CommandLine;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary><c>init</c>: create the embedded database, or (<c>--backend aws</c>) the DynamoDB tables that are missing and the shard keys of state items written before <c>shard-state-index</c>.</summary>
internal static class InitCommand
{
    public static Command Create(CliApp app)
    {
        var command = new Command("init", "Create the storage: the SQLite file, or with --backend aws the DynamoDB tables (for emulators and first use; production uses Terraform)");
        command.SetAction(async (parse, ct) =>
        {
            if (!app.IsAws(parse))
            {
                var backend = await app.OpenAsync(parse, ct);
                app.Console.MarkupLine(backend.Created ? "[green]created[/]" : $"{Render.Text(backend.Database.Path)} exists; nothing to do");
                return ExitCodes.Ok;
            }
            using var aws = app.OpenAws(parse);
            var created = await aws.InitAsync(ct);
            var keyed = await aws.State.AddShardKeysAsync(ct); // items written before shard-state-index: fleet shards list them from there
            app.Console.MarkupLine(created.Count == 0
                ? keyed == 0 ? "all tables exist; nothing to do" : "all tables exist"
                : $"[green]created[/] {Render.Text(string.Join(", ", created))} (TTL on 'ttl')");
            if (keyed > 0) app.Console.MarkupLine($"[green]gave[/] {keyed} state item(s) their shard key (shard-state-index)");
            return ExitCodes.Ok;
        });
        return command;
    }
}
