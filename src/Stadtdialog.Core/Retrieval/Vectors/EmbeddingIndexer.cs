using System.Collections.Concurrent;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stadtdialog.Data;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Retrieval.Vectors;

/// <summary>
/// Brings a tenant's chunk vectors up to date for its embedding model: vectors of other models are removed, chunks
/// without a vector are embedded in batches (title, section and text, truncated), and the store's cache is dropped.
/// Chunks removed by ingestion take their vectors with them (foreign key cascade), and unchanged documents keep
/// their chunks, so a run after an ingestion without changes embeds nothing. Run it after each ingestion run.
/// <para>
/// The embedding endpoint is outside our control: when it fails, the run stops, logs, and reports what it stored;
/// the chunks left over are embedded by the next run, and keyword search is unaffected meanwhile.
/// </para>
/// </summary>
public sealed partial class EmbeddingIndexer(
    IVectorStore store,
    IServiceScopeFactory scopes,
    IOptions<VectorOptions> options,
    ILogger<EmbeddingIndexer> logger) : IDisposable
{
    /// <summary>Chunks whose texts are read from the database at once (several embedding batches).</summary>
    private const int ReadPage = 512;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _tenants = new(StringComparer.Ordinal);

    /// <summary>Embeds the tenant's chunks that have no vector of <paramref name="model"/>; returns how many were stored.</summary>
    public async Task<int> EmbedMissingAsync(
        string tenantId,
        IEmbeddingGenerator<string, Embedding<float>> generator,
        string model,
        CancellationToken cancellationToken)
    {
        // Two runs for one tenant would embed the same chunks twice; the second waits and then finds nothing to do.
        var gate = _tenants.GetOrAdd(tenantId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        var stored = 0;
        try
        {
            await store.RemoveOtherModelsAsync(tenantId, model, cancellationToken);
            var missing = await store.MissingAsync(tenantId, model, cancellationToken);
            var settings = options.Value;
            var generation = new EmbeddingGenerationOptions { ModelId = model };
            foreach (var page in missing.Order().Chunk(ReadPage))
            {
                var inputs = await InputsAsync(tenantId, page, settings.MaxInputChars, cancellationToken);
                foreach (var batch in inputs.Chunk(settings.BatchSize))
                {
                    GeneratedEmbeddings<Embedding<float>> embeddings;
                    try
                    {
                        embeddings = await generator.GenerateAsync(batch.Select(b => b.Text), generation, cancellationToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        LogEmbeddingFailed(logger, ex, tenantId, model, stored, missing.Count);
                        return stored;
                    }

                    if (embeddings.Count != batch.Length)
                    {
                        LogWrongCount(logger, tenantId, model, batch.Length, embeddings.Count);
                        return stored;
                    }

                    var items = batch.Select((b, i) => (b.ChunkId, b.DocumentId, embeddings[i].Vector)).ToList();
                    stored += await store.UpsertAsync(tenantId, model, items, cancellationToken);
                }
            }

            LogEmbedded(logger, tenantId, model, stored);
            return stored;
        }
        finally
        {
            store.Invalidate(tenantId);
            gate.Release();
        }
    }

    /// <summary>What the model reads for a chunk: the document title, the section path and the text.</summary>
    public static string InputText(string title, string section, string text, int maxChars)
    {
        var builder = new StringBuilder(Math.Min(maxChars, title.Length + section.Length + text.Length + 2));
        foreach (var part in (ReadOnlySpan<string>)[title, section, text])
        {
            if (string.IsNullOrWhiteSpace(part))
            {
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append('\n');
            }

            builder.Append(part.Trim());
        }

        if (builder.Length > maxChars)
        {
            // Do not leave half a surrogate pair at the cut.
            var cut = char.IsHighSurrogate(builder[maxChars - 1]) ? maxChars - 1 : maxChars;
            builder.Length = cut;
        }

        return builder.ToString();
    }

    private async Task<List<(Guid ChunkId, Guid DocumentId, string Text)>> InputsAsync(
        string tenantId, Guid[] chunkIds, int maxChars, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<StadtdialogDbContext>();
        var rows = await db.Chunks.AsNoTracking()
            .Where(c => chunkIds.Contains(c.Id))
            .Select(c => new { c.Id, c.DocumentId, c.Section, c.Text, c.Document!.Title })
            .ToListAsync(cancellationToken);

        // Chunks deleted since they were found missing are simply not there.
        return rows.OrderBy(r => r.Id).Select(r => (r.Id, r.DocumentId, InputText(r.Title, r.Section, r.Text, maxChars))).ToList();
    }

    public void Dispose()
    {
        foreach (var gate in _tenants.Values)
        {
            gate.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Embedding for tenant {Tenant} with model {Model} failed after {Stored} of {Missing} chunks; the rest waits for the next run")]
    private static partial void LogEmbeddingFailed(ILogger logger, Exception exception, string tenant, string model, int stored, int missing);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The embedding model {Model} of tenant {Tenant} returned {Returned} vectors for {Sent} texts; stopping")]
    private static partial void LogWrongCount(ILogger logger, string tenant, string model, int sent, int returned);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded {Stored} chunks of tenant {Tenant} with model {Model}")]
    private static partial void LogEmbedded(ILogger logger, string tenant, string model, int stored);
}
