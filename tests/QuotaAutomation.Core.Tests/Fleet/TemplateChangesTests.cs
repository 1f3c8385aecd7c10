using QuotaAutomation.Core.Fleet;

namespace QuotaAutomation.Core.Tests.Fleet;

public class TemplateChangesTests
{
    private static TemplateEntry E(string quota, string region, double value, string? rule = null) => new("ec2", quota, region, value, rule);

    [Fact]
    public void Between_AddsMissing_UpdatesChanged_RemovesStale_KeepsTheRest()
    {
        var desired = new[] { E("L-1", "eu-west-1", 256, "vcpu"), E("L-2", "eu-west-1", 10, "eips"), E("L-3", "us-east-1", 5, "nat") };
        var current = new[] { E("L-2", "eu-west-1", 5), E("L-3", "us-east-1", 5), E("L-9", "us-east-1", 40) };

        var changes = TemplateChanges.Between(desired, current);

        Assert.Equal([E("L-1", "eu-west-1", 256, "vcpu")], changes.Add);
        Assert.Equal([E("L-2", "eu-west-1", 10, "eips")], changes.Update);
        Assert.Equal([E("L-9", "us-east-1", 40)], changes.Remove);
        Assert.Equal([E("L-3", "us-east-1", 5, "nat")], changes.Unchanged);
        Assert.False(changes.IsEmpty);
    }

    [Fact]
    public void Between_TheSameQuotaInAnotherRegion_IsAnotherEntry()
    {
        var changes = TemplateChanges.Between([E("L-1", "eu-west-1", 256)], [E("L-1", "us-east-1", 256)]);

        Assert.Equal([E("L-1", "eu-west-1", 256)], changes.Add);
        Assert.Equal([E("L-1", "us-east-1", 256)], changes.Remove);
    }

    [Fact]
    public void Between_WhatAwsHoldsAlready_IsNoChange()
    {
        Assert.True(TemplateChanges.Between([E("L-1", "eu-west-1", 256, "vcpu")], [E("L-1", "eu-west-1", 256)]).IsEmpty);
    }
}
