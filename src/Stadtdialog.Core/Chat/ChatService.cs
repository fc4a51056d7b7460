using Microsoft.EntityFrameworkCore;
using Stadtdialog.Data;
using Stadtdialog.Generative;
using Stadtdialog.Generative.Safety;
using Stadtdialog.Retrieval;
using Stadtdialog.Retrieval.Vectors;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Chat;

/// <summary>
/// A stored turn: the user's message and the answer to it. <see cref="AnswerMessage"/> is null when no bot answer was
/// given because a person is asked for or in charge (<see cref="Mode"/>), or took over while the answer was written.
/// </summary>
public sealed record TurnResult(Message UserMessage, Message? AnswerMessage, TurnAnswer Answer)
{
    /// <summary>Who answers the conversation now.</summary>
    public ConversationMode Mode { get; init; }

    /// <summary>The staff member in charge, as the citizen sees them.</summary>
    public string? AgentName { get; init; }

    /// <summary>The bot's answer was written but not given: a staff member took over meanwhile.</summary>
    public bool Superseded { get; init; }
}

/// <summary>A checked question with everything needed to answer it.</summary>
public sealed record PreparedTurn(Conversation Conversation, Tenant Tenant, string Question, string Language)
{
    /// <summary>Answer in plain language (the citizen's toggle, else the assistant's default).</summary>
    public bool PlainLanguage { get; init; }

    /// <summary>Earlier messages of the conversation, oldest first.</summary>
    public IReadOnlyList<HistoryMessage> History { get; init; } = [];
}

/// <summary>One question to answer, without a stored conversation (OpenAI-compatible API, CLI, evaluation).</summary>
public sealed record TurnInput(Tenant Tenant, Assistant Assistant, string Question, string Language)
{
    public bool PlainLanguage { get; init; }

    public IReadOnlyList<HistoryMessage> History { get; init; } = [];
}


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
    LanguageDetection languages,
    QueryTranslation translation,
    LanguageModels models,
    HybridSearch hybrid,
    Handover.HandoverService handover,
    TimeProvider time)
{
    /// <summary>Longest accepted question, in characters.</summary>
    public const int MaxQuestionLength = 2000;

    /// <summary>Earlier messages loaded as context for the generative tier.</summary>
    private const int HistoryMessages = 12;

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
        await CompleteAsync(await PrepareAsync(conversationId, text, language, null, cancellationToken), NoTurnOutput.Instance, cancellationToken);

    /// <summary>
    /// Checks the question and loads its conversation, assistant and tenant. Everything that is the caller's fault
    /// (unknown conversation, empty or over-long question) fails here, before an answer stream starts.
    /// </summary>
    public async Task<PreparedTurn> PrepareAsync(Guid conversationId, string text, string? language, bool? plainLanguage,
        CancellationToken cancellationToken)
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
        var history = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.Role != MessageRole.System)
            .OrderByDescending(m => m.CreatedAt).Take(HistoryMessages)
            .Select(m => new HistoryMessage(m.Role, m.Content))
            .ToListAsync(cancellationToken);
        history.Reverse();
        return new PreparedTurn(conversation, municipality, question, ResolveLanguage(municipality, question, language))
        {
            PlainLanguage = plainLanguage ?? conversation.Assistant!.Generation.PlainLanguage,
            History = history,
        };
    }

    /// <summary>
    /// The language to answer in: the question's language when it is detected with confidence and the tenant offers
    /// it, else the language the client asked for (its UI language), else the tenant's first language.
    /// </summary>
    public string ResolveLanguage(Tenant municipality, string question, string? requested)
    {
        var allowed = municipality.Languages.Count > 0 ? municipality.Languages : ["de"];
        var fallback = requested is { Length: >= 2 } && allowed.Contains(requested[..2]) ? requested[..2] : allowed[0];
        if (allowed.Count == 1)
        {
            return fallback;
        }

        var guess = languages.Detect(question, allowed, fallback);
        return guess.IsFallback ? fallback : guess.Language;
    }

    /// <summary>
    /// Runs the turn pipeline for a prepared question and stores question and answer. While a person is asked for or
    /// in charge, the question is only stored and passed on: the bot stays silent. A bot answer is stored only if the
    /// conversation is still the bot's when it is complete (one conditional UPDATE in the same transaction), so an
    /// answer written while an agent took over is never given.
    /// </summary>
    public async Task<TurnResult> CompleteAsync(PreparedTurn turn, ITurnOutput output, CancellationToken cancellationToken)
    {
        var conversation = turn.Conversation;
        if (conversation.Mode == ConversationMode.Closed)
        {
            throw new Handover.HandoverConflictException("Dieses Gespräch ist beendet. Bitte beginnen Sie ein neues Gespräch.");
        }

        if (conversation.Mode != ConversationMode.Bot)
        {
            var forwarded = await handover.CitizenMessageAsync(conversation, turn.Question, turn.Language, cancellationToken);
            return ForwardedTurn(forwarded, conversation.Mode, conversation.AgentName, superseded: false);
        }

        var answer = await AnswerAsync(
            new TurnInput(turn.Tenant, conversation.Assistant!, turn.Question, turn.Language)
            {
                PlainLanguage = turn.PlainLanguage, History = turn.History,
            },
            output, cancellationToken);

        var now = time.GetUtcNow();
        var userMessage = new Message
        {
            Id = Guid.CreateVersion7(now), ConversationId = conversation.Id, Role = MessageRole.User, Content = turn.Question,
            Language = turn.Language, CreatedAt = now,
        };
        var answerMessage = new Message
        {
            Id = Guid.CreateVersion7(now), ConversationId = conversation.Id, Role = MessageRole.Assistant,
            Content = answer.Text, AnswerType = answer.AnswerType, Confidence = Math.Round(answer.Confidence, 3),
            Citations = answer.Citations.ToList(), CreatedAt = now.AddMilliseconds(1),
            Language = answer.Language ?? turn.Language, PlainLanguage = answer.PlainLanguage,
            Readability = Readability.Measure(GroundingCheck.StripCitations(answer.Text)) is { } score ? Math.Round(score.FleschAmstad, 1) : null,
            Model = answer.Model, FallbackReason = answer.FallbackReason, Tokens = answer.Tokens,
            Chart = answer.Chart, DataTool = answer.DataTool,
        };
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var stillBots = await db.Conversations
                .Where(c => c.Id == conversation.Id && c.Mode == ConversationMode.Bot)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.LastActivityAt, now), cancellationToken);
            db.Messages.Add(userMessage);
            if (stillBots == 1)
            {
                db.Messages.Add(answerMessage);
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (stillBots == 0)
            {
                // A staff member took over while the answer was written: the question goes to them, the answer nowhere.
                var current = await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == conversation.Id, cancellationToken);
                handover.Published(current, userMessage);
                return ForwardedTurn(userMessage, current.Mode, current.AgentName, superseded: true);
            }
        }

        handover.Published(conversation, userMessage);
        handover.Published(conversation, answerMessage);
        return new TurnResult(userMessage, answerMessage, answer) { Mode = ConversationMode.Bot };
    }

    private static TurnResult ForwardedTurn(Message userMessage, ConversationMode mode, string? agentName, bool superseded) =>
        new(userMessage, null, new TurnAnswer("", AnswerTypes.Handover, 1, [], []))
        {
            Mode = mode, AgentName = agentName, Superseded = superseded,
        };

    /// <summary>Answers without storing anything (CLI <c>ask</c>, evaluation, the test console).</summary>
    public Task<TurnAnswer> AnswerAsync(Tenant municipality, Assistant assistant, string question, string language,
        CancellationToken cancellationToken) =>
        AnswerAsync(new TurnInput(municipality, assistant, question, language), NoTurnOutput.Instance, cancellationToken);

    /// <summary>
    /// Answers one question through the turn pipeline without storing anything. Questions in another language are
    /// searched in German (translated by the model when there is one); the answer carries a notice when plain
    /// language or another language was asked for and could not be given.
    /// </summary>
    public async Task<TurnAnswer> AnswerAsync(TurnInput input, ITurnOutput output, CancellationToken cancellationToken)
    {
        var municipality = input.Tenant;
        var context = new TurnContext(municipality, input.Assistant, input.Question, input.Language, async ct =>
            {
                var question = WithoutPersonalData(input.Question);
                var query = input.Language == "de"
                    ? question
                    : await translation.ToGermanAsync(municipality, input.Assistant, question, ct);
                return await SearchAsync(municipality, query, ct);
            })
        {
            PlainLanguage = input.PlainLanguage,
            History = input.History,
            Output = output,
        };
        var answer = await pipeline.AnswerAsync(context, cancellationToken);
        var rewriteWanted = input.PlainLanguage || input.Language != "de";
        if (rewriteWanted && answer.Notice is null
            && (answer.AnswerType is AnswerTypes.Retrieval or AnswerTypes.Curated || (answer.AnswerType is AnswerTypes.LiveData && input.Language != "de")))
        {
            answer = answer with { Notice = Phrases.NoModelForRewrite(input.Language, input.PlainLanguage) };
        }

        return answer;
    }

    /// <summary>
    /// The question without names, e-mail addresses, phone numbers and the like: they say nothing about which page
    /// answers it, and as unknown words they would only lower the retrieval's confidence.
    /// </summary>
    public static string WithoutPersonalData(string question)
    {
        var matches = PiiRedactor.Find(question);
        if (matches.Count == 0)
        {
            return question;
        }

        var text = new System.Text.StringBuilder(question.Length);
        var position = 0;
        foreach (var match in matches.OrderBy(m => m.Index))
        {
            if (match.Index >= position)
            {
                text.Append(question, position, match.Index - position).Append(' ');
                position = match.Index + match.Length;
            }
        }

        return text.Append(question, position, question.Length - position).ToString();
    }

    /// <summary>
    /// The tenant's knowledge for a question: hybrid (BM25 and vectors, fused by reciprocal rank) when the tenant has
    /// an embedding model, else BM25. A failing embedding endpoint gives the BM25 result.
    /// </summary>
    public async Task<SearchResult> SearchAsync(Tenant municipality, string question, CancellationToken cancellationToken, int maxDocuments = 5) =>
        models.GetEmbeddings(municipality) is { } embeddings
            ? await hybrid.SearchAsync(municipality, question, embeddings.Generator, embeddings.Model, maxDocuments, cancellationToken)
            : Search(municipality, question, maxDocuments);

    /// <summary>BM25 only (the CLI's <c>--explain</c>, tests).</summary>
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
