using System.Diagnostics;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// A profile that uses AWS IAM Identity Center (SSO) is recognised (AWSSDK.SSO and AWSSDK.SSOOIDC ship with the CLI,
/// which the SDK loads by name for such profiles), and without <c>aws sso login</c>'s cached token the CLI says what
/// to run and exits 2, instead of starting a device login or failing with a stack trace. The CLI runs as a child
/// process with its own environment (AWS_CONFIG_FILE, HOME): environment variables are process-wide.
/// </summary>
public sealed class SsoProfileTests : IDisposable
{
    private const string Message = "error: profile 'dev' uses IAM Identity Center: run `aws sso login --profile dev` (No valid SSO Token could be found)";

    private readonly string _home = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "qa-sso-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private async Task<(int Exit, string Output)> CliAsync(string? awsProfile, params string[] args)
    {
        var config = Path.Combine(_home, "config");
        await File.WriteAllTextAsync(config, """
            [profile dev]
            sso_session = corp
            sso_account_id = 123456789012
            sso_role_name = QuotaOperator
            region = us-east-1

            [sso-session corp]
            sso_start_url = https://corp.awsapps.com/start
            sso_region = us-east-1
            sso_registration_scopes = sso:account:access
            """);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _home };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "quota-automation.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(name);
        start.Environment["AWS_CONFIG_FILE"] = config;
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_home, "credentials"); // none
        start.Environment["HOME"] = _home; // no ~/.aws/sso/cache: never logged in
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        if (awsProfile is not null) start.Environment["AWS_PROFILE"] = awsProfile;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task AnSsoProfileWithoutALogin_SaysToLogIn_AndExits2()
    {
        var (exit, output) = await CliAsync(null, "--backend", "aws", "--profile", "dev", "status");

        Assert.Equal((2, Message), (exit, output.Trim()));
    }

    [Fact]
    public async Task AnSsoProfileFromAwsProfile_IsFoundByTheDefaultChain_AndNamed()
    {
        var (exit, output) = await CliAsync("dev", "--backend", "aws", "status");

        Assert.Equal((2, Message), (exit, output.Trim()));
    }
}
