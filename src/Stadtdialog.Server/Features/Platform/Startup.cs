using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Stadtdialog.Server.Features.Platform;

/// <summary>Applies database migrations before anything else starts (creates the database on first start).</summary>
internal sealed class DatabaseMigrator(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => services.MigrateDatabaseAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Checks every tenant's search index on start: an index written by an older layout, or lost (deleted folder) while
/// the database still holds the chunks, is rebuilt from the database before requests are served.
/// </summary>
internal sealed partial class SearchIndexVerifier(IServiceProvider services, ILogger<SearchIndexVerifier> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var registry = services.GetRequiredService<Stadtdialog.Retrieval.SearchIndexRegistry>();
        List<string> tenants;
        await using (var scope = services.CreateAsyncScope())
        {
            tenants = await scope.ServiceProvider.GetRequiredService<Stadtdialog.Data.StadtdialogDbContext>().Tenants
                .Select(t => t.Id).ToListAsync(cancellationToken);
        }

        foreach (var tenant in tenants)
        {
            await using var scope = services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Stadtdialog.Tenancy.TenantContext>().Set(tenant);
            var db = scope.ServiceProvider.GetRequiredService<Stadtdialog.Data.StadtdialogDbContext>();
            var index = registry.Get(tenant);
            var lost = index.ChunkCount == 0 && await db.Chunks.AnyAsync(cancellationToken);
            // A stamp that differs from the database's: the process died between a batch's database and index commits.
            var stamp = await db.Tenants.Where(t => t.Id == tenant).Select(t => t.IndexStamp).SingleAsync(cancellationToken);
            var behind = (stamp ?? "") != (index.Stamp ?? "");
            if (lost || behind || !index.IsCurrentFormat)
            {
                var chunks = await scope.ServiceProvider.GetRequiredService<Stadtdialog.Knowledge.KnowledgeIngestor>()
                    .RebuildIndexAsync(cancellationToken);
                LogRebuilt(logger, tenant, chunks);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Search index of {Tenant} was outdated or missing; rebuilt {Chunks} chunks from the database")]
    private static partial void LogRebuilt(ILogger logger, string tenant, int chunks);
}

/// <summary>Ready once start-up work (migrations, demo provisioning) is done.</summary>
public sealed class StartupHealthCheck : IHealthCheck
{
    private volatile bool _ready;

    public void MarkReady() => _ready = true;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_ready ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("Start-up work is still running."));
}

/// <summary>Stadtdialog's own metrics (OpenTelemetry meter <c>Stadtdialog</c>).</summary>
public sealed class StadtdialogMetrics : IDisposable
{
    public const string MeterName = "Stadtdialog";

    private readonly Meter _meter;
    private readonly Counter<long> _turns;
    private readonly Histogram<double> _turnDuration;

    public StadtdialogMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _turns = _meter.CreateCounter<long>("stadtdialog.chat.turns", description: "Answered chat turns by answer type");
        _turnDuration = _meter.CreateHistogram<double>("stadtdialog.chat.turn.duration", unit: "ms",
            description: "Time to produce an answer");
    }

    public void TurnAnswered(string tenant, string answerType, double milliseconds)
    {
        var tags = new TagList { { "tenant", tenant }, { "answer_type", answerType } };
        _turns.Add(1, tags);
        _turnDuration.Record(milliseconds, tags);
    }

    public void Dispose() => _meter.Dispose();
}
