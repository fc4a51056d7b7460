using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Stadtdialog.Mail;

/// <summary>Delivers one message over SMTP with MailKit: connect, authenticate (when configured), send, disconnect.</summary>
public sealed class SmtpMailSender(IOptions<MailOptions> options)
{
    /// <exception cref="InvalidOperationException">Mail is disabled (no host configured).</exception>
    /// <exception cref="TimeoutException">The delivery took longer than <see cref="MailOptions.TimeoutSeconds"/>.</exception>
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var settings = options.Value;
        if (!settings.Enabled)
        {
            throw new InvalidOperationException($"Mail is disabled: {MailOptions.Section}:Host is not set.");
        }

        var budget = TimeSpan.FromSeconds(settings.TimeoutSeconds);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(budget);
        using var client = new SmtpClient { Timeout = (int)budget.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(settings.Host, settings.Port, ToSocketOptions(settings.Security), timeout.Token);
            if (!string.IsNullOrEmpty(settings.UserName))
            {
                await client.AuthenticateAsync(settings.UserName, settings.Password ?? "", timeout.Token);
            }

            await client.SendAsync(message, timeout.Token);
            await client.DisconnectAsync(quit: true, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The SMTP server did not complete the delivery within {settings.TimeoutSeconds} s.");
        }
    }

    /// <summary>The MIME message of an outbox mail, with the configured sender.</summary>
    public static MimeMessage Build(OutboxMail mail, MailOptions options)
    {
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentNullException.ThrowIfNull(options);
        var message = new MimeMessage
        {
            Subject = mail.Subject,
            MessageId = mail.MessageId,
            Date = mail.CreatedAt,
        };
        message.From.Add(new MailboxAddress(options.FromName, options.FromAddress
            ?? throw new InvalidOperationException($"{MailOptions.Section}:FromAddress is not set.")));
        message.To.Add(new MailboxAddress(mail.ToName ?? "", mail.To));
        if (mail.ReplyTo is not null)
        {
            message.ReplyTo.Add(MailboxAddress.Parse(mail.ReplyTo));
        }

        if (mail.InReplyTo is not null)
        {
            message.InReplyTo = mail.InReplyTo;
            message.References.Add(mail.InReplyTo);
        }

        var body = new BodyBuilder { TextBody = mail.TextBody, HtmlBody = mail.HtmlBody };
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>Whether a failure will not go away by trying again: the server refused the sender, a recipient or the message with a 5xx reply.</summary>
    public static bool IsPermanent(Exception exception) =>
        exception is SmtpCommandException { ErrorCode: not SmtpErrorCode.UnexpectedStatusCode } command
        && (int)command.StatusCode >= 500;

    private static SecureSocketOptions ToSocketOptions(MailSecurity security) => security switch
    {
        MailSecurity.None => SecureSocketOptions.None,
        MailSecurity.StartTls => SecureSocketOptions.StartTls,
        MailSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => throw new ArgumentOutOfRangeException(nameof(security), security, null),
    };
}
