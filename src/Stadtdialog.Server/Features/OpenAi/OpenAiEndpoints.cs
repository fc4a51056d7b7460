using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Stadtdialog.Chat;
using Stadtdialog.Data;
using Stadtdialog.Generative;
using Stadtdialog.Server.Features.Admin;
using Stadtdialog.Server.Features.Chat;
using Stadtdialog.Server.Features.Platform;
using Stadtdialog.Server.Features.Tenants;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Server.Features.OpenAi;

/// <summary>
/// An OpenAI-compatible API (<c>/v1/models</c>, <c>/v1/chat/completions</c>), so that existing clients (Open WebUI,
/// LibreChat, the OpenAI SDKs) can use a municipality's published assistants: each assistant is a model. Callers
/// authenticate with a tenant API key, which editors create under <c>/api/tenants/{tenant}/api-keys</c>; the key
/// selects the municipality. The API is stateless: turns are not stored as conversations, the client sends the
/// history with every request.
/// </summary>
/// <remarks>
/// <para>Client-supplied <c>system</c> and <c>developer</c> messages are ignored: the assistant's behaviour is the
/// municipality's configuration, and a client's system prompt (often a generic "You are a helpful assistant") is
/// neither an instruction for our model nor part of the citizen's question. Only <c>user</c> and <c>assistant</c>
/// messages before the last user message become history; the last user message is the question.</para>
/// <para>Streaming: a generated answer can be retracted mid-stream when it fails its checks (grounding, injection
/// guard), and an OpenAI client cannot un-show text. So the answer is never forwarded token by token: the stream
/// opens at once with the role chunk, and the final, checked answer follows in pieces once the turn is complete.
/// Token-level streaming is traded for never showing a retracted answer.</para>
/// </remarks>
public static partial class OpenAiEndpoints
{
    public const string Tag = "OpenAI-compatible";

    /// <summary>Earlier messages passed on as history (as many as a stored conversation gives its turns).</summary>
    private const int HistoryMessages = 12;

    public static IHostApplicationBuilder AddOpenAiCompatibleApi(this IHostApplicationBuilder builder)
    {
        builder.AddTenantApiKeyAuthentication();
        builder.Services.AddOptions<OpenAiApiOptions>().BindConfiguration(OpenAiApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<OpenAiKeyRateLimiter>();
        return builder;
    }

    public static IEndpointRouteBuilder MapOpenAiCompatibleApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapTenantAdminGroup("/api-keys", Tag);
        keys.MapPost("/", CreateKeyAsync).WithName("CreateApiKey")
            .WithSummary("Create an API key for OpenAI-compatible clients (the key is shown only in this response)")
            .ProducesValidationProblem();
        keys.MapGet("/", ListKeysAsync).WithName("ListApiKeys")
            .WithSummary("The municipality's API keys (name, prefix, last use; never the key)");
        keys.MapDelete("/{id:guid}", RevokeKeyAsync).WithName("RevokeApiKey")
            .WithSummary("Revoke an API key; clients using it get 401 from then on");

        var v1 = app.MapGroup("/v1")
            .RequireAuthorization(OpenAiAuthentication.Policy)
            .AddEndpointFilter<OpenAiErrorFilter>()
            .AddEndpointFilter<OpenAiRateLimitFilter>()
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status429TooManyRequests, typeof(OpenAiErrorResponse), ["application/json"]))
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(OpenAiErrorResponse), ["application/json"]))
            .WithTags(Tag);
        v1.MapGet("/models", ListModelsAsync).WithName("ListModels")
            .WithSummary("The published assistants of the key's municipality, as models");
        v1.MapGet("/models/{model}", GetModelAsync).WithName("RetrieveModel")
            .WithSummary("One assistant as a model")
            .Produces<OpenAiErrorResponse>(StatusCodes.Status404NotFound, "application/json");
        v1.MapPost("/chat/completions", CreateChatCompletionAsync).WithName("CreateChatCompletion")
            .WithSummary("Ask an assistant (OpenAI chat completions; stream: true answers as chat.completion.chunk events)")
            .WithDescription("`model` is an assistant's slug. The last `user` message is the question (at most " +
                $"{ChatService.MaxQuestionLength} characters); earlier user and assistant messages are history; system and " +
                "developer messages are ignored. Extensions: request `plain_language: true` (Einfache Sprache); response " +
                "`citations` [{index,title,url,section}] (top level, in the message, and in the final chunk) and " +
                "`stadtdialog` {answer_type,confidence,notice,fallback_reason,language,plain_language}; the content ends " +
                "with a Markdown list of the sources. With `stream: true` the checked answer is sent in pieces after it is " +
                "complete (a generated answer may be replaced by its checks, and OpenAI clients cannot un-show text), then " +
                "`data: [DONE]`.")
            .Accepts<ChatCompletionRequest>("application/json")
            .Produces<ChatCompletionResponse>(StatusCodes.Status200OK, "application/json")
            .AddOpenApiOperationTransformer(async (operation, context, token) =>
            {
                // A second 200 content type with its own schema: Produces keeps one type per status code.
                if (operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content is { } content)
                {
                    content["text/event-stream"] = new OpenApiMediaType
                    {
                        Schema = await context.GetOrCreateSchemaAsync(typeof(ChatCompletionChunk), null, token),
                    };
                }
            })
            .Produces<OpenAiErrorResponse>(StatusCodes.Status400BadRequest, "application/json")
            .Produces<OpenAiErrorResponse>(StatusCodes.Status404NotFound, "application/json");
        v1.MapFallback("{**path}", (HttpContext http) => OpenAiErrors.Create(StatusCodes.Status404NotFound,
                $"Die Adresse {http.Request.Method} {http.Request.Path} gibt es in dieser API nicht. Angeboten werden " +
                "GET /v1/models und POST /v1/chat/completions.", code: "unknown_url"))
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<Created<ApiKeyCreated>, ValidationProblem>> CreateKeyAsync(
        CreateApiKeyRequest request, StadtdialogDbContext db, TenantContext tenant, TimeProvider time, CancellationToken ct)
    {
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["name"] = ["Bitte geben Sie dem Schlüssel einen Namen (1 bis 200 Zeichen), z. B. den Client, der ihn nutzt."],
            });
        }

        var tenantId = tenant.RequireTenantId();
        var now = time.GetUtcNow();
        var secret = TenantApiKeys.Generate(tenantId);
        var key = new TenantApiKey
        {
            Id = Guid.CreateVersion7(now), Name = name, Prefix = TenantApiKeys.Prefix(secret), Hash = TenantApiKeys.Hash(secret),
            CreatedAt = now,
        };
        db.TenantApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/tenants/{tenantId}/api-keys/{key.Id}",
            new ApiKeyCreated(key.Id, key.Name, key.Prefix, key.CreatedAt, secret));
    }

    private static async Task<Ok<List<ApiKeyResponse>>> ListKeysAsync(StadtdialogDbContext db, CancellationToken ct)
    {
        var keys = await db.TenantApiKeys.AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(keys.Select(k =>
            new ApiKeyResponse(k.Id, k.Name, k.Prefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt, k.RevokedAt is not null)).ToList());
    }

    private static async Task<NoContent> RevokeKeyAsync(Guid id, StadtdialogDbContext db, TimeProvider time, CancellationToken ct)
    {
        var key = await db.TenantApiKeys.SingleOrDefaultAsync(k => k.Id == id, ct)
            ?? throw new global::Stadtdialog.NotFoundException($"Den API-Schlüssel {id} gibt es bei dieser Kommune nicht.");
        key.RevokedAt ??= time.GetUtcNow(); // revoking twice keeps the first time
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<OpenAiModelList>> ListModelsAsync(StadtdialogDbContext db, CancellationToken ct)
    {
        var assistants = await db.Assistants.AsNoTracking().Where(a => a.Published).OrderBy(a => a.Slug).ToListAsync(ct);
        return TypedResults.Ok(new OpenAiModelList("list", [.. assistants.Select(ToModel)]));
    }

    private static async Task<Results<Ok<OpenAiModel>, JsonHttpResult<OpenAiErrorResponse>>> GetModelAsync(
        string model, StadtdialogDbContext db, CancellationToken ct) =>
        await FindAssistantAsync(db, model, ct) is { } assistant
            ? TypedResults.Ok(ToModel(assistant))
            : OpenAiErrors.ModelNotFound(model);

    private static async Task<IResult> CreateChatCompletionAsync(
        HttpContext http, ChatService chat, StadtdialogDbContext db, TenantContext tenant, StadtdialogMetrics metrics,
        TimeProvider time, IOptions<JsonOptions> json, ILoggerFactory loggers, CancellationToken ct)
    {
        // Read by hand: a body that does not bind must still get an OpenAI-style error, not problem details.
        ChatCompletionRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<ChatCompletionRequest>(http.Request.Body, json.Value.SerializerOptions, ct);
        }
        catch (JsonException ex)
        {
            return OpenAiErrors.BadRequest(
                $"Die Anfrage ist kein gültiges JSON für /v1/chat/completions (bei {ex.Path ?? "$"}, Zeile {(ex.LineNumber ?? 0) + 1}).");
        }

        if (request is null)
        {
            return OpenAiErrors.BadRequest("Die Anfrage ist leer.");
        }

        if (string.IsNullOrWhiteSpace(request.Model))
        {
            return OpenAiErrors.BadRequest("Das Feld „model“ fehlt: Geben Sie einen Assistenten aus GET /v1/models an.", "model");
        }

        var assistant = await FindAssistantAsync(db, request.Model, ct);
        if (assistant is null)
        {
            return OpenAiErrors.ModelNotFound(request.Model);
        }

        if (Conversation(request) is not ({ } question, { } history))
        {
            return OpenAiErrors.BadRequest("Die Anfrage enthält keine Nachricht mit der Rolle „user“.", "messages");
        }

        if (question.Length is 0 or > ChatService.MaxQuestionLength)
        {
            return OpenAiErrors.BadRequest($"Eine Frage muss 1 bis {ChatService.MaxQuestionLength} Zeichen lang sein.", "messages");
        }

        var municipality = await chat.GetTenantAsync(ct);
        var input = new TurnInput(municipality, assistant, question, chat.ResolveLanguage(municipality, question, null))
        {
            PlainLanguage = request.PlainLanguage ?? assistant.Generation.PlainLanguage,
            History = history,
        };
        var now = time.GetUtcNow();
        var completion = new CompletionHeader($"chatcmpl-{Guid.CreateVersion7(now):N}", now.ToUnixTimeSeconds(), assistant.Slug);
        var tenantId = tenant.RequireTenantId();
        var origin = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
        if (request.Stream != true)
        {
            var answer = await AnswerAsync(chat, input, metrics, tenantId, ct);
            var citations = Citations(answer, origin);
            var content = Content(answer.Text, citations, input.Language);
            return TypedResults.Ok(new ChatCompletionResponse(completion.Id, "chat.completion", completion.Created, completion.Model,
                [new ChatCompletionChoice(0, new ChatCompletionMessage("assistant", content, citations), "stop")],
                Usage(answer, content, input), citations, Info(answer, input)));
        }

        var logger = loggers.CreateLogger(typeof(OpenAiEndpoints).FullName!);
        return new EventStreamResult((response, token) => StreamAsync(response, chat, input, completion, origin,
            request.StreamOptions?.IncludeUsage == true, metrics, tenantId, json.Value.SerializerOptions, logger, token));
    }

    /// <summary>
    /// The answer as <c>chat.completion.chunk</c> events: the role at once, then (after the turn, see the class remarks)
    /// the content in pieces, the final chunk with <c>finish_reason</c> and the sources, the usage when asked for, and
    /// <c>[DONE]</c>. A failure after the stream opened is sent as an OpenAI error event; details go to the log.
    /// </summary>
    private static async Task StreamAsync(
        HttpResponse response, ChatService chat, TurnInput input, CompletionHeader completion, string origin, bool includeUsage,
        StadtdialogMetrics metrics, string tenantId, JsonSerializerOptions json, ILogger logger, CancellationToken ct)
    {
        async Task WriteAsync(object payload)
        {
            var data = payload as string ?? JsonSerializer.Serialize(payload, payload.GetType(), json);
            await response.WriteAsync($"data: {data}\n\n", ct);
            await response.Body.FlushAsync(ct);
        }

        ChatCompletionChunk Chunk(ChatCompletionDelta delta, string? finishReason = null) =>
            new(completion.Id, "chat.completion.chunk", completion.Created, completion.Model, [new ChatCompletionChunkChoice(0, delta, finishReason)]);

        await WriteAsync(Chunk(new ChatCompletionDelta { Role = "assistant", Content = "" }));
        TurnAnswer answer;
        try
        {
            answer = await AnswerAsync(chat, input, metrics, tenantId, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return; // the client went away
        }
        catch (Exception ex)
        {
            LogTurnFailed(logger, ex, tenantId);
            await WriteAsync(new OpenAiErrorResponse(new OpenAiError(
                "Bei der Beantwortung ist ein Fehler aufgetreten. Bitte versuchen Sie es erneut.", OpenAiErrors.ServerError, null, null)));
            await WriteAsync("[DONE]");
            return;
        }

        var citations = Citations(answer, origin);
        var content = Content(answer.Text, citations, input.Language);
        foreach (var piece in ChatEndpoints.Pieces(content))
        {
            await WriteAsync(Chunk(new ChatCompletionDelta { Content = piece }));
        }

        await WriteAsync(Chunk(new ChatCompletionDelta(), "stop") with { Citations = citations, Stadtdialog = Info(answer, input) });
        if (includeUsage)
        {
            await WriteAsync(new ChatCompletionChunk(completion.Id, "chat.completion.chunk", completion.Created, completion.Model, [])
            {
                Usage = Usage(answer, content, input),
            });
        }

        await WriteAsync("[DONE]");
    }

    /// <summary>
    /// Answers without storing anything. Streamed pieces are not forwarded (<see cref="NoTurnOutput"/>): the turn's
    /// final answer carries the whole checked text, and a retracted generation never reaches the client.
    /// </summary>
    private static async Task<TurnAnswer> AnswerAsync(
        ChatService chat, TurnInput input, StadtdialogMetrics metrics, string tenantId, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var answer = await chat.AnswerAsync(input, NoTurnOutput.Instance, ct);
        metrics.TurnAnswered(tenantId, answer.AnswerType, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return answer;
    }

    private static Task<Assistant?> FindAssistantAsync(StadtdialogDbContext db, string slug, CancellationToken ct) =>
        db.Assistants.AsNoTracking().SingleOrDefaultAsync(a => a.Slug == slug && a.Published, ct);

    private static OpenAiModel ToModel(Assistant assistant) =>
        new(assistant.Slug, "model", assistant.CreatedAt.ToUnixTimeSeconds(), assistant.TenantId);

    /// <summary>
    /// The question (the last user message, trimmed) and the user/assistant messages before it as history; null when
    /// there is no user message. Throws <see cref="ArgumentException"/> for content that is neither a string nor parts.
    /// </summary>
    internal static (string Question, IReadOnlyList<HistoryMessage> History)? Conversation(ChatCompletionRequest request)
    {
        var messages = request.Messages ?? [];
        var last = -1;
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (string.Equals(messages[i]?.Role, "user", StringComparison.OrdinalIgnoreCase))
            {
                last = i;
                break;
            }
        }

        if (last < 0)
        {
            return null;
        }

        var history = new List<HistoryMessage>();
        for (var i = 0; i < last; i++)
        {
            var role = messages[i]?.Role?.ToLowerInvariant() switch
            {
                "user" => MessageRole.User,
                "assistant" => MessageRole.Assistant,
                _ => (MessageRole?)null, // system, developer, tool: see the class remarks
            };
            if (role is { } r && Text(messages[i].Content) is { Length: > 0 } text)
            {
                history.Add(new HistoryMessage(r, text));
            }
        }

        return (Text(messages[last].Content), history.Count > HistoryMessages ? history[^HistoryMessages..] : history);
    }

    /// <summary>A message's text: the string, or the text parts of a content array joined by line breaks.</summary>
    private static string Text(JsonElement content)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString()!.Trim();
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return "";
            case JsonValueKind.Array:
                var parts = new List<string>();
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object
                        && part.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "text"
                        && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                    {
                        parts.Add(text.GetString()!);
                    }
                }

                return string.Join("\n", parts).Trim();
            default:
                throw new ArgumentException("Der Inhalt („content“) einer Nachricht muss ein Text oder eine Liste von Textteilen sein.");
        }
    }

    /// <summary>The answer text, with its sources appended as a Markdown list (OpenAI clients show only the content).</summary>
    internal static string Content(string answer, IReadOnlyList<OpenAiCitation> citations, string language)
    {
        if (citations.Count == 0)
        {
            return answer;
        }

        var text = new StringBuilder(answer).Append("\n\n").Append(language == "en" ? "Sources:" : "Quellen:");
        foreach (var citation in citations)
        {
            var title = citation.Title.Replace("[", "\\[", StringComparison.Ordinal).Replace("]", "\\]", StringComparison.Ordinal);
            var url = citation.Url.Replace(" ", "%20", StringComparison.Ordinal).Replace("(", "%28", StringComparison.Ordinal)
                .Replace(")", "%29", StringComparison.Ordinal);
            text.Append(CultureInfo.InvariantCulture, $"\n- [{citation.Index}] [{title}]({url})");
        }

        return text.ToString();
    }

    /// <summary>
    /// The answer's sources. Links to pages of this server (the demo website) are made absolute: an OpenAI client shows
    /// them on its own site, where a relative link would lead nowhere.
    /// </summary>
    private static List<OpenAiCitation> Citations(TurnAnswer answer, string origin) =>
        [.. answer.Citations.Select(c => new OpenAiCitation(c.Index, c.Title,
            c.Url.StartsWith('/') && !c.Url.StartsWith("//", StringComparison.Ordinal) ? origin + c.Url : c.Url, c.Section))];

    private static StadtdialogAnswerInfo Info(TurnAnswer answer, TurnInput input) => new(
        answer.AnswerType, Math.Round(answer.Confidence, 3), answer.Notice, answer.FallbackReason, answer.Language ?? input.Language,
        answer.PlainLanguage);

    /// <summary>The model's reported tokens when a model answered (split by estimate), else estimates.</summary>
    private static ChatCompletionUsage Usage(TurnAnswer answer, string content, TurnInput input)
    {
        var completion = TokenBudgetChatClient.Estimate(content);
        if (answer.Tokens is > 0 and var total)
        {
            completion = Math.Min(completion, total);
            return new ChatCompletionUsage(total - completion, completion, total);
        }

        var prompt = TokenBudgetChatClient.Estimate(input.Question) + input.History.Sum(h => TokenBudgetChatClient.Estimate(h.Text));
        return new ChatCompletionUsage(prompt, completion, prompt + completion);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An OpenAI-compatible chat turn of tenant {Tenant} failed after its stream started")]
    private static partial void LogTurnFailed(ILogger logger, Exception exception, string tenant);

    private sealed record CompletionHeader(string Id, long Created, string Model);

    /// <summary>A <c>text/event-stream</c> response written by <paramref name="write"/>, unbuffered.</summary>
    private sealed class EventStreamResult(Func<HttpResponse, CancellationToken, Task> write) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
    {
        public int? StatusCode => StatusCodes.Status200OK;

        public string ContentType => "text/event-stream";

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = ContentType;
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
            httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await write(response, httpContext.RequestAborted);
        }
    }
}
