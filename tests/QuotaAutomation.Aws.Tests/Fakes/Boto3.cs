using System.Diagnostics;

namespace QuotaAutomation.Aws.Tests.Fakes;

/// <summary>
/// Runs a Python script with boto3 against a moto_server: a second, independent client that builds what a test reads
/// through ours (an organization, an alternate contact), so our client is never checked against itself.
/// </summary>
public static class Boto3
{
    /// <summary>Runs <paramref name="script"/> (given <c>endpoint</c>, a str) and returns what it printed; a failure fails the test with its error.</summary>
    public static async Task<string> RunAsync(MotoServer moto, string script)
    {
        ArgumentNullException.ThrowIfNull(moto);
        var start = new ProcessStartInfo("python3", ["-c", $"endpoint = {Quote(moto.Endpoint.ToString())}\n{script}"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            Environment =
            {
                ["AWS_ACCESS_KEY_ID"] = "testing", ["AWS_SECRET_ACCESS_KEY"] = "testing", ["AWS_DEFAULT_REGION"] = "us-east-1",
                ["AWS_CONFIG_FILE"] = "/dev/null", ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
            },
        };
        using var python = Process.Start(start) ?? throw new InvalidOperationException("python3 not found");
        var output = python.StandardOutput.ReadToEndAsync();
        var errors = await python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync();
        Assert.True(python.ExitCode == 0, errors);
        return await output;
    }

    private static string Quote(string text) => "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
}
