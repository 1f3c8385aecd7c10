using System.Globalization;
using System.Net;
using System.Text;

namespace QuotaAutomation.Core.Reports;

/// <summary>The few SVG shapes the report draws, as text (no library, nothing fetched: the file is self-contained).</summary>
internal static class Svg
{
    public static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    public static string Text(string text) => WebUtility.HtmlEncode(text);

    public static string Polyline(IEnumerable<(double X, double Y)> points, string css) =>
        $"<polyline class=\"{css}\" points=\"{string.Join(' ', points.Select(p => $"{N(p.X)},{N(p.Y)}"))}\"/>";

    /// <summary>A step line: each value holds until the next point (a quota's value changes at once).</summary>
    public static string Steps(IReadOnlyList<(double X, double Y)> points, string css)
    {
        var path = new StringBuilder();
        for (var i = 0; i < points.Count; i++)
        {
            path.Append(i == 0 ? $"M{N(points[i].X)},{N(points[i].Y)}" : $" H{N(points[i].X)} V{N(points[i].Y)}");
        }
        return $"<path class=\"{css}\" d=\"{path}\"/>";
    }

    public static string Rect(double x, double y, double width, double height, string css, string? title = null) =>
        $"<rect class=\"{css}\" x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(Math.Max(0, width))}\" height=\"{N(Math.Max(0, height))}\">{(title is null ? "" : $"<title>{Text(title)}</title>")}</rect>";

    public static string Label(double x, double y, string text, string css = "axis", string anchor = "start") =>
        $"<text class=\"{css}\" x=\"{N(x)}\" y=\"{N(y)}\" text-anchor=\"{anchor}\">{Text(text)}</text>";

    public static string Line(double x1, double y1, double x2, double y2, string css) =>
        $"<line class=\"{css}\" x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\"/>";
}
