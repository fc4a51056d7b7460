using System.ComponentModel.DataAnnotations;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Stadtdialog.Data;
using Stadtdialog.Handover;
using Stadtdialog.Server.Features.Chat;
using Stadtdialog.Server.Features.Tenants;

namespace Stadtdialog.Server.Features.Handover;

public sealed record HandoverRequest([property: StringLength(32)] string? Reason = null);

public sealed record HandoverState(Guid ConversationId, ConversationMode Mode, string? AgentName);

public sealed record StaffMessageRequest([property: Required, StringLength(HandoverService.MaxMessageLength, MinimumLength = 1)] string Text);

/// <summary>A conversation in the staff inbox.</summary>
public sealed record InboxItem(
    Guid Id, string Assistant, ConversationMode Mode, string? AgentName, string? Reason, string? QueueId,
    DateTimeOffset? HandoverRequestedAt, DateTimeOffset LastActivityAt, string? LastMessage);

/// <summary>A conversation with everything staff need: the whole bot conversation with its sources.</summary>
public sealed record InboxConversation(
    Guid Id, string Assistant, ConversationMode Mode, string? AgentName, string? Reason, DateTimeOffset CreatedAt, IReadOnlyList<MessageDto> Messages);

/// <summary>
/// Handover to people. Citizens (the conversation id is their capability, as in the chat API) ask for a person and
/// follow the conversation live; staff see the waiting and running conversations, take one over (the bot is muted
/// until they hand it back), write, hand back and close. Updates are pushed as Server-Sent Events both ways.
/// </summary>
public static class HandoverEndpoints
{
    public static IEndpointRouteBuilder MapHandover(this IEndpointRouteBuilder app)
    {
        var citizen = app.MapTenantGroup().WithTags("Handover");
        citizen.MapPost("/conversations/{conversationId:guid}/handover", RequestHandover)
            .WithName("RequestHandover").WithSummary("Ask for a person: the bot stays silent, the conversation waits in the staff inbox")
            .ProducesProblem(StatusCodes.Status409Conflict);
        citizen.MapGet("/conversations/{conversationId:guid}/events", ConversationEvents)
            .WithName("ConversationEvents")
            .WithSummary("Live updates of a conversation as Server-Sent Events: message, typing, mode (staff messages arrive here)")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        citizen.MapPost("/conversations/{conversationId:guid}/typing", async (Guid conversationId, HandoverService handover, CancellationToken ct) =>
            {
                await handover.TypingAsync(conversationId, MessageRole.User, ct);
                return TypedResults.NoContent();
            })
            .WithName("CitizenTyping").WithSummary("The citizen is typing (shown to the staff member in charge)");

        var inbox = app.MapTenantAdminGroup("/inbox", "Inbox", Staff.StaffPolicies.TenantAgent);
        inbox.MapGet("/conversations", ListInbox)
            .WithName("ListInbox").WithSummary("Conversations waiting for a person or with staff (mode=Waiting|Agent|Bot|Closed, mine=true)");
        inbox.MapGet("/conversations/{conversationId:guid}", GetInboxConversation)
            .WithName("GetInboxConversation").WithSummary("A conversation with all its messages and sources");
        inbox.MapPost("/conversations/{conversationId:guid}/takeover", TakeOver)
            .WithName("TakeOverConversation").WithSummary("Take the conversation over: the bot is muted until it is handed back")
            .ProducesProblem(StatusCodes.Status409Conflict);
        inbox.MapPost("/conversations/{conversationId:guid}/messages", SendStaffMessage)
            .WithName("SendStaffMessage").WithSummary("Write to the citizen (only the staff member in charge)")
            .ProducesProblem(StatusCodes.Status409Conflict);
        inbox.MapPost("/conversations/{conversationId:guid}/typing", async (Guid conversationId, HandoverService handover, CancellationToken ct) =>
            {
                await handover.TypingAsync(conversationId, MessageRole.Agent, ct);
                return TypedResults.NoContent();
            })
            .WithName("StaffTyping").WithSummary("The staff member is typing (shown to the citizen)");
        inbox.MapPost("/conversations/{conversationId:guid}/handback", HandBack)
            .WithName("HandBackConversation").WithSummary("Hand the conversation back to the bot")
            .ProducesProblem(StatusCodes.Status409Conflict);
        inbox.MapPost("/conversations/{conversationId:guid}/close", Close)
            .WithName("CloseConversation").WithSummary("End the conversation");
        inbox.MapGet("/events", InboxEvents)
            .WithName("InboxEvents").WithSummary("Live updates of all conversations of the municipality (Server-Sent Events)")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        return app;
    }

    private static async Task<Ok<HandoverState>> RequestHandover(
        Guid conversationId, HandoverRequest? request, HandoverService handover, StadtdialogDbContext db, CancellationToken ct)
    {
        var reason = request?.Reason is HandoverReasons.NoAnswer or HandoverReasons.NegativeFeedback ? request.Reason : HandoverReasons.Requested;
        var mode = await handover.RequestAsync(conversationId, reason, null, ct);
        var agent = await db.Conversations.AsNoTracking().Where(c => c.Id == conversationId).Select(c => c.AgentName).SingleAsync(ct);
        return TypedResults.Ok(new HandoverState(conversationId, mode, mode == ConversationMode.Agent ? agent : null));
    }

    private static ServerSentEventsResult<object> ConversationEvents(
        Guid conversationId, ConversationHub hub, StadtdialogDbContext db, HttpContext http, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(StreamAsync(conversationId, hub, db, ct));

        static async IAsyncEnumerable<SseItem<object>> StreamAsync(
            Guid conversationId, ConversationHub hub, StadtdialogDbContext db, [EnumeratorCancellation] CancellationToken ct)
        {
            var conversation = await db.Conversations.AsNoTracking().SingleOrDefaultAsync(c => c.Id == conversationId, ct)
                ?? throw new NotFoundException("Dieses Gespräch gibt es nicht (mehr).");
            var updates = hub.SubscribeAsync(conversationId, ct).GetAsyncEnumerator(ct);
            var next = updates.MoveNextAsync(); // subscribed from here on

            // The state first, so a reconnecting widget knows whether a person is in charge.
            yield return new SseItem<object>(new HandoverState(conversation.Id, conversation.Mode, conversation.AgentName), ConversationUpdateKinds.Mode);
            while (await next)
            {
                var update = updates.Current;
                yield return new SseItem<object>(ToCitizenView(update), update.Kind);
                next = updates.MoveNextAsync();
            }
        }
    }

    /// <summary>What a citizen sees of an update: no staff-internal fields.</summary>
    private static object ToCitizenView(ConversationUpdate u) => u.Kind switch
    {
        ConversationUpdateKinds.Message => new { u.MessageId, Role = u.Role?.ToString(), u.Text, u.Author, u.At, u.Mode },
        ConversationUpdateKinds.Typing => new { Role = u.Role?.ToString(), u.Author, u.At },
        _ => new { u.Mode, AgentName = u.Author, u.At },
    };

    private static async Task<Ok<List<InboxItem>>> ListInbox(
        StadtdialogDbContext db, ClaimsPrincipal user, ConversationMode? mode, bool? mine, CancellationToken ct)
    {
        var query = db.Conversations.AsNoTracking().AsQueryable();
        query = mode is { } m
            ? query.Where(c => c.Mode == m)
            : query.Where(c => c.Mode == ConversationMode.Waiting || c.Mode == ConversationMode.Agent);
        if (mine == true)
        {
            var me = StaffIdentity.From(user).Id;
            query = query.Where(c => c.AgentId == me);
        }

        var items = await query
            .OrderBy(c => c.Mode == ConversationMode.Waiting ? 0 : 1).ThenByDescending(c => c.LastActivityAt)
            .Take(200)
            .Select(c => new InboxItem(c.Id, c.Assistant!.Slug, c.Mode, c.AgentName, c.HandoverReason, c.QueueId, c.HandoverRequestedAt,
                c.LastActivityAt, c.Messages.OrderByDescending(x => x.CreatedAt).Select(x => x.Content).FirstOrDefault()))
            .ToListAsync(ct);
        return TypedResults.Ok(items);
    }

    private static async Task<Ok<InboxConversation>> GetInboxConversation(Guid conversationId, StadtdialogDbContext db, CancellationToken ct)
    {
        var c = await db.Conversations.AsNoTracking().Include(x => x.Assistant).Include(x => x.Messages.OrderBy(m => m.CreatedAt))
            .SingleOrDefaultAsync(x => x.Id == conversationId, ct)
            ?? throw new NotFoundException("Dieses Gespräch gibt es nicht (mehr).");
        return TypedResults.Ok(new InboxConversation(c.Id, c.Assistant!.Slug, c.Mode, c.AgentName, c.HandoverReason, c.CreatedAt,
            c.Messages.Select(m => new MessageDto(m.Id, m.Role, m.Content, m.AnswerType, m.Confidence,
                m.Citations.Select(x => new CitationDto(x.Index, x.Title, x.Url, x.Section)).ToList(), m.CreatedAt)
            {
                Language = m.Language, Chart = m.Chart,
            }).ToList()));
    }

    private static async Task<Ok<HandoverState>> TakeOver(Guid conversationId, HandoverService handover, ClaimsPrincipal user, CancellationToken ct)
    {
        var me = StaffIdentity.From(user);
        var conversation = await handover.TakeOverAsync(conversationId, me.Id, me.DisplayName, ct);
        return TypedResults.Ok(new HandoverState(conversation.Id, ConversationMode.Agent, conversation.AgentName ?? me.DisplayName));
    }

    private static async Task<Created<MessageDto>> SendStaffMessage(
        string tenant, Guid conversationId, StaffMessageRequest request, HandoverService handover, ClaimsPrincipal user, CancellationToken ct)
    {
        var message = await handover.AgentMessageAsync(conversationId, StaffIdentity.From(user).Id, request.Text, ct);
        return TypedResults.Created($"/api/tenants/{tenant}/inbox/conversations/{conversationId}",
            new MessageDto(message.Id, message.Role, message.Content, null, null, [], message.CreatedAt));
    }

    private static async Task<NoContent> HandBack(
        string tenant, Guid conversationId, HandoverService handover, ClaimsPrincipal user, CancellationToken ct)
    {
        var me = StaffIdentity.From(user, tenant);
        await handover.HandBackAsync(conversationId, me.Id, me.IsSupervisor, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Close(Guid conversationId, HandoverService handover, CancellationToken ct)
    {
        await handover.CloseAsync(conversationId, ct);
        return TypedResults.NoContent();
    }

    private static ServerSentEventsResult<object> InboxEvents(
        Tenancy.TenantContext tenant, ConversationHub hub, HttpContext http, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(StreamAsync(tenant.RequireTenantId(), hub, ct));

        static async IAsyncEnumerable<SseItem<object>> StreamAsync(string tenantId, ConversationHub hub, [EnumeratorCancellation] CancellationToken ct)
        {
            var updates = hub.SubscribeTenantAsync(tenantId, ct).GetAsyncEnumerator(ct);
            var next = updates.MoveNextAsync(); // subscribed from here on
            yield return new SseItem<object>(new { tenant = tenantId }, "ready");
            while (await next)
            {
                yield return new SseItem<object>(updates.Current, updates.Current.Kind);
                next = updates.MoveNextAsync();
            }
        }
    }
}

/// <summary>
/// The signed-in staff member as the handover sees them: a stable id, the name citizens are shown, and whether they may
/// act on colleagues' conversations (platform admins, and tenant admins of <c>tenant</c>).
/// </summary>
public sealed record StaffIdentity(Guid Id, string DisplayName, bool IsSupervisor)
{
    public static StaffIdentity From(ClaimsPrincipal user, string? tenant = null)
    {
        var name = user.FindFirst(global::Stadtdialog.Staff.StaffClaimTypes.DisplayName)?.Value ?? user.Identity?.Name ?? "Mitarbeiter/in";
        var supervisor = user.IsInRole(Admin.AdminPolicies.PlatformAdminRole)
            || (tenant is not null && user.HasClaim(global::Stadtdialog.Staff.StaffRoles.TenantRoleClaim,
                global::Stadtdialog.Staff.StaffRoles.ClaimValue(tenant, global::Stadtdialog.Staff.StaffRole.TenantAdmin)));
        if (Guid.TryParse(user.FindFirst(ClaimTypes.NameIdentifier)?.Value, out var id))
        {
            return new StaffIdentity(id, name, supervisor);
        }

        // An operator key has no account: a stable id derived from its name.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("operator:" + name));
        return new StaffIdentity(new Guid(hash.AsSpan(0, 16)), name == "operator" ? "Verwaltung" : name, supervisor);
    }
}
