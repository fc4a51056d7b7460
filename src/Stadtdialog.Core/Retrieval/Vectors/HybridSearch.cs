using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stadtdialog.Data;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Retrieval.Vectors;

/// <summary>
/// Keyword and vector retrieval together, for tenants with an embedding model: BM25 as always, the question's
/// embedding against the tenant's chunk vectors, fused by <see cref="HybridRanking"/>. Whenever the vector side
/// cannot help (the endpoint fails, nothing is embedded yet, nothing is near enough) the result is the BM25 result.
/// Scoped: it resolves vector hits through the scope's database context (tenant-filtered).
/// </summary>
public sealed partial class HybridSearch(
    StadtdialogDbContext db,
    TenantContext tenantContext,
    KnowledgeSearch search,
    SearchIndexRegistry indexes,
    IVectorStore store,
    IOptions<VectorOptions> options,
    TimeProvider time,
    ILogger<HybridSearch> logger)
{
    /// <summary>BM25 documents considered for fusion (more than are returned: a vector vote can promote one).</summary>
    private const int KeywordDepth = 10;

    public async Task<SearchResult> SearchAsync(
        Tenant tenant,
        string question,
        IEmbeddingGenerator<string, Embedding<float>> generator,
        string model,
        int maxDocuments,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDocuments, 1);
        tenantContext.Set(tenant.Id);
        var settings = options.Value;
        var bm25 = search.Search(indexes.Get(tenant.Id), indexes.Synonyms(tenant.Id, tenant.Synonyms), question,
            Math.Max(maxDocuments, KeywordDepth));
        var keywordOnly = bm25 with { Hits = [.. bm25.Hits.Take(maxDocuments)] };

        IReadOnlyList<VectorHit> hits;
        try
        {
            var embeddings = await generator.GenerateAsync([question], new EmbeddingGenerationOptions { ModelId = model }, cancellationToken);
            if (embeddings.Count == 0 || embeddings[0].Vector.IsEmpty)
            {
                LogNoQueryVector(logger, tenant.Id, model);
                return keywordOnly;
            }

            hits = await store.SearchAsync(tenant.Id, model, embeddings[0].Vector, settings.Candidates, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // An unreachable or failing embedding endpoint must not take answers down: keyword search still works.
            LogVectorSearchFailed(logger, ex, tenant.Id, model);
            return keywordOnly;
        }

        if (hits.Count == 0)
        {
            return keywordOnly;
        }

        var passages = await PassagesAsync(hits.Select(h => h.ChunkId).Distinct().ToList(), cancellationToken);
        return HybridRanking.Fuse(bm25, hits, passages, settings.RrfK, maxDocuments, settings.MinSimilarity);
    }

    /// <summary>
    /// The hits' chunks with their documents' citation fields. Chunks deleted since the vectors were loaded, and
    /// documents past their expiry (as keyword search skips them), are left out.
    /// </summary>
    private async Task<Dictionary<Guid, VectorPassage>> PassagesAsync(List<Guid> chunkIds, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rows = await db.Chunks.AsNoTracking()
            .Where(c => chunkIds.Contains(c.Id))
            .Where(c => c.Document!.ExpiresAt == null || c.Document.ExpiresAt > now)
            .Select(c => new { Chunk = c, c.Document!.Url, c.Document.Key, c.Document.Title, c.Document.Kind })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(
            r => r.Chunk.Id,
            r => new VectorPassage(r.Chunk.DocumentId, r.Url, r.Key, r.Title, r.Kind, new ChunkHit(
                r.Chunk.Id, r.Chunk.Section, string.IsNullOrEmpty(r.Chunk.Anchor) ? null : r.Chunk.Anchor, r.Chunk.Text, 0f, r.Chunk.Ordinal)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Vector search for tenant {Tenant} with model {Model} failed; answering from keyword search")]
    private static partial void LogVectorSearchFailed(ILogger logger, Exception exception, string tenant, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The embedding model {Model} of tenant {Tenant} returned no vector for the question")]
    private static partial void LogNoQueryVector(ILogger logger, string tenant, string model);
}
