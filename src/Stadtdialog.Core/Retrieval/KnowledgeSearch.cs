using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Stadtdialog.Retrieval;

/// <summary>A retrieved passage.</summary>
public sealed record ChunkHit(Guid ChunkId, string Section, string? Anchor, string Text, float Score, int Ordinal = 0);

/// <summary>A retrieved document with its best passages, ranked by its best passage.</summary>
public sealed record SearchHit(
    Guid DocumentId,
    string Url,
    string Key,
    string Title,
    float Score,
    double Coverage,
    IReadOnlyList<ChunkHit> Chunks);

public sealed record SearchResult(QueryPlan Plan, IReadOnlyList<SearchHit> Hits)
{
    /// <summary>How well the best document covers the question (0..1).</summary>
    public double Confidence => Hits.Count == 0 ? 0 : Hits[0].Coverage;
}

/// <summary>
/// BM25 retrieval over a tenant's chunks with German analysis: every content word of the question is searched in
/// the title (boosted), section heading and body, together with its compound parts and its synonyms (weighted
/// lower). Chunks are collapsed to documents; each document carries its coverage of the question.
/// </summary>
public sealed class KnowledgeSearch(GermanTextAnalysis analysis)
{
    private const float TitleBoost = 3.0f;
    private const float SectionBoost = 1.5f;
    private const float BodyBoost = 1.0f;
    private const float PartWeight = 0.5f;
    private const float SynonymWeight = 0.7f;
    private const int ChunkCandidates = 60;
    private const int ChunksPerDocument = 3;
    private const int RerankDocuments = 12;
    private const double CoverageFloor = 0.25;

    public GermanTextAnalysis Analysis => analysis;

    public SearchResult Search(TenantSearchIndex index, SynonymSet synonyms, string question, int maxDocuments = 5)
    {
        var words = analysis.AnalyzeQuery(question);
        var expansions = synonyms.Expand(words);

        return index.Search(searcher =>
        {
            var (weights, known) = Weights(searcher.IndexReader, words, expansions);
            var plan = new QueryPlan(words, expansions, weights, known);
            if (plan.IsEmpty)
            {
                return new SearchResult(plan, []);
            }

            var top = searcher.Search(BuildQuery(plan), ChunkCandidates);
            var documents = new List<(string DocId, List<(int LuceneId, ChunkHit Hit)> Chunks)>();
            foreach (var scoreDoc in top.ScoreDocs)
            {
                var stored = searcher.Doc(scoreDoc.Doc);
                var docId = Stored(stored, TenantSearchIndex.DocumentField);
                var entry = documents.FindIndex(d => d.DocId == docId);
                if (entry >= 0 && documents[entry].Chunks.Count >= ChunksPerDocument)
                {
                    continue;
                }

                if (entry < 0 && documents.Count >= RerankDocuments)
                {
                    continue;
                }

                var hit = ToChunkHit(stored, scoreDoc.Score);
                if (entry < 0)
                {
                    documents.Add((docId, [(scoreDoc.Doc, hit)]));
                }
                else
                {
                    documents[entry].Chunks.Add((scoreDoc.Doc, hit));
                }
            }

            var maxScore = top.ScoreDocs.Length > 0 ? top.ScoreDocs[0].Score : 1f;
            var hits = documents.Select(d =>
            {
                var first = searcher.Doc(d.Chunks[0].LuceneId);
                var terms = TenantSearchIndex.DocumentTerms(searcher, d.DocId);

                return new SearchHit(
                    Guid.ParseExact(d.DocId, "N"),
                    Stored(first, TenantSearchIndex.UrlField),
                    Stored(first, TenantSearchIndex.KeyField),
                    Stored(first, TenantSearchIndex.TitleField),
                    d.Chunks[0].Hit.Score,
                    plan.Coverage(terms),
                    d.Chunks.Select(c => c.Hit).ToList());
            })
            // BM25 finds the candidates; coverage of the whole question decides between close ones.
            .OrderByDescending(h => (h.Score / maxScore) * (CoverageFloor + ((1 - CoverageFloor) * h.Coverage)))
            .Take(maxDocuments)
            .ToList();

            // The page's lead usually answers a general question about its topic: make it a candidate.
            if (hits.Count > 0 && hits[0].Chunks.All(c => c.Ordinal != 0) && LeadChunk(searcher, hits[0].DocumentId) is { } lead)
            {
                hits[0] = hits[0] with { Chunks = [.. hits[0].Chunks, lead] };
            }

            return new SearchResult(plan, hits);
        });
    }

    private static BooleanQuery BuildQuery(QueryPlan plan)
    {
        var weights = new Dictionary<string, float>(StringComparer.Ordinal);
        void Add(string term, float weight)
        {
            if (!weights.TryGetValue(term, out var existing) || existing < weight)
            {
                weights[term] = weight;
            }
        }

        foreach (var word in plan.Words)
        {
            Add(word.Primary, 1f);
            foreach (var part in word.Parts)
            {
                Add(part, PartWeight);
            }
        }

        foreach (var expansion in plan.Expansions)
        {
            foreach (var word in expansion.Words)
            {
                Add(word.Primary, SynonymWeight);
                foreach (var part in word.Parts)
                {
                    Add(part, SynonymWeight * PartWeight);
                }
            }
        }

        var query = new BooleanQuery();
        foreach (var (term, weight) in weights)
        {
            query.Add(new TermQuery(new Term(TenantSearchIndex.TitleField, term)) { Boost = weight * TitleBoost }, Occur.SHOULD);
            query.Add(new TermQuery(new Term(TenantSearchIndex.SectionField, term)) { Boost = weight * SectionBoost }, Occur.SHOULD);
            query.Add(new TermQuery(new Term(TenantSearchIndex.BodyField, term)) { Boost = weight * BodyBoost }, Occur.SHOULD);
        }

        return query;
    }

    /// <summary>Inverse document frequency of each word; unknown words get the highest weight.</summary>
    private static (List<double> Weights, List<bool> Known) Weights(
        IndexReader reader, IReadOnlyList<QueryWord> words, IReadOnlyList<QueryExpansion> expansions)
    {
        var n = Math.Max(1, reader.NumDocs);
        int Df(string term) => Math.Max(reader.DocFreq(new Term(TenantSearchIndex.BodyField, term)),
            reader.DocFreq(new Term(TenantSearchIndex.TitleField, term)));
        double Idf(int df) => Math.Log(1 + ((n - df + 0.5) / (df + 0.5)));
        bool IsKnown(QueryWord w) => Df(w.Primary) > 0 || (w.Parts.Count > 0 && w.Parts.All(p => Df(p) > 0));

        var weights = new List<double>(words.Count);
        var known = new List<bool>(words.Count);
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            var df = Df(word.Primary);
            var idf = df == 0 && word.Parts.Count > 0 && word.Parts.All(p => Df(p) > 0)
                ? word.Parts.Average(p => Idf(Df(p)))
                : Idf(df);
            weights.Add(idf);
            var index = i;

            // German capitalises nouns: an unknown verb or adjective ("trete", "gezogen") is usually just other
            // wording and counts like a known word; an unknown noun ("Mond", "Apfelkuchen") is a different topic.
            known.Add(!word.IsNoun || IsKnown(word) || expansions.Any(e => e.WordIndexes.Contains(index) && e.Words.All(IsKnown)));
        }

        return (weights, known);
    }

    private static ChunkHit? LeadChunk(IndexSearcher searcher, Guid documentId)
    {
        var chunks = searcher.Search(new TermQuery(new Term(TenantSearchIndex.DocumentField, documentId.ToString("N"))), 1000);
        return chunks.ScoreDocs.Select(d => ToChunkHit(searcher.Doc(d.Doc), 0f)).FirstOrDefault(c => c.Ordinal == 0);
    }

    private static ChunkHit ToChunkHit(Lucene.Net.Documents.Document stored, float score) => new(
        Guid.ParseExact(Stored(stored, TenantSearchIndex.IdField), "N"),
        Stored(stored, TenantSearchIndex.SectionField),
        NullIfEmpty(Stored(stored, TenantSearchIndex.AnchorField)),
        Stored(stored, TenantSearchIndex.BodyField),
        score,
        stored.GetField(TenantSearchIndex.OrdinalField)?.GetInt32Value() ?? 0);

    private static string Stored(Lucene.Net.Documents.Document document, string field) =>
        document.Get(field, System.Globalization.CultureInfo.InvariantCulture) ?? "";

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
