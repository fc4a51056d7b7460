using Stadtdialog.Knowledge;
using Stadtdialog.Retrieval;
using Stadtdialog.Retrieval.Vectors;
using Xunit;

namespace Stadtdialog.Core.Tests.Retrieval;

/// <summary>Reciprocal rank fusion on hand-made rankings (no database, no index).</summary>
public sealed class VectorsFusionTests
{
    private static readonly QueryPlan Plan = new([], [], [], [], []);

    private readonly Dictionary<string, Guid> _ids = [];
    private readonly Dictionary<Guid, VectorPassage> _passages = [];

    [Fact]
    public void Reciprocal_ranks_add_up_across_the_two_rankings()
    {
        // BM25: A B C D. Vectors: D C. D: 1/64 + 1/61 = 0.03202; C: 1/63 + 1/62 = 0.03200; A: 1/61; B: 1/62.
        // Coverage 0.95 everywhere: no similarity below 0.975 raises it, so the order is the RRF order alone.
        var bm25 = Keyword(("A", 0.95), ("B", 0.95), ("C", 0.95), ("D", 0.95));

        var fused = HybridRanking.Fuse(bm25, Vectors(("D", 0.9f), ("C", 0.8f)), _passages);

        Assert.Equal(["D", "C", "A", "B"], Names(fused));
        Assert.True(HybridRanking.Reciprocal(60, 4) + HybridRanking.Reciprocal(60, 1)
            > HybridRanking.Reciprocal(60, 3) + HybridRanking.Reciprocal(60, 2));
        Assert.Equal(1.0 / 61, HybridRanking.Reciprocal(60, 1), 12);
    }

    [Fact]
    public void A_document_both_rankings_agree_on_beats_documents_only_one_ranks_first()
    {
        var first = HybridRanking.Fuse(Keyword(("A", 0.95), ("B", 0.95)), Vectors(("A", 0.9f), ("C", 0.8f)), _passages);

        // B is second in both; A and C are first in one each. Equal scores keep the BM25 order.
        var second = HybridRanking.Fuse(Keyword(("A", 0.95), ("B", 0.95)), Vectors(("C", 0.9f), ("B", 0.8f)), _passages);

        Assert.Equal(["A", "B", "C"], Names(first));
        Assert.Equal(["B", "A", "C"], Names(second));
    }

    [Fact]
    public void A_document_found_only_by_vectors_needs_the_minimum_similarity()
    {
        var bm25 = Keyword(("A", 0.3));

        var below = HybridRanking.Fuse(bm25, Vectors(("Z", 0.45f)), _passages);
        var above = HybridRanking.Fuse(bm25, Vectors(("Z", 0.9f)), _passages);
        var stricter = HybridRanking.Fuse(bm25, Vectors(("Z", 0.9f)), _passages, minSimilarity: 0.95);

        Assert.Equal(["A"], Names(below));
        Assert.Equal(0.3, below.Confidence, 9);
        Assert.Equal(["Z", "A"], Names(above));
        Assert.Equal(0.8, above.Confidence, 6); // (0.9 - 0.5) / (1 - 0.5)
        Assert.Equal(["A"], Names(stricter));
    }

    [Fact]
    public void A_vector_only_document_carries_its_passages_and_citation()
    {
        var bm25 = Keyword(("A", 0.7));
        var hits = Vectors(("Z", 0.9f), ("Z", 0.7f));

        var fused = HybridRanking.Fuse(bm25, hits, _passages);

        var z = fused.Hits.Single(h => h.DocumentId == Id("Z"));
        Assert.Equal("https://example.org/Z", z.Url);
        Assert.Equal("Z", z.Title);
        Assert.Equal(DocumentKind.Faq, z.Kind);
        Assert.Equal([hits[0].ChunkId, hits[1].ChunkId], z.Chunks.Select(c => c.ChunkId));
        Assert.Equal(0.9f * 10f, z.Chunks[0].Score, 4); // similarity × the best BM25 score
        Assert.Equal(0.8, z.Coverage, 6);
        Assert.Same(bm25.Plan, fused.Plan);
        Assert.Equal(bm25.Question, fused.Question);
    }

    [Fact]
    public void A_question_no_page_covers_is_not_answered_because_some_vector_is_nearest()
    {
        // BM25 abstains (coverage 0.2); the nearest chunks are not near: nothing changes.
        var bm25 = Keyword(("A", 0.2), ("B", 0.1));

        var fused = HybridRanking.Fuse(bm25, Vectors(("Z", 0.49f), ("B", 0.3f), ("Y", 0.2f)), _passages);

        Assert.Equal(["A", "B"], Names(fused));
        Assert.Equal(0.2, fused.Confidence, 9);
    }

    [Fact]
    public void A_page_far_nearer_than_anything_keyword_search_found_takes_the_lead()
    {
        // B is in both rankings (1/62 + 1/62 beats 1/61), but only Z is near enough to raise its coverage.
        var bm25 = Keyword(("A", 0.3), ("B", 0.35));

        var fused = HybridRanking.Fuse(bm25, Vectors(("Z", 0.9f), ("B", 0.6f)), _passages);

        Assert.Equal(["Z", "B", "A"], Names(fused));
        Assert.Equal(0.8, fused.Confidence, 6);
    }

    [Fact]
    public void Fusion_never_lowers_the_confidence()
    {
        // B overtakes A by rank (1/62 + 1/61 > 1/61) but covers the question less: A stays first.
        var bm25 = Keyword(("A", 0.9), ("B", 0.3));

        var fused = HybridRanking.Fuse(bm25, Vectors(("B", 0.55f)), _passages);

        Assert.Equal(["A", "B"], Names(fused));
        Assert.Equal(0.9, fused.Confidence, 9);
    }

    [Fact]
    public void Strong_vector_evidence_raises_a_keyword_documents_coverage_and_adds_its_passage()
    {
        var bm25 = Keyword(("A", 0.9), ("B", 0.4));
        var hits = Vectors(("B", 0.96f));

        var fused = HybridRanking.Fuse(bm25, hits, _passages);

        var b = fused.Hits.Single(h => h.DocumentId == Id("B"));
        Assert.Equal(0.92, b.Coverage, 6); // max(0.4, (0.96 - 0.5) / 0.5), more than A's 0.9
        Assert.Equal(2, b.Chunks.Count);
        Assert.Equal(hits[0].ChunkId, b.Chunks[1].ChunkId);
        Assert.Equal(["B", "A"], Names(fused));
    }

    [Fact]
    public void Without_usable_vector_hits_the_keyword_result_stays()
    {
        var bm25 = Keyword(("A", 0.6), ("B", 0.5), ("C", 0.4));
        var stale = new VectorHit(Guid.NewGuid(), Id("C"), 0.99f); // a chunk deleted since the vectors were loaded

        var none = HybridRanking.Fuse(bm25, [], _passages, maxDocuments: 2);
        var staleOnly = HybridRanking.Fuse(bm25, [stale], _passages);

        Assert.Equal(["A", "B"], Names(none));
        Assert.Equal(bm25.Hits, staleOnly.Hits);
    }

    [Fact]
    public void The_result_is_cut_to_the_maximum_after_fusion()
    {
        var bm25 = Keyword(("A", 0.6), ("B", 0.6), ("C", 0.6));

        var fused = HybridRanking.Fuse(bm25, Vectors(("C", 0.9f), ("Z", 0.8f)), _passages, maxDocuments: 2);

        Assert.Equal(["C", "A"], Names(fused));
    }

    private SearchResult Keyword(params (string Name, double Coverage)[] documents) =>
        new(Plan, [.. documents.Select((d, i) => new SearchHit(Id(d.Name), $"https://example.org/{d.Name}", d.Name, d.Name,
            10f - i, d.Coverage, [new ChunkHit(Guid.NewGuid(), "", null, $"Text of {d.Name}", 10f - i)]))])
        {
            Question = "Frage",
        };

    /// <summary>Vector hits in the given order, each a new chunk of the named document, with its passage registered.</summary>
    private List<VectorHit> Vectors(params (string Name, float Similarity)[] hits)
    {
        var list = new List<VectorHit>();
        foreach (var (name, similarity) in hits)
        {
            var chunk = Guid.NewGuid();
            _passages[chunk] = new VectorPassage(Id(name), $"https://example.org/{name}", name, name, DocumentKind.Faq,
                new ChunkHit(chunk, "Abschnitt", null, $"Passage of {name}", 0f, list.Count));
            list.Add(new VectorHit(chunk, Id(name), similarity));
        }

        return list;
    }

    private Guid Id(string name)
    {
        if (!_ids.TryGetValue(name, out var id))
        {
            _ids[name] = id = Guid.NewGuid();
        }

        return id;
    }

    private List<string> Names(SearchResult result) =>
        [.. result.Hits.Select(h => _ids.Single(p => p.Value == h.DocumentId).Key)];
}
