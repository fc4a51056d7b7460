using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stadtdialog.Data;
using Stadtdialog.Knowledge.Readers;
using Stadtdialog.Knowledge.Sources;
using Stadtdialog.Retrieval;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Knowledge;

/// <summary>Where a run stands: items processed so far, the total where known, and the counters.</summary>
public sealed record IngestionProgress(int? Total, int Processed, string? Current, IngestionReport Report);

/// <summary>What one ingestion run did; <see cref="Errors"/> lists every document that could not be read.</summary>
public sealed record IngestionReport(
    Guid SourceId,
    int Seen,
    int Added,
    int Updated,
    int Unchanged,
    int Removed,
    int Failed,
    int Skipped,
    int Chunks,
    IReadOnlyList<DocumentError> Errors)
{
    public override string ToString() =>
        $"seen={Seen} added={Added} updated={Updated} unchanged={Unchanged} removed={Removed} failed={Failed} skipped={Skipped} chunks={Chunks}";
}

public sealed record DocumentError(string Key, string Message);

/// <summary>
/// Runs a knowledge source into the current tenant's knowledge: the source's connector yields items (files,
/// pages, feeds), readers turn them into documents, the chunker into passages, and the changes go to the database
/// and the search index in short batches.
/// <list type="bullet">
/// <item>Incremental and idempotent: an unchanged item (same bytes, or HTTP 304) is not read again, an unchanged
/// document (same extracted content) is not re-indexed; a second run changes nothing.</item>
/// <item>Robust: every bad item becomes a per-document error and the previous good version stays searchable; a
/// source that cannot be read at all fails the run and removes nothing.</item>
/// <item>Atomic: each batch is one database transaction followed by one index commit carrying the same stamp;
/// a process killed in between leaves a stamp mismatch that start-up repairs by rebuilding from the database.</item>
/// </list>
/// </summary>
public sealed partial class KnowledgeIngestor(
    StadtdialogDbContext db,
    TenantContext tenant,
    SearchIndexRegistry indexes,
    IEnumerable<IKnowledgeConnector> connectors,
    IOptions<KnowledgeOptions> options,
    TimeProvider time,
    ILogger<KnowledgeIngestor> logger)
{
    private const int MaxReportedErrors = 200;

    private readonly Chunker _chunker = new();

    private StadtdialogDbContext Database => db;

    private ILogger Logger => logger;

    private KnowledgeOptions Options => options.Value;

    private TimeProvider Time => time;

    /// <summary>Finds or registers the source of this type and location (sources from configuration, the CLI).</summary>
    public async Task<KnowledgeSource> EnsureSourceAsync(
        KnowledgeSourceType type, string location, string? name = null, CancellationToken cancellationToken = default)
    {
        var source = await db.KnowledgeSources.SingleOrDefaultAsync(s => s.Type == type && s.Location == location, cancellationToken);
        if (source is null)
        {
            var now = time.GetUtcNow();
            source = new KnowledgeSource
            {
                Id = Guid.CreateVersion7(now), Name = name ?? location, Type = type, Location = location, CreatedAt = now,
            };
            db.KnowledgeSources.Add(source);
            await db.SaveChangesAsync(cancellationToken);
        }

        return source;
    }

    /// <summary>Registers (once) and runs a folder source.</summary>
    public async Task<IngestionReport> IngestFolderAsync(
        string folder, IProgress<IngestionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The folder '{root}' does not exist.");
        }

        var source = await EnsureSourceAsync(KnowledgeSourceType.Folder, root, Path.GetFileName(root), cancellationToken);
        return await RunAsync(source.Id, progress, cancellationToken);
    }

    /// <summary>Runs one source: fetch, read, chunk, index. Throws <see cref="SourceUnavailableException"/> when the source cannot be read at all.</summary>
    public async Task<IngestionReport> RunAsync(
        Guid sourceId, IProgress<IngestionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var tenantId = tenant.RequireTenantId();
        var source = await db.KnowledgeSources.SingleOrDefaultAsync(s => s.Id == sourceId, cancellationToken)
            ?? throw new NotFoundException($"The knowledge source {sourceId} does not exist.");
        var connector = connectors.FirstOrDefault(c => c.Handles(source.Type))
            ?? throw new InvalidOperationException($"No connector reads sources of type {source.Type}.");

        var run = new Run(this, source, indexes.Get(tenantId), time.GetUtcNow(), progress);
        await run.LoadAsync(cancellationToken);
        try
        {
            var context = new SourceRunContext(source, run.Known, options.Value.Limits, total => run.Total = total);
            await foreach (var item in connector.FetchAsync(context, cancellationToken))
            {
                cancellationToken.ThrowIfCancellationRequested();
                run.Process(item);
                if (run.PendingItems >= options.Value.BatchSize)
                {
                    await run.FlushAsync(cancellationToken);
                }
            }

            // Only a complete run may remove what the source no longer has (and events that are over).
            run.RemoveVanished();
            var report = run.Report();
            source.LastRunAt = time.GetUtcNow();
            source.LastRunSummary = report.ToString();
            await run.FlushAsync(cancellationToken);
            run.ReportProgress(null);
            LogRunFinished(logger, tenantId, source.Type, source.Location, report.ToString());
            return report;
        }
        catch
        {
            // Batches already flushed stay (each is consistent); the unflushed rest is discarded everywhere.
            run.Index.Rollback();
            db.ChangeTracker.Clear();
            throw;
        }
    }

    /// <summary>Deletes a source with all its documents from the database and the search index.</summary>
    public async Task DeleteSourceAsync(Guid sourceId, CancellationToken cancellationToken = default)
    {
        var tenantId = tenant.RequireTenantId();
        var source = await db.KnowledgeSources.SingleOrDefaultAsync(s => s.Id == sourceId, cancellationToken)
            ?? throw new NotFoundException($"The knowledge source {sourceId} does not exist.");
        var index = indexes.Get(tenantId);
        var documentIds = await db.Documents.Where(d => d.SourceId == sourceId).Select(d => d.Id).ToListAsync(cancellationToken);
        foreach (var id in documentIds)
        {
            index.DeleteDocument(id);
        }

        var stamp = Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
        (await db.Tenants.SingleAsync(t => t.Id == tenantId, cancellationToken)).IndexStamp = stamp;
        db.KnowledgeSources.Remove(source);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch
        {
            index.Rollback();
            throw;
        }

        index.Commit(stamp);
    }

    /// <summary>Rebuilds the tenant's search index from the chunks stored in the database.</summary>
    public async Task<int> RebuildIndexAsync(CancellationToken cancellationToken = default)
    {
        var tenantId = tenant.RequireTenantId();
        var index = indexes.Get(tenantId);
        index.DeleteAll();
        var count = 0;
        var documents = await db.Documents.AsNoTracking().Include(d => d.Chunks)
            .Where(d => d.Chunks.Count > 0).ToListAsync(cancellationToken);
        foreach (var document in documents)
        {
            index.ReplaceDocument(document.Id, document.Chunks.OrderBy(c => c.Ordinal).Select(c => ToIndexed(document, c)));
            count += document.Chunks.Count;
        }

        var stamp = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.IndexStamp).SingleOrDefaultAsync(cancellationToken);
        index.Commit(stamp ?? "");
        return count;
    }

    internal static IndexedChunk ToIndexed(Document document, Chunk chunk) =>
        new(chunk.Id, document.Id, document.Url, document.Key, document.Title, chunk.Section, chunk.Anchor, chunk.Text, chunk.Ordinal)
        {
            Kind = document.Kind,
            Keywords = string.Join(", ", document.Keywords),
            ExpiresAt = document.ExpiresAt,
        };

    /// <summary>SHA-256 of what gets indexed: an identical result skips re-indexing even if the raw file changed.</summary>
    internal static string ContentHash(ExtractedDocument document, IReadOnlyList<ChunkDraft> drafts)
    {
        var builder = new StringBuilder()
            .Append(document.Url).Append('\u001f').Append(document.Title).Append('\u001f').Append(document.Description)
            .Append('\u001f').Append(document.Language).Append('\u001f').Append(document.Kind)
            .Append('\u001f').Append(string.Join('\u001e', document.Keywords))
            .Append('\u001f').Append(document.ValidFrom?.ToString("O", CultureInfo.InvariantCulture))
            .Append('\u001f').Append(document.ExpiresAt?.ToString("O", CultureInfo.InvariantCulture))
            .Append('\u001f').Append(document.LastModified?.ToString("O", CultureInfo.InvariantCulture));
        foreach (var draft in drafts)
        {
            builder.Append('\u001d').Append(draft.Section).Append('\u001f').Append(draft.Anchor).Append('\u001f').Append(draft.Text);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    /// <summary>The state of one run: documents of the source by key and by item, counters, pending writes.</summary>
    private sealed class Run(KnowledgeIngestor owner, KnowledgeSource source, TenantSearchIndex index, DateTimeOffset now,
        IProgress<IngestionProgress>? progress)
    {
        private readonly Dictionary<string, Document> _byKey = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<Document>> _byItem = new(StringComparer.Ordinal);
        private readonly HashSet<string> _seenItems = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _pageUrls = new(StringComparer.Ordinal);
        private readonly List<Guid> _staleChunks = [];
        private readonly List<string> _touchedItems = [];
        private readonly List<DocumentError> _errors = [];
        private int _processed, _added, _updated, _unchanged, _removed, _failed, _skipped, _chunks;

        public TenantSearchIndex Index => index;

        public Dictionary<string, KnownItem> Known { get; } = new(StringComparer.Ordinal);

        public int? Total { get; set; }

        public int PendingItems { get; private set; }

        private StadtdialogDbContext Db => owner.Database;

        private ReadContext ReadContext { get; } = new(now, owner.Options.Limits,
            source.Type == KnowledgeSourceType.Faq ? ReadHint.Faq : ReadHint.Auto, source.Settings.EventWindowDays);

        public async Task LoadAsync(CancellationToken cancellationToken)
        {
            foreach (var document in await Db.Documents.Where(d => d.SourceId == source.Id).ToListAsync(cancellationToken))
            {
                Track(document);
                if (document is { Kind: DocumentKind.Page, Status: DocumentStatus.Indexed })
                {
                    // Pages indexed before own their canonical URL: another address of the same page stays a duplicate.
                    _pageUrls.TryAdd(document.Url, document.Key);
                }
            }

            foreach (var (itemKey, documents) in _byItem)
            {
                // Only items that were read successfully may be answered with 304; a failed one is fetched in full.
                var validated = documents.FirstOrDefault(d => d.ETag is not null || d.LastModifiedHeader is not null || d.Links.Count > 0);
                if (validated is not null && documents.All(d => d.Status == DocumentStatus.Indexed))
                {
                    Known[itemKey] = new KnownItem(itemKey, validated.ETag, validated.LastModifiedHeader, validated.Links);
                }
            }
        }

        public void Process(SourceItem item)
        {
            _processed++;
            PendingItems++;
            _touchedItems.Add(item.Key);
            ReportProgress(item.Key);
            switch (item)
            {
                case UnchangedItem:
                    _seenItems.Add(item.Key);
                    foreach (var document in ItemDocuments(item.Key))
                    {
                        document.Error = null;
                        _unchanged++;
                    }

                    break;
                case GoneItem gone:
                    // Not marked as seen: a former version is removed when the run completes.
                    LogGone(owner.Logger, item.Key, gone.Reason);
                    break;
                case FailedItem failed:
                    _seenItems.Add(item.Key);
                    RecordFailure(item.Key, failed.Url, failed.Message, DocumentStatus.Failed);
                    break;
                case FetchedItem fetched:
                    _seenItems.Add(item.Key);
                    Read(fetched);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown source item {item.GetType().Name}.");
            }
        }

        private void Read(FetchedItem item)
        {
            var raw = item.Document;
            var rawHash = Convert.ToHexStringLower(SHA256.HashData(raw.Content));
            var existing = ItemDocuments(item.Key);

            // Same bytes as last time: nothing to read. Calendars are read anyway: their window moves with time.
            if (existing.Count > 0 && raw.Format != FileFormat.Calendar
                && existing.All(d => d.RawHash == rawHash && d.Status == DocumentStatus.Indexed))
            {
                foreach (var document in existing)
                {
                    Remember(document, item);
                    document.Error = null;
                    _unchanged++;
                }

                return;
            }

            IReadOnlyList<ExtractedDocument> extracted;
            try
            {
                extracted = DocumentReaders.Read(raw, ReadContext);
            }
            catch (DocumentSkippedException ex)
            {
                LogSkipped(owner.Logger, item.Key, ex.Message);
                _seenItems.Remove(item.Key);
                _skipped++;
                return;
            }
            catch (NoTextLayerException ex)
            {
                RecordFailure(item.Key, raw.Url, ex.Message, DocumentStatus.NoText);
                return;
            }
            catch (DocumentReadException ex)
            {
                RecordFailure(item.Key, raw.Url, ex.Message, DocumentStatus.Failed);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A parser bug on one hostile file must not stop the run; the error is recorded.
                LogUnexpectedReadFailure(owner.Logger, ex, item.Key);
                RecordFailure(item.Key, raw.Url, $"The document could not be read: {ex.Message}", DocumentStatus.Failed);
                return;
            }

            var produced = new HashSet<string>(StringComparer.Ordinal);
            foreach (var document in extracted)
            {
                var key = document.SubKey is null ? item.Key : $"{item.Key}#{document.SubKey}";
                if (!produced.Add(key))
                {
                    continue;
                }

                // Two addresses of one page (e.g. with and without a trailing path) carry the same canonical URL.
                if (document.Kind == DocumentKind.Page && _pageUrls.TryGetValue(document.Url, out var firstKey) && firstKey != key)
                {
                    produced.Remove(key);
                    LogSkipped(owner.Logger, key, $"duplicate of {firstKey}");
                    _skipped++;
                    continue;
                }

                _pageUrls.TryAdd(document.Url, key);
                Store(item, key, rawHash, document);
            }

            if (extracted.Count == 1 && extracted[0].SubKey is null && !produced.Contains(item.Key))
            {
                // The only document was a duplicate: the item itself counts as skipped, keep nothing of it.
                _seenItems.Remove(item.Key);
                return;
            }

            // Entries the item no longer holds (a deleted FAQ row, a cancelled event).
            foreach (var gone in existing.Where(d => !produced.Contains(d.Key)).ToList())
            {
                Remove(gone);
            }
        }

        private void Store(FetchedItem item, string key, string rawHash, ExtractedDocument extracted)
        {
            var drafts = owner._chunker.Split(extracted);
            if (drafts.Count == 0)
            {
                RecordFailure(key, extracted.Url, "The document has no text to index.", DocumentStatus.Failed, item.Key);
                return;
            }

            var hash = ContentHash(extracted, drafts);
            _byKey.TryGetValue(key, out var document);
            if (document is { Status: DocumentStatus.Indexed } && document.ContentHash == hash)
            {
                document.RawHash = rawHash;
                document.Error = null;
                Remember(document, item);
                _unchanged++;
                return;
            }

            if (document is null)
            {
                document = new Document { Id = Guid.CreateVersion7(now), Key = key, Url = extracted.Url, SourceId = source.Id, ItemKey = item.Key };
                Db.Documents.Add(document);
                Track(document);
                _added++;
            }
            else
            {
                _staleChunks.Add(document.Id);
                _updated++;
            }

            document.ItemKey = item.Key;
            document.Url = extracted.Url;
            document.Title = extracted.Title;
            document.Description = extracted.Description;
            document.Language = extracted.Language;
            document.Kind = extracted.Kind;
            document.Keywords = [.. extracted.Keywords];
            document.LastModified = extracted.LastModified ?? item.Document.LastModified;
            document.ValidFrom = extracted.ValidFrom;
            document.ExpiresAt = extracted.ExpiresAt;
            document.ContentHash = hash;
            document.RawHash = rawHash;
            document.IngestedAt = now;
            document.Status = DocumentStatus.Indexed;
            document.Error = null;
            Remember(document, item);

            var chunks = drafts.Select(d => new Chunk
            {
                Id = Guid.CreateVersion7(now), DocumentId = document.Id, Ordinal = d.Ordinal, Section = d.Section,
                Anchor = d.Anchor, Text = d.Text,
            }).ToList();
            Db.Chunks.AddRange(chunks);
            _chunks += chunks.Count;
            index.ReplaceDocument(document.Id, chunks.Select(c => ToIndexed(document, c)));
        }

        private static void Remember(Document document, FetchedItem item)
        {
            document.ETag = item.ETag;
            document.LastModifiedHeader = item.LastModifiedHeader;
            if (!document.Links.SequenceEqual(item.Links))
            {
                document.Links = [.. item.Links];
            }
        }

        private void RecordFailure(string key, string url, string message, DocumentStatus status, string? itemKey = null)
        {
            _failed++;
            if (_errors.Count < MaxReportedErrors)
            {
                _errors.Add(new DocumentError(key, message));
            }

            var existing = itemKey is null ? ItemDocuments(key) : _byKey.TryGetValue(key, out var one) ? [one] : [];
            if (existing.Count == 0)
            {
                var document = new Document
                {
                    Id = Guid.CreateVersion7(now), SourceId = source.Id, Key = key, ItemKey = itemKey ?? key, Url = url,
                    Title = Path.GetFileName(key.TrimEnd('/')) is { Length: > 0 } name ? name : key,
                    Status = status, Error = message, IngestedAt = now,
                };
                Db.Documents.Add(document);
                Track(document);
                return;
            }

            foreach (var document in existing)
            {
                // Keep the previous good version searchable; only note why the new one was refused.
                document.Error = message;
                if (document.Status != DocumentStatus.Indexed)
                {
                    document.Status = status;
                }
            }
        }

        public void RemoveVanished()
        {
            foreach (var document in _byKey.Values.ToList())
            {
                if (!_seenItems.Contains(document.ItemKey) || document.ExpiresAt < now)
                {
                    Remove(document);
                }
            }
        }

        private void Remove(Document document)
        {
            Db.Documents.Remove(document);
            index.DeleteDocument(document.Id);
            _byKey.Remove(document.Key);
            if (_byItem.TryGetValue(document.ItemKey, out var list))
            {
                list.Remove(document);
            }

            _removed++;
        }

        /// <summary>Writes the batch: one short database transaction, then one index commit with the same stamp.</summary>
        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            var stamp = Guid.CreateVersion7(owner.Time.GetUtcNow()).ToString("N");
            var tenantEntity = await Db.Tenants.SingleAsync(t => t.Id == source.TenantId, cancellationToken);
            tenantEntity.IndexStamp = stamp;
            await using (var transaction = await Db.Database.BeginTransactionAsync(cancellationToken))
            {
                if (_staleChunks.Count > 0)
                {
                    foreach (var batch in _staleChunks.Chunk(500))
                    {
                        await Db.Chunks.Where(c => batch.Contains(c.DocumentId)).ExecuteDeleteAsync(cancellationToken);
                    }
                }

                await Db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            index.Commit(stamp);
            _staleChunks.Clear();
            PendingItems = 0;

            // What is written is not needed again in this run (each item comes once; only unseen documents are looked
            // at again, to remove them): memory stays flat however large the source.
            foreach (var entry in Db.ChangeTracker.Entries<Chunk>().ToList())
            {
                entry.State = EntityState.Detached;
            }

            foreach (var itemKey in _touchedItems.Where(_seenItems.Contains))
            {
                if (_byItem.Remove(itemKey, out var documents))
                {
                    foreach (var document in documents)
                    {
                        _byKey.Remove(document.Key);
                        Db.Entry(document).State = EntityState.Detached;
                    }
                }
            }

            _touchedItems.Clear();
        }

        public IngestionReport Report() => new(source.Id, _processed, _added, _updated, _unchanged, _removed, _failed, _skipped,
            _chunks, [.. _errors]);

        public void ReportProgress(string? current) => progress?.Report(new IngestionProgress(Total, _processed, current, Report()));

        private List<Document> ItemDocuments(string itemKey) => _byItem.TryGetValue(itemKey, out var list) ? list : [];

        private void Track(Document document)
        {
            _byKey[document.Key] = document;
            if (!_byItem.TryGetValue(document.ItemKey, out var list))
            {
                _byItem[document.ItemKey] = list = [];
            }

            list.Add(document);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unexpected failure reading {Key}")]
    private static partial void LogUnexpectedReadFailure(ILogger logger, Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped {Key}: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string key, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Key} is gone: {Reason}")]
    private static partial void LogGone(ILogger logger, string key, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingested {Type} source {Location} for tenant {Tenant}: {Summary}")]
    private static partial void LogRunFinished(ILogger logger, string tenant, KnowledgeSourceType type, string location, string summary);
}
