using Microsoft.EntityFrameworkCore;
using Stadtdialog.Data;
using Stadtdialog.Retrieval;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Chat;

/// <summary>A stored turn: the user's message and the answer to it.</summary>
public sealed record TurnResult(Message UserMessage, Message AnswerMessage, TurnAnswer Answer);

/// <summary>A checked question with everything needed to answer it.</summary>
public sealed record PreparedTurn(Conversation Conversation, Tenant Tenant, string Question, string Language);


/// <summary>
/// Conversations of the current tenant: starts them, runs a turn through the <see cref="TurnPipeline"/> and stores
/// question and answer (with its citations). Used by the HTTP API and the CLI alike.
/// </summary>
public sealed class ChatService(
    StadtdialogDbContext db,
    TenantContext tenant,
    TurnPipeline pipeline,
    KnowledgeSearch search,
    SearchIndexRegistry indexes,
    TenantDirectory tenants,
    TimeProvider time)
{
    /// <summary>Longest accepted question, in characters.</summary>
    public const int MaxQuestionLength = 2000;

    public async Task<Tenant> GetTenantAsync(CancellationToken cancellationToken) =>
        await tenants.FindAsync(db, tenant.RequireTenantId(), cancellationToken)
        ?? throw new NotFoundException($"Die Kommune '{tenant.TenantId}' gibt es nicht.");

    public async Task<Assistant> GetAssistantAsync(string slug, CancellationToken cancellationToken) =>
        await db.Assistants.AsNoTracking().SingleOrDefaultAsync(a => a.Slug == slug && a.Published, cancellationToken)
        ?? throw new NotFoundException($"Den Assistenten '{slug}' gibt es bei '{tenant.TenantId}' nicht.");

    public async Task<Conversation> StartAsync(string assistantSlug, CancellationToken cancellationToken)
    {
        await GetTenantAsync(cancellationToken);
        var assistant = await GetAssistantAsync(assistantSlug, cancellationToken);
        var now = time.GetUtcNow();
        var conversation = new Conversation
        {
            Id = Guid.CreateVersion7(now), AssistantId = assistant.Id, CreatedAt = now, LastActivityAt = now,
        };
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync(cancellationToken);
        conversation.Assistant = assistant;
        return conversation;
    }

    public async Task<Conversation> GetConversationAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Conversations.AsNoTracking()
            .Include(c => c.Assistant)
            .Include(c => c.Messages.OrderBy(m => m.CreatedAt))
            .SingleOrDefaultAsync(c => c.Id == id, cancellationToken)
        ?? throw new NotFoundException("Dieses Gespräch gibt es nicht (mehr).");

    /// <summary>Answers one question in a conversation and stores both messages.</summary>
    public async Task<TurnResult> AskAsync(Guid conversationId, string text, string? language, CancellationToken cancellationToken) =>
        await CompleteAsync(await PrepareAsync(conversationId, text, language, cancellationToken), cancellationToken);

    /// <summary>
    /// Checks the question and loads its conversation, assistant and tenant. Everything that is the caller's fault
    /// (unknown conversation, empty or over-long question) fails here, before an answer stream starts.
    /// </summary>
    public async Task<PreparedTurn> PrepareAsync(Guid conversationId, string text, string? language, CancellationToken cancellationToken)
    {
        var question = (text ?? "").Trim();
        if (question.Length == 0 || question.Length > MaxQuestionLength)
        {
            throw new ArgumentException($"Eine Frage muss 1 bis {MaxQuestionLength} Zeichen lang sein.", nameof(text));
        }

        var conversation = await db.Conversations.Include(c => c.Assistant)
            .SingleOrDefaultAsync(c => c.Id == conversationId, cancellationToken)
            ?? throw new NotFoundException("Dieses Gespräch gibt es nicht (mehr).");
        var municipality = await GetTenantAsync(cancellationToken);
        var lang = language is { Length: >= 2 } && municipality.Languages.Contains(language[..2])
            ? language[..2]
            : municipality.Languages.FirstOrDefault() ?? "de";
        return new PreparedTurn(conversation, municipality, question, lang);
    }

    /// <summary>Runs the turn pipeline for a prepared question and stores question and answer.</summary>
    public async Task<TurnResult> CompleteAsync(PreparedTurn turn, CancellationToken cancellationToken)
    {
        var conversation = turn.Conversation;
        var answer = await AnswerAsync(turn.Tenant, conversation.Assistant!, turn.Question, turn.Language, cancellationToken);

        var now = time.GetUtcNow();
        var userMessage = new Message
        {
            Id = Guid.CreateVersion7(now), ConversationId = conversation.Id, Role = MessageRole.User, Content = turn.Question,
            CreatedAt = now,
        };
        var answerMessage = new Message
        {
            Id = Guid.CreateVersion7(now), ConversationId = conversation.Id, Role = MessageRole.Assistant,
            Content = answer.Text, AnswerType = answer.AnswerType, Confidence = Math.Round(answer.Confidence, 3),
            Citations = answer.Citations.ToList(), CreatedAt = now.AddMilliseconds(1),
        };
        db.Messages.AddRange(userMessage, answerMessage);
        conversation.LastActivityAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return new TurnResult(userMessage, answerMessage, answer);
    }

    /// <summary>Answers without storing anything (CLI <c>ask</c>, evaluation, the test console).</summary>
    public ValueTask<TurnAnswer> AnswerAsync(Tenant municipality, Assistant assistant, string question, string language,
        CancellationToken cancellationToken)
    {
        var context = new TurnContext(municipality, assistant, question, language, () => Search(municipality, question));
        return pipeline.AnswerAsync(context, cancellationToken);
    }

    public SearchResult Search(Tenant municipality, string question, int maxDocuments = 5) =>
        search.Search(indexes.Get(municipality.Id), indexes.Synonyms(municipality.Id, municipality.Synonyms), question, maxDocuments);

    public async Task AddFeedbackAsync(Guid conversationId, Guid messageId, FeedbackRating rating, string? comment,
        CancellationToken cancellationToken)
    {
        var exists = await db.Messages.AnyAsync(
            m => m.Id == messageId && m.ConversationId == conversationId && m.Role == MessageRole.Assistant, cancellationToken);
        if (!exists)
        {
            throw new NotFoundException("Diese Antwort gibt es in diesem Gespräch nicht.");
        }

        // One rating per answer: a citizen may change their mind, the last rating counts.
        var feedback = await db.Feedback.SingleOrDefaultAsync(f => f.MessageId == messageId, cancellationToken);
        if (feedback is null)
        {
            feedback = new Feedback { Id = Guid.CreateVersion7(time.GetUtcNow()), MessageId = messageId };
            db.Feedback.Add(feedback);
        }

        feedback.Rating = rating;
        feedback.Comment = string.IsNullOrWhiteSpace(comment) ? feedback.Comment : comment.Trim();
        feedback.CreatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
    }
}
