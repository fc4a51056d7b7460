using System.ClientModel;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Stadtdialog.Generative;
using Stadtdialog.Tests;
using Xunit;

namespace Stadtdialog.Core.Tests.Generative;

public sealed class CircuitBreakerTests : IAsyncLifetime
{
    private const string Completions = "/v1/chat/completions";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http = new();
    private readonly FakeTimeProvider _time = new();
    private FakeOpenAiServer _server = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await FakeOpenAiServer.StartAsync(Cancel);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
    }

    private CircuitBreaker Breaker(CircuitBreakerOptions? options = null) => new(options ?? new CircuitBreakerOptions(), _time);

    private IChatClient Guarded(CircuitBreaker breaker, TimeSpan? timeout = null) =>
        new ChatClientBuilder(OpenAiCompatible.CreateChatClient(_http, _server.BaseUrl, "test-chat", "sk-test", timeout ?? Generous))
            .UseCircuitBreaker(breaker)
            .Build();

    private static ChatMessage[] Question => [new(ChatRole.User, "Wann hat das Bürgerbüro geöffnet?")];

    private static async Task<ChatResponse> StreamAsync(IChatClient client, CancellationToken cancellationToken)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Question, cancellationToken: cancellationToken))
        {
            updates.Add(update);
        }

        return updates.ToChatResponse();
    }

    private async Task OpenWithServerErrorsAsync(IChatClient client, int count = 3)
    {
        for (var i = 0; i < count; i++)
        {
            _server.Enqueue(Reply.Status(500));
            await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync(Question, cancellationToken: Cancel));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Opens_after_three_server_errors_and_rejects_without_calling_the_server(bool stream)
    {
        var breaker = Breaker();
        var client = Guarded(breaker);

        await OpenWithServerErrorsAsync(client, 2);
        Assert.Equal(CircuitState.Closed, breaker.State);
        await OpenWithServerErrorsAsync(client, 1);

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(30), breaker.OpenUntil);
        await Assert.ThrowsAsync<ModelUnavailableException>(() =>
            stream ? StreamAsync(client, Cancel) : client.GetResponseAsync(Question, cancellationToken: Cancel));
        Assert.Equal(3, _server.ChatRequests.Count);
    }

    [Fact]
    public async Task A_success_in_between_resets_the_consecutive_count()
    {
        var breaker = Breaker();
        var client = Guarded(breaker);

        await OpenWithServerErrorsAsync(client, 2);
        await client.GetResponseAsync(Question, cancellationToken: Cancel);
        await OpenWithServerErrorsAsync(client, 2);

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Null(breaker.OpenUntil);
    }

    [Fact]
    public async Task Stays_open_for_the_break_then_is_half_open()
    {
        var breaker = Breaker();
        var client = Guarded(breaker);
        await OpenWithServerErrorsAsync(client);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(CircuitState.Open, breaker.State);
        await Assert.ThrowsAsync<ModelUnavailableException>(() => client.GetResponseAsync(Question, cancellationToken: Cancel));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.Equal(3, _server.ChatRequests.Count);
    }

    [Fact]
    public async Task Half_open_lets_exactly_one_trial_through_under_concurrent_calls_and_its_success_closes()
    {
        var breaker = Breaker();
        var client = Guarded(breaker);
        await OpenWithServerErrorsAsync(client);
        _time.Advance(TimeSpan.FromSeconds(30));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Enqueue(Reply.Text("Mo–Fr 8–12 Uhr [1].").HeldUntil(gate.Task));
        _server.DefaultReply = Reply.Text("Eine zweite Anfrage hätte nicht durchkommen dürfen.");

        var calls = Enumerable.Range(0, 8)
            .Select(i => Task.Run(() => i % 2 == 0
                ? client.GetResponseAsync(Question, cancellationToken: Cancel)
                : StreamAsync(client, Cancel), Cancel))
            .ToList();
        // Until all but one have ended (the list is taken anew each time, so a call that ends meanwhile is not awaited again).
        for (var pending = calls; pending.Count > 1; pending = [.. calls.Where(c => !c.IsCompleted)])
        {
            await Task.WhenAny(pending).WaitAsync(Generous, Cancel);
        }

        await _server.WaitForRequestsAsync(Completions, 4, Generous, Cancel);

        var rejected = calls.Where(c => c.IsCompleted).ToList();
        Assert.All(rejected, c => Assert.IsType<ModelUnavailableException>(c.Exception?.InnerException));
        Assert.Equal(4, _server.ChatRequests.Count);
        Assert.Equal(CircuitState.HalfOpen, breaker.State);

        gate.SetResult();
        var trial = await calls.Single(c => !rejected.Contains(c));

        Assert.Equal("Mo–Fr 8–12 Uhr [1].", trial.Text);
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Null(breaker.OpenUntil);
        await client.GetResponseAsync(Question, cancellationToken: Cancel);
        Assert.Equal(5, _server.ChatRequests.Count);
    }

    [Fact]
    public async Task A_failed_trial_opens_the_circuit_for_another_break()
    {
        var breaker = Breaker();
        var client = Guarded(breaker);
        await OpenWithServerErrorsAsync(client);
        _time.Advance(TimeSpan.FromSeconds(30));

        await OpenWithServerErrorsAsync(client, 1);

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(30), breaker.OpenUntil);
        await Assert.ThrowsAsync<ModelUnavailableException>(() => client.GetResponseAsync(Question, cancellationToken: Cancel));
        Assert.Equal(4, _server.ChatRequests.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Truncated_streams_count_as_failures(bool abortConnection)
    {
        var breaker = Breaker();
        var client = Guarded(breaker);

        for (var i = 0; i < 3; i++)
        {
            _server.Enqueue(Reply.TruncatedStream(abortConnection: abortConnection));
            if (abortConnection)
            {
                // IOException mid-stream; ClientResultException when the reset overtakes the response headers.
                var exception = await Assert.ThrowsAnyAsync<Exception>(() => StreamAsync(client, Cancel));
                Assert.True(exception is IOException || exception.InnerException?.InnerException is IOException, exception.ToString());
            }
            else
            {
                var response = await StreamAsync(client, Cancel);
                Assert.False(OpenAiCompatible.IsComplete(response.FinishReason));
            }
        }

        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public async Task Malformed_answers_count_as_failures()
    {
        var breaker = Breaker();
        var client = Guarded(breaker);

        for (var i = 0; i < 3; i++)
        {
            _server.Enqueue(Reply.MalformedJson());
            await Assert.ThrowsAnyAsync<Exception>(() => StreamAsync(client, Cancel));
        }

        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public async Task Network_timeouts_count_as_failures()
    {
        var breaker = Breaker();
        var client = Guarded(breaker, TimeSpan.FromMilliseconds(300));

        for (var i = 0; i < 3; i++)
        {
            _server.Enqueue(Reply.Hang());
            await Assert.ThrowsAsync<TaskCanceledException>(() => client.GetResponseAsync(Question, cancellationToken: Cancel));
        }

        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cancellation_by_the_caller_does_not_count(bool stream)
    {
        var breaker = Breaker();
        var client = Guarded(breaker);

        for (var i = 1; i <= 4; i++)
        {
            _server.Enqueue(Reply.Hang());
            using var caller = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
            Task call = stream ? StreamAsync(client, caller.Token) : client.GetResponseAsync(Question, cancellationToken: caller.Token);
            await _server.WaitForRequestsAsync(Completions, i, Generous, Cancel);
            await caller.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
        var response = await client.GetResponseAsync(Question, cancellationToken: Cancel);
        Assert.Equal(_server.DefaultReply.Content, response.Text);
    }

    [Fact]
    public async Task A_cancelled_trial_frees_the_trial_for_the_next_call()
    {
        var breaker = Breaker();
        var client = Guarded(breaker);
        await OpenWithServerErrorsAsync(client);
        _time.Advance(TimeSpan.FromSeconds(30));

        _server.Enqueue(Reply.Hang());
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var trial = client.GetResponseAsync(Question, cancellationToken: caller.Token);
        await _server.WaitForRequestsAsync(Completions, 4, Generous, Cancel);
        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => trial);
        Assert.Equal(CircuitState.HalfOpen, breaker.State);

        await client.GetResponseAsync(Question, cancellationToken: Cancel);
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public async Task Request_body_carries_nothing_of_ours()
    {
        var client = Guarded(Breaker());
        var policy = new TurnPolicy { TenantId = "musterstadt-geheim", SourceCount = 2, RequireCitations = true };
        var options = new ChatOptions { MaxOutputTokens = 200 }.WithTurnPolicy(policy);
        var sources = new ChatMessage(ChatRole.User, "[1] Bürgerbüro, Rathausplatz 1: Mo–Fr 8–12 Uhr.").AsSources();
        ChatMessage[] messages = [new(ChatRole.System, "Antworte nur aus den Quellen."), sources, new(ChatRole.User, "Wann hat das Bürgerbüro geöffnet?")];

        await client.GetResponseAsync(messages, options, Cancel);
        await foreach (var update in client.GetStreamingResponseAsync(messages, options, Cancel))
        {
            Assert.NotNull(update);
        }

        Assert.Equal(2, _server.ChatRequests.Count);
        Assert.All(_server.ChatRequests, request =>
        {
            Assert.DoesNotContain("stadtdialog", request.Body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("musterstadt-geheim", request.Body, StringComparison.Ordinal);
            Assert.Contains("Rathausplatz 1", request.AllMessageText, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Inner_client_gets_neither_the_policy_nor_the_source_marks_and_the_callers_objects_stay_as_they_were(bool stream)
    {
        var spy = new SpyChatClient();
        using var client = new ChatClientBuilder(spy).UseCircuitBreaker(Breaker()).Build();
        var policy = new TurnPolicy { TenantId = "musterstadt" };
        var options = new ChatOptions { Temperature = 0.1f, AdditionalProperties = new() { ["mine"] = 1 } }.WithTurnPolicy(policy);
        var sources = new ChatMessage(ChatRole.User, "[1] Quelle").AsSources();
        sources.AdditionalProperties!["other"] = "bleibt";
        var question = new ChatMessage(ChatRole.User, "Frage");

        if (stream)
        {
            await foreach (var update in client.GetStreamingResponseAsync([sources, question], options, Cancel))
            {
                Assert.NotNull(update);
            }
        }
        else
        {
            await client.GetResponseAsync([sources, question], options, Cancel);
        }

        Assert.Null(spy.Options.GetTurnPolicy());
        Assert.Equal(1, spy.Options!.AdditionalProperties?["mine"]);
        Assert.Equal(0.1f, spy.Options.Temperature);
        Assert.Equal(["[1] Quelle", "Frage"], spy.Messages.Select(m => m.Text));
        Assert.DoesNotContain(spy.Messages, m => m.IsSources());
        Assert.Equal("bleibt", spy.Messages[0].AdditionalProperties?["other"]);
        Assert.Same(question, spy.Messages[1]);

        Assert.Same(policy, options.GetTurnPolicy());
        Assert.True(sources.IsSources());
    }

    [Fact]
    public async Task Consumer_that_stops_reading_after_content_is_no_failure()
    {
        var breaker = Breaker();
        var client = Guarded(breaker);
        await OpenWithServerErrorsAsync(client, 2);

        _server.Enqueue(Reply.Text("eins zwei drei vier fünf"));
        await foreach (var update in client.GetStreamingResponseAsync(Question, cancellationToken: Cancel))
        {
            if (update.Text.Length > 0)
            {
                break;
            }
        }

        await OpenWithServerErrorsAsync(client, 2);
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void Failure_ratio_in_the_window_opens()
    {
        var breaker = Breaker(new CircuitBreakerOptions
        {
            ConsecutiveFailures = 0, FailureRatio = 0.5, MinimumThroughput = 6, SamplingDuration = TimeSpan.FromMinutes(1),
        });

        foreach (var failed in new[] { false, true, false, true, false })
        {
            Report(breaker, failed);
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
        Report(breaker, failed: true);
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void Outcomes_older_than_the_window_no_longer_count()
    {
        var breaker = Breaker(new CircuitBreakerOptions
        {
            ConsecutiveFailures = 0, FailureRatio = 0.5, MinimumThroughput = 4, SamplingDuration = TimeSpan.FromMinutes(1),
        });
        Report(breaker, failed: true);
        Report(breaker, failed: true);
        Report(breaker, failed: true);

        _time.Advance(TimeSpan.FromMinutes(2));
        Report(breaker, failed: false);
        Report(breaker, failed: false);
        Report(breaker, failed: false);
        Report(breaker, failed: true);

        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void A_straggler_from_before_the_break_neither_extends_nor_closes_it()
    {
        var breaker = Breaker();
        Assert.True(breaker.TryAcquire(out var slowFailure));
        Assert.True(breaker.TryAcquire(out var slowSuccess));
        for (var i = 0; i < 3; i++)
        {
            Report(breaker, failed: true);
        }

        var until = breaker.OpenUntil;
        _time.Advance(TimeSpan.FromSeconds(10));
        slowFailure.Failed();
        slowSuccess.Succeeded();

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(until, breaker.OpenUntil);
    }

    [Fact]
    public void Options_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Breaker(new CircuitBreakerOptions { FailureRatio = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Breaker(new CircuitBreakerOptions { BreakDuration = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Breaker(new CircuitBreakerOptions { ConsecutiveFailures = -1 }));
    }

    private static void Report(CircuitBreaker breaker, bool failed)
    {
        Assert.True(breaker.TryAcquire(out var permit));
        if (failed)
        {
            permit.Failed();
        }
        else
        {
            permit.Succeeded();
        }
    }

    /// <summary>Records what reaches the model client and answers "OK." with a finish reason.</summary>
    private sealed class SpyChatClient : IChatClient
    {
        public ChatOptions? Options { get; private set; }

        public List<ChatMessage> Messages { get; private set; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Options = options;
            Messages = [.. messages];
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "OK.")) { FinishReason = ChatFinishReason.Stop });
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Options = options;
            Messages = [.. messages];
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "OK.") { FinishReason = ChatFinishReason.Stop };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
