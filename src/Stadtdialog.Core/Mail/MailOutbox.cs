using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Stadtdialog.Data;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Mail;

/// <summary>An e-mail to queue; addresses are plain <c>name@domain</c> strings.</summary>
public sealed record OutgoingMail(string To, string Subject, string TextBody, string Kind)
{
    public string? ToName { get; init; }

    public string? HtmlBody { get; init; }

    public string? ReplyTo { get; init; }

    /// <summary>The <c>Message-ID</c> this mail answers, for threading in the recipient's mail program.</summary>
    public string? InReplyTo { get; init; }

    /// <summary>The record the mail is about (e.g. the case).</summary>
    public Guid? ReferenceId { get; init; }
}

/// <summary>
/// The municipality's outbox. <see cref="Enqueue"/> only adds the mail to the unit of work: the caller saves it
/// together with its own change, so a mail exists exactly when that change was committed (the outbox pattern).
/// After the save the <see cref="MailOutboxWorker"/> is woken.
/// </summary>
public sealed class MailOutbox(
    StadtdialogDbContext db, TenantContext tenant, MailSignal signal, IOptions<MailOptions> options, TimeProvider time)
{
    private bool _wakeOnSave;

    /// <summary>Whether mails are delivered; when not (no SMTP host configured) they stay pending in the outbox.</summary>
    public bool IsEnabled => options.Value.Enabled;

    /// <summary>Adds a mail of the current municipality to the unit of work (saved by the caller's <c>SaveChanges</c>).</summary>
    /// <exception cref="ArgumentException">An address is not a valid e-mail address, or a header contains a line break.</exception>
    public OutboxMail Enqueue(OutgoingMail mail)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var tenantId = tenant.RequireTenantId();
        RequireAddress(mail.To, nameof(mail.To));
        if (mail.ReplyTo is not null)
        {
            RequireAddress(mail.ReplyTo, nameof(mail.ReplyTo));
        }

        RequireSingleLine(mail.Subject, nameof(mail.Subject));
        RequireSingleLine(mail.ToName, nameof(mail.ToName));
        RequireSingleLine(mail.InReplyTo, nameof(mail.InReplyTo));
        ArgumentException.ThrowIfNullOrWhiteSpace(mail.Kind);

        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var outboxMail = new OutboxMail
        {
            Id = id,
            TenantId = tenantId,
            To = mail.To.Trim(),
            ToName = mail.ToName,
            Subject = mail.Subject,
            TextBody = mail.TextBody,
            HtmlBody = mail.HtmlBody,
            ReplyTo = mail.ReplyTo?.Trim(),
            MessageId = $"{id:N}.{tenantId}@{MessageIdDomain()}",
            InReplyTo = mail.InReplyTo?.Trim().Trim('<', '>'),
            Kind = mail.Kind,
            ReferenceId = mail.ReferenceId,
            Status = OutboxMailStatus.Pending,
            NextAttemptAt = now,
            CreatedAt = now,
        };
        db.OutboxMails.Add(outboxMail);
        if (!_wakeOnSave)
        {
            _wakeOnSave = true;
            db.SavedChanges += (_, _) => signal.Notify();
        }

        return outboxMail;
    }

    /// <summary>The municipality's mails about one record (e.g. a case), oldest first.</summary>
    public Task<List<OutboxMail>> ListAsync(Guid referenceId, CancellationToken cancellationToken = default) =>
        db.OutboxMails.AsNoTracking().Where(m => m.ReferenceId == referenceId).OrderBy(m => m.CreatedAt)
            .ToListAsync(cancellationToken);

    private string MessageIdDomain()
    {
        var from = options.Value.FromAddress;
        var at = from?.LastIndexOf('@') ?? -1;
        return at >= 0 && at < from!.Length - 1 ? from[(at + 1)..].Trim().TrimEnd('>') : "stadtdialog.invalid";
    }

    private static void RequireAddress(string address, string parameter)
    {
        if (string.IsNullOrWhiteSpace(address)
            || !MailboxAddress.TryParse(address.Trim(), out var parsed)
            || !parsed.Address.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{address}' is not an e-mail address.", parameter);
        }
    }

    private static void RequireSingleLine(string? value, string parameter)
    {
        if (value is not null && value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("A mail header must not contain line breaks.", parameter);
        }
    }
}

/// <summary>Wakes the <see cref="MailOutboxWorker"/> when mails were saved, so it does not wait for its next poll.</summary>
public sealed class MailSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Waits for a <see cref="Notify"/> (consuming it) or until <paramref name="timeout"/> has passed on <paramref name="time"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signalled = _channel.Reader.WaitToReadAsync(wait.Token).AsTask();
        var elapsed = Task.Delay(timeout, time, wait.Token);
        await Task.WhenAny(signalled, elapsed);
        await wait.CancelAsync();
        _channel.Reader.TryRead(out _);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
