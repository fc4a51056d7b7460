using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Stadtdialog.Data;

namespace Stadtdialog.Tenancy;

/// <summary>
/// Read-through cache of tenants (name, contact, languages, synonyms): every chat turn needs them, they change
/// rarely. Entries live for <see cref="TimeToLive"/>; writes through <see cref="TenantProvisioning"/> invalidate at
/// once on this node (other nodes of a scale-out see the change within the time to live).
/// </summary>
public sealed class TenantDirectory(TimeProvider time)
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (Tenant? Tenant, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);

    /// <summary>The tenant, or <c>null</c> when it does not exist (also cached, so unknown ids cost no query either).</summary>
    public async Task<Tenant?> FindAsync(StadtdialogDbContext db, string tenantId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(tenantId, out var entry) && entry.Expires > now)
        {
            return entry.Tenant;
        }

        var tenant = await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Id == tenantId, cancellationToken);
        if (_entries.Count > 10_000)
        {
            _entries.Clear();
        }

        _entries[tenantId] = (tenant, now + TimeToLive);
        return tenant;
    }

    public void Invalidate(string tenantId) => _entries.TryRemove(tenantId, out _);
}
