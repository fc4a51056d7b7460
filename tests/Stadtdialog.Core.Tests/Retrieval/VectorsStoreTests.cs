using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stadtdialog.Data;
using Stadtdialog.Retrieval.Vectors;
using Xunit;

namespace Stadtdialog.Core.Tests.Retrieval;

public sealed class VectorsStoreTests : IAsyncLifetime
{
    private CoreHost _host = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _host = await CoreHost.StartAsync(Token);
        _host.Content.Write("a/personalausweis.md", "# Personalausweis beantragen\n\nDen Personalausweis beantragen Sie im Bürgerbüro.\n");
        _host.Content.Write("a/hundesteuer.md", "# Hundesteuer\n\nJeder Hund kostet 96 Euro Steuer im Jahr.\n");
        _host.Content.Write("a/sperrmuell.md", "# Sperrmüll\n\nSperrmüll holt die Stadtreinigung zweimal im Jahr ab.\n");
        _host.Content.Write("b/personalausweis.md", "# Ausweis\n\nDen Personalausweis beantragen Sie im Rathaus von B.\n");
        _host.Content.Write("b/hundesteuer.md", "# Hundesteuer\n\nIn B kostet jeder Hund 120 Euro Steuer im Jahr.\n");
        await _host.IngestAsync("stadt-a", _host.Content.Combine("a"), Token);
        await _host.IngestAsync("stadt-b", _host.Content.Combine("b"), Token);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Vectors_round_trip_and_the_nearest_chunks_come_first()
    {
        var chunks = await ChunksAsync("stadt-a");
        Assert.Equal(3, chunks.Count);
        var (near, nearer, far) = (chunks[0], chunks[1], chunks[2]);

        var stored = await InTenant("stadt-a", (store, _) => store.UpsertAsync("stadt-a", "m",
        [
            (near.Id, near.DocumentId, new float[] { 1.6f, 1.2f, 0, 0 }), // length 2: normalised before comparing
            (nearer.Id, nearer.DocumentId, new float[] { 1, 0, 0, 0 }),
            (far.Id, far.DocumentId, new float[] { 0, 0, 1, 0 }),
        ], Token));
        var all = await InTenant("stadt-a", (store, _) => store.SearchAsync("stadt-a", "m", new float[] { 1, 0.1f, 0, 0 }, 10, Token));
        var best = await InTenant("stadt-a", (store, _) => store.SearchAsync("stadt-a", "m", new float[] { 1, 0.1f, 0, 0 }, 2, Token));
        var otherShape = await InTenant("stadt-a", (store, _) => store.SearchAsync("stadt-a", "m", new float[] { 1, 0, 0 }, 2, Token));
        var row = await InTenant("stadt-a", (_, db) => db.ChunkEmbeddings.AsNoTracking().SingleAsync(e => e.ChunkId == near.Id, Token));

        Assert.Equal(3, stored);
        Assert.Equal([nearer.Id, near.Id, far.Id], all.Select(h => h.ChunkId));
        Assert.Equal([nearer.DocumentId, near.DocumentId, far.DocumentId], all.Select(h => h.DocumentId));
        Assert.Equal(1 / MathF.Sqrt(1.01f), all[0].Similarity, 4);
        Assert.Equal((0.8f + 0.06f) / MathF.Sqrt(1.01f), all[1].Similarity, 4);
        Assert.Equal(0f, all[2].Similarity, 4);
        Assert.Equal([nearer.Id, near.Id], best.Select(h => h.ChunkId));
        Assert.Empty(otherShape);

        Assert.Equal("stadt-a", row.TenantId);
        Assert.Equal(near.DocumentId, row.DocumentId);
        Assert.Equal("m", row.Model);
        Assert.Equal(4, row.Dimensions);
        Assert.Equal(16, row.Vector.Length);
        Assert.Equal([1.6f, 1.2f, 0f, 0f], VectorEncoding.ToFloats(row.Vector));
        Assert.Equal(_host.Time.GetUtcNow(), row.CreatedAt);
    }

    [Fact]
    public async Task Upserting_again_replaces_the_vector()
    {
        var chunk = (await ChunksAsync("stadt-a"))[0];
        await InTenant("stadt-a", (store, _) => store.UpsertAsync("stadt-a", "m", [(chunk.Id, chunk.DocumentId, new float[] { 1, 0 })], Token));
        var first = await InTenant("stadt-a", (store, _) => store.SearchAsync("stadt-a", "m", new float[] { 0, 1 }, 5, Token));

        await InTenant("stadt-a", (store, _) => store.UpsertAsync("stadt-a", "m", [(chunk.Id, chunk.DocumentId, new float[] { 0, 1 })], Token));
        var second = await InTenant("stadt-a", (store, _) => store.SearchAsync("stadt-a", "m", new float[] { 0, 1 }, 5, Token));
        var rows = await InTenant("stadt-a", (_, db) => db.ChunkEmbeddings.CountAsync(Token));

        Assert.Equal(0f, Assert.Single(first).Similarity, 4);
        Assert.Equal(1f, Assert.Single(second).Similarity, 4);
        Assert.Equal(1, rows);
    }

    [Fact]
    public async Task Tenant_b_never_gets_tenant_a_chunks()
    {
        var generator = new FakeEmbeddingGenerator();
        var indexer = await IndexerAsync();
        var embeddedA = await indexer.EmbedMissingAsync("stadt-a", generator, "m", Token);
        var embeddedB = await indexer.EmbedMissingAsync("stadt-b", generator, "m", Token);
        var chunksA = (await ChunksAsync("stadt-a")).Select(c => c.Id).ToHashSet();
        var chunksB = (await ChunksAsync("stadt-b")).Select(c => c.Id).ToHashSet();

        // Tenant A's own words, asked in tenant B.
        var query = generator.Vector("Personalausweis beantragen Sie im Bürgerbüro Sperrmüll Stadtreinigung");
        var hitsB = await InTenant("stadt-b", (store, _) => store.SearchAsync("stadt-b", "m", query, 50, Token));
        var hitsA = await InTenant("stadt-a", (store, _) => store.SearchAsync("stadt-a", "m", query, 50, Token));

        // Writing a vector for another tenant's chunk is skipped like a deleted chunk.
        var foreign = (await ChunksAsync("stadt-a"))[0];
        var written = await InTenant("stadt-b", (store, _) => store.UpsertAsync("stadt-b", "m",
            [(foreign.Id, foreign.DocumentId, new float[] { 1, 2, 3 })], Token));
        var foreignRow = await InTenant("stadt-a", (_, db) => db.ChunkEmbeddings.AsNoTracking().SingleAsync(e => e.ChunkId == foreign.Id, Token));
        var missingB = await InTenant("stadt-b", (store, _) => store.MissingAsync("stadt-b", "other", Token));

        Assert.Equal(chunksA.Count, embeddedA);
        Assert.Equal(chunksB.Count, embeddedB);
        Assert.Equal(chunksB.OrderBy(i => i), hitsB.Select(h => h.ChunkId).OrderBy(i => i));
        Assert.Equal(chunksA.OrderBy(i => i), hitsA.Select(h => h.ChunkId).OrderBy(i => i));
        Assert.Equal(0, written);
        Assert.Equal(256, foreignRow.Dimensions);
        Assert.Equal(chunksB.OrderBy(i => i), missingB.OrderBy(i => i));
    }

    [Fact]
    public async Task Vectors_of_another_model_are_ignored_and_then_replaced()
    {
        var generator = new FakeEmbeddingGenerator();
        var indexer = await IndexerAsync();
        var query = generator.Vector("Hundesteuer Hund Steuer");
        var chunks = await ChunksAsync("stadt-a");

        var first = await indexer.EmbedMissingAsync("stadt-a", generator, "model-1", Token);
        var withOld = await InTenant("stadt-a", (store, _) => store.SearchAsync("stadt-a", "model-1", query, 5, Token));
        var withNew = await InTenant("stadt-a", (store, _) => store.SearchAsync("stadt-a", "model-2", query, 5, Token));
        var missingNew = await InTenant("stadt-a", (store, _) => store.MissingAsync("stadt-a", "model-2", Token));

        var second = await indexer.EmbedMissingAsync("stadt-a", generator, "model-2", Token);
        var oldAfter = await InTenant("stadt-a", (store, _) => store.SearchAsync("stadt-a", "model-1", query, 5, Token));
        var newAfter = await InTenant("stadt-a", (store, _) => store.SearchAsync("stadt-a", "model-2", query, 5, Token));
        var models = await InTenant("stadt-a", (_, db) => db.ChunkEmbeddings.Select(e => e.Model).Distinct().ToListAsync(Token));
        var modelsB = await InTenant("stadt-b", (_, db) => db.ChunkEmbeddings.CountAsync(Token));

        Assert.Equal(chunks.Count, first);
        Assert.NotEmpty(withOld);
        Assert.Empty(withNew);
        Assert.Equal(chunks.Count, missingNew.Count);
        Assert.Equal(chunks.Count, second);
        Assert.Empty(oldAfter);
        Assert.Equal(withOld.Select(h => h.ChunkId), newAfter.Select(h => h.ChunkId));
        Assert.Equal(["model-2"], models);
        Assert.Equal(0, modelsB);
    }

    [Fact]
    public async Task Removing_a_tenant_leaves_the_others()
    {
        var generator = new FakeEmbeddingGenerator();
        var indexer = await IndexerAsync();
        await indexer.EmbedMissingAsync("stadt-a", generator, "m", Token);
        await indexer.EmbedMissingAsync("stadt-b", generator, "m", Token);
        var query = generator.Vector("Hundesteuer");

        await _host.InTenantAsync("stadt-a", sp => sp.GetRequiredService<IVectorStore>().RemoveTenantAsync("stadt-a", Token));
        var hitsA = await InTenant("stadt-a", (store, _) => store.SearchAsync("stadt-a", "m", query, 5, Token));
        var hitsB = await InTenant("stadt-b", (store, _) => store.SearchAsync("stadt-b", "m", query, 5, Token));

        Assert.Empty(hitsA);
        Assert.NotEmpty(hitsB);
    }

    private Task<EmbeddingIndexer> IndexerAsync() =>
        _host.WithoutTenantAsync(sp => Task.FromResult(sp.GetRequiredService<EmbeddingIndexer>()));

    private Task<List<Chunk>> ChunksAsync(string tenant) =>
        _host.InTenantAsync(tenant, sp => sp.GetRequiredService<StadtdialogDbContext>().Chunks.AsNoTracking()
            .OrderBy(c => c.Id).ToListAsync(Token));

    private Task<T> InTenant<T>(string tenant, Func<IVectorStore, StadtdialogDbContext, Task<T>> work) =>
        _host.InTenantAsync(tenant, sp => work(sp.GetRequiredService<IVectorStore>(), sp.GetRequiredService<StadtdialogDbContext>()));
}
