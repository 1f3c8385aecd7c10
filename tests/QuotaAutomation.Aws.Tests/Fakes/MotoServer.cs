using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon;
using Amazon.Runtime;
using QuotaAutomation.Aws.Clients;

namespace QuotaAutomation.Aws.Tests.Fakes;

/// <summary>
/// A moto_server of our own: 127.0.0.1, a free port, started for the test collection and stopped after it.
/// It runs eng/tools/moto_server_patched.py (moto 5.2.1 with the Step Functions fix) when found, else moto_server.
/// </summary>
public sealed class MotoServer : IAsyncLifetime
{
    private Process? _process;

    public Uri Endpoint { get; private set; } = new("http://127.0.0.1/");

    public async Task InitializeAsync()
    {
        var port = FreePort();
        var patched = Path.Combine(Testing.Repository.Tools, "moto_server_patched.py");
        var start = File.Exists(patched)
            ? new ProcessStartInfo("python3", $"\"{patched}\" -H 127.0.0.1 -p {port}")
            : new ProcessStartInfo("moto_server", $"-H 127.0.0.1 -p {port}");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start moto_server");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Endpoint = new Uri($"http://127.0.0.1:{port}/");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var reply = await http.GetAsync(new Uri(Endpoint, "moto-api/"));
                if (reply.StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet, or too slow to answer within 2 s on a loaded machine (load 30 on 2 cores failed every moto test)
            }
            if (_process.HasExited || waited.Elapsed > TimeSpan.FromSeconds(30))
                throw new InvalidOperationException($"moto_server did not start on port {port} (exited: {_process.HasExited})");
            await Task.Delay(200);
        }
    }

    /// <summary>Forgets every resource: call at the start of a test.</summary>
    public async Task ResetAsync()
    {
        using var http = new HttpClient();
        (await http.PostAsync(new Uri(Endpoint, "moto-api/reset"), null)).EnsureSuccessStatusCode();
    }

    public AwsClientOptions Options(HttpMessageHandler? transport = null, string region = "us-east-1") => new()
    {
        Region = RegionEndpoint.GetBySystemName(region),
        Credentials = new BasicAWSCredentials("testing", "testing"),
        EndpointUrl = Endpoint,
        MaxRetries = 2,
        BaseDelay = TimeSpan.FromMilliseconds(5),
        Randomizer = new Random(1).NextDouble,
        Transport = transport,
    };

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
        return Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

}

[CollectionDefinition(Name)]
public sealed class MotoGroup : ICollectionFixture<MotoServer>
{
    public const string Name = "moto";
}
