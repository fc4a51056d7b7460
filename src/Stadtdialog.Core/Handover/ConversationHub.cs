using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Stadtdialog.Data;

namespace Stadtdialog.Handover;

/// <summary>What happened in a conversation, pushed live to the citizen and to staff.</summary>
public static class ConversationUpdateKinds
{
    /// <summary>A new message (citizen, bot, staff member or system notice).</summary>
    public const string Message = "message";

    /// <summary>Someone is typing (not stored).</summary>
    public const string Typing = "typing";

    /// <summary>The conversation's <see cref="ConversationMode"/> changed (a person was asked for, took over, handed back).</summary>
    public const string Mode = "mode";
}

/// <summary>One live update of a conversation.</summary>
public sealed record ConversationUpdate(
    Guid ConversationId,
    string Kind,
    ConversationMode Mode,
    DateTimeOffset At,
    Guid? MessageId = null,
    MessageRole? Role = null,
    string? Text = null,
    string? Author = null);

/// <summary>
/// In-process publish/subscribe of conversation updates: the citizen's widget subscribes to its conversation, the
/// staff inbox to its municipality. Each subscriber has a bounded buffer (a slow reader loses the oldest typing
/// notices, never blocks the sender). One app node; with several nodes a Redis backplane takes this place.
/// </summary>
public sealed class ConversationHub
{
    private const int BufferSize = 256;
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, List<Channel<ConversationUpdate>>> _conversations = [];
    private readonly Dictionary<string, List<Channel<ConversationUpdate>>> _tenants = new(StringComparer.Ordinal);

    public void Publish(string tenantId, ConversationUpdate update)
    {
        Channel<ConversationUpdate>[] targets;
        lock (_gate)
        {
            targets = [.. Listeners(_conversations, update.ConversationId), .. Listeners(_tenants, tenantId)];
        }

        foreach (var channel in targets)
        {
            channel.Writer.TryWrite(update);
        }
    }

    /// <summary>Updates of one conversation until <paramref name="cancellationToken"/> ends the subscription.</summary>
    public IAsyncEnumerable<ConversationUpdate> SubscribeAsync(Guid conversationId, CancellationToken cancellationToken) =>
        ReadAsync(_conversations, conversationId, cancellationToken);

    /// <summary>Updates of all conversations of a municipality (the staff inbox).</summary>
    public IAsyncEnumerable<ConversationUpdate> SubscribeTenantAsync(string tenantId, CancellationToken cancellationToken) =>
        ReadAsync(_tenants, tenantId, cancellationToken);

    /// <summary>Current subscribers of a conversation (for tests and metrics).</summary>
    public int ListenerCount(Guid conversationId)
    {
        lock (_gate)
        {
            return Listeners(_conversations, conversationId).Count;
        }
    }

    private static List<Channel<ConversationUpdate>> Listeners<TKey>(Dictionary<TKey, List<Channel<ConversationUpdate>>> map, TKey key)
        where TKey : notnull =>
        map.TryGetValue(key, out var list) ? list : [];

    private async IAsyncEnumerable<ConversationUpdate> ReadAsync<TKey>(
        Dictionary<TKey, List<Channel<ConversationUpdate>>> map, TKey key, [EnumeratorCancellation] CancellationToken cancellationToken)
        where TKey : notnull
    {
        var channel = Channel.CreateBounded<ConversationUpdate>(new BoundedChannelOptions(BufferSize)
        {
            FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true,
        });
        lock (_gate)
        {
            if (!map.TryGetValue(key, out var list))
            {
                map[key] = list = [];
            }

            list.Add(channel);
        }

        try
        {
            await foreach (var update in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return update;
            }
        }
        finally
        {
            lock (_gate)
            {
                if (map.TryGetValue(key, out var list) && list.Remove(channel) && list.Count == 0)
                {
                    map.Remove(key);
                }
            }
        }
    }
}
