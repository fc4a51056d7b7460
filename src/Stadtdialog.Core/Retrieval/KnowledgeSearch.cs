using Lucene.Net.Index;
using Lucene.Net.Search;
using Stadtdialog.Knowledge;

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
    IReadOnlyList<ChunkHit> Chunks)
{
    public DocumentKind Kind { get; init; } = DocumentKind.Page;
}

public sealed record SearchResult(QueryPlan Plan, IReadOnlyList<SearchHit> Hits)
{
    /// <summary>The question as asked (for tie-breaks that need its small words, e.g. between FAQ questions).</summary>
    public string Question { get; init; } = "";

    /// <summary>How well the best document covers the question (0..1).</summary>
    public double Confidence => Hits.Count == 0 ? 0 : Hits[0].Coverage;
}

/// <summary>
/// BM25 retrieval over a tenant's chunks with German analysis: every content word of the question is searched in
/// the title (boosted), section heading and body, together with its compound parts and its synonyms (weighted
/// lower). Chunks are collapsed to documents; each document carries its coverage of the question.
/// </summary>
public sealed class KnowledgeSearch(GermanTextAnalysis analysis, TimeProvider? time = null)
{
    /// <summary>Curated answers (FAQ rows) beat passages extracted from pages that cover the question as well.</summary>
    private const double CuratedBoost = 1.3;

    /// <summary>
    /// Catalogue entries answer questions about data; for a service question ("Wo gibt es gelbe Säcke?") the page
    /// about the service is the better answer, so datasets weigh less unless the question asks for data.
    /// </summary>
    private const double DatasetWeight = 0.5;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private readonly HashSet<string> _dataWords = [.. analysis.AnalyzeQuery(
        "Daten Datensatz Datensätze Open-Data Opendata Statistik Statistiken Zahlen CSV GeoJSON Katalog Datenportal")
        .Select(w => w.Primary)];

    private const float TitleBoost = 3.0f;
    private const float SectionBoost = 1.5f;
    private const float BodyBoost = 1.0f;
    private const float PartWeight = 0.5f;
    private const float SynonymWeight = 0.7f;
    private const int ChunkCandidates = 50;
    private const int ChunksPerDocument = 3;
    private const int RerankDocuments = 12;
    private const double CoverageFloor = 0.25;
    private const double MaxSecondaryDocShare = 0.2;
    private const int MinPrunedDocFreq = 1000;

    public GermanTextAnalysis Analysis => analysis;

    public SearchResult Search(TenantSearchIndex index, SynonymSet synonyms, string question, int maxDocuments = 5)
    {
        var words = analysis.AnalyzeQuery(question);
        var expansions = synonyms.Expand(words);

        return index.Search(searcher =>
        {
            var (weights, known, inIndex) = Weights(searcher, words, expansions);
            var plan = new QueryPlan(words, expansions, weights, known, inIndex);
            if (plan.IsEmpty)
            {
                return new SearchResult(plan, []);
            }

            var top = searcher.Search(BuildQuery(searcher, plan), ChunkCandidates);

            // Collapse chunks to documents using doc values only: stored fields (compressed text) are read
            // just for the passages of the documents that survive re-ranking.
            var documentIds = TenantSearchIndex.DocumentIds(searcher.IndexReader);
            var expired = TenantSearchIndex.Expired(searcher.IndexReader, _time.GetUtcNow());
            var documents = new List<(string DocId, List<ScoreDoc> Chunks)>();
            foreach (var scoreDoc in top.ScoreDocs)
            {
                if (expired(scoreDoc.Doc))
                {
                    continue;
                }

                var docId = documentIds(scoreDoc.Doc);
                var entry = documents.FindIndex(d => d.DocId == docId);
                if (entry < 0 && documents.Count < RerankDocuments)
                {
                    documents.Add((docId, [scoreDoc]));
                }
                else if (entry >= 0 && documents[entry].Chunks.Count < ChunksPerDocument)
                {
                    documents[entry].Chunks.Add(scoreDoc);
                }
            }

            // BM25 finds the candidates; coverage of the whole question (page terms, cached) decides between them.
            var maxScore = top.ScoreDocs.Length > 0 ? top.ScoreDocs[0].Score : 1f;
            var ranked = documents
                .Select(d => (d.DocId, d.Chunks, Coverage: plan.Coverage(TenantSearchIndex.DocumentTerms(searcher, d.DocId)),
                    TenantSearchIndex.StoredChunk(searcher, d.Chunks[0].Doc).Kind))
                .OrderByDescending(d => (d.Chunks[0].Score / maxScore) * (CoverageFloor + ((1 - CoverageFloor) * d.Coverage))
                    * KindWeight(plan, d.Kind, searcher, d.Chunks[0].Doc))
                .Take(maxDocuments)
                .ToList();

            var hits = ranked.Select(d =>
            {
                var chunks = d.Chunks.Select(c => (Stored: TenantSearchIndex.StoredChunk(searcher, c.Doc), c.Score)).ToList();
                var first = chunks[0].Stored;
                return new SearchHit(
                    Guid.ParseExact(d.DocId, "N"),
                    first.Url,
                    first.Key,
                    first.Title,
                    d.Chunks[0].Score,
                    d.Coverage,
                    chunks.Select(c => ToChunkHit(c.Stored, c.Score)).ToList()) { Kind = d.Kind };
            }).ToList();

            // The page's lead usually answers a general question about its topic: make it a candidate.
            if (hits.Count > 0 && hits[0].Chunks.All(c => c.Ordinal != 0) && LeadChunk(searcher, hits[0].DocumentId) is { } lead)
            {
                hits[0] = hits[0] with { Chunks = [.. hits[0].Chunks, lead] };
            }

            return new SearchResult(plan, hits) { Question = question };
        });
    }

    private double KindWeight(QueryPlan plan, DocumentKind kind, IndexSearcher searcher, int doc) => kind switch
    {
        DocumentKind.Faq => CuratedWeight(plan, TenantSearchIndex.StoredChunk(searcher, doc).Title),
        DocumentKind.Dataset when !plan.Words.Any(w => _dataWords.Contains(w.Primary) || w.Parts.Any(_dataWords.Contains)) => DatasetWeight,
        _ => 1.0,
    };

    /// <summary>
    /// A curated FAQ answer is preferred only when its question is the one asked: the FAQ question's content words
    /// must be in the user's question too ("Personalausweis gestohlen" is not "neuen Personalausweis beantragen").
    /// Fully matching FAQ questions get <see cref="CuratedBoost"/>; partly matching ones are demoted.
    /// </summary>
    private double CuratedWeight(QueryPlan plan, string faqQuestion)
    {
        var asked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in plan.Words.Concat(plan.Expansions.SelectMany(e => e.Words)))
        {
            asked.Add(word.Primary);
            asked.UnionWith(word.Parts);
        }

        var faqWords = analysis.AnalyzeQuery(faqQuestion);
        if (faqWords.Count == 0)
        {
            return 1.0;
        }

        var matched = faqWords.Count(w => asked.Contains(w.Primary) || (w.Parts.Count > 0 && w.Parts.All(asked.Contains)));
        var reverse = (double)matched / faqWords.Count;
        return (CuratedBoost - 0.7) + (0.7 * reverse);
    }

    private static readonly (string Field, float Boost)[] FieldBoosts =
    [
        (TenantSearchIndex.TitleField, TitleBoost),
        (TenantSearchIndex.SectionField, SectionBoost),
        (TenantSearchIndex.BodyField, BodyBoost),
    ];

    private static BooleanQuery BuildQuery(IndexSearcher searcher, QueryPlan plan)
    {
        var weights = new Dictionary<string, float>(StringComparer.Ordinal);
        void Add(string term, float weight)
        {
            if (!weights.TryGetValue(term, out var existing) || existing < weight)
            {
                weights[term] = weight;
            }
        }

        for (var i = 0; i < plan.Words.Count; i++)
        {
            var word = plan.Words[i];
            Add(word.Primary, 1f);

            // Parts help when the compound itself is unknown ("Personalausweisantrag"); for a word the index knows
            // ("Personalausweis") they would only add noise and cost.
            if (!plan.InIndex[i])
            {
                foreach (var part in word.Parts)
                {
                    Add(part, PartWeight);
                }
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

        // A part or synonym found in a fifth of a large index ("stadt", "amt") barely changes BM25 but makes the
        // query scan most postings: leave it out. The question's own words always stay.
        var maxSecondaryDocFreq = Math.Max(MinPrunedDocFreq, (int)(searcher.IndexReader.NumDocs * MaxSecondaryDocShare));
        var query = new BooleanQuery();
        foreach (var (term, weight) in weights)
        {
            foreach (var (field, boost) in FieldBoosts)
            {
                // Terms the index does not hold cannot match; leaving them out saves their clauses.
                var states = TenantSearchIndex.TermStates(searcher, field, term);
                if (states.DocFreq > 0 && (weight >= 1f || states.DocFreq <= maxSecondaryDocFreq))
                {
                    query.Add(new TermQuery(new Term(field, term), states) { Boost = weight * boost }, Occur.SHOULD);
                }
            }
        }

        return query;
    }

    /// <summary>Inverse document frequency of each word; unknown words get the highest weight.</summary>
    private static (List<double> Weights, List<bool> Known, List<bool> InIndex) Weights(
        IndexSearcher searcher, IReadOnlyList<QueryWord> words, IReadOnlyList<QueryExpansion> expansions)
    {
        var n = Math.Max(1, searcher.IndexReader.NumDocs);
        int Df(string term) => Math.Max(TenantSearchIndex.TermStates(searcher, TenantSearchIndex.BodyField, term).DocFreq,
            TenantSearchIndex.TermStates(searcher, TenantSearchIndex.TitleField, term).DocFreq);
        double Idf(int df) => Math.Log(1 + ((n - df + 0.5) / (df + 0.5)));
        bool IsKnown(QueryWord w) => Df(w.Primary) > 0 || (w.Parts.Count > 0 && w.Parts.All(p => Df(p) > 0));

        var weights = new List<double>(words.Count);
        var known = new List<bool>(words.Count);
        var inIndex = new List<bool>(words.Count);
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            var df = Df(word.Primary);
            inIndex.Add(df > 0);
            var idf = df == 0 && word.Parts.Count > 0 && word.Parts.All(p => Df(p) > 0)
                ? word.Parts.Average(p => Idf(Df(p)))
                : Idf(df);
            weights.Add(idf);
            var index = i;

            // German capitalises nouns: an unknown verb or adjective ("trete", "gezogen") is usually just other
            // wording and counts like a known word; an unknown noun ("Mond", "Apfelkuchen") is a different topic.
            known.Add(!word.IsNoun || IsKnown(word) || expansions.Any(e => e.WordIndexes.Contains(index) && e.Words.All(IsKnown)));
        }

        return (weights, known, inIndex);
    }

    private static ChunkHit? LeadChunk(IndexSearcher searcher, Guid documentId)
    {
        var lead = searcher.Search(new TermQuery(new Term(TenantSearchIndex.LeadField, documentId.ToString("N"))), 1);
        return lead.ScoreDocs.Length == 0 ? null : ToChunkHit(TenantSearchIndex.StoredChunk(searcher, lead.ScoreDocs[0].Doc), 0f);
    }

    private static ChunkHit ToChunkHit(IndexedChunk stored, float score) =>
        new(stored.ChunkId, stored.Section, NullIfEmpty(stored.Anchor), stored.Text, score, stored.Ordinal);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
