namespace Stadtdialog.Retrieval.Vectors;

/// <summary>A chunk near the question: cosine similarity of the two embeddings (-1..1, in practice 0..1).</summary>
public sealed record VectorHit(Guid ChunkId, Guid DocumentId, float Similarity);

/// <summary>
/// Where chunk embeddings are kept and searched, per tenant and embedding model. The embedded default is
/// <see cref="SqliteVectorStore"/> (rows in the database, cosine in process); a pgvector store can replace it for
/// scale-out. Vectors of another model than the one asked for are never returned.
/// </summary>
public interface IVectorStore
{
    /// <summary>
    /// Stores the vectors of these chunks for <paramref name="model"/>, replacing any earlier vector of the chunk
    /// (of this or another model). Chunks that do not exist (any more) in the tenant are skipped.
    /// </summary>
    /// <returns>The number of vectors stored.</returns>
    Task<int> UpsertAsync(string tenantId, string model,
        IReadOnlyList<(Guid ChunkId, Guid DocumentId, ReadOnlyMemory<float> Vector)> items, CancellationToken cancellationToken);

    /// <summary>The <paramref name="top"/> chunks most similar to <paramref name="query"/>, most similar first.</summary>
    Task<IReadOnlyList<VectorHit>> SearchAsync(string tenantId, string model, ReadOnlyMemory<float> query, int top,
        CancellationToken cancellationToken);

    /// <summary>The tenant's chunks that have no vector of <paramref name="model"/> yet.</summary>
    Task<IReadOnlySet<Guid>> MissingAsync(string tenantId, string model, CancellationToken cancellationToken);

    /// <summary>Deletes the tenant's vectors of every model but <paramref name="model"/>; returns how many.</summary>
    Task<int> RemoveOtherModelsAsync(string tenantId, string model, CancellationToken cancellationToken);

    /// <summary>Deletes all vectors of the tenant (the model changed its meaning, the tenant turned vectors off).</summary>
    Task RemoveTenantAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Drops what is cached for the tenant (after ingestion or embedding); the next search reads afresh.</summary>
    void Invalidate(string tenantId);
}
