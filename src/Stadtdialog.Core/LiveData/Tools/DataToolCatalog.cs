using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stadtdialog.Data;
using Stadtdialog.Tenancy;

namespace Stadtdialog.LiveData.Tools;

/// <summary>
/// The enabled data tools of each tenant (with their connections), cached for a short time so that a chat turn
/// does not query them; editors' changes invalidate the cache at once.
/// </summary>
public sealed class DataToolCatalog(IServiceScopeFactory scopes, TimeProvider time)
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Expires, IReadOnlyList<DataTool> Tools)> _entries = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<DataTool>> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(tenantId, out var entry) && entry.Expires > time.GetUtcNow())
        {
            return entry.Tools;
        }

        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<StadtdialogDbContext>();
        var tools = await db.DataTools.AsNoTracking().Include(t => t.Connection)
            .Where(t => t.Enabled)
            .OrderBy(t => t.Slug)
            .ToListAsync(cancellationToken);
        _entries[tenantId] = (time.GetUtcNow() + TimeToLive, tools);
        return tools;
    }

    public async Task<DataTool?> FindAsync(string tenantId, string slug, CancellationToken cancellationToken) =>
        (await GetAsync(tenantId, cancellationToken)).FirstOrDefault(t => string.Equals(t.Slug, slug, StringComparison.Ordinal));

    public void Invalidate(string tenantId) => _entries.TryRemove(tenantId, out _);
}
