using System.Collections.Concurrent;
using System.Numerics.Tensors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stadtdialog.Data;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Retrieval.Vectors;

/// <summary>
/// The embedded vector store: vectors are rows of the <c>ChunkEmbeddings</c> table (so they live and die with their
/// chunks, in the same database and backup), and are searched in process. Per tenant and model, the first search
/// loads all vectors into one contiguous matrix of L2-normalised rows; cosine similarity is then one
/// <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> per row, and a small heap keeps the
/// best k. Writing through this store, <see cref="EmbeddingIndexer"/> and ingestion call <see cref="Invalidate"/>;
/// the matrix is then read again on the next search.
/// <para>
/// Memory: 4 bytes per dimension plus 32 bytes of ids per chunk: 3,104 bytes at 768 dimensions, 4,128 bytes at 1,024
/// (10,000 chunks ≈ 31 MB or 41 MB; 100,000 chunks ≈ 310 MB or 413 MB). A full scan of 10,000 × 768 is about 8 million
/// multiply-adds, a few milliseconds. Beyond some 100,000 chunks per tenant an approximate index (pgvector HNSW)
/// is the better store.
/// </para>
/// <para>
/// Between an ingestion batch that deletes chunks and the next <see cref="Invalidate"/>, the matrix may still
/// return their ids; <see cref="HybridSearch"/> resolves every hit against the <c>Chunks</c> table and drops those.
/// </para>
/// </summary>
public sealed class SqliteVectorStore(IServiceScopeFactory scopes, TimeProvider time) : IVectorStore
{
    private readonly ConcurrentDictionary<(string Tenant, string Model), Lazy<Task<VectorMatrix>>> _matrices = new();

    public async Task<int> UpsertAsync(string tenantId, string model,
        IReadOnlyList<(Guid ChunkId, Guid DocumentId, ReadOnlyMemory<float> Vector)> items, CancellationToken cancellationToken)
    {
        RequireTenant(tenantId);
        RequireModel(model);
        if (items.Count == 0)
        {
            return 0;
        }

        await using var scope = TenantScope(tenantId, out var db);
        var ids = items.Select(i => i.ChunkId).Distinct().ToList();

        // The query filter limits both lookups to the tenant: another tenant's chunk id is skipped like a deleted one.
        var documents = await db.Chunks.Where(c => ids.Contains(c.Id)).Select(c => new { c.Id, c.DocumentId })
            .ToDictionaryAsync(c => c.Id, c => c.DocumentId, cancellationToken);
        var existing = await db.ChunkEmbeddings.Where(e => ids.Contains(e.ChunkId))
            .ToDictionaryAsync(e => e.ChunkId, cancellationToken);
        var now = time.GetUtcNow();
        var stored = 0;
        foreach (var (chunkId, _, vector) in items)
        {
            if (vector.IsEmpty || !documents.TryGetValue(chunkId, out var documentId))
            {
                continue;
            }

            if (!existing.TryGetValue(chunkId, out var row))
            {
                row = new ChunkEmbedding { ChunkId = chunkId, Model = model, Vector = [] };
                db.ChunkEmbeddings.Add(row);
                existing[chunkId] = row;
            }

            row.DocumentId = documentId;
            row.Model = model;
            row.Dimensions = vector.Length;
            row.Vector = VectorEncoding.ToBytes(vector.Span);
            row.CreatedAt = now;
            stored++;
        }

        await db.SaveChangesAsync(cancellationToken);
        Invalidate(tenantId);
        return stored;
    }

    public async Task<IReadOnlyList<VectorHit>> SearchAsync(string tenantId, string model, ReadOnlyMemory<float> query, int top,
        CancellationToken cancellationToken)
    {
        RequireTenant(tenantId);
        RequireModel(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var matrix = await MatrixAsync(tenantId, model, cancellationToken);
        return matrix.Search(query.Span, top);
    }

    public async Task<IReadOnlySet<Guid>> MissingAsync(string tenantId, string model, CancellationToken cancellationToken)
    {
        RequireTenant(tenantId);
        RequireModel(model);
        await using var scope = TenantScope(tenantId, out var db);
        var missing = await db.Chunks
            .Where(c => !db.ChunkEmbeddings.Any(e => e.ChunkId == c.Id && e.Model == model))
            .Select(c => c.Id)
            .ToListAsync(cancellationToken);
        return missing.ToHashSet();
    }

    public async Task<int> RemoveOtherModelsAsync(string tenantId, string model, CancellationToken cancellationToken)
    {
        RequireTenant(tenantId);
        RequireModel(model);
        await using var scope = TenantScope(tenantId, out var db);
        var removed = await db.ChunkEmbeddings.Where(e => e.Model != model).ExecuteDeleteAsync(cancellationToken);
        if (removed > 0)
        {
            Invalidate(tenantId);
        }

        return removed;
    }

    public async Task RemoveTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        RequireTenant(tenantId);
        await using var scope = TenantScope(tenantId, out var db);
        await db.ChunkEmbeddings.ExecuteDeleteAsync(cancellationToken);
        Invalidate(tenantId);
    }

    public void Invalidate(string tenantId)
    {
        foreach (var key in _matrices.Keys.Where(k => string.Equals(k.Tenant, tenantId, StringComparison.Ordinal)))
        {
            _matrices.TryRemove(key, out _);
        }
    }

    private async Task<VectorMatrix> MatrixAsync(string tenantId, string model, CancellationToken cancellationToken)
    {
        var key = (tenantId, model);
        var entry = _matrices.GetOrAdd(key, k => new Lazy<Task<VectorMatrix>>(() => LoadAsync(k.Tenant, k.Model)));
        try
        {
            // The load is shared by concurrent searches: one caller giving up does not cancel it for the others.
            return await entry.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (entry.Value.IsFaulted)
        {
            // A failed load is not cached: the next search tries again.
            _matrices.TryRemove(new KeyValuePair<(string, string), Lazy<Task<VectorMatrix>>>(key, entry));
            throw;
        }
    }

    private async Task<VectorMatrix> LoadAsync(string tenantId, string model)
    {
        await using var scope = TenantScope(tenantId, out var db);
        var rows = db.ChunkEmbeddings.AsNoTracking().Where(e => e.Model == model);

        // One model has one dimension count; should rows of another have slipped in, the majority wins.
        var shape = await rows.GroupBy(e => e.Dimensions)
            .Select(g => new { Dimensions = g.Key, Count = g.Count() })
            .OrderByDescending(g => g.Count)
            .FirstOrDefaultAsync();
        if (shape is null || shape.Dimensions <= 0)
        {
            return VectorMatrix.Empty;
        }

        var builder = new VectorMatrix.Builder(shape.Dimensions, shape.Count);
        await foreach (var row in rows.Where(e => e.Dimensions == shape.Dimensions)
                           .Select(e => new { e.ChunkId, e.DocumentId, e.Vector }).AsAsyncEnumerable())
        {
            builder.Add(row.ChunkId, row.DocumentId, row.Vector);
        }

        return builder.Build();
    }

    private AsyncServiceScope TenantScope(string tenantId, out StadtdialogDbContext db)
    {
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        db = scope.ServiceProvider.GetRequiredService<StadtdialogDbContext>();
        return scope;
    }

    private static void RequireTenant(string tenantId)
    {
        if (!TenantIds.IsValid(tenantId))
        {
            throw new ArgumentException($"'{tenantId}' is not a valid tenant id.", nameof(tenantId));
        }
    }

    private static void RequireModel(string model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (model.Length > ChunkEmbeddingConfiguration.MaxModelLength)
        {
            throw new ArgumentException($"An embedding model name has at most {ChunkEmbeddingConfiguration.MaxModelLength} characters.", nameof(model));
        }
    }
}

/// <summary>
/// The vectors of one tenant and model in memory: row i of <c>_values</c> (length <c>_dimensions</c>, L2-normalised)
/// belongs to chunk <c>_chunks[i]</c> of document <c>_documents[i]</c>. Immutable once built; searched concurrently.
/// </summary>
internal sealed class VectorMatrix
{
    public static readonly VectorMatrix Empty = new(0, [], [], [], 0);

    private readonly int _dimensions;
    private readonly float[] _values;
    private readonly Guid[] _chunks;
    private readonly Guid[] _documents;
    private readonly int _count;

    private VectorMatrix(int dimensions, float[] values, Guid[] chunks, Guid[] documents, int count)
    {
        _dimensions = dimensions;
        _values = values;
        _chunks = chunks;
        _documents = documents;
        _count = count;
    }

    public int Count => _count;

    public int Dimensions => _dimensions;

    public IReadOnlyList<VectorHit> Search(ReadOnlySpan<float> query, int top)
    {
        if (_count == 0 || query.Length != _dimensions)
        {
            // A query of another dimension count comes from another model (or a misconfigured one): nothing is near.
            return [];
        }

        var norm = TensorPrimitives.Norm(query);
        if (!float.IsFinite(norm) || norm == 0)
        {
            return [];
        }

        var normalised = new float[_dimensions];
        TensorPrimitives.Divide(query, norm, normalised);

        // A min-heap of the best k so far: its root is the weakest of them, the one a better row replaces.
        var k = Math.Min(top, _count);
        var best = new PriorityQueue<int, float>(k + 1);
        var values = _values.AsSpan();
        for (var row = 0; row < _count; row++)
        {
            var similarity = TensorPrimitives.Dot(normalised, values.Slice(row * _dimensions, _dimensions));
            if (best.Count < k)
            {
                best.Enqueue(row, similarity);
            }
            else if (best.TryPeek(out _, out var weakest) && similarity > weakest)
            {
                best.DequeueEnqueue(row, similarity);
            }
        }

        var hits = new VectorHit[best.Count];
        for (var i = hits.Length - 1; i >= 0; i--)
        {
            best.TryDequeue(out var row, out var similarity);
            hits[i] = new VectorHit(_chunks[row], _documents[row], similarity);
        }

        return hits;
    }

    /// <summary>Collects rows into the contiguous array; rows of the wrong length or without direction are skipped.</summary>
    internal sealed class Builder(int dimensions, int expected)
    {
        private float[] _values = new float[Math.Max(1, expected) * dimensions];
        private Guid[] _chunks = new Guid[Math.Max(1, expected)];
        private Guid[] _documents = new Guid[Math.Max(1, expected)];
        private int _count;

        public void Add(Guid chunkId, Guid documentId, byte[] vector)
        {
            if (_count == _chunks.Length)
            {
                // Rows written after the count was taken: grow.
                var capacity = _chunks.Length * 2;
                Array.Resize(ref _values, capacity * dimensions);
                Array.Resize(ref _chunks, capacity);
                Array.Resize(ref _documents, capacity);
            }

            var row = _values.AsSpan(_count * dimensions, dimensions);
            if (!VectorEncoding.TryRead(vector, row))
            {
                return;
            }

            var norm = TensorPrimitives.Norm(row);
            if (!float.IsFinite(norm) || norm == 0)
            {
                return;
            }

            TensorPrimitives.Divide(row, norm, row);
            _chunks[_count] = chunkId;
            _documents[_count] = documentId;
            _count++;
        }

        public VectorMatrix Build() => _count == 0 ? Empty : new VectorMatrix(dimensions, _values, _chunks, _documents, _count);
    }
}
