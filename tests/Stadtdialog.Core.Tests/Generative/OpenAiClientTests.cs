using System.ClientModel;
using System.Net.Http.Json;
using System.Numerics.Tensors;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Stadtdialog.Generative;
using Stadtdialog.Tests;
using Xunit;

namespace Stadtdialog.Core.Tests.Generative;

/// <summary>
/// The real client stack (OpenAI SDK + Microsoft.Extensions.AI.OpenAI, built by <see cref="OpenAiCompatible"/>) against
/// the scripted <see cref="FakeOpenAiServer"/>: what arrives, what is sent, and what the SDK does when the server fails.
/// </summary>
public sealed class OpenAiClientTests : IAsyncLifetime
{
    private const string Key = "sk-test-4711";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(500);

    private readonly HttpClient _http = new();
    private FakeOpenAiServer _server = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await FakeOpenAiServer.StartAsync(Cancel);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
    }

    private IChatClient Chat(TimeSpan? timeout = null, string? apiKey = Key) =>
        OpenAiCompatible.CreateChatClient(_http, _server.BaseUrl, "test-chat", apiKey, timeout ?? Generous);

    private static ChatMessage[] Question(string text = "Wie beantrage ich einen Personalausweis?") =>
        [new(ChatRole.System, "Antworte nur aus den Quellen."), new(ChatRole.User, text)];

    private static async Task<(ChatResponse Response, List<ChatResponseUpdate> Updates)> StreamAsync(
        IChatClient client, CancellationToken cancellationToken, ChatOptions? options = null)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Question(), options, cancellationToken))
        {
            updates.Add(update);
        }

        return (updates.ToChatResponse(), updates);
    }

    private static async Task<ChatResponse> AskAsync(IChatClient client, bool stream, ChatOptions? options = null) =>
        stream ? (await StreamAsync(client, Cancel, options)).Response : await client.GetResponseAsync(Question(), options, Cancel);

    [Fact]
    public async Task Streamed_text_arrives_in_order_and_complete()
    {
        const string answer = "Den Personalausweis beantragen Sie persönlich im Bürgerbüro; bringen Sie ein biometrisches Passbild mit [1].";
        _server.Enqueue(Reply.Text(answer, tokensPerChunk: 2));

        var (response, updates) = await StreamAsync(Chat(), Cancel);

        var pieces = updates.Select(u => u.Text).Where(t => t.Length > 0).ToList();
        var expected = FakeOpenAiServer.Tokens(answer).Chunk(2).Select(tokens => string.Concat(tokens)).ToList();
        Assert.Equal(expected, pieces);
        Assert.Equal(answer, response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.True(OpenAiCompatible.IsComplete(response.FinishReason));
        Assert.True(_server.ChatRequests.Single().Stream);
    }

    [Fact]
    public async Task Streaming_asks_for_usage_and_reports_it_from_the_final_chunk()
    {
        _server.Enqueue(Reply.Text("Im Bürgerbüro [1].").WithUsage(1234, 56));

        var (response, _) = await StreamAsync(Chat(), Cancel);

        Assert.True(_server.ChatRequests.Single().IncludeUsage);
        Assert.Equal(1234, response.Usage?.InputTokenCount);
        Assert.Equal(56, response.Usage?.OutputTokenCount);
        Assert.Equal(1290, response.Usage?.TotalTokenCount);
    }

    [Fact]
    public async Task Non_streaming_answer_carries_text_finish_reason_and_usage()
    {
        _server.Enqueue(Reply.Text("Im Bürgerbüro [1].").WithUsage(300, 12));

        var response = await Chat().GetResponseAsync(Question(), cancellationToken: Cancel);

        Assert.Equal("Im Bürgerbüro [1].", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(300, response.Usage?.InputTokenCount);
        Assert.Equal(12, response.Usage?.OutputTokenCount);
        Assert.False(_server.ChatRequests.Single().Stream);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tool_call_is_parsed_into_function_call_content(bool stream)
    {
        _server.Enqueue(Reply.ToolCall("termin_suchen", """{"amt":"Bürgerbüro","tag":"2026-03-02"}""", id: "call_42"));

        var response = await AskAsync(Chat(), stream);

        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("termin_suchen", call.Name);
        Assert.Equal("call_42", call.CallId);
        Assert.Equal("Bürgerbüro", call.Arguments?["amt"]?.ToString());
        Assert.Equal("2026-03-02", call.Arguments?["tag"]?.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.True(OpenAiCompatible.IsComplete(response.FinishReason));
    }

    /// <summary>Observed: the SDK's JSON reader throws (a <see cref="JsonException"/>), for a body and for a <c>data:</c> line alike.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Malformed_json_throws_a_json_exception(bool stream)
    {
        _server.Enqueue(Reply.MalformedJson());

        await Assert.ThrowsAnyAsync<JsonException>(() => AskAsync(Chat(), stream));
        Assert.Single(_server.ChatRequests);
    }

    /// <summary>Observed: a connection that breaks off mid-stream surfaces as an <see cref="IOException"/> from the enumeration.</summary>
    [Fact]
    public async Task Stream_whose_connection_breaks_off_throws_an_io_exception()
    {
        var cut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Enqueue(Reply.TruncatedStream("Sie brauchen einen Termin und", chunksBeforeCut: 2).CutOnlyWhen(cut.Task));
        var received = new List<string>();

        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            await foreach (var update in Chat().GetStreamingResponseAsync(Question(), cancellationToken: Cancel))
            {
                received.Add(update.Text);
                if (string.Concat(received) == "Sie brauchen ")
                {
                    cut.SetResult();
                }
            }
        });
        Assert.Equal("Sie brauchen ", string.Concat(received));
    }

    /// <summary>
    /// Observed: a stream that just ends (no finish reason, no <c>[DONE]</c>) raises nothing in the SDK; the answer is
    /// cut off and only the missing finish reason tells so.
    /// </summary>
    [Fact]
    public async Task Stream_that_ends_without_finish_reason_raises_nothing_but_is_not_complete()
    {
        _server.Enqueue(Reply.TruncatedStream("Sie brauchen einen Termin und", chunksBeforeCut: 2, abortConnection: false));

        var (response, _) = await StreamAsync(Chat(), Cancel);

        Assert.Equal("Sie brauchen ", response.Text);
        Assert.Null(response.FinishReason);
        Assert.Null(response.Usage);
        Assert.False(OpenAiCompatible.IsComplete(response.FinishReason));
    }

    /// <summary>
    /// Observed: a body cut off by a connection reset fails the call: an <see cref="IOException"/> when the headers had
    /// arrived, a <see cref="ClientResultException"/> (around an <see cref="HttpRequestException"/> around the
    /// <see cref="IOException"/>) when the reset overtook them; which one depends on the timing.
    /// </summary>
    [Fact]
    public async Task Non_streaming_body_cut_off_throws_an_io_failure()
    {
        _server.Enqueue(Reply.TruncatedStream());

        var exception = await Assert.ThrowsAnyAsync<Exception>(() => Chat().GetResponseAsync(Question(), cancellationToken: Cancel));

        Assert.True(exception is IOException or ClientResultException { InnerException: HttpRequestException { InnerException: IOException } },
            exception.ToString());
    }

    /// <summary>Observed: a finish reason the SDK does not know (e.g. <c>eos_token</c>) throws <see cref="ArgumentOutOfRangeException"/>.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Unknown_finish_reason_throws(bool stream)
    {
        _server.Enqueue(Reply.Text("Antwort [1].").WithFinishReason("eos_token"));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => AskAsync(Chat(), stream));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Length_finish_reason_arrives_and_is_not_complete(bool stream)
    {
        _server.Enqueue(Reply.Text("Den Ausweis beantragen").WithFinishReason("length"));

        var response = await AskAsync(Chat(), stream);

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.False(OpenAiCompatible.IsComplete(response.FinishReason));
    }

    [Theory]
    [InlineData(429, false)]
    [InlineData(429, true)]
    [InlineData(500, false)]
    [InlineData(500, true)]
    [InlineData(503, false)]
    [InlineData(503, true)]
    [InlineData(401, false)]
    [InlineData(401, true)]
    public async Task Error_status_throws_a_client_result_exception_without_retry(int status, bool stream)
    {
        _server.Enqueue(status == 429 ? Reply.RateLimited(TimeSpan.FromSeconds(1)) : Reply.Status(status));

        var exception = await Assert.ThrowsAsync<ClientResultException>(() => AskAsync(Chat(), stream));

        Assert.Equal(status, exception.Status);
        Assert.Single(_server.ChatRequests);
        Assert.Equal(status, exception.GetRawResponse()?.Status);
    }

    [Fact]
    public async Task Rate_limit_exposes_retry_after_and_the_openai_error()
    {
        _server.Enqueue(Reply.RateLimited(TimeSpan.FromSeconds(20)));

        var exception = await Assert.ThrowsAsync<ClientResultException>(() => Chat().GetResponseAsync(Question(), cancellationToken: Cancel));

        var raw = exception.GetRawResponse()!;
        Assert.True(raw.Headers.TryGetValue("Retry-After", out var retryAfter));
        Assert.Equal("20", retryAfter);
        Assert.Contains("rate_limit_exceeded", exception.Message, StringComparison.Ordinal);
        Assert.Single(_server.ChatRequests);
    }

    /// <summary>Observed: the network timeout ends a hanging request with a <see cref="TaskCanceledException"/> (the caller's token untouched).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Hanging_server_is_cut_off_by_the_network_timeout(bool stream)
    {
        _server.Enqueue(Reply.Hang());

        await Assert.ThrowsAsync<TaskCanceledException>(() => AskAsync(Chat(Short), stream));

        Assert.False(Cancel.IsCancellationRequested);
        Assert.Single(_server.ChatRequests);
    }

    /// <summary>The network timeout also limits the pause between two chunks of a stream: a stalling model fails.</summary>
    [Fact]
    public async Task Stream_that_stalls_between_chunks_longer_than_the_timeout_fails()
    {
        _server.Enqueue(Reply.Text("eins zwei drei", chunkDelay: TimeSpan.FromSeconds(20)));

        await Assert.ThrowsAsync<TaskCanceledException>(() => StreamAsync(Chat(Short), Cancel));
    }

    [Fact]
    public async Task Slow_first_token_within_the_timeout_is_fine()
    {
        _server.Enqueue(Reply.SlowFirstToken(TimeSpan.FromMilliseconds(200), "Später [1]."));

        var (response, _) = await StreamAsync(Chat(), Cancel);

        Assert.Equal("Später [1].", response.Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Hanging_server_is_cut_off_by_the_callers_token(bool stream)
    {
        _server.Enqueue(Reply.Hang());
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var client = Chat();

        Task call = stream
            ? StreamAsync(client, caller.Token)
            : client.GetResponseAsync(Question(), cancellationToken: caller.Token);
        await _server.WaitForRequestsAsync("/v1/chat/completions", 1, Generous, Cancel);
        await caller.CancelAsync();

        var exception = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(caller.Token, exception.CancellationToken);
    }

    [Fact]
    public async Task Authorization_header_carries_the_key()
    {
        await Chat(apiKey: Key).GetResponseAsync(Question(), cancellationToken: Cancel);

        Assert.Equal("Bearer " + Key, _server.ChatRequests.Single().Authorization);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public async Task Without_a_key_a_placeholder_is_sent(string? apiKey)
    {
        await Chat(apiKey: apiKey).GetResponseAsync(Question(), cancellationToken: Cancel);

        Assert.Equal("Bearer " + OpenAiCompatible.PlaceholderApiKey, _server.ChatRequests.Single().Authorization);
    }

    [Fact]
    public async Task Request_json_carries_model_messages_token_limit_and_temperature()
    {
        var options = new ChatOptions { MaxOutputTokens = 321, Temperature = 0.25f, TopP = 0.9f };

        await Chat().GetResponseAsync(Question("Wo ist das Bürgerbüro?"), options, Cancel);

        var request = _server.ChatRequests.Single();
        var json = request.Json!;
        Assert.Equal("test-chat", request.Model);
        Assert.Equal([("system", "Antworte nur aus den Quellen."), ("user", "Wo ist das Bürgerbüro?")], request.Messages);
        Assert.Equal("Antworte nur aus den Quellen.\nWo ist das Bürgerbüro?", request.AllMessageText);
        // OpenAI SDK 2.x sends the newer name only (servers that read only max_tokens ignore the limit).
        Assert.Equal(321, json["max_completion_tokens"]!.GetValue<int>());
        Assert.Null(json["max_tokens"]);
        Assert.Equal(0.25, json["temperature"]!.GetValue<double>(), 3);
        Assert.Equal(0.9, json["top_p"]!.GetValue<double>(), 3);
        Assert.Equal("application/json", request.Headers["Content-Type"].Split(';')[0]);
    }

    /// <summary>Observed: the adapter does not serialise unknown <see cref="ChatOptions.AdditionalProperties"/> or message properties.</summary>
    [Fact]
    public async Task Additional_properties_are_not_serialised_by_the_adapter()
    {
        var options = new ChatOptions { AdditionalProperties = new() { ["stadtdialog.probe"] = "geheim", ["other"] = 7 } };
        var message = new ChatMessage(ChatRole.User, "Hallo") { AdditionalProperties = new() { ["stadtdialog.probe"] = true } };

        await Chat().GetResponseAsync([message], options, Cancel);

        var body = _server.ChatRequests.Single().Body;
        Assert.DoesNotContain("stadtdialog", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("geheim", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embeddings_of_an_array_come_back_in_order()
    {
        using var generator = OpenAiCompatible.CreateEmbeddingGenerator(_http, _server.BaseUrl, "test-embedding", Key, Generous);
        string[] texts = ["Personalausweis beantragen im Bürgerbüro", "Sperrmüll anmelden", "Personalausweis beantragen"];

        var embeddings = await generator.GenerateAsync(texts, cancellationToken: Cancel);

        Assert.Equal(3, embeddings.Count);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(FakeOpenAiServer.HashingEmbedding(texts[i], _server.EmbeddingDimensions), embeddings[i].Vector.ToArray());
        }

        var similar = TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[2].Vector.Span);
        var different = TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[1].Vector.Span);
        Assert.True(similar > 0.6f, $"similar texts: {similar}");
        Assert.True(different < similar, $"different texts: {different}");
        Assert.Equal(8, embeddings.Usage?.InputTokenCount);

        var request = _server.Requests.Single(r => r.Path == "/v1/embeddings");
        Assert.Equal(texts, request.EmbeddingInputs);
        Assert.Equal("test-embedding", request.Model);
        Assert.Equal("Bearer " + Key, request.Authorization);
    }

    [Fact]
    public async Task Embedding_dimensions_follow_the_server_setting_and_the_request()
    {
        _server.EmbeddingDimensions = 64;
        using var generator = OpenAiCompatible.CreateEmbeddingGenerator(_http, _server.BaseUrl, "test-embedding", null, Generous);

        var plain = await generator.GenerateAsync(["Hundesteuer"], cancellationToken: Cancel);
        var reduced = await generator.GenerateAsync(["Hundesteuer"], new EmbeddingGenerationOptions { Dimensions = 16 }, Cancel);

        Assert.Equal(64, plain[0].Vector.Length);
        Assert.Equal(16, reduced[0].Vector.Length);
    }

    [Fact]
    public async Task Embedding_errors_throw_like_chat_errors()
    {
        _server.EnqueueEmbeddings(Reply.Status(503));
        using var generator = OpenAiCompatible.CreateEmbeddingGenerator(_http, _server.BaseUrl, "test-embedding", Key, Generous);

        var exception = await Assert.ThrowsAsync<ClientResultException>(() => generator.GenerateAsync(["Hundesteuer"], cancellationToken: Cancel));

        Assert.Equal(503, exception.Status);
        Assert.Single(_server.Requests, r => r.Path == "/v1/embeddings");
    }

    [Fact]
    public async Task Models_are_listed()
    {
        var list = await _http.GetFromJsonAsync<JsonObject>(new Uri(_server.BaseUrl, "models"), Cancel);

        Assert.Equal("list", list!["object"]!.GetValue<string>());
        Assert.Equal(_server.Models, list["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Queue_then_responder_then_default_answer_in_turn()
    {
        _server.DefaultReply = Reply.Text("Standard.");
        _server.Enqueue(Reply.Text("Erste."));
        var client = Chat();

        var first = await client.GetResponseAsync(Question(), cancellationToken: Cancel);
        var second = await client.GetResponseAsync(Question(), cancellationToken: Cancel);
        _server.Respond(request => Reply.Text("Echo: " + request.Messages[^1].Content));
        var third = await client.GetResponseAsync(Question("Hundesteuer?"), cancellationToken: Cancel);

        Assert.Equal(["Erste.", "Standard.", "Echo: Hundesteuer?"], [first.Text, second.Text, third.Text]);
    }

    [Theory]
    [InlineData("http://localhost:11434", "http://localhost:11434/v1/")]
    [InlineData("http://localhost:11434/", "http://localhost:11434/v1/")]
    [InlineData("http://host:8000/v1", "http://host:8000/v1/")]
    [InlineData("http://host:8000/v1/", "http://host:8000/v1/")]
    [InlineData(" https://api.example.de/openai/v1 ", "https://api.example.de/openai/v1/")]
    [InlineData("https://api.example.de/openai/v1/chat/completions", "https://api.example.de/openai/v1/")]
    [InlineData("http://127.0.0.1:8080/v1/embeddings?x=1", "http://127.0.0.1:8080/v1/")]
    [InlineData("https://api.openai.com/v1", "https://api.openai.com/v1/")]
    public void Endpoint_is_normalised(string pasted, string expected) =>
        Assert.Equal(expected, OpenAiCompatible.NormalizeEndpoint(pasted).AbsoluteUri);

    [Theory]
    [InlineData("")]
    [InlineData("localhost:11434")]
    [InlineData("ftp://host/v1")]
    [InlineData("/v1")]
    public void Endpoint_that_is_no_http_url_is_refused(string pasted) =>
        Assert.Throws<FormatException>(() => OpenAiCompatible.NormalizeEndpoint(pasted));

    [Fact]
    public async Task Normalised_bare_server_address_reaches_the_v1_api()
    {
        var bare = OpenAiCompatible.NormalizeEndpoint(_server.BaseUrl.GetLeftPart(UriPartial.Authority));

        var response = await OpenAiCompatible.CreateChatClient(_http, bare, "test-chat", null, Generous)
            .GetResponseAsync(Question(), cancellationToken: Cancel);

        Assert.Equal(_server.DefaultReply.Content, response.Text);
        Assert.Equal("/v1/chat/completions", _server.ChatRequests.Single().Path);
    }

    [Fact]
    public void Only_stop_and_tool_calls_are_complete()
    {
        Assert.True(OpenAiCompatible.IsComplete(ChatFinishReason.Stop));
        Assert.True(OpenAiCompatible.IsComplete(ChatFinishReason.ToolCalls));
        Assert.False(OpenAiCompatible.IsComplete(ChatFinishReason.Length));
        Assert.False(OpenAiCompatible.IsComplete(ChatFinishReason.ContentFilter));
        Assert.False(OpenAiCompatible.IsComplete(null));
    }
}
