using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stadtdialog.Data;
using Stadtdialog.Evaluation;
using Stadtdialog.Generative;
using Stadtdialog.Retrieval.Vectors;
using Stadtdialog.Tests;
using Xunit;

namespace Stadtdialog.Core.Tests.Retrieval;

/// <summary>
/// Hybrid retrieval through the product path on the development question set: an embedding model on an
/// OpenAI-compatible endpoint (the scripted server's deterministic bag-of-words embeddings, the only model that
/// runs here), vectors computed by <see cref="EmbeddingIndexer"/>, questions answered through ChatService's hybrid
/// search. With a lexical stand-in for a real model the figures show that fusion does not hurt the BM25 tier
/// (ranking and abstention); what a semantic model adds has to be measured with one (see bench/README.md).
/// </summary>
public sealed class HybridEvaluationTests : IAsyncLifetime
{
    private const string Tenant = "musterstadt";
    private CoreHost _host = null!;
    private FakeOpenAiServer _model = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _model = await FakeOpenAiServer.StartAsync(Token);
        _host = await CoreHost.StartAsync(Token);
        await _host.IngestAsync(Tenant, Path.Combine(RepositoryPaths.SharedData, "musterstadt-site"), Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _model.DisposeAsync();
    }

    [Fact]
    public async Task Hybrid_retrieval_keeps_the_quality_gate_of_the_bm25_tier()
    {
        var questions = EvalRunner.ReadQuestions(Path.Combine(RepositoryPaths.SharedData, "eval", "dev-questions.jsonl"));
        var bm25 = await EvaluateAsync(questions);

        var embedded = await _host.InTenantAsync(Tenant, async sp =>
        {
            var db = sp.GetRequiredService<StadtdialogDbContext>();
            var tenant = await db.Tenants.SingleAsync(t => t.Id == Tenant, Token);
            tenant.Model = new ModelSettings { Endpoint = _model.BaseUrl.ToString(), EmbeddingModel = "test-embedding" };
            await db.SaveChangesAsync(Token);
            var embeddings = sp.GetRequiredService<LanguageModels>().GetEmbeddings(tenant);
            Assert.NotNull(embeddings);
            return await sp.GetRequiredService<EmbeddingIndexer>()
                .EmbedMissingAsync(Tenant, embeddings.Value.Generator, embeddings.Value.Model, Token);
        });
        var hybrid = await EvaluateAsync(questions);

        TestContext.Current.TestOutputHelper?.WriteLine($"BM25:   {bm25.Summary}");
        TestContext.Current.TestOutputHelper?.WriteLine($"hybrid: {hybrid.Summary} ({embedded} passages embedded)");
        Assert.True(embedded > 100, $"{embedded} passages embedded");
        Assert.Contains(_model.Requests, r => r.Path == "/v1/embeddings");
        Assert.True(hybrid.HitAt5 >= 0.97 && hybrid.Mrr >= 0.88 && hybrid.Abstain >= 0.8 && hybrid.FalseAbstain <= 0.05,
            $"hybrid: {hybrid.Summary}; bm25: {bm25.Summary}");
        Assert.True(hybrid.Abstain >= bm25.Abstain, $"fusion must not answer what BM25 abstains on: {hybrid.Summary} vs {bm25.Summary}");
    }

    private Task<EvalReport> EvaluateAsync(IReadOnlyList<EvalQuestion> questions) =>
        _host.InTenantAsync(Tenant, async sp =>
        {
            var db = sp.GetRequiredService<StadtdialogDbContext>();
            var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == Tenant, Token);
            var assistant = await db.Assistants.AsNoTracking().FirstAsync(Token);
            return await sp.GetRequiredService<EvalRunner>().RunAsync(tenant, assistant, questions, Token);
        });
}
