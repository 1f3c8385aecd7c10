using QuotaAutomation.Core.Decisions;

namespace QuotaAutomation.Core.Ports;

/// <summary>
/// The unit prices a cycle costs increases at (issue 17): the AWS Price List where it can be read, else the shipped
/// table, each price saying which it is (<see cref="CostModel.Provenance"/>). Never throws: a source that cannot read
/// prices answers with the table and says why.
/// </summary>
public interface IPriceSource
{
    Task<CostModel> CostModelAsync(CancellationToken ct);
}
