using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Stadtdialog.Retrieval;

/// <summary>A chunk as it is written into the search index.</summary>
public sealed record IndexedChunk(
    Guid ChunkId,
    Guid DocumentId,
    string Url,
    string Key,
    string Title,
    string Section,
    string? Anchor,
    string Text,
    int Ordinal = 0);

/// <summary>
/// The Lucene index of one tenant: BM25 over chunks with separate title, section and body fields. Writes are
/// buffered until <see cref="Commit"/>, which is atomic: a killed process leaves the last committed state.
/// Searches use a <see cref="SearcherManager"/> that sees a commit as soon as it is done.
/// </summary>
public sealed class TenantSearchIndex : IDisposable
{
    public const string IdField = "id";
    public const string DocumentField = "doc";
    public const string UrlField = "url";
    public const string KeyField = "key";
    public const string TitleField = "title";
    public const string SectionField = "section";
    public const string BodyField = "body";
    public const string AnchorField = "anchor";
    public const string OrdinalField = "ord";

    private readonly LuceneDirectory _directory;
    private readonly GermanTextAnalysis _analysis;
    private readonly System.Threading.Lock _writeLock = new();
    private IndexWriter _writer;
    private SearcherManager _searchers;

    public TenantSearchIndex(LuceneDirectory directory, GermanTextAnalysis analysis)
    {
        _directory = directory;
        _analysis = analysis;
        (_writer, _searchers) = Open();
    }

    private (IndexWriter Writer, SearcherManager Searchers) Open()
    {
        var config = new IndexWriterConfig(GermanTextAnalysis.Version, _analysis.Analyzer)
        {
            OpenMode = OpenMode.CREATE_OR_APPEND,
            Similarity = Similarity,
        };
        var writer = new IndexWriter(_directory, config);
        writer.Commit();
        return (writer, new SearcherManager(writer, applyAllDeletes: true, new SimilarityFactory()));
    }

    /// <summary>BM25 with the usual parameters; chunks are short, so length normalisation stays moderate.</summary>
    internal static Similarity Similarity { get; } = new BM25Similarity(1.2f, 0.6f);

    public static TenantSearchIndex OpenFolder(string path, GermanTextAnalysis analysis)
    {
        System.IO.Directory.CreateDirectory(path);
        return new TenantSearchIndex(FSDirectory.Open(path), analysis);
    }

    public static TenantSearchIndex InMemory(GermanTextAnalysis analysis) => new(new RAMDirectory(), analysis);

    /// <summary>Replaces all chunks of a document (not visible to searches before <see cref="Commit"/>).</summary>
    public void ReplaceDocument(Guid documentId, IEnumerable<IndexedChunk> chunks)
    {
        var docs = chunks.Select(ToLucene).ToList();
        lock (_writeLock)
        {
            _writer.DeleteDocuments(new Term(DocumentField, documentId.ToString("N")));
            _writer.AddDocuments(docs);
        }
    }

    public void DeleteDocument(Guid documentId)
    {
        lock (_writeLock)
        {
            _writer.DeleteDocuments(new Term(DocumentField, documentId.ToString("N")));
        }
    }

    public void DeleteAll()
    {
        lock (_writeLock)
        {
            _writer.DeleteAll();
        }
    }

    /// <summary>Makes all buffered changes durable and visible at once.</summary>
    public void Commit()
    {
        lock (_writeLock)
        {
            _writer.Commit();
        }

        _searchers.MaybeRefreshBlocking();
    }

    /// <summary>Discards buffered changes since the last commit (a failed ingestion run).</summary>
    public void Rollback()
    {
        lock (_writeLock)
        {
            // Lucene's rollback closes the writer without committing; reopen on the last commit.
            var searchers = _searchers;
            _writer.Rollback();
            (_writer, _searchers) = Open();
            searchers.Dispose();
        }
    }

    /// <summary>Runs a query against the latest committed state.</summary>
    public T Search<T>(Func<IndexSearcher, T> search)
    {
        var manager = _searchers;
        var searcher = manager.Acquire();
        try
        {
            return search(searcher);
        }
        finally
        {
            manager.Release(searcher);
        }
    }

    public int ChunkCount => Search(s => s.IndexReader.NumDocs);

    public void Dispose()
    {
        _searchers.Dispose();
        _writer.Dispose();
        _directory.Dispose();
    }

    private static Lucene.Net.Documents.Document ToLucene(IndexedChunk chunk) =>
    [
        new StringField(IdField, chunk.ChunkId.ToString("N"), Field.Store.YES),
        new StringField(DocumentField, chunk.DocumentId.ToString("N"), Field.Store.YES),
        new StoredField(UrlField, chunk.Url),
        new StoredField(KeyField, chunk.Key),
        new StoredField(AnchorField, chunk.Anchor ?? ""),
        new StoredField(OrdinalField, chunk.Ordinal),
        new Field(TitleField, chunk.Title, TextWithVectors),
        new Field(SectionField, chunk.Section, TextWithVectors),
        new Field(BodyField, chunk.Text, TextWithVectors),
    ];

    /// <summary>Stored, analysed text with term vectors, so coverage can be computed without re-analysing.</summary>
    private static readonly FieldType TextWithVectors = CreateTextWithVectors();

    private static FieldType CreateTextWithVectors()
    {
        var type = new FieldType(TextField.TYPE_STORED) { StoreTermVectors = true };
        type.Freeze();
        return type;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IndexReader,
        System.Collections.Concurrent.ConcurrentDictionary<string, HashSet<string>>> DocumentTermCache = new();

    /// <summary>
    /// All terms of a document (every chunk's title, section and body), cached per index generation: a question's
    /// coverage is judged against the whole page, not only the passages that happened to rank.
    /// </summary>
    internal static HashSet<string> DocumentTerms(IndexSearcher searcher, string documentId)
    {
        var cache = DocumentTermCache.GetValue(searcher.IndexReader, _ => new(StringComparer.Ordinal));
        return cache.GetOrAdd(documentId, id =>
        {
            var terms = new HashSet<string>(StringComparer.Ordinal);
            var chunks = searcher.Search(new TermQuery(new Term(DocumentField, id)), 1000);
            foreach (var chunk in chunks.ScoreDocs)
            {
                terms.UnionWith(ChunkTerms(searcher.IndexReader, chunk.Doc));
            }

            return terms;
        });
    }

    /// <summary>The terms of one indexed chunk (title, section and body), read from its term vectors.</summary>
    internal static HashSet<string> ChunkTerms(IndexReader reader, int docId)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        var vectors = reader.GetTermVectors(docId);
        if (vectors is null)
        {
            return terms;
        }

        foreach (var field in new[] { TitleField, SectionField, BodyField })
        {
            var fieldTerms = vectors.GetTerms(field);
            if (fieldTerms is null)
            {
                continue;
            }

            var iterator = fieldTerms.GetEnumerator();
            while (iterator.MoveNext())
            {
                terms.Add(iterator.Term.Utf8ToString());
            }
        }

        return terms;
    }

    private sealed class SimilarityFactory : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = Similarity };
    }
}

