using System.Diagnostics;
using System.Text;
using QuotaAutomation.Lambda;

// The environment (QA_* variables, AWS_REGION, credentials, QA_ENDPOINT_URL) is set by the caller, as Lambda would.
var clock = Stopwatch.StartNew();
var handler = new Handler();
var payload = """{"version":"0","id":"cold-start","detail-type":"Scheduled Event","source":"aws.events","account":"123456789012","time":"2026-11-24T15:00:00Z","region":"us-east-1","resources":[],"detail":{}}""";
await using var reply = await handler.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(payload)));
var first = clock.Elapsed;
using var reader = new StreamReader(reply);
var text = await reader.ReadToEndAsync();
clock.Restart();
await using var second = await handler.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(payload.Replace("cold-start", "warm", StringComparison.Ordinal))));
var warm = clock.Elapsed;
Console.Error.WriteLine(text.Length > 300 ? text[..300] + "…" : text);
Console.WriteLine($"first_invocation_ms={first.TotalMilliseconds:0} warm_invocation_ms={warm.TotalMilliseconds:0}");
return text.Contains("\"decisions\"", StringComparison.Ordinal) ? 0 : 1;
