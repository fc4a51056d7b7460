using System.Text.Json;

namespace Stadtdialog.Server.Tests.Infrastructure;

/// <summary>
/// The API's wire format as a client sees it. Deliberately not the server's own DTO types, so that a change of the
/// contract shows up here.
/// </summary>
public static class Wire
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

public sealed record WireContact(string? Name, string? Phone, string? Email, string? Url, string? OpeningHours);

public sealed record WireCitation(int Index, string Title, string Url, string? Section);

public sealed record WireDone(Guid MessageId, string AnswerType, double Confidence, IReadOnlyList<string> FollowUps, WireContact? Contact)
{
    public string? Notice { get; init; }

    public string? Language { get; init; }

    public bool PlainLanguage { get; init; }

    public double? Readability { get; init; }
}

public sealed record WireConversationStarted(Guid Id, string Assistant, string Greeting, IReadOnlyList<string> SuggestedQuestions);

public sealed record WireMessage(
    Guid Id, string Role, string Content, string? AnswerType, double? Confidence, IReadOnlyList<WireCitation> Citations, DateTimeOffset CreatedAt)
{
    public string? Language { get; init; }

    public bool PlainLanguage { get; init; }

    public double? Readability { get; init; }
}

public sealed record WireConversation(Guid Id, string Assistant, IReadOnlyList<WireMessage> Messages);

/// <summary>A streamed answer: every event in order, plus what a client assembles from them.</summary>
public sealed record StreamedAnswer(IReadOnlyList<SseEvent> Events, string Raw)
{
    /// <summary>The answer as a client shows it: deltas after the last <c>retract</c>.</summary>
    public string Text => string.Concat(Events.Skip(Events.ToList().FindLastIndex(e => e.Name == "retract") + 1)
        .Where(e => e.Name == "delta").Select(e => e.As<WireDelta>().Text));

    public bool Retracted => Events.Any(e => e.Name == "retract");

    public IReadOnlyList<WireCitation> Citations => Events.Where(e => e.Name == "citation").Select(e => e.As<WireCitation>()).ToList();

    public WireDone Done =>
        Events.SingleOrDefault(e => e.Name == "done")?.As<WireDone>()
        ?? throw new InvalidOperationException($"The stream has no 'done' event. Stream:{Environment.NewLine}{Raw}");

    public override string ToString() => Raw;
}

public sealed record WireDelta(string Text);

public sealed record WireDocumentCounts(int Indexed, int Failed, int NoText);

public sealed record WireJobError(string Key, string Message);

/// <summary>One run of a knowledge source (<c>GET /jobs/{id}</c>); enums are camelCase strings on the wire.</summary>
public sealed record WireJob(
    Guid Id, Guid SourceId, string Trigger, string Status, DateTimeOffset QueuedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt, int? Total, int Seen, int Added, int Updated, int Unchanged, int Removed, int Failed,
    int Skipped, int Chunks, string? Current, string? Error, IReadOnlyList<WireJobError> Errors)
{
    public bool IsFinished => Status is "succeeded" or "failed" or "cancelled";

    public bool IsActive => Status is "queued" or "running";

    /// <summary>The job as JSON, for assertion messages.</summary>
    public override string ToString() => JsonSerializer.Serialize(this, Wire.Json);
}

public sealed record WireSource(
    Guid Id, string Name, string Type, string Location, int? RefreshMinutes, bool Enabled, DateTimeOffset? NextRunAt,
    DateTimeOffset? LastRunAt, string? LastRunSummary, WireDocumentCounts Documents, WireJob? LastJob)
{
    public override string ToString() => JsonSerializer.Serialize(this, Wire.Json);
}

public sealed record WireDocument(
    Guid Id, string Key, string Url, string Title, string Kind, string Status, string? Error, DateTimeOffset? LastModified,
    DateTimeOffset IngestedAt, DateTimeOffset? ExpiresAt);

/// <summary>A page of <c>GET /sources/{id}/documents</c>.</summary>
public sealed record WireDocumentPage(int Total, IReadOnlyList<WireDocument> Items)
{
    public override string ToString() => JsonSerializer.Serialize(this, Wire.Json);
}
