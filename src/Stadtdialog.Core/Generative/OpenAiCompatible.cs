using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Stadtdialog.Generative;

/// <summary>
/// Builds the clients for any server that speaks the OpenAI HTTP API (OpenAI, Azure-hosted gateways, vLLM, Ollama,
/// llama.cpp's server, LM Studio, …) on top of the official OpenAI SDK and its Microsoft.Extensions.AI adapters.
/// </summary>
/// <remarks>
/// <para>
/// The SDK's own retries are switched off (<see cref="ClientRetryPolicy"/> with no retries): a citizen waiting for an
/// answer is better served by our fallback to retrieval than by a second or third attempt, and the circuit breaker
/// (<see cref="CircuitBreakerChatClient"/>) has to see every failure.
/// </para>
/// <para>
/// What the SDK (OpenAI 2.14 under Microsoft.Extensions.AI.OpenAI 10.11) does when the server misbehaves, as observed
/// against the test server (OpenAiClientTests):
/// </para>
/// <list type="bullet">
/// <item>Status 4xx/5xx, 429 included: <see cref="ClientResultException"/> with the status; no retry, whatever
/// Retry-After says (it is in <see cref="ClientResultException.GetRawResponse"/>).</item>
/// <item>A body or a <c>data:</c> line that is not JSON: a <see cref="System.Text.Json.JsonException"/>.</item>
/// <item>A connection reset part-way: an <see cref="IOException"/> from the enumeration of a stream; when the reset
/// overtakes the response headers (or cuts a non-streaming body), a <see cref="ClientResultException"/> around an
/// <see cref="HttpRequestException"/> around the <see cref="IOException"/>.</item>
/// <item>A stream that just ends (no <c>finish_reason</c>, no <c>[DONE]</c>): no exception at all; the updates end and the
/// finish reason stays null. <see cref="IsComplete"/> tells such a cut-off answer from a whole one.</item>
/// <item>A finish reason the SDK does not know (e.g. <c>eos_token</c>): <see cref="ArgumentOutOfRangeException"/>.</item>
/// <item>No response within <c>timeout</c>, and also no stream data within <c>timeout</c> between two chunks:
/// <see cref="TaskCanceledException"/> although the caller's token was not cancelled (the caller's own cancellation is an
/// <see cref="OperationCanceledException"/> carrying that token).</item>
/// </list>
/// <para>
/// Requests carry <c>max_completion_tokens</c> (not <c>max_tokens</c>) for <see cref="ChatOptions.MaxOutputTokens"/>;
/// streaming requests ask for usage (<c>stream_options.include_usage</c>). Unknown
/// <see cref="ChatOptions.AdditionalProperties"/> and message properties are not serialised.
/// </para>
/// </remarks>
public static class OpenAiCompatible
{
    /// <summary>
    /// Sent when no key is configured: the SDK insists on one. Local servers (Ollama, llama.cpp, vLLM without
    /// <c>--api-key</c>) ignore the Authorization header.
    /// </summary>
    public const string PlaceholderApiKey = "no-key";

    /// <summary>A chat client for <paramref name="model"/> at <paramref name="endpoint"/> (see <see cref="NormalizeEndpoint"/>).</summary>
    /// <param name="http">Sends the requests; owned by the caller (e.g. from IHttpClientFactory), not disposed here.</param>
    /// <param name="timeout">Network timeout of one request: until the response headers and between two reads of a stream.</param>
    public static IChatClient CreateChatClient(HttpClient http, Uri endpoint, string model, string? apiKey, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        return CreateClient(http, endpoint, apiKey, timeout).GetChatClient(model).AsIChatClient();
    }

    /// <summary>An embedding generator for <paramref name="model"/> at <paramref name="endpoint"/> (see <see cref="NormalizeEndpoint"/>).</summary>
    public static IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(
        HttpClient http, Uri endpoint, string model, string? apiKey, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        return CreateClient(http, endpoint, apiKey, timeout).GetEmbeddingClient(model).AsIEmbeddingGenerator();
    }

    /// <summary>
    /// The API base the SDK appends <c>chat/completions</c>, <c>embeddings</c>, <c>models</c> to, from what operators
    /// paste: a bare server (<c>http://localhost:11434</c>, Ollama: <c>/v1/</c> is appended), a base with a path
    /// (<c>http://host:8000/v1</c>, <c>https://api.example.de/openai/v1</c>: kept, with a trailing slash), or even a
    /// full operation URL (<c>…/v1/chat/completions</c>: the operation is cut off). Query and fragment are dropped.
    /// </summary>
    /// <exception cref="FormatException">Not an absolute http(s) URL.</exception>
    public static Uri NormalizeEndpoint(string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        if (!Uri.TryCreate(baseUrl.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException($"'{baseUrl}' is not an absolute http(s) URL of an OpenAI-compatible API.");
        }

        var path = uri.AbsolutePath.TrimEnd('/');
        foreach (var operation in Operations)
        {
            if (path.EndsWith(operation, StringComparison.OrdinalIgnoreCase))
            {
                path = path[..^operation.Length].TrimEnd('/');
                break;
            }
        }

        if (path.Length == 0)
        {
            path = "/v1";
        }

        return new UriBuilder(uri) { Path = path + "/", Query = "", Fragment = "" }.Uri;
    }

    /// <summary>
    /// Whether the model ended the answer itself (<see cref="ChatFinishReason.Stop"/>, or
    /// <see cref="ChatFinishReason.ToolCalls"/>). False when the stream ended without a finish reason (the connection
    /// or the server gave up: the SDK does not throw when a stream just ends), when the output token limit cut it off
    /// (<see cref="ChatFinishReason.Length"/>) and when a content filter stopped it.
    /// </summary>
    public static bool IsComplete(ChatFinishReason? finishReason) =>
        finishReason == ChatFinishReason.Stop || finishReason == ChatFinishReason.ToolCalls;

    private static readonly string[] Operations = ["/chat/completions", "/completions", "/embeddings", "/models"];

    private static OpenAIClient CreateClient(HttpClient http, Uri endpoint, string? apiKey, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var options = new OpenAIClientOptions
        {
            Endpoint = endpoint,
            NetworkTimeout = timeout,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            Transport = new HttpClientPipelineTransport(http),
        };
        var key = string.IsNullOrWhiteSpace(apiKey) ? PlaceholderApiKey : apiKey.Trim();
        return new OpenAIClient(new ApiKeyCredential(key), options);
    }
}
