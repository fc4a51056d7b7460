using System.Diagnostics;
using System.Text;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Net.Http.Headers;
using Stadtdialog.Chat;
using Stadtdialog.Data;
using Stadtdialog.Server.Features.Platform;
using Stadtdialog.Server.Features.Tenants;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Server.Features.Chat;

/// <summary>Chat API options (section <c>Stadtdialog:Chat</c>).</summary>
public sealed class ChatOptions
{
    public const string Section = "Stadtdialog:Chat";

    /// <summary>Messages one client (IP address) may send per minute; 0 disables the limit.</summary>
    [System.ComponentModel.DataAnnotations.Range(0, 100_000)]
    public int MessagesPerMinutePerClient { get; set; } = 120;
}

/// <summary>Conversations, streamed turns and feedback: the public chat API used by the widget.</summary>
public static partial class ChatEndpoints
{
    private const string MessagesRateLimit = "chat-messages";

    /// <summary>Largest accepted body of a chat message request.</summary>
    private const long MaxMessageBodyBytes = 16 * 1024;

    public static IHostApplicationBuilder AddChat(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var limit = builder.Configuration.GetValue($"{ChatOptions.Section}:MessagesPerMinutePerClient", 120);
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(MessagesRateLimit, context => limit <= 0
                ? RateLimitPartition.GetNoLimiter("all")
                : RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = TimeSpan.FromMinutes(1) }));
            options.OnRejected = async (context, ct) =>
            {
                var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Zu viele Anfragen",
                        Detail = "Bitte warten Sie einen Moment, bevor Sie die nächste Frage stellen.",
                    },
                });
            };
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapChat(this IEndpointRouteBuilder app)
    {
        if (app is IApplicationBuilder pipeline)
        {
            pipeline.UseRateLimiter();
        }

        var chat = app.MapTenantGroup().WithTags("Chat");

        chat.MapPost("/assistants/{assistant}/conversations", StartConversation)
            .WithName("StartConversation").WithSummary("Start a conversation with an assistant")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        chat.MapGet("/conversations/{conversationId:guid}", GetConversation)
            .WithName("GetConversation").WithSummary("A conversation with all its messages and their sources");

        chat.MapPost("/conversations/{conversationId:guid}/messages", SendMessage)
            .WithName("SendMessage")
            .WithSummary("Ask a question; the answer streams as Server-Sent Events (delta, retract, chart, citation, done, error)")
            .WithDescription("With `Accept: text/event-stream` the answer streams as typed events: `delta` {text}, " +
                "`retract` {reason} (discard the text so far; a replacement follows), `chart` {title,unit,series,summary} (live data over time), `handover` {messageId,mode,agentName,text} (no bot answer: a person is asked for or in charge; 202 as JSON), `citation` {index,title,url,section}, " +
                "`done` {messageId,answerType,confidence,followUps,contact,notice,language,plainLanguage,readability}, " +
                "`error` {title,detail}. Without it, the complete answer is returned as JSON. `plainLanguage: true` asks " +
                "for Einfache Sprache; the answer's language follows the question's (within the municipality's languages).")
            .Accepts<SendMessageRequest>("application/json")
            .Produces<AnswerDto>(StatusCodes.Status200OK, "application/json")
            .Produces<HandoverEvent>(StatusCodes.Status202Accepted, "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithMetadata(new RequestSizeLimitAttribute(MaxMessageBodyBytes))
            .RequireRateLimiting(MessagesRateLimit);

        chat.MapPost("/conversations/{conversationId:guid}/messages/{messageId:guid}/feedback", SendFeedback)
            .WithName("SendFeedback").WithSummary("Rate an answer (thumbs up/down, optional comment); the last rating counts")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<Created<ConversationStarted>> StartConversation(
        string tenant, string assistant, ChatService chat, HttpContext http, CancellationToken ct)
    {
        var conversation = await chat.StartAsync(assistant, ct);
        var bot = conversation.Assistant!;
        return TypedResults.Created($"/api/tenants/{tenant}/conversations/{conversation.Id}",
            new ConversationStarted(conversation.Id, bot.Slug, bot.Greeting, bot.SuggestedQuestions, conversation.CreatedAt));
    }

    private static async Task<Ok<ConversationDto>> GetConversation(Guid conversationId, ChatService chat, CancellationToken ct)
    {
        var conversation = await chat.GetConversationAsync(conversationId, ct);
        return TypedResults.Ok(new ConversationDto(conversation.Id, conversation.Assistant!.Slug, conversation.CreatedAt,
            conversation.Messages.Select(m => new MessageDto(m.Id, m.Role, m.Content, m.AnswerType, m.Confidence,
                m.Citations.Select(ToDto).ToList(), m.CreatedAt)
            {
                Language = m.Language, PlainLanguage = m.PlainLanguage, Readability = m.Readability, Chart = m.Chart,
            }).ToList()));
    }

    private static async Task<IResult> SendMessage(
        Guid conversationId,
        SendMessageRequest request,
        ChatService chat,
        TenantContext tenant,
        StadtdialogMetrics metrics,
        ILoggerFactory loggers,
        HttpContext http,
        CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Text))
        {
            throw new ArgumentException("Bitte geben Sie eine Frage ein.");
        }

        // Caller errors (unknown conversation, bad question) become problem details before any stream starts.
        var prepared = await chat.PrepareAsync(conversationId, request.Text, request.Language, request.PlainLanguage, ct);
        var tenantId = tenant.RequireTenantId();
        var wantsStream = http.Request.GetTypedHeaders().Accept
            .Any(a => a.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase));
        if (!wantsStream)
        {
            var turn = await CompleteAsync(chat, prepared, NoTurnOutput.Instance, metrics, tenantId, ct);
            if (turn.AnswerMessage is not { } stored)
            {
                return TypedResults.Accepted((string?)null, ToHandover(turn));
            }

            var answer = turn.Answer;
            return TypedResults.Ok(new AnswerDto(stored.Id, answer.Text, answer.AnswerType, answer.Confidence,
                answer.Citations.Select(ToDto).ToList(), answer.FollowUps, answer.Contact)
            {
                Notice = answer.Notice, Language = stored.Language, PlainLanguage = answer.PlainLanguage,
                Readability = stored.Readability, Chart = answer.Chart, DataTool = answer.DataTool,
            });
        }

        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var logger = loggers.CreateLogger(typeof(ChatEndpoints).FullName!);
        return TypedResults.ServerSentEvents(StreamAsync(chat, prepared, metrics, tenantId, logger, ct));
    }

    private static async Task<TurnResult> CompleteAsync(
        ChatService chat, PreparedTurn prepared, ITurnOutput output, StadtdialogMetrics metrics, string tenantId, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var turn = await chat.CompleteAsync(prepared, output, ct);
        metrics.TurnAnswered(tenantId, turn.Answer.AnswerType, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return turn;
    }

    /// <summary>
    /// The turn as typed events. A tier that streams (the language model) writes <c>delta</c> events while it
    /// produces the answer, and <c>retract</c> when the answer failed a check and a replacement follows; other tiers'
    /// answers are sent in pieces once complete. A failure once the stream has started ends it with an <c>error</c>
    /// event; details go to the log, not to the citizen.
    /// </summary>
    private static async IAsyncEnumerable<SseItem<object>> StreamAsync(
        ChatService chat, PreparedTurn prepared, StadtdialogMetrics metrics, string tenantId, ILogger logger,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateUnbounded<SseItem<object>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var producer = ProduceAsync(channel.Writer);

        // Deltas that are already waiting go out as one event: under load fewer, larger writes; when idle, each
        // piece goes out as soon as it arrives.
        var pending = new StringBuilder();
        while (await channel.Reader.WaitToReadAsync(ct))
        {
            while (channel.Reader.TryRead(out var item))
            {
                if (item.Data is DeltaEvent delta)
                {
                    pending.Append(delta.Text);
                    continue;
                }

                if (pending.Length > 0)
                {
                    yield return new SseItem<object>(new DeltaEvent(pending.ToString()), "delta");
                    pending.Clear();
                }

                yield return item;
            }

            if (pending.Length > 0)
            {
                yield return new SseItem<object>(new DeltaEvent(pending.ToString()), "delta");
                pending.Clear();
            }
        }

        await producer;

        async Task ProduceAsync(ChannelWriter<SseItem<object>> writer)
        {
            try
            {
                var turn = await CompleteAsync(chat, prepared, new EventOutput(writer), metrics, tenantId, ct);
                foreach (var item in Events(turn))
                {
                    writer.TryWrite(item);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The client went away.
            }
            catch (Exception ex)
            {
                LogTurnFailed(logger, ex, tenantId);
                writer.TryWrite(new SseItem<object>(new ErrorEvent("Keine Antwort möglich",
                    "Bei der Beantwortung ist ein Fehler aufgetreten. Bitte versuchen Sie es erneut."), "error"));
            }
            finally
            {
                writer.TryComplete();
            }
        }
    }

    /// <summary>Streamed answer pieces as <c>delta</c> and <c>retract</c> events.</summary>
    private sealed class EventOutput(ChannelWriter<SseItem<object>> writer) : ITurnOutput
    {
        public ValueTask WriteDeltaAsync(string text, CancellationToken cancellationToken) =>
            writer.WriteAsync(new SseItem<object>(new DeltaEvent(text), "delta"), cancellationToken);

        public ValueTask RetractAsync(CancellationToken cancellationToken) =>
            writer.WriteAsync(new SseItem<object>(new RetractEvent("Die Antwort wird ersetzt."), "retract"), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A chat turn of tenant {Tenant} failed after its stream started")]
    private static partial void LogTurnFailed(ILogger logger, Exception exception, string tenant);

    /// <summary>
    /// The rest of the answer as events: the text in pieces (unless it was streamed already), its sources, and
    /// <c>done</c>, so that every tier looks the same to clients.
    /// </summary>
    private static IEnumerable<SseItem<object>> Events(TurnResult turn)
    {
        var answer = turn.Answer;
        if (turn.AnswerMessage is not { } message)
        {
            // No bot answer: a person is asked for or in charge (or took over while the answer streamed).
            if (turn.Superseded)
            {
                yield return new SseItem<object>(new RetractEvent("Eine Mitarbeiterin oder ein Mitarbeiter hat das Gespräch übernommen."), "retract");
            }

            yield return new SseItem<object>(ToHandover(turn), "handover");
            yield break;
        }

        if (!answer.Streamed)
        {
            foreach (var piece in Pieces(answer.Text))
            {
                yield return new SseItem<object>(new DeltaEvent(piece), "delta");
            }
        }

        if (answer.Chart is { } chart)
        {
            yield return new SseItem<object>(chart, "chart");
        }

        foreach (var citation in answer.Citations)
        {
            yield return new SseItem<object>(ToDto(citation), "citation");
        }

        yield return new SseItem<object>(
            new DoneEvent(message.Id, answer.AnswerType, Math.Round(answer.Confidence, 3), answer.FollowUps, answer.Contact)
            {
                Notice = answer.Notice, Language = message.Language, PlainLanguage = answer.PlainLanguage,
                Readability = message.Readability, DataTool = answer.DataTool,
            },
            "done");
    }

    /// <summary>Splits text into pieces of a few words, keeping whitespace, so clients can render progressively.</summary>
    internal static IEnumerable<string> Pieces(string text, int wordsPerPiece = 4)
    {
        var start = 0;
        var words = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]) && (i + 1 == text.Length || !char.IsWhiteSpace(text[i + 1])) && ++words == wordsPerPiece)
            {
                yield return text[start..(i + 1)];
                start = i + 1;
                words = 0;
            }
        }

        if (start < text.Length)
        {
            yield return text[start..];
        }
    }

    private static async Task<NoContent> SendFeedback(
        Guid conversationId, Guid messageId, FeedbackRequest request, ChatService chat, CancellationToken ct)
    {
        if (!Enum.IsDefined(request.Rating))
        {
            throw new ArgumentException("Die Bewertung muss \"up\" oder \"down\" sein.");
        }

        await chat.AddFeedbackAsync(conversationId, messageId, request.Rating, request.Comment, ct);
        return TypedResults.NoContent();
    }

    private static HandoverEvent ToHandover(TurnResult turn) =>
        new(turn.UserMessage.Id, turn.Mode, turn.AgentName, turn.Mode == ConversationMode.Agent
            ? $"Ihre Nachricht ist bei {turn.AgentName} angekommen."
            : "Ihre Nachricht wurde weitergeleitet. Eine Mitarbeiterin oder ein Mitarbeiter meldet sich hier.");

    private static CitationDto ToDto(Citation citation) => new(citation.Index, citation.Title, citation.Url, citation.Section);
}
