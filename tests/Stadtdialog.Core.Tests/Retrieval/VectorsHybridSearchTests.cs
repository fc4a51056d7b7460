using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stadtdialog.Data;
using Stadtdialog.Retrieval;
using Stadtdialog.Retrieval.Vectors;
using Xunit;

namespace Stadtdialog.Core.Tests.Retrieval;

public sealed class VectorsHybridSearchTests : IAsyncLifetime
{
    private const string Tenant = "testtown";
    private const string Model = "fake-embed";

    /// <summary>English words a multilingual model would place near the German page's words.</summary>
    private static readonly Dictionary<string, string> Concepts = new(StringComparer.Ordinal)
    {
        ["identity"] = "personalausweis",
        ["renewal"] = "beantragen",
        ["bulky"] = "sperrmüll",
        ["waste"] = "sperrmüll",
    };

    private readonly FakeEmbeddingGenerator _generator = new(concepts: Concepts);
    private CoreHost _host = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _host = await CoreHost.StartAsync(Token);
        _host.Content.Write("personalausweis.md",
            "# Personalausweis beantragen\n\nDen Personalausweis beantragen Sie persönlich im Bürgerbüro.\n");
        _host.Content.Write("hundesteuer.md", "# Hundesteuer\n\nJeder Hund kostet 96 Euro Steuer im Jahr.\n");
        _host.Content.Write("sperrmuell.md", "# Sperrmüll\n\nSperrmüll holt die Stadtreinigung zweimal im Jahr ab.\n");
        await _host.IngestAsync(Token);
        await _host.WithoutTenantAsync(sp => sp.GetRequiredService<EmbeddingIndexer>().EmbedMissingAsync(Tenant, _generator, Model, Token));
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_paraphrase_keyword_search_misses_is_found_by_vectors()
    {
        var keyword = _host.Search(Tenant, "identity renewal");

        var hybrid = await SearchAsync("identity renewal", _generator);

        Assert.Empty(keyword.Hits);
        var top = hybrid.Hits[0];
        Assert.Equal("personalausweis.md", top.Key);
        Assert.Contains("Bürgerbüro", top.Chunks[0].Text, StringComparison.Ordinal);
        Assert.True(hybrid.Confidence >= 0.5, $"confidence {hybrid.Confidence}");
    }

    [Fact]
    public async Task A_question_the_content_does_not_answer_stays_unanswered()
    {
        var keyword = _host.Search(Tenant, "Wann startet die Rakete zum Mond?");

        var hybrid = await SearchAsync("Wann startet die Rakete zum Mond?", _generator);

        Assert.True(hybrid.Confidence <= keyword.Confidence + 1e-9, $"hybrid {hybrid.Confidence}, keyword {keyword.Confidence}");
        Assert.True(hybrid.Confidence < 0.5, $"confidence {hybrid.Confidence}");
    }

    [Fact]
    public async Task A_question_keyword_search_answers_keeps_its_answer()
    {
        var keyword = _host.Search(Tenant, "Hundesteuer für meinen Hund");

        var hybrid = await SearchAsync("Hundesteuer für meinen Hund", _generator);

        Assert.Equal("hundesteuer.md", keyword.Hits[0].Key);
        Assert.Equal("hundesteuer.md", hybrid.Hits[0].Key);
        Assert.True(hybrid.Confidence >= keyword.Confidence - 1e-9);
    }

    [Fact]
    public async Task When_the_embedding_endpoint_fails_the_keyword_result_comes_back()
    {
        var failing = new FakeEmbeddingGenerator { Fail = _ => new HttpRequestException("connection refused") };
        var keyword = _host.Search(Tenant, "Sperrmüll abholen lassen");

        var hybrid = await SearchAsync("Sperrmüll abholen lassen", failing);

        Assert.Equal(1, failing.Calls);
        Assert.NotEmpty(keyword.Hits);
        Assert.Equal(Describe(keyword), Describe(hybrid));
        Assert.Equal(keyword.Confidence, hybrid.Confidence);
        Assert.Equal(keyword.Question, hybrid.Question);
    }

    [Fact]
    public async Task A_model_without_vectors_leaves_the_keyword_result()
    {
        var keyword = _host.Search(Tenant, "Sperrmüll abholen lassen");

        var hybrid = await SearchAsync("Sperrmüll abholen lassen", _generator, model: "another-model");

        Assert.Equal(Describe(keyword), Describe(hybrid));
    }

    [Fact]
    public async Task Chunks_deleted_since_the_vectors_were_loaded_are_not_returned()
    {
        // Load the matrix, then remove the page behind the store's back (no Invalidate: as between two batches).
        var before = await SearchAsync("bulky waste", _generator);
        File.Delete(_host.Content.Combine("sperrmuell.md"));
        await _host.IngestAsync(Token);

        var after = await SearchAsync("bulky waste", _generator);

        Assert.Equal("sperrmuell.md", before.Hits[0].Key);
        Assert.DoesNotContain(after.Hits, h => h.Key == "sperrmuell.md");
    }

    [Fact]
    public async Task Vectors_of_another_tenant_are_never_found()
    {
        _host.Content.Write("other/sperrmuell.md", "# Sperrmüll in Nachbarstadt\n\nSperrmüll holt die Stadtreinigung von Nachbarstadt ab.\n");
        await _host.IngestAsync("nachbarstadt", _host.Content.Combine("other"), Token);
        await _host.WithoutTenantAsync(sp => sp.GetRequiredService<EmbeddingIndexer>().EmbedMissingAsync("nachbarstadt", _generator, Model, Token));

        var own = await SearchAsync("bulky waste", _generator);
        var neighbour = await SearchAsync("bulky waste", _generator, tenant: "nachbarstadt");

        Assert.Equal("sperrmuell.md", own.Hits[0].Key);
        Assert.DoesNotContain(own.Hits, h => h.Title.Contains("Nachbarstadt", StringComparison.Ordinal));
        Assert.All(neighbour.Hits, h => Assert.Contains("Nachbarstadt", h.Title, StringComparison.Ordinal));
        Assert.NotEmpty(neighbour.Hits);
    }

    private Task<SearchResult> SearchAsync(string question, FakeEmbeddingGenerator generator, string model = Model, string tenant = Tenant) =>
        _host.InTenantAsync(tenant, async sp =>
        {
            var entity = await sp.GetRequiredService<StadtdialogDbContext>().Tenants.AsNoTracking().SingleAsync(t => t.Id == tenant, Token);
            return await sp.GetRequiredService<HybridSearch>().SearchAsync(entity, question, generator, model, 5, Token);
        });

    private static List<string> Describe(SearchResult result) =>
        [.. result.Hits.Select(h => $"{h.DocumentId} {h.Score} {h.Coverage} {h.Kind} {string.Join(",", h.Chunks.Select(c => $"{c.ChunkId}:{c.Score}"))}")];
}
