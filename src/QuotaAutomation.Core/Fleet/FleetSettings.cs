namespace QuotaAutomation.Core.Fleet;

/// <summary>What a fleet run needs besides rules and the organization.</summary>
/// <param name="Regions">What <c>region: '*'</c> means; null: each account's enabled Regions (else <paramref name="HomeRegion"/>).</param>
/// <param name="HubAccountId">The account the engine runs in: a rule with no <c>account_id</c> governs it.</param>
/// <param name="HomeRegion">The hub's Region.</param>
public sealed record FleetSettings(IReadOnlyList<string>? Regions, string HubAccountId, string HomeRegion);
