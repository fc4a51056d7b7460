using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace Stadtdialog.Tests;

/// <summary>One message the <see cref="SmtpSink"/> accepted: the envelope and the parsed message.</summary>
public sealed record ReceivedMail(string MailFrom, IReadOnlyList<string> Recipients, MimeMessage Message, byte[] Raw);

/// <summary>
/// A real SMTP server on loopback (a free port) that speaks enough RFC 5321 for MailKit: EHLO/HELO, MAIL FROM,
/// RCPT TO, DATA (with dot-unstuffing), RSET, NOOP, QUIT. It offers SIZE, 8BITMIME and SMTPUTF8 but no STARTTLS and
/// no AUTH, so clients connect with security None and without a user. Accepted messages are parsed with MimeKit.
/// It can reject the next transactions with a temporary <c>451</c> or drop the next connections mid-transaction.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<ReceivedMail> _messages = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentBag<Task> _sessions = [];
    private readonly Task _acceptLoop;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _rejectNext;
    private int _dropNext;
    private int _connections;
    private int _transactions;

    public SmtpSink()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptAsync(_stop.Token);
    }

    public string Host { get; } = "127.0.0.1";

    public int Port { get; }

    /// <summary>The messages accepted so far, in order.</summary>
    public IReadOnlyList<ReceivedMail> Messages => [.. _messages];

    /// <summary>Connections accepted so far (dropped ones included).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Transactions that reached the end of DATA (accepted or rejected).</summary>
    public int Transactions => Volatile.Read(ref _transactions);

    /// <summary>Answers the end of DATA of the next <paramref name="count"/> transactions with <c>451</c> (try again later).</summary>
    public void RejectNextTransactions(int count) => Volatile.Write(ref _rejectNext, count);

    /// <summary>Closes the next <paramref name="count"/> connections without a reply as soon as the client sends MAIL FROM.</summary>
    public void DropNextConnections(int count) => Volatile.Write(ref _dropNext, count);

    /// <summary>The first accepted message matching <paramref name="predicate"/>, waiting up to <paramref name="timeout"/> for it.</summary>
    /// <exception cref="TimeoutException">No matching message arrived in time (the message lists what did arrive).</exception>
    public async Task<ReceivedMail> WaitForMessageAsync(Func<ReceivedMail, bool> predicate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var deadline = Task.Delay(timeout);
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            if (_messages.FirstOrDefault(predicate) is { } found)
            {
                return found;
            }

            if (await Task.WhenAny(changed, deadline) == deadline)
            {
                var received = string.Join("; ", _messages.Select(m => $"'{m.Message.Subject}' to {string.Join(",", m.Recipients)}"));
                throw new TimeoutException(
                    $"The SMTP sink received no matching message within {timeout}. Received: [{received}]. " +
                    $"Session errors: [{string.Join("; ", _errors)}].");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        await Task.WhenAll(_sessions);
        _stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _sessions.Add(ServeAsync(client, cancellationToken));
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using (client)
        {
            try
            {
                await Task.Yield();
                await new Session(this, client.GetStream()).RunAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away or the sink stops.
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or ArgumentException)
            {
                _errors.Enqueue(ex.Message);
            }
        }
    }

    private static bool TakeOne(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current)
            {
                return true;
            }
        }
    }

    private void Accept(ReceivedMail mail)
    {
        _messages.Enqueue(mail);
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private sealed class Session(SmtpSink sink, NetworkStream stream)
    {
        private readonly byte[] _buffer = new byte[8192];
        private int _start;
        private int _end;
        private string? _mailFrom;
        private readonly List<string> _recipients = [];

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            await ReplyAsync("220 127.0.0.1 Stadtdialog SMTP sink ready", cancellationToken);
            while (await ReadLineAsync(cancellationToken) is { } line)
            {
                var text = Encoding.UTF8.GetString(line);
                var space = text.IndexOf(' ', StringComparison.Ordinal);
                var verb = (space < 0 ? text : text[..space]).ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await ReplyAsync("250-127.0.0.1 Hello\r\n250-SIZE 10485760\r\n250-8BITMIME\r\n250 SMTPUTF8", cancellationToken);
                        break;
                    case "HELO":
                        await ReplyAsync("250 127.0.0.1 Hello", cancellationToken);
                        break;
                    case "MAIL":
                        if (TakeOne(ref sink._dropNext))
                        {
                            stream.Socket.Close();
                            return;
                        }

                        _mailFrom = PathOf(text, "MAIL FROM:");
                        _recipients.Clear();
                        await ReplyAsync(_mailFrom is null ? "501 5.5.4 Syntax: MAIL FROM:<address>" : "250 2.1.0 OK", cancellationToken);
                        break;
                    case "RCPT":
                        var recipient = PathOf(text, "RCPT TO:");
                        if (_mailFrom is null)
                        {
                            await ReplyAsync("503 5.5.1 MAIL first", cancellationToken);
                        }
                        else if (string.IsNullOrEmpty(recipient))
                        {
                            await ReplyAsync("501 5.5.4 Syntax: RCPT TO:<address>", cancellationToken);
                        }
                        else
                        {
                            _recipients.Add(recipient);
                            await ReplyAsync("250 2.1.5 OK", cancellationToken);
                        }

                        break;
                    case "DATA":
                        await DataAsync(cancellationToken);
                        break;
                    case "RSET":
                        _mailFrom = null;
                        _recipients.Clear();
                        await ReplyAsync("250 2.0.0 OK", cancellationToken);
                        break;
                    case "NOOP":
                        await ReplyAsync("250 2.0.0 OK", cancellationToken);
                        break;
                    case "QUIT":
                        await ReplyAsync("221 2.0.0 Bye", cancellationToken);
                        return;
                    default:
                        await ReplyAsync("502 5.5.2 Command not implemented", cancellationToken);
                        break;
                }
            }
        }

        private async Task DataAsync(CancellationToken cancellationToken)
        {
            if (_mailFrom is null || _recipients.Count == 0)
            {
                await ReplyAsync("503 5.5.1 MAIL and RCPT first", cancellationToken);
                return;
            }

            await ReplyAsync("354 End data with <CR><LF>.<CR><LF>", cancellationToken);
            using var content = new MemoryStream();
            while (true)
            {
                var line = await ReadLineAsync(cancellationToken) ?? throw new IOException("The client closed the connection during DATA.");
                if (line.Length == 1 && line[0] == (byte)'.')
                {
                    break;
                }

                var unstuffed = line.Length > 0 && line[0] == (byte)'.' ? line.AsSpan(1) : line;
                content.Write(unstuffed);
                content.Write("\r\n"u8);
            }

            Interlocked.Increment(ref sink._transactions);
            var mailFrom = _mailFrom;
            var recipients = _recipients.ToList();
            _mailFrom = null;
            _recipients.Clear();
            if (TakeOne(ref sink._rejectNext))
            {
                await ReplyAsync("451 4.3.0 Temporary failure, please try again later", cancellationToken);
                return;
            }

            var raw = content.ToArray();
            var message = await MimeMessage.LoadAsync(new MemoryStream(raw), cancellationToken);
            sink.Accept(new ReceivedMail(mailFrom, recipients, message, raw));
            await ReplyAsync("250 2.0.0 OK: queued", cancellationToken);
        }

        /// <summary>The address in <c>MAIL FROM:&lt;a&gt; PARAMS</c> / <c>RCPT TO:&lt;a&gt;</c>, or null when the syntax is wrong.</summary>
        private static string? PathOf(string line, string prefix)
        {
            if (!line.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var rest = line[prefix.Length..].TrimStart();
            var close = rest.IndexOf('>', StringComparison.Ordinal);
            return rest.StartsWith('<') && close > 0 ? rest[1..close] : null;
        }

        private async Task ReplyAsync(string reply, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n"), cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }

        /// <summary>The next line without its CRLF (a bare LF also ends a line), or null at the end of the stream.</summary>
        private async Task<byte[]?> ReadLineAsync(CancellationToken cancellationToken)
        {
            using var line = new MemoryStream();
            while (true)
            {
                if (_start == _end)
                {
                    _start = 0;
                    _end = await stream.ReadAsync(_buffer, cancellationToken);
                    if (_end == 0)
                    {
                        return line.Length > 0 ? line.ToArray() : null;
                    }
                }

                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline < 0)
                {
                    line.Write(_buffer, _start, _end - _start);
                    _start = _end;
                    continue;
                }

                line.Write(_buffer, _start, newline - _start);
                _start = newline + 1;
                var bytes = line.ToArray();
                return bytes.Length > 0 && bytes[^1] == (byte)'\r' ? bytes[..^1] : bytes;
            }
        }
    }
}
