using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Stadtdialog.Server.Features.Platform;

/// <summary>Applies database migrations before anything else starts (creates the database on first start).</summary>
internal sealed class DatabaseMigrator(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => services.MigrateDatabaseAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
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
