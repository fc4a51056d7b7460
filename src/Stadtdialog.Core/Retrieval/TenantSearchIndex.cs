using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Stadtdialog.Knowledge;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Stadtdialog.Retrieval;

/// <summary>Another process (usually the running server) holds the index's write lock.</summary>
public sealed class IndexInUseException(string message, Exception inner) : IOException(message, inner);

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
    int Ordinal = 0)
{
    public DocumentKind Kind { get; init; } = DocumentKind.Page;

    /// <summary>Curated search terms (FAQ and dataset keywords, event categories), weighted like the title.</summary>
    public string Keywords { get; init; } = "";

    /// <summary>After this instant the chunk is not returned by searches (events).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}

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
    public const string KindField = "kind";

    /// <summary>Expiry (UTC ticks) as doc values; <see cref="long.MaxValue"/> for chunks that never expire.</summary>
    public const string ExpiresValuesField = "expires_dv";

    /// <summary>Set (to the document id) on a document's first chunk only, to find its lead in one lookup.</summary>
    public const string LeadField = "lead";

    /// <summary>The document id as doc values: collapsing hits to documents without reading stored fields.</summary>
    public const string DocumentValuesField = "doc_dv";

    private readonly LuceneDirectory _directory;
    private readonly GermanTextAnalysis _analysis;
    private readonly System.Threading.Lock _writeLock = new();
    private IndexWriter _writer;
    private SearcherManager _searchers;
    private FileStream? _processLock;

    public TenantSearchIndex(LuceneDirectory directory, GermanTextAnalysis analysis)
    {
        _directory = directory;
        _analysis = analysis;
        (_writer, _searchers) = Open();
    }

    /// <summary>Version of the index layout; an index written by another version is rebuilt from the database.</summary>
    public const string FormatVersion = "3";

    private const string FormatKey = "stadtdialog.format";
    private const string StampKey = "stadtdialog.stamp";

    /// <summary>Whether the index was written with the current <see cref="FormatVersion"/> (an empty index always is).</summary>
    public bool IsCurrentFormat
    {
        get
        {
            lock (_writeLock)
            {
                return _writer.NumDocs == 0
                    || (_writer.CommitData.TryGetValue(FormatKey, out var version) && version == FormatVersion);
            }
        }
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
        // Memory-mapped reads: lock-free and served from the page cache (FSDirectory.Open may choose NIOFS).
        // One writer per index across processes (a CLI run beside the running server would corrupt it). Lucene's
        // own lock file is not exclusive between processes on every platform; an exclusively opened file is.
        FileStream processLock;
        try
        {
            processLock = new FileStream(Path.Combine(path, "stadtdialog.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw InUse(path, ex);
        }

        var directory = new MMapDirectory(new DirectoryInfo(path));
        try
        {
            return new TenantSearchIndex(directory, analysis) { _processLock = processLock };
        }
        catch (LockObtainFailedException ex)
        {
            directory.Dispose();
            processLock.Dispose();
            throw InUse(path, ex);
        }
    }

    private static IndexInUseException InUse(string path, Exception inner) => new(
        $"The search index in '{path}' is in use by another process (a running server?). Stop it first, or let the " +
        "server do the work: POST /api/tenants/{tenant}/sources/{id}/refresh.", inner);

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

    /// <summary>The stamp of the last commit (see <c>Tenant.IndexStamp</c>); null for an index without one.</summary>
    public string? Stamp
    {
        get
        {
            lock (_writeLock)
            {
                return _writer.CommitData.TryGetValue(StampKey, out var stamp) ? stamp : null;
            }
        }
    }

    /// <summary>Makes all buffered changes durable and visible at once, recording <paramref name="stamp"/> with them.</summary>
    public void Commit(string? stamp = null)
    {
        lock (_writeLock)
        {
            var data = new Dictionary<string, string> { [FormatKey] = FormatVersion };
            if ((stamp ?? (_writer.CommitData.TryGetValue(StampKey, out var previous) ? previous : null)) is { } kept)
            {
                data[StampKey] = kept;
            }

            _writer.SetCommitData(data);
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
        _processLock?.Dispose();
    }

    private static Lucene.Net.Documents.Document ToLucene(IndexedChunk chunk)
    {
        Lucene.Net.Documents.Document document =
    [
        new StringField(IdField, chunk.ChunkId.ToString("N"), Field.Store.YES),
        new StringField(DocumentField, chunk.DocumentId.ToString("N"), Field.Store.YES),
        new StoredField(UrlField, chunk.Url),
        new StoredField(KeyField, chunk.Key),
        new StoredField(AnchorField, chunk.Anchor ?? ""),
        new StoredField(OrdinalField, chunk.Ordinal),
        new StoredField(KindField, chunk.Kind.ToString()),
        new Field(TitleField, chunk.Title, TextWithVectors),
        new Field(SectionField, chunk.Section, TextWithVectors),
        new Field(BodyField, chunk.Text, TextWithVectors),
        new BinaryDocValuesField(DocumentValuesField, new BytesRef(chunk.DocumentId.ToString("N"))),
        new NumericDocValuesField(ExpiresValuesField, chunk.ExpiresAt?.UtcTicks ?? long.MaxValue),
    ];
        if (chunk.Keywords.Length > 0)
        {
            // A second title value: curated keywords weigh like the title, the stored title stays the first value.
            document.Add(new Field(TitleField, chunk.Keywords, TextWithVectors));
        }

        if (chunk.Ordinal == 0)
        {
            document.Add(new StringField(LeadField, chunk.DocumentId.ToString("N"), Field.Store.NO));
        }

        return document;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IndexReader,
        System.Collections.Concurrent.ConcurrentDictionary<int, IndexedChunk>> StoredChunkCache = new();

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IndexReader,
        System.Collections.Concurrent.ConcurrentDictionary<(string Field, string Term), TermContext>> TermStateCache = new();

    private const int MaxCachedTerms = 50_000;

    /// <summary>
    /// A term's statistics and postings locations, cached per index generation: questions reuse a small vocabulary,
    /// and seeking the term dictionary is the largest cost of a query otherwise.
    /// </summary>
    internal static TermContext TermStates(IndexSearcher searcher, string field, string term)
    {
        var cache = TermStateCache.GetValue(searcher.IndexReader, _ => new());
        if (cache.TryGetValue((field, term), out var states))
        {
            return states;
        }

        if (cache.Count >= MaxCachedTerms)
        {
            cache.Clear();
        }

        return cache[(field, term)] = TermContext.Build(searcher.TopReaderContext, new Term(field, term));
    }

    private const int MaxCachedChunks = 20_000;

    /// <summary>
    /// A chunk's stored fields, cached per index generation: reading them means decompressing a block, and the
    /// same popular passages are read again and again. Bounded; a new commit starts a new cache.
    /// </summary>
    internal static IndexedChunk StoredChunk(IndexSearcher searcher, int docId)
    {
        var cache = StoredChunkCache.GetValue(searcher.IndexReader, _ => new());
        if (cache.TryGetValue(docId, out var chunk))
        {
            return chunk;
        }

        if (cache.Count >= MaxCachedChunks)
        {
            cache.Clear();
        }

        var stored = searcher.Doc(docId);
        string Get(string field) => stored.Get(field, System.Globalization.CultureInfo.InvariantCulture) ?? "";
        return cache[docId] = new IndexedChunk(
            Guid.ParseExact(Get(IdField), "N"), Guid.ParseExact(Get(DocumentField), "N"), Get(UrlField), Get(KeyField),
            Get(TitleField), Get(SectionField), Get(AnchorField), Get(BodyField),
            stored.GetField(OrdinalField)?.GetInt32Value() ?? 0)
        {
            Kind = Enum.TryParse<DocumentKind>(Get(KindField), out var kind) ? kind : DocumentKind.Page,
        };
    }

    /// <summary>Reads the document id of an index entry from doc values (no stored-field decompression).</summary>
    internal static Func<int, string> DocumentIds(IndexReader reader)
    {
        var values = MultiDocValues.GetBinaryValues(reader, DocumentValuesField);
        if (values is null)
        {
            // An empty index (or one written before doc values, which start-up rebuilds): read the stored field.
            return docId => reader.Document(docId).Get(DocumentField, System.Globalization.CultureInfo.InvariantCulture) ?? "";
        }

        var scratch = new BytesRef();
        return docId =>
        {
            values.Get(docId, scratch);
            return scratch.Utf8ToString();
        };
    }

    /// <summary>Whether an index entry has expired (events after their last occurrence), from doc values.</summary>
    internal static Func<int, bool> Expired(IndexReader reader, DateTimeOffset now)
    {
        var values = MultiDocValues.GetNumericValues(reader, ExpiresValuesField);
        if (values is null)
        {
            return _ => false;
        }

        var ticks = now.UtcTicks;
        return docId => values.Get(docId) < ticks;
    }

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

