using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Stadtdialog.Bench.Load;

/// <summary>One chat turn as the client saw it. Times are milliseconds since the request was sent.</summary>
internal readonly record struct TurnSample(TimeSpan CompletedAt, double LatencyMs, double? FirstDeltaMs, string? Error, string? AnswerType);

/// <summary>
/// Bounded closed-loop load: <c>Concurrency</c> workers each keep one turn in flight, for a fixed time, against a
/// loopback server. A turn is POST .../messages with <c>Accept: text/event-stream</c>, read to the <c>done</c> event
/// and the end of the response.
/// </summary>
internal sealed class LoadDriver(LoadOptions options, HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentBag<TurnSample> _samples = [];
    private readonly ConcurrentDictionary<string, int> _conversationErrors = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = new();
    private readonly string _base = options.Url.AbsoluteUri.TrimEnd('/');
    private long _turnsStarted;
    private int _conversationsStarted;

    public TimeSpan WarmupEnd => TimeSpan.FromSeconds(options.WarmupSeconds);

    public TimeSpan End => WarmupEnd + TimeSpan.FromSeconds(options.DurationSeconds);

    /// <summary>Checks that the server answers at all, so a typo does not produce 20 seconds of errors.</summary>
    public async Task<string?> PreflightAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (id, error) = await StartConversationAsync(cancellationToken);
            return id is null ? error : null;
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
    }

    public async Task<LoadResult> RunAsync()
    {
        // Requests still in flight at the end get the per-request timeout, then everything stops.
        using var stop = new CancellationTokenSource(End + TimeSpan.FromSeconds(options.TimeoutSeconds));
        _clock.Start();
        var workers = Enumerable.Range(0, options.Concurrency).Select(w => Task.Run(() => WorkerAsync(w, stop.Token))).ToArray();
        await Task.WhenAll(workers);
        var measured = _samples.Where(s => s.CompletedAt >= WarmupEnd && s.CompletedAt <= End).ToList();
        return new LoadResult(options, measured, _clock.Elapsed, _conversationsStarted,
            new Dictionary<string, int>(_conversationErrors, StringComparer.Ordinal));
    }

    private async Task WorkerAsync(int worker, CancellationToken stop)
    {
        Guid? conversation = null;
        var turns = 0;
        var question = worker * 7;
        while (_clock.Elapsed < End && !stop.IsCancellationRequested && Interlocked.Increment(ref _turnsStarted) <= options.MaxTurns)
        {
            if (conversation is null || turns >= options.TurnsPerConversation)
            {
                var (id, error) = await StartConversationAsync(stop);
                if (id is null)
                {
                    _conversationErrors.AddOrUpdate(error ?? "unknown", 1, (_, n) => n + 1);
                    Interlocked.Decrement(ref _turnsStarted);
                    await Pause(error, stop);
                    continue;
                }

                conversation = id;
                turns = 0;
                Interlocked.Increment(ref _conversationsStarted);
            }

            var text = Questions.All[question++ % Questions.All.Length].Text;
            var sample = await TurnAsync(conversation.Value, text, stop);
            _samples.Add(sample);
            turns++;
            if (sample.Error is not null)
            {
                // A failed turn may have broken the conversation; start a fresh one.
                conversation = null;
                await Pause(sample.Error, stop);
            }
        }
    }

    /// <summary>Backs off briefly after errors so a failing server is not hammered in a tight loop.</summary>
    private static async Task Pause(string? error, CancellationToken stop)
    {
        try
        {
            await Task.Delay(error?.StartsWith("HTTP 429", StringComparison.Ordinal) == true ? 200 : 50, stop);
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    private async Task<(Guid? Id, string? Error)> StartConversationAsync(CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post,
                $"{_base}/api/tenants/{options.Tenant}/assistants/{options.Assistant}/conversations")
            {
                Content = new StringContent("{}", Encoding.UTF8, "application/json"),
            };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await http.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                return (null, $"HTTP {(int)response.StatusCode} starting a conversation");
            }

            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("id", out var id) && id.TryGetGuid(out var guid)
                ? (guid, null)
                : (null, "conversation response without id");
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return (null, "timeout starting a conversation");
        }
        catch (OperationCanceledException)
        {
            return (null, "stopped");
        }
        catch (HttpRequestException e)
        {
            return (null, "connection: " + (e.HttpRequestError == HttpRequestError.Unknown ? e.Message : e.HttpRequestError.ToString()));
        }
        catch (JsonException)
        {
            return (null, "conversation response is not JSON");
        }
    }

    private async Task<TurnSample> TurnAsync(Guid conversation, string text, CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
        var started = Stopwatch.GetTimestamp();
        double? firstDelta = null;
        TurnSample Sample(string? error, string? answerType = null) =>
            new(_clock.Elapsed, Stopwatch.GetElapsedTime(started).TotalMilliseconds, firstDelta, error, answerType);

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{_base}/api/tenants/{options.Tenant}/conversations/{conversation}/messages")
            {
                Content = new StringContent(JsonSerializer.Serialize(new MessageBody(text, "de"), Json), Encoding.UTF8, "application/json"),
            };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return Sample($"HTTP {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
            {
                return Sample($"not an event stream ({response.Content.Headers.ContentType?.MediaType ?? "no content type"})");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            string? eventName = null;
            var data = new StringBuilder();
            double? doneAt = null;
            string? answerType = null;
            string? streamError = null;
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    // Blank line: dispatch the event.
                    switch (eventName ?? "message")
                    {
                        case "delta":
                            firstDelta ??= Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                            break;
                        case "done":
                            doneAt ??= Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                            answerType = AnswerType(data.ToString());
                            break;
                        case "error":
                            streamError ??= "error event";
                            break;
                        default:
                            break;
                    }

                    eventName = null;
                    data.Clear();
                }
                else if (line.StartsWith("event:", StringComparison.Ordinal))
                {
                    eventName = line[6..].Trim();
                }
                else if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    data.Append(line.AsSpan(line.Length > 5 && line[5] == ' ' ? 6 : 5));
                }
            }

            if (streamError is not null)
            {
                return Sample(streamError);
            }

            if (doneAt is null)
            {
                return Sample("stream ended without done");
            }

            // Latency is the time to the done event; the rest of the response (closing) is not counted.
            return new TurnSample(_clock.Elapsed, doneAt.Value, firstDelta, null, answerType);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return Sample("timeout");
        }
        catch (OperationCanceledException)
        {
            return Sample("stopped");
        }
        catch (HttpRequestException e)
        {
            return Sample("connection: " + (e.HttpRequestError == HttpRequestError.Unknown ? e.Message : e.HttpRequestError.ToString()));
        }
        catch (IOException e)
        {
            return Sample("connection: " + e.GetType().Name);
        }
    }

    private static string AnswerType(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty("answerType", out var type) ? type.GetString() ?? "?" : "?";
        }
        catch (JsonException)
        {
            return "?";
        }
    }

    private sealed record MessageBody(string Text, string Language);
}

/// <summary>The measured window of a run, and how to print it.</summary>
internal sealed class LoadResult(
    LoadOptions options,
    List<TurnSample> samples,
    TimeSpan elapsed,
    int conversationsStarted,
    Dictionary<string, int> conversationErrors)
{
    public int Errors => samples.Count(s => s.Error is not null) + conversationErrors.Where(e => e.Key != "stopped").Sum(e => e.Value);

    public void Print(TextWriter output)
    {
        var ok = samples.Where(s => s.Error is null).ToList();
        var turnErrors = samples.Where(s => s.Error is not null).ToList();
        var latency = Percentiles.Of(ok.Select(s => s.LatencyMs));
        var firstDelta = Percentiles.Of(ok.Where(s => s.FirstDeltaMs is not null).Select(s => s.FirstDeltaMs!.Value));
        var perSecond = ok.Count / options.DurationSeconds;
        string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);

        output.WriteLine();
        output.WriteLine($"measured window   {options.DurationSeconds.ToString(CultureInfo.InvariantCulture)} s after {options.WarmupSeconds.ToString(CultureInfo.InvariantCulture)} s warm-up (run took {elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s)");
        output.WriteLine($"turns             {ok.Count} ok, {turnErrors.Count} failed");
        output.WriteLine($"turns/s           {F(perSecond)}");
        output.WriteLine($"latency (done)    p50 {F(latency.P50)}  p95 {F(latency.P95)}  p99 {F(latency.P99)}  max {F(latency.Max)} ms");
        output.WriteLine($"first delta       p50 {F(firstDelta.P50)}  p99 {F(firstDelta.P99)} ms");
        output.WriteLine($"conversations     {conversationsStarted} started during the whole run");
        var types = ok.GroupBy(s => s.AnswerType ?? "?").OrderByDescending(g => g.Count())
            .Select(g => $"{g.Key} {(100.0 * g.Count() / Math.Max(1, ok.Count)).ToString("F0", CultureInfo.InvariantCulture)}%");
        output.WriteLine($"answer types      {string.Join(", ", types)}");
        var errors = turnErrors.GroupBy(s => s.Error!).Select(g => (g.Key, g.Count()))
            .Concat(conversationErrors.Where(e => e.Key != "stopped").Select(e => (e.Key, e.Value)))
            .OrderByDescending(e => e.Item2).ToList();
        output.WriteLine($"errors            {(errors.Count == 0 ? "none" : string.Join(", ", errors.Select(e => $"{e.Key}: {e.Item2}")))}");
        if (errors.Any(e => e.Key.StartsWith("HTTP 429", StringComparison.Ordinal)))
        {
            output.WriteLine("                  HTTP 429: the server limits messages per client address. For a load test start it with");
            output.WriteLine("                  --Stadtdialog:Chat:MessagesPerMinutePerClient=0 (or Stadtdialog__Chat__MessagesPerMinutePerClient=0).");
        }

        output.WriteLine();
        output.WriteLine("| Concurrency | Turns/s | p50 ms | p95 ms | p99 ms | max ms | First delta p50 | First delta p99 | Errors |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        output.WriteLine($"| {options.Concurrency} | {F(perSecond)} | {F(latency.P50)} | {F(latency.P95)} | {F(latency.P99)} | {F(latency.Max)} | " +
            $"{F(firstDelta.P50)} | {F(firstDelta.P99)} | {Errors} |");
    }
}

/// <summary>Nearest-rank percentiles in milliseconds.</summary>
internal sealed record Percentiles(double P50, double P95, double P99, double Max)
{
    public static Percentiles Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return new Percentiles(0, 0, 0, 0);
        }

        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Percentiles(At(50), At(95), At(99), sorted[^1]);
    }
}
