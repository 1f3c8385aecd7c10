namespace QuotaAutomation.Core.Usage;

/// <summary>What one count of a quota covers.</summary>
public enum CountScope
{
    /// <summary>Everything of the kind in the account and Region (VPCs per Region).</summary>
    Region,
    /// <summary>Everything in the account, whatever the Region: a global service read once per account (IAM roles, S3 buckets).</summary>
    Account,
    /// <summary>Each resource on its own (subnets per VPC, rules per security group, NAT gateways per Availability Zone): the usage is the fullest resource's.</summary>
    Resource,
}
