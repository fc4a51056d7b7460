using Microsoft.EntityFrameworkCore;
using Stadtdialog.Data;
using Stadtdialog.Generative;

namespace Stadtdialog.Server.Features.Generative;

/// <summary>
/// Loads the language detector's models in the background at start-up when any municipality offers more than one
/// language, so that the first citizen does not wait for them (several seconds; see <see cref="LanguageDetection"/>).
/// </summary>
public sealed partial class LanguageDetectionWarmup(IServiceScopeFactory scopes, ILogger<LanguageDetectionWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<StadtdialogDbContext>();
            var languages = await db.Tenants.AsNoTracking().Select(t => t.Languages).ToListAsync(stoppingToken);
            if (languages.All(l => l.Count <= 1))
            {
                return;
            }

            await Task.Yield();
            var detector = LanguageDetection.Instance;
            detector.Detect("Wie beantrage ich einen neuen Personalausweis?", ["de", "en"]);
            detector.Detect("How do I apply for a new identity card?", ["de", "en"]);
            LogWarm(logger);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Only a warm-up: the first detection loads the models itself.
            LogWarmupFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Language detection models loaded")]
    private static partial void LogWarm(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loading the language detection models at start-up failed")]
    private static partial void LogWarmupFailed(ILogger logger, Exception exception);
}
