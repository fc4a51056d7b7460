using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Stadtdialog.Data;

namespace Stadtdialog.Retrieval;

/// <summary>
/// Owns the open search index of every tenant (one Lucene folder each under <c>{data}/index/{tenant}</c>) and the
/// tenants' synonym sets. Singleton: Lucene wants exactly one writer per index.
/// </summary>
public sealed class SearchIndexRegistry(IOptions<DataOptions> options, GermanTextAnalysis analysis) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<TenantSearchIndex>> _indexes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Rules, SynonymSet Set)> _synonyms = new(StringComparer.Ordinal);

    public GermanTextAnalysis Analysis => analysis;

    public TenantSearchIndex Get(string tenantId)
    {
        if (!TenantIds.IsValid(tenantId))
        {
            throw new ArgumentException($"'{tenantId}' is not a valid tenant id.", nameof(tenantId));
        }

        return _indexes.GetOrAdd(tenantId, id => new Lazy<TenantSearchIndex>(
            () => TenantSearchIndex.OpenFolder(Path.Combine(options.Value.IndexDirectory, id), analysis))).Value;
    }

    /// <summary>The built-in rules plus the tenant's own; rebuilt only when the tenant's rules change.</summary>
    public SynonymSet Synonyms(string tenantId, IReadOnlyList<string> tenantRules)
    {
        var key = string.Join('\n', tenantRules);
        if (_synonyms.TryGetValue(tenantId, out var cached) && cached.Rules == key)
        {
            return cached.Set;
        }

        var set = SynonymSet.WithDefaults(analysis, tenantRules);
        _synonyms[tenantId] = (key, set);
        return set;
    }

    public void Dispose()
    {
        foreach (var index in _indexes.Values.Where(l => l.IsValueCreated))
        {
            index.Value.Dispose();
        }

        _indexes.Clear();
    }
}
