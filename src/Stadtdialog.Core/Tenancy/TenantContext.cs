namespace Stadtdialog.Tenancy;

/// <summary>
/// The municipality a unit of work runs for. Resolved once per request (from the route, host or API key) or set
/// explicitly by background jobs and the CLI. EF Core global query filters read it, so a forgotten
/// <c>Where</c> can never return another municipality's data.
/// </summary>
public sealed class TenantContext
{
    private string? _tenantId;

    /// <summary>The current tenant's id, or <c>null</c> when none is set (then tenant-scoped queries return nothing).</summary>
    public string? TenantId => _tenantId;

    public bool HasTenant => _tenantId is not null;

    /// <summary>Sets the tenant once; switching to another tenant within the same scope is a bug and throws.</summary>
    public void Set(string tenantId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        if (_tenantId is not null && !string.Equals(_tenantId, tenantId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The tenant of this scope is already '{_tenantId}'; it cannot change to '{tenantId}'.");
        }

        _tenantId = tenantId;
    }

    public string RequireTenantId() =>
        _tenantId ?? throw new InvalidOperationException("No tenant is set for this unit of work.");
}
