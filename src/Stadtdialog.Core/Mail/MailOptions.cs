using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using MimeKit;

namespace Stadtdialog.Mail;

/// <summary>How the connection to the SMTP server is secured.</summary>
public enum MailSecurity
{
    /// <summary>Plain SMTP, no TLS (only for a relay on the same host or a test sink).</summary>
    None,

    /// <summary>Connect in plain text and upgrade with STARTTLS; fails when the server does not offer it (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte ("implicit TLS", port 465).</summary>
    SslOnConnect,
}

/// <summary>Outgoing e-mail over SMTP (section <c>Stadtdialog:Mail</c>). Without a <see cref="Host"/>, mail is disabled and stays queued.</summary>
public sealed class MailOptions : IValidatableObject
{
    public const string Section = "Stadtdialog:Mail";

    /// <summary>SMTP server; <c>null</c> disables sending (mails stay in the outbox as pending).</summary>
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    public MailSecurity Security { get; set; } = MailSecurity.StartTls;

    /// <summary>User for SMTP AUTH; without it, no authentication is attempted.</summary>
    public string? UserName { get; set; }

    /// <summary>Password for SMTP AUTH (use an environment variable or secret store, not a file).</summary>
    public string? Password { get; set; }

    /// <summary>Sender address (<c>From</c>); required when <see cref="Host"/> is set.</summary>
    public string? FromAddress { get; set; }

    [Required]
    public string FromName { get; set; } = "Stadtdialog";

    /// <summary>Time budget of one delivery (connect, authenticate, send, disconnect).</summary>
    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>Delivery attempts before a mail is marked failed.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait before the first retry; doubles with every further attempt (capped at six hours).</summary>
    [Range(1, 86_400)]
    public int RetryBaseSeconds { get; set; } = 60;

    /// <summary>How often the outbox is checked for due mails when nobody signals a new one.</summary>
    [Range(1, 3600)]
    public int PollIntervalSeconds { get; set; } = 30;

    /// <summary>Whether mails are sent at all.</summary>
    [MemberNotNullWhen(true, nameof(Host))]
    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && string.IsNullOrWhiteSpace(FromAddress))
        {
            yield return new ValidationResult(
                $"{Section}:FromAddress is required when {Section}:Host is set.", [nameof(FromAddress)]);
        }

        if (!string.IsNullOrWhiteSpace(FromAddress) && !MailboxAddress.TryParse(FromAddress, out _))
        {
            yield return new ValidationResult(
                $"{Section}:FromAddress '{FromAddress}' is not an e-mail address.", [nameof(FromAddress)]);
        }

        if (!string.IsNullOrEmpty(UserName) && Security == MailSecurity.None && !IsLoopback(Host))
        {
            yield return new ValidationResult(
                $"{Section}:Security None with a {Section}:UserName would send the password in plain text; use StartTls or SslOnConnect.",
                [nameof(Security)]);
        }
    }

    private static bool IsLoopback(string? host) =>
        host is "localhost" || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
}
