using System.ComponentModel.DataAnnotations;
using Stadtdialog.Data;

namespace Stadtdialog.Server.Features.Chat;

/// <summary>A question from the citizen.</summary>
public sealed record SendMessageRequest(
    [property: Required, StringLength(global::Stadtdialog.Chat.ChatService.MaxQuestionLength, MinimumLength = 1)] string Text,
    string? Language = null,
    bool? PlainLanguage = null);

public sealed record ConversationStarted(Guid Id, string Assistant, string Greeting, IReadOnlyList<string> SuggestedQuestions, DateTimeOffset CreatedAt);

public sealed record CitationDto(int Index, string Title, string Url, string? Section);

public sealed record MessageDto(
    Guid Id,
    MessageRole Role,
    string Content,
    string? AnswerType,
    double? Confidence,
    IReadOnlyList<CitationDto> Citations,
    DateTimeOffset CreatedAt)
{
    public string? Language { get; init; }

    public bool PlainLanguage { get; init; }

    /// <summary>Flesch–Amstad readability of an answer (0 hard … 100 easy).</summary>
    public double? Readability { get; init; }

    /// <summary>The time-series chart of a live-data answer.</summary>
    public global::Stadtdialog.LiveData.ChartData? Chart { get; init; }
}

public sealed record ConversationDto(Guid Id, string Assistant, DateTimeOffset CreatedAt, IReadOnlyList<MessageDto> Messages);

/// <summary>The answer as one JSON document (for clients that do not ask for a stream).</summary>
public sealed record AnswerDto(
    Guid MessageId,
    string Text,
    string AnswerType,
    double Confidence,
    IReadOnlyList<CitationDto> Citations,
    IReadOnlyList<string> FollowUps,
    ContactInfo? Contact)
{
    /// <summary>A note to show with the answer (e.g. the AI service was unavailable, the answer is quoted).</summary>
    public string? Notice { get; init; }

    public string? Language { get; init; }

    public bool PlainLanguage { get; init; }

    /// <summary>Flesch–Amstad readability of the answer (0 hard … 100 easy).</summary>
    public double? Readability { get; init; }

    /// <summary>The time-series chart of a live-data answer (also sent as SSE <c>chart</c> event).</summary>
    public global::Stadtdialog.LiveData.ChartData? Chart { get; init; }

    /// <summary>The data tool that answered (live data).</summary>
    public string? DataTool { get; init; }
}

public sealed record FeedbackRequest([property: Required] FeedbackRating Rating, [property: StringLength(2000)] string? Comment = null);

/// <summary>SSE <c>delta</c>: the next piece of the answer text.</summary>
public sealed record DeltaEvent(string Text);

/// <summary>SSE <c>done</c>: the answer is complete.</summary>
public sealed record DoneEvent(
    Guid MessageId,
    string AnswerType,
    double Confidence,
    IReadOnlyList<string> FollowUps,
    ContactInfo? Contact)
{
    public string? Notice { get; init; }

    public string? Language { get; init; }

    public bool PlainLanguage { get; init; }

    public double? Readability { get; init; }

    /// <summary>The data tool that answered (live data).</summary>
    public string? DataTool { get; init; }
}

/// <summary>SSE <c>retract</c>: discard the answer text received so far; a replacement follows.</summary>
public sealed record RetractEvent(string Reason);

/// <summary>SSE <c>error</c>: the turn failed after the stream had started.</summary>
public sealed record ErrorEvent(string Title, string Detail);

/// <summary>
/// SSE <c>handover</c> (JSON: 202): the question was passed on to a person instead of being answered by the bot.
/// <c>mode</c> is <c>Waiting</c> (a person is asked for) or <c>Agent</c> (a staff member is in charge).
/// </summary>
public sealed record HandoverEvent(Guid MessageId, ConversationMode Mode, string? AgentName, string Text);
