using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Stadtdialog.Data;
using Stadtdialog.Knowledge.Readers;
using Stadtdialog.Retrieval;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Knowledge;

/// <summary>Counters of one ingestion run.</summary>
public sealed record IngestionProgress(int Total, int Processed, string? Current);

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
/// Ingests a folder of HTML and Markdown files into the current tenant's knowledge: incremental (content hashes;
/// unchanged files are skipped, vanished files removed), robust (a broken file becomes a per-document error and the
/// previous good version stays searchable) and atomic (database transaction plus one index commit per run).
/// </summary>
public sealed partial class KnowledgeIngestor(
    StadtdialogDbContext db,
    TenantContext tenant,
    SearchIndexRegistry indexes,
    TimeProvider time,
    ILogger<KnowledgeIngestor> logger)
{
    /// <summary>Files larger than this are refused (a municipal page or leaflet is far smaller).</summary>
    public const long MaxFileBytes = 5 * 1024 * 1024;

    private static readonly string[] Extensions = [".html", ".htm", ".md", ".markdown"];

    private readonly Chunker _chunker = new();

    public async Task<IngestionReport> IngestFolderAsync(
        string folder, IProgress<IngestionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var tenantId = tenant.RequireTenantId();
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The folder '{root}' does not exist.");
        }

        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).Any(p => p.StartsWith('.')))
            .Order(StringComparer.Ordinal)
            .ToList();

        var now = time.GetUtcNow();
        var source = await db.KnowledgeSources.SingleOrDefaultAsync(
            s => s.Type == KnowledgeSourceType.Folder && s.Location == root, cancellationToken);
        if (source is null)
        {
            source = new KnowledgeSource
            {
                Id = Guid.CreateVersion7(now), Name = Path.GetFileName(root), Type = KnowledgeSourceType.Folder,
                Location = root, CreatedAt = now,
            };
            db.KnowledgeSources.Add(source);
        }

        var existing = await db.Documents.Where(d => d.SourceId == source.Id)
            .ToDictionaryAsync(d => d.Key, StringComparer.Ordinal, cancellationToken);
        var index = indexes.Get(tenantId);
        var errors = new List<DocumentError>();
        int added = 0, updated = 0, unchanged = 0, skipped = 0, chunkCount = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            for (var i = 0; i < files.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var key = Path.GetRelativePath(root, files[i]).Replace(Path.DirectorySeparatorChar, '/');
                seen.Add(key);
                progress?.Report(new IngestionProgress(files.Count, i, key));
                existing.TryGetValue(key, out var document);

                byte[] bytes;
                try
                {
                    bytes = await ReadLimitedAsync(files[i], cancellationToken);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DocumentReadException)
                {
                    errors.Add(RecordFailure(source, key, document, ex.Message, now));
                    continue;
                }

                var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
                if (document is not null && document.ContentHash == hash)
                {
                    // Back to the indexed version (e.g. a broken upload was reverted): nothing to re-index.
                    document.Error = null;
                    unchanged++;
                    continue;
                }

                ExtractedDocument extracted;
                IReadOnlyList<ChunkDraft> drafts;
                try
                {
                    extracted = Extract(key, bytes);
                    drafts = _chunker.Split(extracted);
                    if (drafts.Count == 0)
                    {
                        throw new DocumentReadException("The document has no text to index.");
                    }
                }
                catch (DocumentSkippedException ex)
                {
                    // Not an error: the document is deliberately left out (and a former version removed below).
                    LogSkipped(logger, key, ex.Message);
                    seen.Remove(key);
                    skipped++;
                    continue;
                }
                catch (DocumentReadException ex)
                {
                    errors.Add(RecordFailure(source, key, document, ex.Message, now));
                    continue;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A parser bug on one hostile file must not stop the run; the error is recorded.
                    LogUnexpectedReadFailure(logger, ex, key);
                    errors.Add(RecordFailure(source, key, document, $"The document could not be read: {ex.Message}", now));
                    continue;
                }

                if (document is null)
                {
                    document = new Document { Id = Guid.CreateVersion7(now), Key = key, Url = extracted.Url, SourceId = source.Id };
                    db.Documents.Add(document);
                    added++;
                }
                else
                {
                    await db.Chunks.Where(c => c.DocumentId == document.Id).ExecuteDeleteAsync(cancellationToken);
                    updated++;
                }

                document.Url = extracted.Url;
                document.Title = extracted.Title;
                document.Description = extracted.Description;
                document.Language = extracted.Language;
                document.LastModified = extracted.LastModified;
                document.ContentHash = hash;
                document.IngestedAt = now;
                document.Status = DocumentStatus.Indexed;
                document.Error = null;
                var chunks = drafts.Select(d => new Chunk
                {
                    Id = Guid.CreateVersion7(now), DocumentId = document.Id, Ordinal = d.Ordinal, Section = d.Section,
                    Anchor = d.Anchor, Text = d.Text,
                }).ToList();
                db.Chunks.AddRange(chunks);
                chunkCount += chunks.Count;
                index.ReplaceDocument(document.Id, chunks.Select(c => ToIndexed(document, c)));
            }

            var vanished = existing.Values.Where(d => !seen.Contains(d.Key)).ToList();
            foreach (var gone in vanished)
            {
                db.Documents.Remove(gone);
                index.DeleteDocument(gone.Id);
            }

            var report = new IngestionReport(source.Id, files.Count, added, updated, unchanged, vanished.Count,
                errors.Count, skipped, chunkCount, errors);
            source.LastRunAt = now;
            source.LastRunSummary = report.ToString();
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            index.Commit();
            progress?.Report(new IngestionProgress(files.Count, files.Count, null));
            LogRunFinished(logger, tenantId, root, report.ToString());
            return report;
        }
        catch
        {
            index.Rollback();
            throw;
        }
    }

    /// <summary>Rebuilds the tenant's search index from the chunks stored in the database.</summary>
    public async Task<int> RebuildIndexAsync(CancellationToken cancellationToken = default)
    {
        var index = indexes.Get(tenant.RequireTenantId());
        index.DeleteAll();
        var count = 0;
        var documents = await db.Documents.AsNoTracking().Include(d => d.Chunks)
            .Where(d => d.Chunks.Count > 0).ToListAsync(cancellationToken);
        foreach (var document in documents)
        {
            index.ReplaceDocument(document.Id, document.Chunks.OrderBy(c => c.Ordinal).Select(c => ToIndexed(document, c)));
            count += document.Chunks.Count;
        }

        index.Commit();
        return count;
    }

    internal static IndexedChunk ToIndexed(Document document, Chunk chunk) =>
        new(chunk.Id, document.Id, document.Url, document.Key, document.Title, chunk.Section, chunk.Anchor, chunk.Text, chunk.Ordinal);

    private DocumentError RecordFailure(KnowledgeSource source, string key, Document? document, string message, DateTimeOffset now)
    {
        if (document is null)
        {
            db.Documents.Add(new Document
            {
                Id = Guid.CreateVersion7(now), SourceId = source.Id, Key = key, Url = key, Title = key,
                Status = DocumentStatus.Failed, Error = message, IngestedAt = now,
            });
        }
        else
        {
            // Keep the previous good version searchable; only note why the new one was refused.
            document.Error = message;
        }

        return new DocumentError(key, message);
    }

    private static async Task<byte[]> ReadLimitedAsync(string path, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        if (info.Length > MaxFileBytes)
        {
            throw new DocumentReadException(
                $"The file is {info.Length / 1024 / 1024.0:0.0} MB; the limit is {MaxFileBytes / 1024 / 1024} MB.");
        }

        return await File.ReadAllBytesAsync(path, cancellationToken);
    }

    internal static ExtractedDocument Extract(string key, byte[] bytes)
    {
        var text = Decode(bytes);
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new DocumentReadException("The file is binary, not text.");
        }

        var extension = Path.GetExtension(key).ToLowerInvariant();
        return extension is ".md" or ".markdown"
            ? MarkdownDocumentReader.Read(text, key)
            : HtmlDocumentReader.Read(text, key);
    }

    /// <summary>UTF-8 (with or without BOM); files that are not valid UTF-8 are read as Windows-1252/Latin-1.</summary>
    private static string Decode(byte[] bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unexpected failure reading {Key}")]
    private static partial void LogUnexpectedReadFailure(ILogger logger, Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped {Key}: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string key, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingested {Folder} for tenant {Tenant}: {Summary}")]
    private static partial void LogRunFinished(ILogger logger, string tenant, string folder, string summary);
}
