namespace QuotaAutomation.Core.Fleet;

/// <summary>An account's state in AWS Organizations (<c>State</c>; the older <c>Status</c> maps onto it). Only active accounts are cycled.</summary>
public enum AccountState
{
    Active,
    Suspended,
    PendingClosure,
    Closed,
}
