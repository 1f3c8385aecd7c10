using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using QuotaAutomation.Cli;

namespace QuotaAutomation.Local.Tests;

/// <summary>
/// <c>report</c> on the embedded backend, opened in a real headless browser (Debian's Chromium: .ci/run installs it):
/// the page renders (its DOM after layout, and a screenshot), and the numbers it shows are the ones counted here,
/// independently, from the audit trail that <c>audit --changes -o json</c> prints.
/// </summary>
public sealed partial class ReportCommandTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    /// <summary>Chromium, from QA_CHROMIUM or Debian's package; the test fails, saying how to get it, when there is none.</summary>
    private static string Chromium() =>
        new[] { Environment.GetEnvironmentVariable("QA_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("no Chromium: install Debian's (apt-get install chromium; .ci/run does) or set QA_CHROMIUM to a Chromium binary");

    private static async Task<string> ChromiumAsync(params string[] args)
    {
        var profile = Directory.CreateTempSubdirectory("qa-chromium-");
        try
        {
            // The flags the machine notes ask for: no sandbox as root, nothing fetched in the background, a fresh profile.
            var start = new ProcessStartInfo(Chromium())
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
                ArgumentList =
                {
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--hide-scrollbars", $"--user-data-dir={profile.FullName}",
                },
            };
            foreach (var a in args) start.ArgumentList.Add(a);
            using var chromium = Process.Start(start)!;
            var stdout = chromium.StandardOutput.ReadToEndAsync();
            var stderr = chromium.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await chromium.WaitForExitAsync(timeout.Token);
            Assert.True(chromium.ExitCode == 0, $"chromium exited {chromium.ExitCode}: {await stderr}");
            return await stdout;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task TheReport_RendersInChromium_AndItsNumbersAreTheAudits()
    {
        // A day of cycles on the sample account files increases and asks approvals; one is granted, then a few more cycles.
        await _db.RunCliAsync("run", "--cycles", "288");
        var (_, status) = await _db.RunCliAsync("status", "-o", "json");
        var approval = ApprovalId().Match(status).Value;
        Assert.Equal(ExitCodes.Ok, (await _db.RunCliAsync("approve", approval)).Exit);
        await _db.RunCliAsync("run", "--cycles", "12");
        var page = Path.Combine(Path.GetDirectoryName(_db.Path)!, "report.html");

        var (exit, output) = await _db.RunCliAsync("report", "--days", "30", "--out", page);
        var dom = await ChromiumAsync("--dump-dom", new Uri(page).AbsoluteUri);
        var png = Path.Combine(Path.GetDirectoryName(_db.Path)!, "report.png");
        await ChromiumAsync("--window-size=1280,2400", $"--screenshot={png}", new Uri(page).AbsoluteUri);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("wrote ", output, StringComparison.Ordinal);
        var shown = Metric().Matches(dom).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var (filed, asked, granted) = await CountFromTheAuditAsync();
        Assert.True(filed > 0 && asked > 0 && granted == 1, $"the run should file, ask and have one granted: {filed}, {asked}, {granted}");
        Assert.Equal(filed.ToString(System.Globalization.CultureInfo.InvariantCulture), shown["requests-filed"]);
        Assert.Equal(asked.ToString(System.Globalization.CultureInfo.InvariantCulture), shown["approvals-asked"]);
        Assert.Equal("1", shown["approvals-granted"]);
        // It rendered: the browser laid out the charts, the heat map and the timeline, and drew a 1280-pixel-wide page.
        Assert.True(Regex.Count(dom, "<figure>") >= 3, "the utilisation charts are missing");
        Assert.Contains("class=\"heat\"", dom, StringComparison.Ordinal);
        Assert.Contains("class=\"timeline\"", dom, StringComparison.Ordinal);
        var header = await File.ReadAllBytesAsync(png);
        Assert.Equal((byte)0x89, header[0]); // PNG
        Assert.Equal(1280, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(16, 4)));
    }

    /// <summary>
    /// Requests filed (intents whose outcome is done), approvals asked (likewise) and granted, counted from the audit as
    /// the CLI prints it: another reader of the same trail than the report's.
    /// </summary>
    private async Task<(int Filed, int Asked, int Granted)> CountFromTheAuditAsync()
    {
        var (_, json) = await _db.RunCliAsync("audit", "--changes", "--limit", "100000", "-o", "json");
        var records = JsonDocument.Parse(json).RootElement.GetProperty("records").EnumerateArray().ToList();
        var done = records.Where(r => r.GetProperty("kind").GetString() == "Outcome" && r.GetProperty("message").GetString()!.StartsWith("done:", StringComparison.Ordinal))
            .Select(r => r.GetProperty("action_id").GetString()).ToHashSet(StringComparer.Ordinal);
        int Count(string action) => records.Count(r => r.GetProperty("kind").GetString() == "Intent" && r.GetProperty("action").GetString() == action && done.Contains(r.GetProperty("id").GetString()));
        return (Count("request_increase"), Count("start_approval"), records.Count(r => r.GetProperty("action").GetString() == "approval_granted"));
    }

    [Fact]
    public async Task TheOrganizationsReport_HasARowPerReadableAccount_AndNamesTheOneItCannotRead()
    {
        await _db.RunCliAsync("run", "--fleet", "--accounts", "12", "--cycles", "3");
        var page = Path.Combine(Path.GetDirectoryName(_db.Path)!, "org.html");

        var (exit, output) = await _db.RunCliAsync("report", "--ou", "r-fl33", "--out", page);
        var (refused, why) = await _db.RunCliAsync("report", "--ou", "ou-fl33-nosuchou");

        Assert.Equal((ExitCodes.Ok, ExitCodes.Error), (exit, refused));
        Assert.Contains("wrote ", output, StringComparison.Ordinal);
        var html = await File.ReadAllTextAsync(page);
        Assert.Contains("Quota report: the organization o-fl33", html, StringComparison.Ordinal);
        var heat = html[html.IndexOf("class=\"heat\"", StringComparison.Ordinal)..];
        heat = heat[..heat.IndexOf("</table>", StringComparison.Ordinal)];
        Assert.True(Regex.Count(heat, "<tr><th>") >= 5, "the heat map should have a row per account that has usage");
        Assert.Contains("unreachable_account", html, StringComparison.Ordinal); // the virtual organization's account without the member role
        Assert.Contains("has no such OU", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReportOfSeveralRegions_ReadsEachOfThem()
    {
        await _db.RunCliAsync("run", "--fleet", "--accounts", "12", "--cycles", "3");
        var folder = Path.GetDirectoryName(_db.Path)!;

        var (_, one) = await _db.RunCliAsync("report", "--ou", "r-fl33", "--out", Path.Combine(folder, "one.html"), "-o", "json");
        var (exit, two) = await _db.RunCliAsync("report", "--ou", "r-fl33", "--regions", "us-east-1,eu-west-1", "--out", Path.Combine(folder, "two.html"), "-o", "json");
        var (refused, why) = await _db.RunCliAsync("report", "--regions", "mars-north-1");

        Assert.Equal((ExitCodes.Ok, ExitCodes.Error), (exit, refused));
        static int Quotas(string output) => int.Parse(Regex.Match(output, "\"quotas\": ([0-9]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var html = await File.ReadAllTextAsync(Path.Combine(folder, "two.html"));
        Assert.Contains("(10 accounts), us-east-1, eu-west-1</h1>", html, StringComparison.Ordinal);
        // The virtual organization's accounts have the same quotas in both Regions: the second Region's are added.
        Assert.True(Quotas(two) > Quotas(one) * 3 / 2, $"{Quotas(one)} quotas in one Region, {Quotas(two)} in two");
        // The account without the member role is one finding, naming both Regions it could not be read in.
        Assert.Single(Regex.Matches(html, "unreachable_account</td>"));
        Assert.Matches("could not read account [0-9]{12} in us-east-1, eu-west-1: ", html);
        Assert.Contains("--regions 'mars-north-1' is not a Region name", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadPeriodOrAccount_IsRefused()
    {
        Assert.Equal(ExitCodes.Error, (await _db.RunCliAsync("report", "--days", "0")).Exit);
        var (exit, output) = await _db.RunCliAsync("report", "--account", "12345");
        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("--account '12345' must be a 12-digit account id", output, StringComparison.Ordinal);
    }

    [GeneratedRegex("data-metric=\"([a-z-]+)\">([^<]*)<")]
    private static partial Regex Metric();

    [GeneratedRegex("apr-[0-9a-f]{32}")]
    private static partial Regex ApprovalId();
}
