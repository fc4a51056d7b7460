using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Stadtdialog.Data;

namespace Stadtdialog.Mail;

public enum OutboxMailStatus
{
    /// <summary>Waiting for its (next) delivery attempt.</summary>
    Pending,

    /// <summary>Accepted by the SMTP server.</summary>
    Sent,

    /// <summary>Given up: rejected permanently or out of attempts (see <see cref="OutboxMail.LastError"/>).</summary>
    Failed,
}

/// <summary>
/// An e-mail in the outbox: written in the same transaction as the change that causes it (a case, a reply) and
/// delivered by <see cref="MailOutboxWorker"/>, with retries, once that transaction has committed.
/// </summary>
public sealed class OutboxMail : ITenantScoped
{
    public Guid Id { get; set; }

    public string TenantId { get; set; } = "";

    /// <summary>Recipient address.</summary>
    public string To { get; set; } = "";

    /// <summary>Recipient display name.</summary>
    public string? ToName { get; set; }

    public string Subject { get; set; } = "";

    public string TextBody { get; set; } = "";

    public string? HtmlBody { get; set; }

    /// <summary>Where answers should go (e.g. the department's mailbox), or <c>null</c> for the sender.</summary>
    public string? ReplyTo { get; set; }

    /// <summary>The <c>Message-ID</c> (without angle brackets); fixed at enqueue time so that retries keep it.</summary>
    public string MessageId { get; set; } = "";

    /// <summary>The <c>Message-ID</c> this mail answers (<c>In-Reply-To</c> and <c>References</c>), for threading.</summary>
    public string? InReplyTo { get; set; }

    /// <summary>What the mail is, e.g. <c>case-notification</c> or <c>case-reply</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>The record the mail is about (e.g. the case), for listing its mails.</summary>
    public Guid? ReferenceId { get; set; }

    public OutboxMailStatus Status { get; set; }

    public int Attempts { get; set; }

    /// <summary>When the mail is due (again); a worker that claims it pushes this forward for the time of its attempt.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }
}

internal sealed class OutboxMailConfiguration : IEntityTypeConfiguration<OutboxMail>
{
    public const int MaxErrorLength = 2000;

    public void Configure(EntityTypeBuilder<OutboxMail> builder)
    {
        builder.Property(m => m.To).HasMaxLength(320);
        builder.Property(m => m.ToName).HasMaxLength(200);
        builder.Property(m => m.Subject).HasMaxLength(998);
        builder.Property(m => m.ReplyTo).HasMaxLength(320);
        builder.Property(m => m.MessageId).HasMaxLength(300);
        builder.Property(m => m.InReplyTo).HasMaxLength(300);
        builder.Property(m => m.Kind).HasMaxLength(64);
        builder.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.LastError).HasMaxLength(MaxErrorLength);
        builder.HasIndex(m => new { m.Status, m.NextAttemptAt });
        builder.HasIndex(m => new { m.TenantId, m.ReferenceId });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
