using Spectre.Console;
using Spectre.Console.Rendering;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// What fits the terminal. Spectre squeezes every wrapping column evenly when a table is too wide (a reason ends up 5
/// characters wide, a number split mid-digit), so commands choose a layout that fits instead: numbers never wrap
/// (<see cref="Number"/>), and long text (reasons, decisions) moves below a table that has no room for it.
/// </summary>
internal static class Fit
{
    /// <summary>Below this many characters a line, a reason is hard to read: it goes below the table instead.</summary>
    public const int ReadableText = 50;

    /// <summary>The width <paramref name="renderable"/> takes when nothing wraps.</summary>
    public static int NaturalWidth(IAnsiConsole console, IRenderable renderable) =>
        renderable.Measure(RenderOptions.Create(console, console.Profile.Capabilities), 10_000).Max;

    /// <summary>True when <paramref name="renderable"/> fits the console unwrapped, with <paramref name="room"/> characters to spare.</summary>
    public static bool Fits(IAnsiConsole console, IRenderable renderable, int room = 0) =>
        NaturalWidth(console, renderable) + room <= console.Profile.Width;

    /// <summary>A column of numbers or ids: never wrapped, so a value is never split across lines.</summary>
    public static TableColumn Number(string header) => new TableColumn(header).NoWrap();

    /// <summary>A column of text that may wrap between words.</summary>
    public static TableColumn Text(string header) => new(header);

    /// <summary>
    /// Rules and their text, below a table: the name in one column and the text beside it, wrapped between words at the
    /// console's width with a hanging indent, so every line of the text is as wide as the terminal allows.
    /// </summary>
    public static Grid Notes(IEnumerable<(string Name, string Markup)> notes)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(1)).AddColumn(new GridColumn());
        foreach (var (name, markup) in notes) grid.AddRow(new Markup(name), new Markup(markup));
        return grid;
    }
}
