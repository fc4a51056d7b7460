using Microsoft.EntityFrameworkCore;
using Stadtdialog.Data;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Handover;

/// <summary>Why a conversation was handed to a person.</summary>
public static class HandoverReasons
{
    /// <summary>The citizen asked for a person ("Ich möchte mit einem Menschen sprechen").</summary>
    public const string Requested = "requested";

    /// <summary>The assistant did not know and the citizen accepted the offer of a person.</summary>
    public const string NoAnswer = "no-answer";

    /// <summary>Repeated negative feedback.</summary>
    public const string NegativeFeedback = "negative-feedback";

    /// <summary>A keyword of the municipality's list.</summary>
    public const string Keyword = "keyword";

    /// <summary>A step of a flow.</summary>
    public const string Flow = "flow";
}

/// <summary>The conversation is not in a state that allows the step (another agent was faster, it is closed …).</summary>
public sealed class HandoverConflictException(string message) : Exception(message);

/// <summary>
/// The state machine of a conversation between bot and people: Bot → Waiting (a person was asked for) → Agent (a
/// staff member took over; the bot is muted) → Bot (handed back) or Closed. Every transition is one conditional
/// UPDATE on the conversation row (<c>WHERE Mode IN (…)</c>), so two agents cannot both take a conversation over and
/// a bot answer that was being written while an agent took over is never stored or shown (see
/// <see cref="Chat.ChatService.CompleteAsync"/>). Each step is stored as a message and pushed live through the
/// <see cref="ConversationHub"/>.
/// </summary>
public sealed class HandoverService(StadtdialogDbContext db, TenantContext tenant, ConversationHub hub, TimeProvider time)
{
    /// <summary>Longest staff message, in characters.</summary>
    public const int MaxMessageLength = 4000;

    /// <summary>The citizen (or a trigger) asks for a person: Bot → Waiting. Idempotent while waiting or with an agent.</summary>
    public async Task<ConversationMode> RequestAsync(Guid conversationId, string reason, string? queueId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var changed = await db.Conversations
            .Where(c => c.Id == conversationId && c.Mode == ConversationMode.Bot)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Mode, ConversationMode.Waiting)
                .SetProperty(c => c.HandoverReason, reason)
                .SetProperty(c => c.QueueId, queueId)
                .SetProperty(c => c.HandoverRequestedAt, now)
                .SetProperty(c => c.LastActivityAt, now), cancellationToken);
        var conversation = await LoadAsync(conversationId, cancellationToken);
        if (changed == 1)
        {
            await AddSystemMessageAsync(conversation, "Ich leite Ihr Anliegen an eine Mitarbeiterin oder einen Mitarbeiter weiter. " +
                "Bitte bleiben Sie in diesem Fenster; Sie können schon jetzt weiterschreiben.", cancellationToken);
        }
        else if (conversation.Mode == ConversationMode.Closed)
        {
            throw new HandoverConflictException("Dieses Gespräch ist beendet.");
        }

        return conversation.Mode;
    }

    /// <summary>
    /// A staff member takes the conversation over: Bot/Waiting → Agent. Only one can win; the others get a
    /// <see cref="HandoverConflictException"/>. Taking over one's own conversation again is a no-op.
    /// </summary>
    public async Task<Conversation> TakeOverAsync(Guid conversationId, Guid agentId, string agentName, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var changed = await db.Conversations
            .Where(c => c.Id == conversationId && (c.Mode == ConversationMode.Bot || c.Mode == ConversationMode.Waiting))
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Mode, ConversationMode.Agent)
                .SetProperty(c => c.AgentId, agentId)
                .SetProperty(c => c.AgentName, agentName)
                .SetProperty(c => c.AgentJoinedAt, now)
                .SetProperty(c => c.HandoverRequestedAt, c => c.HandoverRequestedAt ?? now)
                .SetProperty(c => c.LastActivityAt, now), cancellationToken);
        var conversation = await LoadAsync(conversationId, cancellationToken);
        if (changed == 0)
        {
            if (conversation.Mode == ConversationMode.Agent && conversation.AgentId == agentId)
            {
                return conversation;
            }

            throw new HandoverConflictException(conversation.Mode == ConversationMode.Agent
                ? $"{conversation.AgentName} hat dieses Gespräch bereits übernommen."
                : "Dieses Gespräch ist beendet.");
        }

        await AddSystemMessageAsync(conversation, $"Sie schreiben jetzt mit {agentName}.", cancellationToken);
        return conversation;
    }

    /// <summary>The staff member who owns the conversation writes to the citizen.</summary>
    public async Task<Message> AgentMessageAsync(Guid conversationId, Guid agentId, string text, CancellationToken cancellationToken)
    {
        text = (text ?? "").Trim();
        if (text.Length is 0 or > MaxMessageLength)
        {
            throw new ArgumentException($"Eine Nachricht muss 1 bis {MaxMessageLength} Zeichen lang sein.", nameof(text));
        }

        var now = time.GetUtcNow();
        var owns = await db.Conversations
            .Where(c => c.Id == conversationId && c.Mode == ConversationMode.Agent && c.AgentId == agentId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastActivityAt, now), cancellationToken);
        if (owns == 0)
        {
            var conversation = await LoadAsync(conversationId, cancellationToken);
            throw new HandoverConflictException(conversation.Mode == ConversationMode.Agent
                ? $"Dieses Gespräch führt {conversation.AgentName}."
                : "Übernehmen Sie das Gespräch, bevor Sie schreiben.");
        }

        var owner = await LoadAsync(conversationId, cancellationToken);
        return await AddMessageAsync(owner, MessageRole.Agent, text, owner.AgentName, cancellationToken);
    }

    /// <summary>
    /// A citizen's message while a person is asked for or in charge: stored and pushed to staff, no bot answer.
    /// </summary>
    public Task<Message> CitizenMessageAsync(Conversation conversation, string text, string language, CancellationToken cancellationToken) =>
        AddMessageAsync(conversation, MessageRole.User, text, null, cancellationToken, language);

    /// <summary>The staff member hands the conversation back to the bot: Agent → Bot.</summary>
    public async Task HandBackAsync(Guid conversationId, Guid agentId, bool isSupervisor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var changed = await db.Conversations
            .Where(c => c.Id == conversationId && c.Mode == ConversationMode.Agent && (c.AgentId == agentId || isSupervisor))
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Mode, ConversationMode.Bot)
                .SetProperty(c => c.AgentId, (Guid?)null)
                .SetProperty(c => c.LastActivityAt, now), cancellationToken);
        if (changed == 0)
        {
            throw new HandoverConflictException("Nur wer das Gespräch führt, kann es an den Assistenten zurückgeben.");
        }

        var conversation = await LoadAsync(conversationId, cancellationToken);
        await AddSystemMessageAsync(conversation, "Sie schreiben wieder mit dem digitalen Assistenten.", cancellationToken);
    }

    /// <summary>Ends the conversation (staff): any state → Closed.</summary>
    public async Task CloseAsync(Guid conversationId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var changed = await db.Conversations
            .Where(c => c.Id == conversationId && c.Mode != ConversationMode.Closed)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Mode, ConversationMode.Closed)
                .SetProperty(c => c.ClosedAt, now)
                .SetProperty(c => c.LastActivityAt, now), cancellationToken);
        if (changed == 1)
        {
            var conversation = await LoadAsync(conversationId, cancellationToken);
            await AddSystemMessageAsync(conversation, "Das Gespräch wurde beendet. Vielen Dank!", cancellationToken);
        }
    }

    /// <summary>Someone is typing: pushed, not stored.</summary>
    public async Task TypingAsync(Guid conversationId, MessageRole role, CancellationToken cancellationToken)
    {
        var conversation = await LoadAsync(conversationId, cancellationToken);
        hub.Publish(conversation.TenantId, new ConversationUpdate(conversation.Id, ConversationUpdateKinds.Typing, conversation.Mode,
            time.GetUtcNow(), Role: role, Author: role == MessageRole.Agent ? conversation.AgentName : null));
    }

    /// <summary>Pushes a message the chat service stored (a question and the bot's answer) to listening staff.</summary>
    public void Published(Conversation conversation, Message message) =>
        hub.Publish(conversation.TenantId, new ConversationUpdate(conversation.Id, ConversationUpdateKinds.Message, conversation.Mode,
            message.CreatedAt, message.Id, message.Role, message.Content));

    private async Task<Conversation> LoadAsync(Guid conversationId, CancellationToken cancellationToken) =>
        await db.Conversations.AsNoTracking().SingleOrDefaultAsync(c => c.Id == conversationId, cancellationToken)
        ?? throw new NotFoundException("Dieses Gespräch gibt es nicht (mehr).");

    private async Task AddSystemMessageAsync(Conversation conversation, string text, CancellationToken cancellationToken)
    {
        await AddMessageAsync(conversation, MessageRole.System, text, null, cancellationToken);
        hub.Publish(conversation.TenantId, new ConversationUpdate(conversation.Id, ConversationUpdateKinds.Mode, conversation.Mode,
            time.GetUtcNow(), Author: conversation.AgentName));
    }

    private async Task<Message> AddMessageAsync(Conversation conversation, MessageRole role, string text, string? author,
        CancellationToken cancellationToken, string? language = null)
    {
        var now = time.GetUtcNow();
        var message = new Message
        {
            Id = Guid.CreateVersion7(now), TenantId = tenant.RequireTenantId(), ConversationId = conversation.Id, Role = role,
            Content = text, Language = language, CreatedAt = now,
        };
        db.Messages.Add(message);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(message).State = EntityState.Detached;
        hub.Publish(conversation.TenantId, new ConversationUpdate(conversation.Id, ConversationUpdateKinds.Message, conversation.Mode,
            now, message.Id, role, text, author));
        return message;
    }
}
