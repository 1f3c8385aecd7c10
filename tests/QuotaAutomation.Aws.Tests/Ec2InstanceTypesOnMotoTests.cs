using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;

namespace QuotaAutomation.Aws.Tests;

/// <summary>EC2 DescribeInstanceTypes over the thin query client on moto (which serves it from AWS's recorded instance types).</summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class Ec2InstanceTypesOnMotoTests(MotoServer moto)
{
    [Fact]
    public async Task DescribeVCpus_KnownTypes_HaveTheirVCpus_AndAMistypedOneIsAbsent_NotAnError()
    {
        using var client = new Ec2Client(moto.Options() with { AttemptTimeout = TimeSpan.FromSeconds(60) }); // moto loads its instance types on first use

        var vcpus = await client.DescribeVCpusAsync(["m7i-flex.large", "m5.metal", "m7i.metal-48xl", "m5.nano"], CancellationToken.None);

        Assert.Equal(new Dictionary<string, int> { ["m7i-flex.large"] = 2, ["m5.metal"] = 96, ["m7i.metal-48xl"] = 192 }, vcpus);
    }

    [Fact]
    public async Task VCpus_AreAskedOncePerType()
    {
        var calls = new CountingHandler(new SocketsHttpHandler());
        using var client = new Ec2Client(moto.Options(calls) with { AttemptTimeout = TimeSpan.FromSeconds(60) });
        var types = new Ec2InstanceTypes(client, "us-east-1");

        var first = await types.VCpusAsync(["c7i-flex.large", "q9.mega"], CancellationToken.None);
        var callsBefore = calls.Count;
        var second = await types.VCpusAsync(["c7i-flex.large", "q9.mega"], CancellationToken.None);

        Assert.Equal((2, callsBefore), (first["c7i-flex.large"], calls.Count));
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task VCpus_AreCachedOnDiskForADay()
    {
        var calls = new CountingHandler(new SocketsHttpHandler());
        using var client = new Ec2Client(moto.Options(calls) with { AttemptTimeout = TimeSpan.FromSeconds(60) });
        var file = Path.Combine(Path.GetTempPath(), $"qa-instance-types-{Guid.NewGuid():N}", "instance-types.json");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(AwsWorld.Now);
        try
        {
            await new Ec2InstanceTypes(client, "us-east-1", file, time).VCpusAsync(["m5.metal"], CancellationToken.None);
            var afterFirst = calls.Count;
            var fromDisk = await new Ec2InstanceTypes(client, "us-east-1", file, time).VCpusAsync(["m5.metal"], CancellationToken.None);
            var afterSecond = calls.Count;
            time.Advance(TimeSpan.FromHours(25));
            await new Ec2InstanceTypes(client, "us-east-1", file, time).VCpusAsync(["m5.metal"], CancellationToken.None);

            Assert.Equal(96, fromDisk["m5.metal"]);
            Assert.Equal((afterFirst, afterFirst + 1), (afterSecond, calls.Count)); // none the same day; one a day later
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public int Count { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Count++;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
