using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Stadtdialog.Tests;

/// <summary>One request the <see cref="FakeOpenAiServer"/> received (recorded before it was answered).</summary>
public sealed record RecordedRequest(
    string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body, JsonNode? Json)
{
    /// <summary>The Authorization header (<c>Bearer …</c>), or null.</summary>
    public string? Authorization => Headers.TryGetValue("Authorization", out var value) ? value : null;

    /// <summary>The <c>model</c> of the request body.</summary>
    public string? Model => Json?["model"]?.GetValueKind() == JsonValueKind.String ? Json["model"]!.GetValue<string>() : null;

    /// <summary>Whether the request asked for a server-sent event stream (<c>"stream": true</c>).</summary>
    public bool Stream => Json?["stream"]?.GetValueKind() == JsonValueKind.True;

    /// <summary>Whether a stream should end with a usage chunk (<c>stream_options.include_usage</c>).</summary>
    public bool IncludeUsage => Json?["stream_options"]?["include_usage"]?.GetValueKind() == JsonValueKind.True;

    /// <summary>The text of all messages (string content or the text parts of array content), one message a line.</summary>
    public string AllMessageText => string.Join("\n", Messages.Select(m => m.Content));

    /// <summary>Role and text of each message of a chat request.</summary>
    public IReadOnlyList<(string Role, string Content)> Messages =>
        Json?["messages"] is JsonArray messages
            ? [.. messages.OfType<JsonObject>().Select(m => (
                m["role"]?.GetValueKind() == JsonValueKind.String ? m["role"]!.GetValue<string>() : "",
                TextOf(m["content"])))]
            : [];

    /// <summary>The <c>input</c> of an embeddings request (a string or an array of strings).</summary>
    public IReadOnlyList<string> EmbeddingInputs => Json?["input"] switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => [value.GetValue<string>()],
        JsonArray array => [.. array.Select(item => item?.GetValueKind() == JsonValueKind.String ? item.GetValue<string>() : item?.ToJsonString() ?? "")],
        _ => [],
    };

    private static string TextOf(JsonNode? content) => content switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonArray parts => string.Concat(parts.OfType<JsonObject>()
            .Where(p => p["text"]?.GetValueKind() == JsonValueKind.String)
            .Select(p => p["text"]!.GetValue<string>())),
        _ => "",
    };
}

/// <summary>What kind of answer a <see cref="Reply"/> scripts.</summary>
public enum ReplyKind
{
    Text,
    ToolCall,
    MalformedJson,
    TruncatedStream,
    Status,
    Hang,
}

/// <summary>
/// One scripted answer of the <see cref="FakeOpenAiServer"/>; the same reply serves a streaming and a non-streaming
/// request, each in the OpenAI wire format. Build one with the static methods and adjust it with the <c>With…</c>
/// methods or a <c>with</c> expression.
/// </summary>
public sealed record Reply
{
    private Reply(ReplyKind kind) => Kind = kind;

    public ReplyKind Kind { get; init; }

    /// <summary>The answer text (streamed in chunks of <see cref="TokensPerChunk"/> tokens: a word with the spaces after it).</summary>
    public string Content { get; init; } = "";

    public int TokensPerChunk { get; init; } = 1;

    /// <summary>Pause before each content chunk after the first (real time, cut short when the client gives up).</summary>
    public TimeSpan ChunkDelay { get; init; }

    /// <summary>Pause before the response starts (headers included).</summary>
    public TimeSpan FirstTokenDelay { get; init; }

    /// <summary>The <c>finish_reason</c> sent at the end (<c>stop</c>, <c>length</c>, <c>tool_calls</c>, or anything).</summary>
    public string FinishReason { get; init; } = "stop";

    /// <summary>Reported prompt tokens; null: the words of all messages.</summary>
    public int? PromptTokens { get; init; }

    /// <summary>Reported completion tokens; null: the tokens of <see cref="Content"/> (tool calls: of the arguments).</summary>
    public int? CompletionTokens { get; init; }

    public string ToolName { get; init; } = "";

    public string ToolArgumentsJson { get; init; } = "{}";

    public string ToolCallId { get; init; } = "call_1";

    /// <summary><see cref="ReplyKind.TruncatedStream"/>: content chunks sent before the stream breaks off.</summary>
    public int ChunksBeforeCut { get; init; } = 2;

    /// <summary><see cref="ReplyKind.TruncatedStream"/>: abort the connection (true) or end the response cleanly without finish reason and <c>[DONE]</c>.</summary>
    public bool AbortConnection { get; init; } = true;

    public int StatusCode { get; init; } = 200;

    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The <c>error.message</c> of an error reply.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>
    /// <see cref="ReplyKind.TruncatedStream"/> with <see cref="AbortConnection"/>: the connection is aborted only once
    /// this task completes (null: a moment after the last chunk). An abort resets the connection, and the reset throws
    /// away whatever the client has not read yet, so a test that needs the chunks before the cut completes this task
    /// when it has them.
    /// </summary>
    public Task? CutWhen { get; init; }

    /// <summary>The reply is held back until this task completes (or the client gives up): lets a test keep a request in flight.</summary>
    public Task? Gate { get; init; }

    /// <summary>Streams <paramref name="content"/> (non-streaming: returns it whole).</summary>
    public static Reply Text(string content, int tokensPerChunk = 1, TimeSpan chunkDelay = default, TimeSpan firstTokenDelay = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokensPerChunk, 1);
        return new(ReplyKind.Text) { Content = content, TokensPerChunk = tokensPerChunk, ChunkDelay = chunkDelay, FirstTokenDelay = firstTokenDelay };
    }

    /// <summary>Answers only after <paramref name="delay"/>: a model that is slow to start.</summary>
    public static Reply SlowFirstToken(TimeSpan delay, string content = "Späte Antwort [1].") => Text(content, firstTokenDelay: delay);

    /// <summary>A call of the function <paramref name="name"/> (<c>tool_calls</c>, finish reason <c>tool_calls</c>).</summary>
    public static Reply ToolCall(string name, string argumentsJson, string id = "call_1") =>
        new(ReplyKind.ToolCall) { ToolName = name, ToolArgumentsJson = argumentsJson, ToolCallId = id, FinishReason = "tool_calls" };

    /// <summary>Status 200 with a body that is not JSON (streaming: one good chunk, then a broken <c>data:</c> line, then <c>[DONE]</c>).</summary>
    public static Reply MalformedJson() => new(ReplyKind.MalformedJson) { Content = "Hallo" };

    /// <summary>
    /// Some content chunks, then the stream breaks off without finish reason and <c>[DONE]</c>: the connection is
    /// aborted (<paramref name="abortConnection"/>) or the response just ends. Non-streaming: half a JSON body, then the
    /// connection is aborted.
    /// </summary>
    public static Reply TruncatedStream(string content = "Die Antwort bricht hier ab und", int chunksBeforeCut = 2, bool abortConnection = true) =>
        new(ReplyKind.TruncatedStream) { Content = content, ChunksBeforeCut = chunksBeforeCut, AbortConnection = abortConnection };

    /// <summary>An error status with an OpenAI error body (<c>{"error": {"message", "type", "code"}}</c>).</summary>
    public static Reply Status(int statusCode, string? message = null, TimeSpan? retryAfter = null) =>
        new(ReplyKind.Status) { StatusCode = statusCode, ErrorMessage = message, RetryAfter = retryAfter };

    /// <summary>429 with a Retry-After header.</summary>
    public static Reply RateLimited(TimeSpan retryAfter) => Status(StatusCodes.Status429TooManyRequests, retryAfter: retryAfter);

    /// <summary>Never answers; the handler ends when the client gives up (or the server stops).</summary>
    public static Reply Hang() => new(ReplyKind.Hang);

    public Reply WithUsage(int promptTokens, int completionTokens) => this with { PromptTokens = promptTokens, CompletionTokens = completionTokens };

    public Reply WithFinishReason(string finishReason) => this with { FinishReason = finishReason };

    public Reply HeldUntil(Task gate) => this with { Gate = gate };

    public Reply CutOnlyWhen(Task cut) => this with { CutWhen = cut };
}

/// <summary>
/// A scripted OpenAI-compatible server (Kestrel on 127.0.0.1, a free port) for tests of the model clients:
/// <c>POST /v1/chat/completions</c> (JSON or server-sent events, exactly as OpenAI sends them),
/// <c>POST /v1/embeddings</c> (deterministic hashing bag-of-words vectors) and <c>GET /v1/models</c>.
/// Chat requests are answered by the queued replies in order (<see cref="Enqueue"/>), then by the responder
/// (<see cref="Respond"/>), then by <see cref="DefaultReply"/>. Every request is recorded before it is answered.
/// </summary>
public sealed partial class FakeOpenAiServer : IAsyncDisposable
{
    /// <summary>The <c>created</c> of every response (2026-01-01T00:00:00Z): answers do not depend on the clock.</summary>
    public const long Created = 1767225600;

    private readonly ConcurrentQueue<Reply> _replies = new();
    private readonly ConcurrentQueue<Reply> _embeddingReplies = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();
    private Func<RecordedRequest, Reply>? _responder;
    private WebApplication? _app;
    private int _completionIds;

    private FakeOpenAiServer()
    {
    }

    /// <summary>http://127.0.0.1:port/v1/</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The answer to chat requests when nothing is queued and no responder is set.</summary>
    public Reply DefaultReply { get; set; } = Reply.Text("Das steht in der Quelle [1].");

    /// <summary>Length of the embeddings (a request's <c>dimensions</c> overrides it).</summary>
    public int EmbeddingDimensions { get; set; } = 256;

    /// <summary>Computes one embedding of the given length; default: <see cref="HashingEmbedding"/>.</summary>
    public Func<string, int, float[]> Embedder { get; set; } = HashingEmbedding;

    /// <summary>The model ids listed by <c>GET /v1/models</c>.</summary>
    public IReadOnlyList<string> Models { get; set; } = ["test-chat", "test-embedding"];

    /// <summary>All requests so far, in order of arrival.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>The chat completion requests so far.</summary>
    public IReadOnlyList<RecordedRequest> ChatRequests => [.. _requests.Where(r => r.Path == "/v1/chat/completions")];

    public static async Task<FakeOpenAiServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var server = new FakeOpenAiServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken);
        server._app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1/");
        return server;
    }

    /// <summary>Queues the answer to the next chat request.</summary>
    public FakeOpenAiServer Enqueue(params Reply[] replies)
    {
        foreach (var reply in replies)
        {
            _replies.Enqueue(reply);
        }

        return this;
    }

    /// <summary>
    /// Queues the answer to the next embeddings request: error kinds (status, hang, malformed, truncated) act as for
    /// chat; any other reply computes the embeddings as usual (after its <see cref="Reply.FirstTokenDelay"/> and gate).
    /// </summary>
    public FakeOpenAiServer EnqueueEmbeddings(params Reply[] replies)
    {
        foreach (var reply in replies)
        {
            _embeddingReplies.Enqueue(reply);
        }

        return this;
    }

    /// <summary>Answers every chat request for which nothing is queued (null: <see cref="DefaultReply"/> again).</summary>
    public FakeOpenAiServer Respond(Func<RecordedRequest, Reply>? responder)
    {
        _responder = responder;
        return this;
    }

    public void ClearRequests() => _requests.Clear();

    /// <summary>Waits (real time) until <paramref name="count"/> requests to <paramref name="path"/> arrived.</summary>
    public async Task WaitForRequestsAsync(string path, int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (_requests.Count(r => r.Path == path) < count)
        {
            if (TimeProvider.System.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{path} was requested {_requests.Count(r => r.Path == path)} times, not {count}, within {timeout}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System, cancellationToken);
        }
    }

    /// <summary>
    /// The default embedding: lower-cased word tokens hashed (FNV-1a) into <paramref name="dimensions"/> buckets, the
    /// counts L2-normalised. Texts that share words get similar vectors; a text without words gets the zero vector.
    /// </summary>
    public static float[] HashingEmbedding(string text, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        var vector = new float[dimensions];
        foreach (Match word in WordPattern().Matches(text.ToLowerInvariant()))
        {
            var hash = 2166136261u;
            foreach (var b in Encoding.UTF8.GetBytes(word.Value))
            {
                hash = unchecked((hash ^ b) * 16777619u);
            }

            vector[hash % (uint)dimensions] += 1;
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        if (norm > 0)
        {
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] /= norm;
            }
        }

        return vector;
    }

    /// <summary>Splits text into the tokens the server streams and counts: a word (or a run of punctuation) with the spaces after it.</summary>
    public static IReadOnlyList<string> Tokens(string text) => [.. TokenPattern().Matches(text).Select(match => match.Value)];

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var cancel = linked.Token;
        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(cancel);
        }

        JsonNode? json = null;
        try
        {
            json = body.Length > 0 ? JsonNode.Parse(body) : null;
        }
        catch (JsonException)
        {
        }

        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "/", headers, body, json);
        _requests.Enqueue(request);

        try
        {
            switch (context.Request.Method, request.Path)
            {
                case ("POST", "/v1/chat/completions"):
                    await ChatAsync(context, request, NextChatReply(request), cancel);
                    break;
                case ("POST", "/v1/embeddings"):
                    await EmbeddingsAsync(context, request, _embeddingReplies.TryDequeue(out var reply) ? reply : null, cancel);
                    break;
                case ("GET", "/v1/models"):
                    await WriteJsonAsync(context, new JsonObject
                    {
                        ["object"] = "list",
                        ["data"] = new JsonArray([.. Models.Select(id => (JsonNode)new JsonObject
                        {
                            ["id"] = id, ["object"] = "model", ["created"] = Created, ["owned_by"] = "test",
                        })]),
                    }, cancel);
                    break;
                default:
                    await WriteErrorAsync(context, StatusCodes.Status404NotFound, $"Unknown request {context.Request.Method} {request.Path}.", cancel);
                    break;
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException && cancel.IsCancellationRequested)
        {
            // The client gave up (or the server stops): nothing left to answer.
        }
    }

    private Reply NextChatReply(RecordedRequest request) =>
        _replies.TryDequeue(out var reply) ? reply : _responder?.Invoke(request) ?? DefaultReply;

    private async Task ChatAsync(HttpContext context, RecordedRequest request, Reply reply, CancellationToken cancel)
    {
        if (await HandleCommonAsync(context, reply, cancel))
        {
            return;
        }

        var id = "chatcmpl-" + Interlocked.Increment(ref _completionIds).ToString(CultureInfo.InvariantCulture);
        var model = request.Model ?? "unknown";
        var promptTokens = reply.PromptTokens ?? Tokens(request.AllMessageText).Count;
        var completionTokens = reply.CompletionTokens
            ?? Tokens(reply.Kind == ReplyKind.ToolCall ? reply.ToolArgumentsJson : reply.Content).Count;
        var usage = new JsonObject
        {
            ["prompt_tokens"] = promptTokens, ["completion_tokens"] = completionTokens, ["total_tokens"] = promptTokens + completionTokens,
        };

        if (!request.Stream)
        {
            await CompleteAsync(context, reply, id, model, usage, cancel);
            return;
        }

        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        var includeUsage = request.IncludeUsage;

        JsonObject Chunk(JsonObject delta, string? finishReason)
        {
            var chunk = new JsonObject
            {
                ["id"] = id, ["object"] = "chat.completion.chunk", ["created"] = Created, ["model"] = model,
                ["system_fingerprint"] = "fp_fake",
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finishReason,
                }),
            };
            if (includeUsage)
            {
                chunk["usage"] = null;
            }

            return chunk;
        }

        if (reply.Kind == ReplyKind.ToolCall)
        {
            await WriteEventAsync(context, Chunk(new JsonObject
            {
                ["role"] = "assistant", ["content"] = null,
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0, ["id"] = reply.ToolCallId, ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = reply.ToolName, ["arguments"] = "" },
                }),
            }, null), cancel);
            foreach (var part in Pieces(reply.ToolArgumentsJson, 8))
            {
                await DelayAsync(reply.ChunkDelay, cancel);
                await WriteEventAsync(context, Chunk(new JsonObject
                {
                    ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = part } }),
                }, null), cancel);
            }
        }
        else
        {
            await WriteEventAsync(context, Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "", ["refusal"] = null }, null), cancel);
            var chunks = Tokens(reply.Content).Chunk(reply.TokensPerChunk).Select(tokens => string.Concat(tokens)).ToList();
            for (var i = 0; i < chunks.Count; i++)
            {
                if (reply.Kind == ReplyKind.TruncatedStream && i == reply.ChunksBeforeCut)
                {
                    await CutAsync(context, reply, cancel);
                    return;
                }

                if (i > 0)
                {
                    await DelayAsync(reply.ChunkDelay, cancel);
                }

                await WriteEventAsync(context, Chunk(new JsonObject { ["content"] = chunks[i] }, null), cancel);
                if (reply.Kind == ReplyKind.MalformedJson)
                {
                    await WriteRawAsync(context, "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"kaputt\n\n", cancel);
                    await WriteRawAsync(context, "data: [DONE]\n\n", cancel);
                    return;
                }
            }

            if (reply.Kind == ReplyKind.TruncatedStream)
            {
                await CutAsync(context, reply, cancel);
                return;
            }
        }

        await WriteEventAsync(context, Chunk(new JsonObject(), reply.FinishReason), cancel);
        if (includeUsage)
        {
            await WriteEventAsync(context, new JsonObject
            {
                ["id"] = id, ["object"] = "chat.completion.chunk", ["created"] = Created, ["model"] = model,
                ["system_fingerprint"] = "fp_fake", ["choices"] = new JsonArray(), ["usage"] = usage,
            }, cancel);
        }

        await WriteRawAsync(context, "data: [DONE]\n\n", cancel);
    }

    private static async Task CompleteAsync(HttpContext context, Reply reply, string id, string model, JsonObject usage, CancellationToken cancel)
    {
        if (reply.Kind == ReplyKind.MalformedJson)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"id\":\"" + id + "\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assist", cancel);
            return;
        }

        var message = reply.Kind == ReplyKind.ToolCall
            ? new JsonObject
            {
                ["role"] = "assistant", ["content"] = null, ["refusal"] = null,
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["id"] = reply.ToolCallId, ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = reply.ToolName, ["arguments"] = reply.ToolArgumentsJson },
                }),
            }
            : new JsonObject { ["role"] = "assistant", ["content"] = reply.Content, ["refusal"] = null };
        var completion = new JsonObject
        {
            ["id"] = id, ["object"] = "chat.completion", ["created"] = Created, ["model"] = model, ["system_fingerprint"] = "fp_fake",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0, ["message"] = message, ["logprobs"] = null, ["finish_reason"] = reply.FinishReason,
            }),
            ["usage"] = usage,
        };

        if (reply.Kind == ReplyKind.TruncatedStream)
        {
            var bytes = Encoding.UTF8.GetBytes(completion.ToJsonString());
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = bytes.Length;
            await context.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), cancel);
            await CutAsync(context, reply with { AbortConnection = true }, cancel);
            return;
        }

        await WriteJsonAsync(context, completion, cancel);
    }

    private async Task EmbeddingsAsync(HttpContext context, RecordedRequest request, Reply? reply, CancellationToken cancel)
    {
        if (reply is not null && await HandleCommonAsync(context, reply, cancel))
        {
            return;
        }

        if (reply?.Kind is ReplyKind.MalformedJson or ReplyKind.TruncatedStream)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.1,", cancel);
            if (reply.Kind == ReplyKind.TruncatedStream)
            {
                await context.Response.Body.FlushAsync(cancel);
                context.Abort();
            }

            return;
        }

        var dimensions = request.Json?["dimensions"]?.GetValueKind() == JsonValueKind.Number
            ? request.Json["dimensions"]!.GetValue<int>()
            : EmbeddingDimensions;
        var base64 = request.Json?["encoding_format"]?.GetValueKind() == JsonValueKind.String
            && request.Json["encoding_format"]!.GetValue<string>() == "base64";
        var inputs = request.EmbeddingInputs;
        var data = new JsonArray();
        for (var i = 0; i < inputs.Count; i++)
        {
            var vector = Embedder(inputs[i], dimensions);
            JsonNode embedding = base64
                ? JsonValue.Create(Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan())))
                : new JsonArray([.. vector.Select(v => (JsonNode?)JsonValue.Create(v))]);
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = embedding });
        }

        var tokens = inputs.Sum(text => Tokens(text).Count);
        await WriteJsonAsync(context, new JsonObject
        {
            ["object"] = "list", ["data"] = data, ["model"] = request.Model ?? "unknown",
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        }, cancel);
    }

    /// <summary>Gate, first delay, hang and error status: what every endpoint does alike. True when the reply is complete.</summary>
    private static async Task<bool> HandleCommonAsync(HttpContext context, Reply reply, CancellationToken cancel)
    {
        if (reply.Gate is not null)
        {
            await reply.Gate.WaitAsync(cancel);
        }

        await DelayAsync(reply.FirstTokenDelay, cancel);
        switch (reply.Kind)
        {
            case ReplyKind.Hang:
                await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancel);
                return true;
            case ReplyKind.Status:
                if (reply.RetryAfter is { } retryAfter)
                {
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                await WriteErrorAsync(context, reply.StatusCode, reply.ErrorMessage, cancel);
                return true;
            default:
                return false;
        }
    }

    private static async Task CutAsync(HttpContext context, Reply reply, CancellationToken cancel)
    {
        await context.Response.Body.FlushAsync(cancel);
        if (reply.AbortConnection)
        {
            if (reply.CutWhen is { } cut)
            {
                await cut.WaitAsync(cancel);
            }
            else
            {
                await DelayAsync(TimeSpan.FromMilliseconds(100), cancel);
            }

            context.Abort();
        }
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string? message, CancellationToken cancel)
    {
        var (type, code, text) = status switch
        {
            StatusCodes.Status401Unauthorized => ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
            StatusCodes.Status404NotFound => ("invalid_request_error", "not_found", "Not found."),
            StatusCodes.Status429TooManyRequests => ("requests", "rate_limit_exceeded", "Rate limit reached for requests."),
            StatusCodes.Status503ServiceUnavailable => ("server_error", "overloaded", "The server is overloaded."),
            _ => ("server_error", (string?)null, "The server had an error while processing your request."),
        };
        context.Response.StatusCode = status;
        return WriteJsonAsync(context, new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message ?? text, ["type"] = type, ["param"] = null, ["code"] = code },
        }, cancel);
    }

    private static Task WriteJsonAsync(HttpContext context, JsonNode json, CancellationToken cancel)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json.ToJsonString(), cancel);
    }

    private static Task WriteEventAsync(HttpContext context, JsonNode json, CancellationToken cancel) =>
        WriteRawAsync(context, "data: " + json.ToJsonString() + "\n\n", cancel);

    private static async Task WriteRawAsync(HttpContext context, string text, CancellationToken cancel)
    {
        await context.Response.WriteAsync(text, cancel);
        await context.Response.Body.FlushAsync(cancel);
    }

    private static Task DelayAsync(TimeSpan delay, CancellationToken cancel) =>
        delay > TimeSpan.Zero ? Task.Delay(delay, TimeProvider.System, cancel) : Task.CompletedTask;

    private static IEnumerable<string> Pieces(string text, int length)
    {
        for (var i = 0; i < text.Length; i += length)
        {
            yield return text.Substring(i, Math.Min(length, text.Length - i));
        }
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"\s*(?:[\p{L}\p{N}]+|[^\s\p{L}\p{N}]+)\s*|\s+")]
    private static partial Regex TokenPattern();
}
