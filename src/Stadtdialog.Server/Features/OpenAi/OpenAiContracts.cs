using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stadtdialog.Server.Features.OpenAi;

// The OpenAI wire format (snake_case). Every property names its JSON field explicitly, so that the OpenAPI document
// and the serializer agree whatever the application's naming policy is.

/// <summary>
/// <c>POST /v1/chat/completions</c> as OpenAI clients send it. Fields not listed here (n, stop, tools, …) are
/// ignored; <c>temperature</c> and <c>max_tokens</c> are accepted but the assistant's own settings apply.
/// </summary>
public sealed record ChatCompletionRequest
{
    /// <summary>The assistant's slug, as listed by <c>GET /v1/models</c>.</summary>
    [JsonPropertyName("model")]
    public string? Model { get; init; }

    [JsonPropertyName("messages")]
    public IReadOnlyList<ChatCompletionRequestMessage>? Messages { get; init; }

    [JsonPropertyName("stream")]
    public bool? Stream { get; init; }

    [JsonPropertyName("stream_options")]
    public ChatCompletionStreamOptions? StreamOptions { get; init; }

    /// <summary>Accepted for compatibility; the assistant's model settings apply.</summary>
    [JsonPropertyName("temperature")]
    public double? Temperature { get; init; }

    /// <summary>Accepted for compatibility; the assistant's model settings apply.</summary>
    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get; init; }

    /// <summary>Accepted for compatibility; the assistant's model settings apply.</summary>
    [JsonPropertyName("max_completion_tokens")]
    public int? MaxCompletionTokens { get; init; }

    /// <summary>Accepted for compatibility; not stored.</summary>
    [JsonPropertyName("user")]
    public string? User { get; init; }

    /// <summary>Stadtdialog extension: answer in Einfache Sprache (plain German); default: the assistant's setting.</summary>
    [JsonPropertyName("plain_language")]
    public bool? PlainLanguage { get; init; }
}

public sealed record ChatCompletionRequestMessage
{
    /// <summary>user, assistant, system or developer (tool messages are ignored).</summary>
    [JsonPropertyName("role")]
    public string? Role { get; init; }

    /// <summary>A string, or an array of content parts of which the <c>{"type":"text","text":…}</c> parts are read.</summary>
    [JsonPropertyName("content")]
    public JsonElement Content { get; init; }
}

public sealed record ChatCompletionStreamOptions
{
    /// <summary>Send a last chunk with the token usage (and empty <c>choices</c>) before <c>[DONE]</c>.</summary>
    [JsonPropertyName("include_usage")]
    public bool? IncludeUsage { get; init; }
}

/// <summary>A source of an answer (Stadtdialog extension field <c>citations</c>).</summary>
public sealed record OpenAiCitation(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("section")] string? Section);

/// <summary>How the answer came about (Stadtdialog extension field <c>stadtdialog</c>).</summary>
public sealed record StadtdialogAnswerInfo(
    [property: JsonPropertyName("answer_type")] string AnswerType,
    [property: JsonPropertyName("confidence")] double Confidence,
    [property: JsonPropertyName("notice")] string? Notice,
    [property: JsonPropertyName("fallback_reason")] string? FallbackReason,
    [property: JsonPropertyName("language")] string Language,
    [property: JsonPropertyName("plain_language")] bool PlainLanguage);

public sealed record ChatCompletionUsage(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("completion_tokens")] int CompletionTokens,
    [property: JsonPropertyName("total_tokens")] int TotalTokens);

public sealed record ChatCompletionMessage(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("content")] string Content,
    [property: JsonPropertyName("citations")] IReadOnlyList<OpenAiCitation> Citations);

public sealed record ChatCompletionChoice(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("message")] ChatCompletionMessage Message,
    [property: JsonPropertyName("finish_reason")] string FinishReason);

/// <summary>The complete answer (<c>"object": "chat.completion"</c>).</summary>
public sealed record ChatCompletionResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string ObjectType,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<ChatCompletionChoice> Choices,
    [property: JsonPropertyName("usage")] ChatCompletionUsage Usage,
    [property: JsonPropertyName("citations")] IReadOnlyList<OpenAiCitation> Citations,
    [property: JsonPropertyName("stadtdialog")] StadtdialogAnswerInfo Stadtdialog);

public sealed record ChatCompletionDelta
{
    [JsonPropertyName("role")]
    public string? Role { get; init; }

    [JsonPropertyName("content")]
    public string? Content { get; init; }
}

public sealed record ChatCompletionChunkChoice(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("delta")] ChatCompletionDelta Delta,
    [property: JsonPropertyName("finish_reason"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? FinishReason);

/// <summary>One streamed piece (<c>"object": "chat.completion.chunk"</c>), sent as <c>data: {…}</c>.</summary>
public sealed record ChatCompletionChunk(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string ObjectType,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<ChatCompletionChunkChoice> Choices)
{
    /// <summary>Only in the usage chunk (requested with <c>stream_options.include_usage</c>).</summary>
    [JsonPropertyName("usage")]
    public ChatCompletionUsage? Usage { get; init; }

    /// <summary>Only in the final chunk (the one with <c>finish_reason</c>).</summary>
    [JsonPropertyName("citations")]
    public IReadOnlyList<OpenAiCitation>? Citations { get; init; }

    /// <summary>Only in the final chunk.</summary>
    [JsonPropertyName("stadtdialog")]
    public StadtdialogAnswerInfo? Stadtdialog { get; init; }
}

/// <summary>An assistant as a model (<c>GET /v1/models</c>).</summary>
public sealed record OpenAiModel(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string ObjectType,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("owned_by")] string OwnedBy);

public sealed record OpenAiModelList(
    [property: JsonPropertyName("object")] string ObjectType,
    [property: JsonPropertyName("data")] IReadOnlyList<OpenAiModel> Data);

/// <summary>An error as OpenAI clients read it: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
public sealed record OpenAiErrorResponse([property: JsonPropertyName("error")] OpenAiError Error);

public sealed record OpenAiError(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param,
    [property: JsonPropertyName("code"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Code);

/// <summary>A tenant API key as editors see it in lists: never the key itself or its hash.</summary>
public sealed record ApiKeyResponse(
    Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, bool Revoked);

/// <summary>A new tenant API key; <see cref="Key"/> is shown this once and cannot be read again.</summary>
public sealed record ApiKeyCreated(Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt, string Key);

/// <summary>A new API key for an OpenAI-compatible client (Open WebUI, LibreChat, an OpenAI SDK).</summary>
public sealed record CreateApiKeyRequest(
    [property: System.ComponentModel.DataAnnotations.Required, System.ComponentModel.DataAnnotations.StringLength(200, MinimumLength = 1)] string Name);
