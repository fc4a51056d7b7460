using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace Stadtdialog.Generative.Safety;

/// <summary>Settings of <see cref="PromptGuardChatClient"/>.</summary>
public sealed class PromptGuardOptions
{
    /// <summary>The answer shown instead of one that revealed the system prompt (non-streaming calls).</summary>
    public string RefusalText { get; set; } = PromptGuard.DefaultRefusal;

    /// <summary>
    /// Phrases of the system prompt that answers may repeat word for word (e.g. the agreed "no answer" sentence);
    /// runs of words inside them do not count as a leak.
    /// </summary>
    public IList<string> AllowedPhrases { get; } = [];

    /// <summary>How many consecutive words of the system prompt in an answer count as a leak.</summary>
    public int LeakWordCount { get; set; } = 8;
}

/// <summary>
/// Guards a call against prompt injection.
/// <para>Input: only the first message may be a system message (ours); any other system message (client-supplied
/// through the OpenAI-compatible API, or from history) becomes a user message marked <see cref="PromptGuard.UserTextPrefix"/>.
/// In all other messages special tokens, chat-template markers, role labels and our source fences are neutralised
/// (<see cref="PromptGuard.NeutralizeUserText"/>); in sources messages no source can close its fence
/// (<see cref="PromptGuard.SecureSourcesText"/>).</para>
/// <para>Output: an answer that contains a canary of the system prompt (<see cref="PromptGuard.NewCanary"/>, in any
/// spelling) or <see cref="PromptGuardOptions.LeakWordCount"/> consecutive words of it is stopped and
/// <see cref="TurnPolicy.BlockedReason"/> set to <see cref="PromptGuard.SystemPromptLeakReason"/>. Non-streaming, the
/// text is replaced by <see cref="PromptGuardOptions.RefusalText"/>; streaming, text is held back in a window wide
/// enough that no word of a leaking run and no part of a canary is ever yielded, and the stream ends at the leak
/// with an update whose finish reason is <see cref="ChatFinishReason.ContentFilter"/>.</para>
/// The caller's messages and options are never mutated.
/// </summary>
public sealed class PromptGuardChatClient : DelegatingChatClient
{
    private readonly PromptGuardOptions _options;

    public PromptGuardChatClient(IChatClient innerClient, PromptGuardOptions? options = null)
        : base(innerClient)
    {
        _options = options ?? new PromptGuardOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.LeakWordCount, 3, nameof(options));
    }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var guarded = GuardMessages(messages, out var systemPrompt);
        var response = await base.GetResponseAsync(guarded, options, cancellationToken);
        var fingerprint = Fingerprint(systemPrompt);
        if (fingerprint is null || !fingerprint.Leaks(string.Join("\n", response.Messages.Select(m => m.Text))))
        {
            return response;
        }

        MarkBlocked(options);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, _options.RefusalText))
        {
            ResponseId = response.ResponseId,
            ConversationId = response.ConversationId,
            ModelId = response.ModelId,
            CreatedAt = response.CreatedAt,
            FinishReason = ChatFinishReason.ContentFilter,
            Usage = response.Usage,
        };
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var guarded = GuardMessages(messages, out var systemPrompt);
        var fingerprint = Fingerprint(systemPrompt);
        if (fingerprint is null)
        {
            await foreach (var update in base.GetStreamingResponseAsync(guarded, options, cancellationToken))
            {
                yield return update;
            }

            yield break;
        }

        var scanner = fingerprint.NewScanner();
        var held = new StringBuilder();
        long heldStart = 0;
        ChatResponseUpdate? last = null;
        await foreach (var update in base.GetStreamingResponseAsync(guarded, options, cancellationToken))
        {
            last = update;
            if (!update.Contents.Any(c => c is TextContent))
            {
                yield return update;
                continue;
            }

            var contents = new List<AIContent>(update.Contents.Count);
            var textIndex = -1;
            foreach (var content in update.Contents)
            {
                if (content is not TextContent text)
                {
                    contents.Add(content);
                    continue;
                }

                textIndex = textIndex < 0 ? contents.Count : textIndex;
                held.Append(text.Text);
                if (scanner.Feed(text.Text))
                {
                    break;
                }
            }

            if (scanner.Leaked)
            {
                // Nothing more of this answer reaches the caller; leaving the loop also stops the model's stream.
                MarkBlocked(options);
                yield return Stopped(update);
                yield break;
            }

            var release = (int)(scanner.SafeOffset - heldStart);
            if (release > 0)
            {
                contents.Insert(textIndex, new TextContent(held.ToString(0, release)));
                held.Remove(0, release);
                heldStart += release;
            }

            var copy = update.Clone();
            copy.Contents = contents;
            copy.RawRepresentation = null;
            yield return copy;
        }

        if (scanner.Complete())
        {
            MarkBlocked(options);
            yield return Stopped(last);
            yield break;
        }

        if (held.Length > 0)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, held.ToString())
            {
                ResponseId = last?.ResponseId,
                MessageId = last?.MessageId,
                ConversationId = last?.ConversationId,
                ModelId = last?.ModelId,
            };
        }
    }

    /// <summary>
    /// Copies of the messages as they may reach the model: our system message first and only; everything else
    /// neutralised; sources fenced safely. <paramref name="systemPrompt"/> is the text of our system message.
    /// </summary>
    internal static List<ChatMessage> GuardMessages(IEnumerable<ChatMessage> messages, out string? systemPrompt)
    {
        systemPrompt = null;
        var result = new List<ChatMessage>();
        foreach (var message in messages)
        {
            if (result.Count == 0 && message.Role == ChatRole.System && !message.IsSources())
            {
                systemPrompt = message.Text;
                result.Add(message);
            }
            else if (message.IsSources())
            {
                result.Add(Rewrite(message, PromptGuard.SecureSourcesText, ChatRole.User, prefix: null));
            }
            else if (message.Role == ChatRole.System)
            {
                result.Add(Rewrite(message, PromptGuard.NeutralizeUserText, ChatRole.User, PromptGuard.UserTextPrefix));
            }
            else
            {
                result.Add(Rewrite(message, PromptGuard.NeutralizeUserText, message.Role, prefix: null));
            }
        }

        return result;
    }

    private static ChatMessage Rewrite(ChatMessage message, Func<string, string> secure, ChatRole role, string? prefix)
    {
        var changed = role != message.Role;
        var contents = new List<AIContent>(message.Contents.Count + 1);
        foreach (var content in message.Contents)
        {
            if (content is TextContent text)
            {
                var secured = secure(text.Text);
                if (prefix is not null)
                {
                    secured = prefix + secured;
                    prefix = null;
                }

                changed |= !string.Equals(secured, text.Text, StringComparison.Ordinal);
                contents.Add(secured == text.Text
                    ? text
                    : new TextContent(secured) { AdditionalProperties = text.AdditionalProperties, Annotations = text.Annotations });
            }
            else
            {
                contents.Add(content);
            }
        }

        if (prefix is not null)
        {
            contents.Insert(0, new TextContent(prefix.TrimEnd()));
        }

        if (!changed)
        {
            return message;
        }

        var copy = message.Clone();
        copy.Role = role;
        copy.Contents = contents;

        // A provider may send the raw representation instead of our text (the OpenAI client does): drop it.
        copy.RawRepresentation = null;
        return copy;
    }

    private SystemPromptFingerprint? Fingerprint(string? systemPrompt) =>
        string.IsNullOrWhiteSpace(systemPrompt)
            ? null
            : SystemPromptFingerprint.Create(systemPrompt, _options.AllowedPhrases, _options.LeakWordCount);

    private static void MarkBlocked(ChatOptions? options)
    {
        if (options.GetTurnPolicy() is { } policy)
        {
            policy.BlockedReason = PromptGuard.SystemPromptLeakReason;
        }
    }

    private static ChatResponseUpdate Stopped(ChatResponseUpdate? last) => new(ChatRole.Assistant, (string?)null)
    {
        ResponseId = last?.ResponseId,
        MessageId = last?.MessageId,
        ConversationId = last?.ConversationId,
        ModelId = last?.ModelId,
        FinishReason = ChatFinishReason.ContentFilter,
    };
}

public static class PromptGuardChatClientBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="PromptGuardChatClient"/>: one system message (ours, first), neutralised user text, safely
    /// fenced sources, and answers that reveal the system prompt stopped.
    /// </summary>
    public static ChatClientBuilder UsePromptGuard(this ChatClientBuilder builder, Action<PromptGuardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new PromptGuardOptions();
        configure?.Invoke(options);
        return builder.Use(inner => new PromptGuardChatClient(inner, options));
    }
}
