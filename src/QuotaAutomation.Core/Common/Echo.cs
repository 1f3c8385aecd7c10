using System.Globalization;
using System.Text;

namespace QuotaAutomation.Core.Common;

/// <summary>
/// The one escaping function for text a person or an event supplied and that is echoed back (terminal, audit,
/// notifications, replies). Control characters, line and paragraph separators, bidirectional formatting characters
/// and lone surrogates become visible escapes (<c>\n</c>, <c>\u202e</c>, <c>\ud800</c>), so an echoed value can
/// neither forge a line nor reorder the text around it. Everything else, ordinary Unicode included, is kept.
/// </summary>
/// <remarks>
/// A backslash is kept as it is, so escaping is idempotent: <c>Of(Of(x)) == Of(x)</c>. Text passes here at each
/// boundary it crosses without being escaped twice, at the price that a typed <c>\n</c> reads like an escaped newline.
/// </remarks>
public static class Echo
{
    /// <summary><paramref name="text"/> with every character that could forge a line or reorder text made visible.</summary>
    public static string Of(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        var i = 0;
        while (i < text.Length && Keeps(text, i, out var width)) i += width;
        if (i == text.Length) return text;

        var builder = new StringBuilder(text.Length + 16).Append(text, 0, i);
        while (i < text.Length)
        {
            if (Keeps(text, i, out var width)) builder.Append(text, i, width);
            else builder.Append(Escape(text[i]));
            i += width;
        }
        return builder.ToString();
    }

    /// <summary>True when the character at <paramref name="i"/> (a surrogate pair counts as one) is kept as it is.</summary>
    private static bool Keeps(string text, int i, out int width)
    {
        var c = text[i];
        width = 1;
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            width = 2;
            return true;
        }
        return !(char.IsSurrogate(c) || char.IsControl(c) || IsLineOrBidi(c));
    }

    /// <summary>U+2028/U+2029 break lines; the others are Unicode's bidirectional formatting characters (UAX #9).</summary>
    private static bool IsLineOrBidi(char c) => c is '\u2028' or '\u2029' or '\u200e' or '\u200f' or '\u061c'
        or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069');

    private static string Escape(char c) => c switch
    {
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
    };
}
