using System.Globalization;
using System.Text;
using System.Text.Json;

namespace QuotaAutomation.Core.Common;

/// <summary>
/// Reads JSON strings without throwing. JSON may escape a lone surrogate (<c>"\ud800x"</c>), which is not text:
/// <see cref="JsonElement.GetString"/> throws on it. Here it is kept as its visible escape (the six characters
/// <c>\ud800</c>), so no lone surrogate enters the program to break a reply, a log line or an audit record later.
/// </summary>
public static class JsonStrings
{
    /// <summary>The string's text, or null when <paramref name="element"/> is not a JSON string.</summary>
    public static string? Read(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String) return null;
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return Decode(element.GetRawText());
        }
    }

    /// <summary>A property's name, read as <see cref="Read"/> reads a string.</summary>
    public static string Name(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            var raw = property.ToString(); // "name": value, as written
            var end = 1;
            while (end < raw.Length && raw[end] != '"') end += raw[end] == '\\' ? 2 : 1;
            return Decode(raw[..Math.Min(end + 1, raw.Length)]);
        }
    }

    /// <summary>Decodes a raw JSON string token (quotes included), keeping lone surrogates as visible escapes.</summary>
    private static string Decode(string raw)
    {
        var text = raw.AsSpan(1, raw.Length - 2);
        var units = new List<(char Unit, bool Escaped)>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length)
            {
                units.Add((text[i], false));
                continue;
            }
            var e = text[++i];
            if (e == 'u' && i + 4 < text.Length && ushort.TryParse(text.Slice(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                units.Add(((char)code, true));
                i += 4;
                continue;
            }
            units.Add((e switch { 'b' => '\b', 'f' => '\f', 'n' => '\n', 'r' => '\r', 't' => '\t', _ => e }, false));
        }
        var builder = new StringBuilder(units.Count + 8);
        for (var i = 0; i < units.Count; i++)
        {
            var c = units[i].Unit;
            if (char.IsHighSurrogate(c) && i + 1 < units.Count && char.IsLowSurrogate(units[i + 1].Unit))
                builder.Append(c).Append(units[++i].Unit);
            else if (char.IsSurrogate(c))
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else
                builder.Append(c);
        }
        return builder.ToString();
    }
}
