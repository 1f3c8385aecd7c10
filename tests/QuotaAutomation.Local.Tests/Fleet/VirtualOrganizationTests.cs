using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Local.Fleet;

namespace QuotaAutomation.Local.Tests.Fleet;

public sealed class VirtualOrganizationTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public void Create_ThousandAccounts_SameSeedSameOrganization_UniqueIds_OusUpToThreeDeep()
    {
        var settings = new VirtualOrganizationSettings(1000, VirtualOrganizationSettings.DefaultEnabledRegions);

        var org = VirtualOrganization.Create(42, settings).Organization;
        var again = VirtualOrganization.Create(42, settings).Organization;
        var other = VirtualOrganization.Create(7, settings).Organization;

        Assert.Equal(org.Accounts, again.Accounts, (a, b) => a.Id == b.Id && a.Name == b.Name && a.State == b.State && a.Parents.SequenceEqual(b.Parents));
        Assert.NotEqual(org.ManagementAccountId, other.ManagementAccountId);
        Assert.Equal(1001, org.Accounts.Select(a => a.Id).Distinct().Count());
        Assert.All(org.Accounts, a => Assert.Matches("^[1-9][0-9]{11}$", a.Id));
        Assert.Equal(4, org.Accounts.Max(a => a.Parents.Count)); // the root, then three OUs: Workloads › Prod › Payments
        Assert.Equal((20, 20, 10), (org.Accounts.Count(a => a.State == AccountState.Suspended), org.Accounts.Count(a => a.State == AccountState.Closed),
            org.Accounts.Count(a => a.State == AccountState.PendingClosure)));
        Assert.Equal(4, VirtualOrganization.Create(42, settings).MissingRole.Count);
        Assert.Equal(100, org.Accounts.Count(a => a.EnabledRegions!.Count == 9)); // one account in ten has half the Regions
    }

    [Fact]
    public void AccountsUnder_AnOu_IncludesItsChildOus()
    {
        var org = VirtualOrganization.Create(42, new VirtualOrganizationSettings(200, ["us-east-1"]));

        var prod = org.AccountsUnder("ou-fl33-prodwork");
        var payments = org.AccountsUnder("ou-fl33-payments");
        var analytics = org.AccountsUnder("ou-fl33-analytic");

        Assert.Equal(prod.Order(StringComparer.Ordinal), payments.Concat(analytics).Order(StringComparer.Ordinal));
        Assert.Equal(201, org.AccountsUnder(VirtualOrganization.RootId).Count);
    }

    [Fact]
    public async Task JoinOrganization_KeepsTheFirstSize_AndNamesItWhenAskedForAnother()
    {
        var backend = await _db.OpenAsync();
        await backend.JoinOrganizationAsync(25, ["us-east-1", "eu-west-1"], CancellationToken.None);
        var reopened = await _db.OpenAsync();

        var (kept, made) = await reopened.JoinOrganizationAsync(null, null, CancellationToken.None);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => reopened.JoinOrganizationAsync(100, null, CancellationToken.None));

        Assert.Equal((26, false), (kept.Organization.Accounts.Count, made));
        Assert.Equal($"{_db.Path} keeps a virtual organization of 25 accounts in 2 Regions (us-east-1,eu-west-1) from its first fleet run: drop --accounts and --regions to use it, or give a new --db", e.Message);
    }

    [Theory]
    [InlineData("0", "--regions 0 must be 1 to 17 (the Regions every account has), or a list such as us-east-1,eu-west-1")]
    [InlineData("us-east-1,mars", "--regions 'us-east-1,mars' must be a count or Region names separated by commas, such as us-east-1,eu-west-1")]
    public void ParseRegions_Bad_NamesTheOptionAndValue(string text, string message) =>
        Assert.Equal(message, Assert.Throws<InvalidDataException>(() => VirtualOrganizationSettings.ParseRegions(text)).Message);

    [Fact]
    public void FleetSampleRules_AreTheExampleFile()
    {
        var file = QuotaAutomation.Cli.RuleFiles.Read(Path.Combine(Testing.Repository.Root, "docs", "examples", "fleet-rules.yaml"));

        Assert.Equal(FleetSampleRules.Items.Select(Normal), file.Select(r => Normal(r.Attributes)));
    }

    private static string Normal(IReadOnlyDictionary<string, object?> item) =>
        string.Join(";", item.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={(a.Value is System.Collections.IEnumerable list and not string ? string.Join(",", list.Cast<object?>()) : Convert.ToString(a.Value, System.Globalization.CultureInfo.InvariantCulture))}"));
}
