using Stadtdialog.Knowledge;

namespace Stadtdialog.Retrieval.Vectors;

/// <summary>
/// A chunk a vector hit points to, resolved from the database: its passage and its document's citation fields.
/// A hit whose chunk cannot be resolved (deleted since, or its document expired) is ignored by the fusion.
/// </summary>
public sealed record VectorPassage(Guid DocumentId, string Url, string Key, string Title, DocumentKind Kind, ChunkHit Chunk);

/// <summary>
/// Fuses the keyword (BM25) ranking with the vector ranking by reciprocal rank fusion at document level.
/// <list type="bullet">
/// <item>Each ranking contributes 1 / (k + rank) (ranks from 1) to a document's score. A document's keyword rank is
/// its place in the BM25 result; its vector rank is the place of its best chunk among the documents of the vector
/// hits. Equal scores keep the BM25 order, then the vector order. Without vector evidence the BM25 order stays as it
/// is.</item>
/// <item>Only vector hits with a similarity of at least <c>minSimilarity</c> count, for re-ranking as well as for
/// adding documents: a nearest neighbour is always found, even for a question the content does not answer, so
/// nearness alone is no evidence.</item>
/// <item>Coverage (what <see cref="SearchResult.Confidence"/> and so the assistant's abstention rest on): the BM25
/// coverage of the question, or — if higher — the similarity coverage
/// (similarity − minSimilarity) / (1 − minSimilarity), which is 0 at the threshold and 1 for an identical vector.
/// With the defaults a vector alone reaches the default minimum confidence of 0.5 only from a similarity of 0.75.
/// Documents found only by vectors have only the similarity coverage.</item>
/// <item>The first document: the confidence is the first hit's coverage, so the first place goes to the document
/// with the highest coverage among the fused leader, the BM25 leader, and those of the fused top three whose coverage
/// similarity raised (equal coverage: the fused order decides). Hence the fusion never lowers the confidence (the
/// BM25 leader competes), a question BM25 abstains on is answered only on similarity above the threshold, a page
/// that is far nearer than anything BM25 found can lead, and without vector evidence the BM25 order stays.</item>
/// <item>Scores: BM25 documents keep their BM25 scores. Vector passages get similarity × the best BM25 score (or the
/// similarity alone without BM25 hits), so consumers that relate passage scores to the first hit's score
/// (the extractive answerer) see comparable magnitudes.</item>
/// </list>
/// </summary>
public static class HybridRanking
{
    public const int DefaultK = 60;

    public const double DefaultMinSimilarity = 0.5;

    /// <summary>Fused places whose documents may take the first place on similarity coverage.</summary>
    private const int LeadWindow = 3;

    /// <summary>Passages kept per document found only by vectors (as many as BM25 keeps).</summary>
    private const int ChunksPerDocument = 3;

    /// <param name="bm25">The keyword result, ideally deeper than <paramref name="maxDocuments"/> (fusion can promote from below).</param>
    /// <param name="vectorHits">Nearest chunks, most similar first.</param>
    /// <param name="passages">The resolved passages of the vector hits by chunk id; hits without one are ignored.</param>
    /// <param name="k">The RRF constant.</param>
    /// <param name="maxDocuments">Documents in the fused result.</param>
    /// <param name="minSimilarity">Similarity a vector hit needs to count (0..1).</param>
    public static SearchResult Fuse(
        SearchResult bm25,
        IReadOnlyList<VectorHit> vectorHits,
        IReadOnlyDictionary<Guid, VectorPassage> passages,
        int k = DefaultK,
        int maxDocuments = 5,
        double minSimilarity = DefaultMinSimilarity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDocuments, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(minSimilarity, 1.0);

        // Vector evidence per document: its passages in similarity order (the first is the best).
        var vectorDocuments = new Dictionary<Guid, List<(VectorPassage Passage, float Similarity)>>();
        var vectorOrder = new List<Guid>();
        foreach (var hit in vectorHits.Where(h => h.Similarity >= minSimilarity).OrderByDescending(h => h.Similarity))
        {
            if (!passages.TryGetValue(hit.ChunkId, out var passage))
            {
                continue;
            }

            if (!vectorDocuments.TryGetValue(passage.DocumentId, out var list))
            {
                vectorDocuments[passage.DocumentId] = list = [];
                vectorOrder.Add(passage.DocumentId);
            }

            if (list.TrueForAll(p => p.Passage.Chunk.ChunkId != hit.ChunkId))
            {
                list.Add((passage, hit.Similarity));
            }
        }

        if (vectorOrder.Count == 0)
        {
            return bm25 with { Hits = [.. bm25.Hits.Take(maxDocuments)] };
        }

        var referenceScore = bm25.Hits.Count > 0 && bm25.Hits[0].Score > 0 ? bm25.Hits[0].Score : 1f;
        var candidates = new List<Candidate>();
        var bm25Ranks = new Dictionary<Guid, int>();
        for (var i = 0; i < bm25.Hits.Count; i++)
        {
            var hit = bm25.Hits[i];
            if (!bm25Ranks.TryAdd(hit.DocumentId, i + 1))
            {
                continue;
            }

            var vectorRank = vectorOrder.IndexOf(hit.DocumentId) + 1;
            var fused = hit;
            var rrf = Reciprocal(k, i + 1);
            var raised = false;
            if (vectorRank > 0)
            {
                var (passage, similarity) = vectorDocuments[hit.DocumentId][0];
                rrf += Reciprocal(k, vectorRank);
                var chunks = hit.Chunks.Any(c => c.ChunkId == passage.Chunk.ChunkId)
                    ? hit.Chunks
                    : [.. hit.Chunks, passage.Chunk with { Score = similarity * referenceScore }];
                var similarityCoverage = SimilarityCoverage(similarity, minSimilarity);
                raised = similarityCoverage > hit.Coverage;
                fused = hit with { Coverage = Math.Max(hit.Coverage, similarityCoverage), Chunks = chunks };
            }

            candidates.Add(new Candidate(fused, rrf, i + 1, vectorRank > 0 ? vectorRank : int.MaxValue) { RaisedBySimilarity = raised });
        }

        for (var v = 0; v < vectorOrder.Count; v++)
        {
            var documentId = vectorOrder[v];
            if (bm25Ranks.ContainsKey(documentId))
            {
                continue;
            }

            var found = vectorDocuments[documentId];
            var (first, best) = found[0];
            var hit = new SearchHit(
                documentId,
                first.Url,
                first.Key,
                first.Title,
                best * referenceScore,
                SimilarityCoverage(best, minSimilarity),
                [.. found.Take(ChunksPerDocument).Select(p => p.Passage.Chunk with { Score = p.Similarity * referenceScore })])
            {
                Kind = first.Kind,
            };
            candidates.Add(new Candidate(hit, Reciprocal(k, v + 1), int.MaxValue, v + 1) { RaisedBySimilarity = hit.Coverage > 0 });
        }

        var ordered = candidates
            .OrderByDescending(c => c.Rrf)
            .ThenBy(c => c.Bm25Rank)
            .ThenBy(c => c.VectorRank)
            .ToList();

        var lead = 0;
        for (var i = 1; i < ordered.Count; i++)
        {
            var contender = ordered[i];
            var competes = contender.Bm25Rank == 1 || (i < LeadWindow && contender.RaisedBySimilarity);
            if (competes && contender.Hit.Coverage > ordered[lead].Hit.Coverage + 1e-9)
            {
                lead = i;
            }
        }

        if (lead > 0)
        {
            var leader = ordered[lead];
            ordered.RemoveAt(lead);
            ordered.Insert(0, leader);
        }

        return bm25 with { Hits = [.. ordered.Take(maxDocuments).Select(c => c.Hit)] };
    }

    /// <summary>The contribution of one ranking: 1 / (k + rank), rank counted from 1.</summary>
    public static double Reciprocal(int k, int rank) => 1.0 / (k + rank);

    /// <summary>0 at (and below) the threshold, rising linearly to 1 at similarity 1.</summary>
    public static double SimilarityCoverage(double similarity, double minSimilarity = DefaultMinSimilarity) =>
        similarity <= minSimilarity ? 0 : Math.Clamp((similarity - minSimilarity) / (1 - minSimilarity), 0, 1);

    private sealed record Candidate(SearchHit Hit, double Rrf, int Bm25Rank, int VectorRank)
    {
        /// <summary>Whether the coverage comes from similarity (higher than the BM25 coverage, or no BM25 hit).</summary>
        public bool RaisedBySimilarity { get; init; }
    }
}
