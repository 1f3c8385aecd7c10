using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace QuotaAutomation.Cli.Json;

/// <summary>
/// Writes every double to 10 significant digits, so binary noise never reaches a pipeline (0.1 + 0.2 is 0.3, not
/// 0.30000000000000004); values the engine works with (quota values, usage, dollars) need far fewer. JSON has no
/// infinity or NaN: those are written as null. Also applies to <c>double?</c>.
/// </summary>
internal sealed class CleanNumberConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (double.IsFinite(value))
            writer.WriteNumberValue(double.Parse(value.ToString("G10", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture));
        else
            writer.WriteNullValue();
    }
}
