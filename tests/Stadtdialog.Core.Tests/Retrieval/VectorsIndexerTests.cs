using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Stadtdialog.Data;
using Stadtdialog.Retrieval.Vectors;
using Xunit;

namespace Stadtdialog.Core.Tests.Retrieval;

public sealed class VectorsIndexerTests : IAsyncLifetime
{
    private const string Tenant = "testtown";

    private CoreHost _host = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _host = await CoreHost.StartAsync(Token);
        _host.Content.Write("personalausweis.md",
            "# Personalausweis beantragen\n\nDen Personalausweis beantragen Sie im Bürgerbüro.\n\n## Gebühren\n\nDer Ausweis kostet 37 Euro.\n");
        _host.Content.Write("hundesteuer.md", "# Hundesteuer\n\nJeder Hund kostet 96 Euro Steuer im Jahr.\n");
        _host.Content.Write("sperrmuell.md", "# Sperrmüll\n\nSperrmüll holt die Stadtreinigung zweimal im Jahr ab.\n");
        await _host.IngestAsync(Token);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Only_new_and_changed_chunks_are_embedded()
    {
        var generator = new FakeEmbeddingGenerator();
        var indexer = await ServiceAsync<EmbeddingIndexer>();
        var chunks = await CountAsync<Chunk>();

        var first = await indexer.EmbedMissingAsync(Tenant, generator, "m", Token);
        var again = await indexer.EmbedMissingAsync(Tenant, generator, "m", Token);
        var callsBefore = generator.Calls;

        _host.Time.Advance(TimeSpan.FromHours(1));
        await _host.IngestAsync(Token);
        var afterUnchanged = await indexer.EmbedMissingAsync(Tenant, generator, "m", Token);
        var callsAfterUnchanged = generator.Calls;

        _host.Content.Write("standesamt.md", "# Standesamt\n\nEine Heirat melden Sie beim Standesamt an.\n");
        _host.Content.Write("hundesteuer.md", "# Hundesteuer\n\nJeder Hund kostet 100 Euro Steuer im Jahr.\n");
        await _host.IngestAsync(Token);
        var inputsBefore = generator.Inputs.Count;
        var afterChanges = await indexer.EmbedMissingAsync(Tenant, generator, "m", Token);
        var newInputs = generator.Inputs.Skip(inputsBefore).ToList();

        Assert.True(chunks >= 4, $"{chunks} chunks");
        Assert.Equal(chunks, first);
        Assert.Equal(chunks, generator.Inputs.Take(first).Distinct().Count());
        Assert.Equal(0, again);
        Assert.Equal(0, afterUnchanged);
        Assert.Equal(callsBefore, callsAfterUnchanged);
        Assert.Equal(2, afterChanges);
        Assert.Contains(newInputs, t => t.Contains("Heirat", StringComparison.Ordinal));
        Assert.Contains(newInputs, t => t.Contains("100 Euro", StringComparison.Ordinal));
        Assert.Equal(await CountAsync<Chunk>(), await CountAsync<ChunkEmbedding>());
    }

    [Fact]
    public async Task The_input_is_title_section_and_text_cut_to_the_limit()
    {
        var generator = new FakeEmbeddingGenerator();
        await (await ServiceAsync<EmbeddingIndexer>()).EmbedMissingAsync(Tenant, generator, "m", Token);

        Assert.Contains("Personalausweis beantragen\nGebühren\nDer Ausweis kostet 37 Euro.", generator.Inputs);
        Assert.Equal("Titel\nAbschnitt\nText", EmbeddingIndexer.InputText("Titel ", "Abschnitt", "Text", 100));
        Assert.Equal("Titel\nText", EmbeddingIndexer.InputText("Titel", "", "Text", 100));
        Assert.Equal("Titel\nAbs", EmbeddingIndexer.InputText("Titel", "Abschnitt", new string('x', 5000), 9));
        Assert.Equal("ab", EmbeddingIndexer.InputText("ab\ud83d\ude00", "", "", 3));
    }

    [Fact]
    public async Task A_failing_endpoint_keeps_what_was_stored_and_the_next_run_does_the_rest()
    {
        var generator = new FakeEmbeddingGenerator { Fail = call => call == 2 ? new HttpRequestException("503 Service Unavailable") : null };
        var store = await ServiceAsync<IVectorStore>();
        var scopes = await ServiceAsync<IServiceScopeFactory>();
        using var indexer = new EmbeddingIndexer(store, scopes, Options.Create(new VectorOptions { BatchSize = 2 }),
            NullLogger<EmbeddingIndexer>.Instance);
        var chunks = await CountAsync<Chunk>();

        var partial = await indexer.EmbedMissingAsync(Tenant, generator, "m", Token);
        var rest = await indexer.EmbedMissingAsync(Tenant, generator, "m", Token);

        Assert.Equal(2, partial);
        Assert.Equal(chunks - 2, rest);
        Assert.Equal(chunks, await CountAsync<ChunkEmbedding>());
    }

    [Fact]
    public async Task An_endpoint_that_always_fails_breaks_nothing()
    {
        var generator = new FakeEmbeddingGenerator { Fail = _ => new TaskCanceledException("The request timed out.") };

        var stored = await (await ServiceAsync<EmbeddingIndexer>()).EmbedMissingAsync(Tenant, generator, "m", Token);

        Assert.Equal(0, stored);
        Assert.Equal(0, await CountAsync<ChunkEmbedding>());
        Assert.Equal("personalausweis.md", _host.Search(Tenant, "Personalausweis beantragen").Hits[0].Key);
    }

    [Fact]
    public async Task Deleted_documents_take_their_vectors_with_them()
    {
        var generator = new FakeEmbeddingGenerator();
        var indexer = await ServiceAsync<EmbeddingIndexer>();
        await indexer.EmbedMissingAsync(Tenant, generator, "m", Token);
        var sperrmuell = await _host.InTenantAsync(Tenant, sp => sp.GetRequiredService<StadtdialogDbContext>().Chunks
            .Where(c => c.Document!.Key == "sperrmuell.md").Select(c => c.Id).ToListAsync(Token));
        var store = await ServiceAsync<IVectorStore>();
        var query = generator.Vector("Sperrmüll holt die Stadtreinigung zweimal im Jahr ab");
        var before = await store.SearchAsync(Tenant, "m", query, 1, Token);

        File.Delete(_host.Content.Combine("sperrmuell.md"));
        await _host.IngestAsync(Token);
        var rows = await _host.InTenantAsync(Tenant, sp => sp.GetRequiredService<StadtdialogDbContext>().ChunkEmbeddings
            .CountAsync(e => sperrmuell.Contains(e.ChunkId), Token));
        var embedded = await indexer.EmbedMissingAsync(Tenant, generator, "m", Token);
        var after = await store.SearchAsync(Tenant, "m", query, 50, Token);

        Assert.Equal(sperrmuell, before.Select(h => h.ChunkId));
        Assert.Equal(0, rows);
        Assert.Equal(0, embedded);
        Assert.NotEmpty(after);
        Assert.DoesNotContain(after, h => sperrmuell.Contains(h.ChunkId));
    }

    private Task<T> ServiceAsync<T>()
        where T : notnull =>
        _host.WithoutTenantAsync(sp => Task.FromResult(sp.GetRequiredService<T>()));

    private Task<int> CountAsync<T>()
        where T : class =>
        _host.InTenantAsync(Tenant, sp => sp.GetRequiredService<StadtdialogDbContext>().Set<T>().CountAsync(Token));
}
