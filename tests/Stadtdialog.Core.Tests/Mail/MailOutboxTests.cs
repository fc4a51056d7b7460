using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stadtdialog.Data;
using Stadtdialog.Mail;
using Stadtdialog.Tests;
using Xunit;

namespace Stadtdialog.Core.Tests.Mail;

/// <summary>The outbox against a real SMTP server on loopback (<see cref="SmtpSink"/>), with a fake clock for the backoff.</summary>
public sealed class MailOutboxTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly SmtpSink _sink = new();
    private CoreHost _host = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await StartHostAsync(maxAttempts: 3);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sink.DisposeAsync();
    }

    [Fact]
    public async Task An_enqueued_mail_is_delivered_with_german_text_sender_recipient_and_reply_to()
    {
        var caseId = Guid.CreateVersion7();
        var queued = await EnqueueAsync("stadt-a", Mail("buerger@example.org", "Ihre Anfrage Nr. 2026-0042") with
        {
            ToName = "Jürgen Müller",
            ReplyTo = "buergerbuero@stadt-a.example",
            InReplyTo = "<anfrage-42@stadt-a.example>",
            ReferenceId = caseId,
            HtmlBody = "<p>Grüße aus dem Rathaus</p>",
        });

        Assert.Equal(1, await SendDueAsync());

        var received = await _sink.WaitForMessageAsync(m => m.Message.Subject == "Ihre Anfrage Nr. 2026-0042", Wait);
        var message = received.Message;
        Assert.Equal("noreply@stadtdialog.example", received.MailFrom);
        Assert.Equal(["buerger@example.org"], received.Recipients);
        Assert.Equal("Stadtdialog Musterstadt", message.From.Mailboxes.Single().Name);
        Assert.Equal("noreply@stadtdialog.example", message.From.Mailboxes.Single().Address);
        Assert.Equal("Jürgen Müller", message.To.Mailboxes.Single().Name);
        Assert.Equal("buergerbuero@stadt-a.example", message.ReplyTo.Mailboxes.Single().Address);
        Assert.Contains("Sehr geehrte Damen und Herren, Ihre Anfrage Nr. 2026-0042 ist eingegangen. Grüße, Ihr Bürgerbüro (Öffnungszeiten: Mo–Fr)",
            message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Grüße aus dem Rathaus", message.HtmlBody, StringComparison.Ordinal);
        Assert.Equal(queued.MessageId, message.MessageId);
        Assert.Equal("anfrage-42@stadt-a.example", message.InReplyTo);
        Assert.Equal(["anfrage-42@stadt-a.example"], message.References);

        var stored = await MailAsync("stadt-a", queued.Id);
        Assert.Equal(OutboxMailStatus.Sent, stored.Status);
        Assert.Equal(1, stored.Attempts);
        Assert.Equal(_host.Time.GetUtcNow(), stored.SentAt);
        Assert.Null(stored.LastError);
        var listed = await _host.InTenantAsync("stadt-a", sp => sp.GetRequiredService<MailOutbox>().ListAsync(caseId, Token));
        Assert.Equal([queued.Id], listed.Select(m => m.Id));
        Assert.Equal(0, await SendDueAsync()); // sent once, not again
    }

    [Fact]
    public async Task A_temporary_451_is_retried_after_the_backoff_and_then_delivered()
    {
        _sink.RejectNextTransactions(1);
        var queued = await EnqueueAsync("stadt-a", Mail("buerger@example.org", "Ihre Anfrage Nr. 7"));

        Assert.Equal(1, await SendDueAsync());
        var afterFailure = await MailAsync("stadt-a", queued.Id);
        Assert.Equal(OutboxMailStatus.Pending, afterFailure.Status);
        Assert.Equal(1, afterFailure.Attempts);
        Assert.Contains("451", afterFailure.LastError, StringComparison.Ordinal);
        Assert.Equal(_host.Time.GetUtcNow() + TimeSpan.FromSeconds(60), afterFailure.NextAttemptAt);
        Assert.Empty(_sink.Messages);

        _host.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, await SendDueAsync()); // not due yet

        _host.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await SendDueAsync());
        await _sink.WaitForMessageAsync(m => m.Message.Subject == "Ihre Anfrage Nr. 7", Wait);
        var sent = await MailAsync("stadt-a", queued.Id);
        Assert.Equal(OutboxMailStatus.Sent, sent.Status);
        Assert.Equal(2, sent.Attempts);
        Assert.Equal(2, _sink.Transactions);
    }

    [Fact]
    public async Task A_dropped_connection_is_retried()
    {
        _sink.DropNextConnections(1);
        var queued = await EnqueueAsync("stadt-a", Mail("buerger@example.org", "Verbindung"));

        await SendDueAsync();
        Assert.Equal(OutboxMailStatus.Pending, (await MailAsync("stadt-a", queued.Id)).Status);

        _host.Time.Advance(TimeSpan.FromMinutes(1));
        await SendDueAsync();
        await _sink.WaitForMessageAsync(m => m.Message.Subject == "Verbindung", Wait);
        Assert.Equal(OutboxMailStatus.Sent, (await MailAsync("stadt-a", queued.Id)).Status);
        Assert.Equal(2, _sink.Connections);
    }

    [Fact]
    public async Task After_max_attempts_the_mail_is_failed_with_the_last_error()
    {
        _sink.RejectNextTransactions(100);
        var queued = await EnqueueAsync("stadt-a", Mail("buerger@example.org", "Nie zugestellt"));

        var waits = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            Assert.Equal(1, await SendDueAsync());
            var mail = await MailAsync("stadt-a", queued.Id);
            Assert.Equal(attempt, mail.Attempts);
            if (mail.Status == OutboxMailStatus.Pending)
            {
                waits.Add(mail.NextAttemptAt - _host.Time.GetUtcNow());
                _host.Time.Advance(mail.NextAttemptAt - _host.Time.GetUtcNow());
            }
        }

        var failed = await MailAsync("stadt-a", queued.Id);
        Assert.Equal(OutboxMailStatus.Failed, failed.Status);
        Assert.Equal(3, failed.Attempts);
        Assert.Contains("451", failed.LastError, StringComparison.Ordinal);
        Assert.Equal([TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120)], waits); // exponential backoff
        _host.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await SendDueAsync()); // failed mails are not tried again
        Assert.Equal(3, _sink.Transactions);
        Assert.Empty(_sink.Messages);
    }

    [Fact]
    public async Task Without_a_host_mails_stay_pending_and_nothing_throws()
    {
        await using var host = await CoreHost.StartAsync(Token);
        var queued = await host.InTenantAsync("stadt-a", async sp =>
        {
            var outbox = sp.GetRequiredService<MailOutbox>();
            Assert.False(outbox.IsEnabled);
            var mail = outbox.Enqueue(Mail("buerger@example.org", "Wartet"));
            await sp.GetRequiredService<StadtdialogDbContext>().SaveChangesAsync(Token);
            return mail;
        });

        var worker = await host.WithoutTenantAsync(sp => Task.FromResult(sp.GetRequiredService<MailOutboxWorker>()));
        Assert.Equal(0, await worker.SendDueAsync(Token));
        await worker.StartAsync(Token);
        Assert.NotNull(worker.ExecuteTask);
        await worker.ExecuteTask.WaitAsync(Wait, Token); // the worker ends quietly
        await worker.StopAsync(Token);

        var stored = await host.InTenantAsync("stadt-a", sp =>
            sp.GetRequiredService<StadtdialogDbContext>().OutboxMails.SingleAsync(m => m.Id == queued.Id, Token));
        Assert.Equal(OutboxMailStatus.Pending, stored.Status);
        Assert.Equal(0, stored.Attempts);
        Assert.Equal("stadtdialog.invalid", stored.MessageId.Split('@')[1]);
    }

    [Fact]
    public async Task A_municipality_sees_only_its_own_mails_and_the_worker_delivers_all()
    {
        var a = await EnqueueAsync("stadt-a", Mail("a@example.org", "Von A"));
        var b = await EnqueueAsync("stadt-b", Mail("b@example.org", "Von B"));

        var seenByB = await _host.InTenantAsync("stadt-b", sp =>
            sp.GetRequiredService<StadtdialogDbContext>().OutboxMails.Select(m => m.Id).ToListAsync(Token));
        var aByIdFromB = await _host.InTenantAsync("stadt-b", sp =>
            sp.GetRequiredService<StadtdialogDbContext>().OutboxMails.CountAsync(m => m.Id == a.Id, Token));
        var withoutTenant = await _host.WithoutTenantAsync(sp =>
            sp.GetRequiredService<StadtdialogDbContext>().OutboxMails.CountAsync(Token));

        Assert.Equal([b.Id], seenByB);
        Assert.Equal(0, aByIdFromB);
        Assert.Equal(0, withoutTenant);
        Assert.Equal("stadt-a", a.TenantId);

        Assert.Equal(2, await SendDueAsync());
        await _sink.WaitForMessageAsync(m => m.Message.Subject == "Von A", Wait);
        await _sink.WaitForMessageAsync(m => m.Message.Subject == "Von B", Wait);
        Assert.Equal(OutboxMailStatus.Sent, (await MailAsync("stadt-a", a.Id)).Status);
        Assert.Equal(OutboxMailStatus.Sent, (await MailAsync("stadt-b", b.Id)).Status);
    }

    [Fact]
    public async Task The_running_worker_is_woken_by_a_saved_mail()
    {
        var worker = await _host.WithoutTenantAsync(sp => Task.FromResult(sp.GetRequiredService<MailOutboxWorker>()));
        await worker.StartAsync(Token);
        try
        {
            // The fake clock never reaches the poll interval: only the signal after SaveChanges can wake the worker.
            await EnqueueAsync("stadt-a", Mail("buerger@example.org", "Sofort"));
            await _sink.WaitForMessageAsync(m => m.Message.Subject == "Sofort", Wait);
        }
        finally
        {
            await worker.StopAsync(Token);
        }
    }

    [Fact]
    public async Task Invalid_addresses_are_refused_when_enqueued()
    {
        await _host.InTenantAsync("stadt-a", sp =>
        {
            var outbox = sp.GetRequiredService<MailOutbox>();
            Assert.Throws<ArgumentException>(() => outbox.Enqueue(Mail("keine-adresse", "x")));
            Assert.Throws<ArgumentException>(() => outbox.Enqueue(Mail("a@example.org", "Zeile\r\nBcc: b@example.org")));
            return Task.CompletedTask;
        });
    }

    [Theory]
    [InlineData("smtp.example.org", null, false)]
    [InlineData("smtp.example.org", "keine-adresse@", false)]
    [InlineData("smtp.example.org", "noreply@stadt.example", true)]
    [InlineData(null, null, true)]
    public void A_host_requires_a_valid_sender(string? host, string? from, bool valid)
    {
        var options = new MailOptions { Host = host, FromAddress = from };
        var results = new List<ValidationResult>();

        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
    }

    private async Task<CoreHost> StartHostAsync(int maxAttempts) =>
        await CoreHost.StartAsync(Token, new Dictionary<string, string?>
        {
            ["Stadtdialog:Mail:Host"] = _sink.Host,
            ["Stadtdialog:Mail:Port"] = _sink.Port.ToString(CultureInfo.InvariantCulture),
            ["Stadtdialog:Mail:Security"] = "None",
            ["Stadtdialog:Mail:FromAddress"] = "noreply@stadtdialog.example",
            ["Stadtdialog:Mail:FromName"] = "Stadtdialog Musterstadt",
            ["Stadtdialog:Mail:MaxAttempts"] = maxAttempts.ToString(CultureInfo.InvariantCulture),
            ["Stadtdialog:Mail:RetryBaseSeconds"] = "60",
            ["Stadtdialog:Mail:TimeoutSeconds"] = "10",
        });

    private static OutgoingMail Mail(string to, string subject) => new(
        to, subject,
        $"Sehr geehrte Damen und Herren, {subject} ist eingegangen. Grüße, Ihr Bürgerbüro (Öffnungszeiten: Mo–Fr)",
        "case-notification");

    private Task<OutboxMail> EnqueueAsync(string tenantId, OutgoingMail mail) =>
        _host.InTenantAsync(tenantId, async sp =>
        {
            var queued = sp.GetRequiredService<MailOutbox>().Enqueue(mail);
            await sp.GetRequiredService<StadtdialogDbContext>().SaveChangesAsync(Token);
            return queued;
        });

    private Task<int> SendDueAsync() =>
        _host.WithoutTenantAsync(sp => sp.GetRequiredService<MailOutboxWorker>().SendDueAsync(Token));

    private Task<OutboxMail> MailAsync(string tenantId, Guid id) =>
        _host.InTenantAsync(tenantId, sp =>
            sp.GetRequiredService<StadtdialogDbContext>().OutboxMails.AsNoTracking().SingleAsync(m => m.Id == id, Token));
}
