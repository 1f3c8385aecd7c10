using System.Globalization;
using System.Net;
using System.Xml.Linq;

namespace QuotaAutomation.Aws.Clients;

/// <summary>
/// Reading the XML replies of the query and REST-XML protocols by local name (each service has its own namespace):
/// a missing element is null, a number that is not a whole count ≥ 0 is a malformed reply naming the operation and field.
/// </summary>
internal static class QueryXml
{
    public static XElement? Child(this XElement? parent, string name) => parent?.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    public static IEnumerable<XElement> Children(this XElement? parent, string name) => parent?.Elements().Where(e => e.Name.LocalName == name) ?? [];

    /// <summary>The reply's <c>{Operation}Result</c> (query protocol), or the root itself when there is none (REST-XML).</summary>
    public static XElement Result(this XElement reply, string operation) => reply.Child($"{operation}Result") ?? reply;

    public static string? Text(this XElement? parent, string name) => parent.Child(name)?.Value;

    /// <summary>A count or limit: absent is null; anything but a whole number in [0, 1e15] is malformed.</summary>
    public static long? Count(this XElement? parent, string name, string operation) => parent.Child(name)?.Value.Trim() switch
    {
        null => null,
        var text when long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= (long)AwsJson.MaxNumber => n,
        var text => throw new AwsServiceException("MalformedResponse", $"reply does not match the {operation} shape: {name}: '{AwsTransport.Snippet(text)}' is not a whole number between 0 and 1e15", HttpStatusCode.OK, operation, null),
    };
}
