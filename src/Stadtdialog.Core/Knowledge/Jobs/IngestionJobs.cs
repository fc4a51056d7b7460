using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stadtdialog.Data;
using Stadtdialog.Generative;
using Stadtdialog.Retrieval.Vectors;
using Stadtdialog.Knowledge.Sources;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Knowledge.Jobs;

/// <summary>A job waiting for a worker.</summary>
public sealed record QueuedJob(string TenantId, Guid JobId);

/// <summary>The in-process queue between those who request a run (API, scheduler, uploads) and the workers.</summary>
public sealed class IngestionQueue : IDisposable
{
    private readonly Channel<QueuedJob> _channel = Channel.CreateUnbounded<QueuedJob>();
    private readonly SemaphoreSlim _requests = new(1, 1);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _tenants = new(StringComparer.Ordinal);

    /// <summary>
    /// Holds the municipality's ingestion lock until disposed: runs and deletions of one municipality never overlap
    /// (they share one index writer, and a commit would publish the other's unfinished batch).
    /// </summary>
    public async Task<IDisposable> LockTenantAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var gate = _tenants.GetOrAdd(tenantId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }

    /// <summary>
    /// Runs one request for a job alone: "is a run of this source pending? if not, add one" must not interleave with
    /// another request, or two concurrent "run now" both add a run.
    /// </summary>
    public async Task<T> OneAtATimeAsync<T>(Func<Task<T>> request, CancellationToken cancellationToken = default)
    {
        await _requests.WaitAsync(cancellationToken);
        try
        {
            return await request();
        }
        finally
        {
            _requests.Release();
        }
    }

    public void Dispose()
    {
        _requests.Dispose();
        foreach (var gate in _tenants.Values)
        {
            gate.Dispose();
        }
    }

    public ValueTask EnqueueAsync(QueuedJob job, CancellationToken cancellationToken = default) =>
        _channel.Writer.WriteAsync(job, cancellationToken);

    public IAsyncEnumerable<QueuedJob> ReadAllAsync(CancellationToken cancellationToken) => _channel.Reader.ReadAllAsync(cancellationToken);
}

/// <summary>Requests and lists the ingestion jobs of the current tenant.</summary>
public sealed class IngestionJobs(StadtdialogDbContext db, TenantContext tenant, IngestionQueue queue, TimeProvider time)
{
    /// <summary>
    /// Queues a run of the source, or returns the run already queued or running (a second "refresh now" while one
    /// runs does not start another). With <paramref name="dispatch"/> false the caller runs the job itself (CLI).
    /// </summary>
    public async Task<IngestionJob> QueueAsync(Guid sourceId, JobTrigger trigger, bool dispatch = true, CancellationToken cancellationToken = default)
    {
        if (!await db.KnowledgeSources.AnyAsync(s => s.Id == sourceId, cancellationToken))
        {
            throw new NotFoundException($"The knowledge source {sourceId} does not exist.");
        }

        var (job, added) = await queue.OneAtATimeAsync(async () =>
        {
            var active = await db.IngestionJobs
                .Where(j => j.SourceId == sourceId && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running))
                .OrderByDescending(j => j.QueuedAt).FirstOrDefaultAsync(cancellationToken);
            if (active is not null)
            {
                return (active, false);
            }

            var now = time.GetUtcNow();
            var queued = new IngestionJob { Id = Guid.CreateVersion7(now), SourceId = sourceId, Trigger = trigger, Status = JobStatus.Queued, QueuedAt = now };
            db.IngestionJobs.Add(queued);
            await db.SaveChangesAsync(cancellationToken);
            return (queued, true);
        }, cancellationToken);

        if (added && dispatch)
        {
            await queue.EnqueueAsync(new QueuedJob(tenant.RequireTenantId(), job.Id), cancellationToken);
        }

        return job;
    }

    public Task<IngestionJob?> FindAsync(Guid jobId, CancellationToken cancellationToken = default) =>
        db.IngestionJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId, cancellationToken);

    public Task<List<IngestionJob>> ListAsync(Guid sourceId, int take, CancellationToken cancellationToken = default) =>
        db.IngestionJobs.AsNoTracking().Where(j => j.SourceId == sourceId)
            .OrderByDescending(j => j.QueuedAt).Take(take).ToListAsync(cancellationToken);
}

/// <summary>
/// Runs one queued job: marks it running, runs the source, writes progress about once a second (from its own
/// database context, so the ingestion's batches are not held up), and records the outcome and the next refresh.
/// </summary>
public sealed partial class IngestionJobRunner(
    IServiceScopeFactory scopes, IngestionQueue queue, TimeProvider time, ILogger<IngestionJobRunner> logger)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    public async Task<IngestionJob?> RunAsync(QueuedJob queued, IProgress<IngestionProgress>? observer = null, CancellationToken cancellationToken = default)
    {
        using var tenantLock = await queue.LockTenantAsync(queued.TenantId, cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(queued.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<StadtdialogDbContext>();
        var job = await db.IngestionJobs.SingleOrDefaultAsync(j => j.Id == queued.JobId, cancellationToken);
        if (job is not { Status: JobStatus.Queued })
        {
            return job;
        }

        job.Status = JobStatus.Running;
        job.StartedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);

        IngestionProgress? latest = null;
        var progress = new SynchronousProgress<IngestionProgress>(p =>
        {
            Volatile.Write(ref latest, p);
            observer?.Report(p);
        });

        using var stopWriting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = WriteProgressAsync(db, job, () => Volatile.Read(ref latest), stopWriting.Token);
        IngestionReport? report = null;
        try
        {
            await using var runScope = scopes.CreateAsyncScope();
            runScope.ServiceProvider.GetRequiredService<TenantContext>().Set(queued.TenantId);
            report = await runScope.ServiceProvider.GetRequiredService<KnowledgeIngestor>().RunAsync(job.SourceId, progress, cancellationToken);
            await EmbedAsync(runScope.ServiceProvider, queued.TenantId, cancellationToken);
            job.Status = JobStatus.Succeeded;
        }
        catch (SourceUnavailableException ex)
        {
            job.Status = JobStatus.Failed;
            job.Error = ex.Message;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            job.Status = JobStatus.Cancelled;
            job.Error = "The run was cancelled (server shutdown or request); what was committed before stays.";
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever else went wrong (a database or file system error, a connector bug, a timeout): the job must
            // end, or it stays "running" and every later refresh of the source returns it instead of running.
            LogJobFailed(logger, ex, queued.TenantId, job.SourceId);
            job.Status = JobStatus.Failed;
            job.Error = $"The run failed: {ex.Message}";
        }
        finally
        {
            await stopWriting.CancelAsync();
            await writer;
        }

        // The total comes from the connector's progress: a run shorter than the progress interval never wrote it.
        var final = report is not null
            ? new IngestionProgress(Volatile.Read(ref latest)?.Total ?? job.Total, report.Seen, null, report)
            : Volatile.Read(ref latest);
        if (final is not null)
        {
            Apply(job, final);
        }

        var now = time.GetUtcNow();
        job.FinishedAt = now;
        job.Current = null;
        var source = await db.KnowledgeSources.SingleOrDefaultAsync(s => s.Id == job.SourceId, CancellationToken.None);
        if (source is not null)
        {
            source.NextRunAt = source.RefreshInterval is { } interval ? now + interval : null;
            if (job.Status != JobStatus.Succeeded)
            {
                source.LastRunAt = now;
                source.LastRunSummary = $"{job.Status}: {job.Error}";
            }
        }

        await db.SaveChangesAsync(CancellationToken.None);
        LogJobFinished(logger, queued.TenantId, job.SourceId, job.Status);
        return job;
    }

    /// <summary>
    /// With an embedding model configured, the run's new passages get their vectors for hybrid retrieval (still
    /// under the tenant's lock). The indexer never throws for an unreachable endpoint: BM25 keeps working and the
    /// next run embeds what is missing.
    /// </summary>
    private static async Task EmbedAsync(IServiceProvider services, string tenantId, CancellationToken cancellationToken)
    {
        var tenant = await services.GetRequiredService<StadtdialogDbContext>().Tenants.AsNoTracking()
            .SingleOrDefaultAsync(t => t.Id == tenantId, cancellationToken);
        if (tenant is not null && services.GetRequiredService<LanguageModels>().GetEmbeddings(tenant) is { } embeddings)
        {
            await services.GetRequiredService<EmbeddingIndexer>()
                .EmbedMissingAsync(tenantId, embeddings.Generator, embeddings.Model, cancellationToken);
        }
    }

    private static async Task WriteProgressAsync(StadtdialogDbContext db, IngestionJob job, Func<IngestionProgress?> latest, CancellationToken cancellationToken)
    {
        IngestionProgress? written = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(ProgressInterval, cancellationToken);
                var current = latest();
                if (current is not null && !ReferenceEquals(current, written))
                {
                    Apply(job, current);
                    await db.SaveChangesAsync(cancellationToken);
                    written = current;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over; the final state is written by the caller.
        }
    }

    private static void Apply(IngestionJob job, IngestionProgress progress)
    {
        var report = progress.Report;
        job.Total = progress.Total ?? job.Total;
        job.Current = progress.Current;
        job.Seen = report.Seen;
        job.Added = report.Added;
        job.Updated = report.Updated;
        job.Unchanged = report.Unchanged;
        job.Removed = report.Removed;
        job.Failed = report.Failed;
        job.Skipped = report.Skipped;
        job.Chunks = report.Chunks;
        if (job.Errors.Count != report.Errors.Count)
        {
            job.Errors = [.. report.Errors.Select(e => new JobDocumentError { Key = e.Key, Message = e.Message })];
        }
    }


    [LoggerMessage(Level = LogLevel.Error, Message = "Ingestion job of tenant {Tenant}, source {Source} failed")]
    private static partial void LogJobFailed(ILogger logger, Exception exception, string tenant, Guid source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingestion job of tenant {Tenant}, source {Source}: {Status}")]
    private static partial void LogJobFinished(ILogger logger, string tenant, Guid source, JobStatus status);
}

/// <summary>
/// Runs queued jobs in the background: up to <see cref="KnowledgeOptions.MaxParallelJobs"/> at once, never two of
/// the same municipality (they share one search index writer). On start, jobs a previous process left running are
/// marked failed and jobs left queued are queued again.
/// </summary>
public sealed partial class IngestionWorker(
    IngestionQueue queue, IngestionJobRunner runner, IServiceScopeFactory scopes, IOptions<KnowledgeOptions> options,
    TimeProvider time, ILogger<IngestionWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RecoverAsync(stoppingToken);
        await Task.WhenAll(Enumerable.Range(0, options.Value.MaxParallelJobs).Select(_ => WorkAsync(stoppingToken)));
    }

    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StadtdialogDbContext>();
        var now = time.GetUtcNow();
        await db.IngestionJobs.IgnoreQueryFilters().Where(j => j.Status == JobStatus.Running).ExecuteUpdateAsync(set => set
            .SetProperty(j => j.Status, JobStatus.Failed)
            .SetProperty(j => j.FinishedAt, now)
            .SetProperty(j => j.Error, "The server stopped during the run; what was committed before stays."), cancellationToken);
        var queued = await db.IngestionJobs.IgnoreQueryFilters().Where(j => j.Status == JobStatus.Queued)
            .OrderBy(j => j.QueuedAt).Select(j => new QueuedJob(j.TenantId, j.Id)).ToListAsync(cancellationToken);
        foreach (var job in queued)
        {
            await queue.EnqueueAsync(job, cancellationToken);
        }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        await foreach (var job in queue.ReadAllAsync(stoppingToken))
        {
            try
            {
                // The runner takes the municipality's lock: one run per municipality at a time.
                await runner.RunAsync(job, cancellationToken: stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogWorkerFailure(logger, ex, job.TenantId, job.JobId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Ingestion job {Job} of tenant {Tenant} could not be run")]
    private static partial void LogWorkerFailure(ILogger logger, Exception exception, string tenant, Guid job);
}

/// <summary>Queues a run for every enabled source whose refresh interval has passed.</summary>
public sealed partial class IngestionScheduler(
    IServiceScopeFactory scopes, IOptions<KnowledgeOptions> options, TimeProvider time, ILogger<IngestionScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SchedulerIntervalSeconds), time);
        do
        {
            try
            {
                await QueueDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException)
            {
                LogSchedulerFailure(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Queues the due sources; returns how many.</summary>
    public async Task<int> QueueDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<(string TenantId, Guid Id, TimeSpan Interval)> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StadtdialogDbContext>();
            var candidates = await db.KnowledgeSources.IgnoreQueryFilters()
                .Where(s => s.Enabled && s.RefreshInterval != null && (s.NextRunAt == null || s.NextRunAt <= now))
                .Select(s => new { s.TenantId, s.Id, s.RefreshInterval }).ToListAsync(cancellationToken);
            due = [.. candidates.Select(s => (s.TenantId, s.Id, s.RefreshInterval!.Value))];
        }

        foreach (var (tenantId, sourceId, interval) in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
            var db = scope.ServiceProvider.GetRequiredService<StadtdialogDbContext>();
            await scope.ServiceProvider.GetRequiredService<IngestionJobs>().QueueAsync(sourceId, JobTrigger.Scheduled, cancellationToken: cancellationToken);
            var next = now + interval;
            await db.KnowledgeSources.Where(s => s.Id == sourceId).ExecuteUpdateAsync(set => set.SetProperty(s => s.NextRunAt, next), cancellationToken);
        }

        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The ingestion scheduler could not queue due sources")]
    private static partial void LogSchedulerFailure(ILogger logger, Exception exception);
}
