using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stadtdialog.Data;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Mail;

/// <summary>
/// Delivers due outbox mails of all municipalities (a platform worker): polls every
/// <see cref="MailOptions.PollIntervalSeconds"/> or when <see cref="MailSignal"/> says mails were saved. A failed
/// attempt is retried with exponential backoff; after <see cref="MailOptions.MaxAttempts"/> attempts, or when the
/// server refuses the mail permanently (5xx), it is marked failed with the error. Delivery is at least once: a
/// crash between the server's acceptance and the status update sends the mail again after the claim expires.
/// </summary>
public sealed partial class MailOutboxWorker(
    IServiceScopeFactory scopes, SmtpMailSender sender, MailSignal signal, IOptions<MailOptions> options,
    TimeProvider time, ILogger<MailOutboxWorker> logger) : BackgroundService
{
    private const int BatchSize = 50;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(6);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            LogDisabled(logger, MailOptions.Section);
            return;
        }

        var interval = TimeSpan.FromSeconds(options.Value.PollIntervalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A full batch means more may be due: go on without waiting.
                if (await SendDueAsync(stoppingToken) >= BatchSize)
                {
                    continue;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogLoopFailure(logger, ex);
            }

            try
            {
                await signal.WaitAsync(interval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Attempts every mail that is due now, oldest first (up to one batch); returns how many were attempted.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return 0;
        }

        var now = time.GetUtcNow();
        List<DueMail> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StadtdialogDbContext>();
            due = await db.OutboxMails.IgnoreQueryFilters()
                .Where(m => m.Status == OutboxMailStatus.Pending && m.NextAttemptAt <= now)
                .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id).Take(BatchSize)
                .Select(m => new DueMail(m.TenantId, m.Id)).ToListAsync(cancellationToken);
        }

        var attempted = 0;
        foreach (var mail in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                if (await SendOneAsync(mail, cancellationToken))
                {
                    attempted++;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The outcome could not be recorded (database trouble); the claim expires and the mail is tried again.
                LogRecordFailure(logger, ex, mail.TenantId, mail.Id);
            }
        }

        return attempted;
    }

    /// <summary>The wait after the <paramref name="attempts"/>-th failed attempt: base, 2 × base, 4 × base, … up to six hours.</summary>
    public static TimeSpan Backoff(int attempts, MailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var seconds = Math.Min(options.RetryBaseSeconds * factor, MaxBackoff.TotalSeconds);
        return TimeSpan.FromSeconds(seconds);
    }

    private async Task<bool> SendOneAsync(DueMail due, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(due.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<StadtdialogDbContext>();

        // Claim the mail for the time of this attempt, so that a second worker (another server process) skips it.
        var now = time.GetUtcNow();
        var claimedUntil = now + TimeSpan.FromSeconds(settings.TimeoutSeconds * 2 + 60);
        var claimed = await db.OutboxMails
            .Where(m => m.Id == due.Id && m.Status == OutboxMailStatus.Pending && m.NextAttemptAt <= now)
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.NextAttemptAt, claimedUntil), cancellationToken);
        if (claimed == 0)
        {
            return false;
        }

        var mail = await db.OutboxMails.SingleAsync(m => m.Id == due.Id, cancellationToken);
        mail.Attempts++;
        try
        {
            await sender.SendAsync(SmtpMailSender.Build(mail, settings), cancellationToken);
            mail.Status = OutboxMailStatus.Sent;
            mail.SentAt = time.GetUtcNow();
            mail.LastError = null;
            LogSent(logger, mail.TenantId, mail.Id, mail.Kind, mail.Attempts);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            mail.LastError = Describe(ex);
            if (SmtpMailSender.IsPermanent(ex) || mail.Attempts >= settings.MaxAttempts)
            {
                mail.Status = OutboxMailStatus.Failed;
                LogFailed(logger, ex, mail.TenantId, mail.Id, mail.Kind, mail.Attempts);
            }
            else
            {
                mail.NextAttemptAt = time.GetUtcNow() + Backoff(mail.Attempts, settings);
                LogRetry(logger, mail.TenantId, mail.Id, mail.Attempts, mail.NextAttemptAt, mail.LastError);
            }
        }

        // Record the outcome even when the host is stopping: the mail may already have been accepted.
        await db.SaveChangesAsync(CancellationToken.None);
        return true;
    }

    private static string Describe(Exception exception)
    {
        var text = exception is MailKit.Net.Smtp.SmtpCommandException command
            ? $"SMTP {(int)command.StatusCode} ({command.ErrorCode}): {command.Message}"
            : $"{exception.GetType().Name}: {exception.Message}";
        if (exception.InnerException is { } inner)
        {
            text += $" ({inner.GetType().Name}: {inner.Message})";
        }

        return text.Length <= OutboxMailConfiguration.MaxErrorLength ? text : text[..OutboxMailConfiguration.MaxErrorLength];
    }

    private sealed record DueMail(string TenantId, Guid Id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail is disabled ({Section}:Host is not set); mails stay queued in the outbox")]
    private static partial void LogDisabled(ILogger logger, string section);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail {Mail} ({Kind}) of tenant {Tenant} sent (attempt {Attempt})")]
    private static partial void LogSent(ILogger logger, string tenant, Guid mail, string kind, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail {Mail} of tenant {Tenant}: attempt {Attempt} failed, next at {NextAttemptAt}: {Error}")]
    private static partial void LogRetry(ILogger logger, string tenant, Guid mail, int attempt, DateTimeOffset nextAttemptAt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mail {Mail} ({Kind}) of tenant {Tenant} failed for good after {Attempt} attempt(s)")]
    private static partial void LogFailed(ILogger logger, Exception exception, string tenant, Guid mail, string kind, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record the delivery of mail {Mail} of tenant {Tenant}")]
    private static partial void LogRecordFailure(ILogger logger, Exception exception, string tenant, Guid mail);

    [LoggerMessage(Level = LogLevel.Error, Message = "The mail outbox worker failed; it tries again at the next poll")]
    private static partial void LogLoopFailure(ILogger logger, Exception exception);
}
