using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Stadtdialog.Generative.Safety;

/// <summary>
/// Replaces citizens' personal data by placeholders before a request leaves the process, and puts the original
/// values back into the answer (the citizen's own data may appear in it: "Wir schreiben Ihnen an …").
/// System messages and retrieved sources (<see cref="TurnPolicyExtensions.IsSources"/>: public municipal content,
/// e.g. office phone numbers) are sent unchanged. The caller's messages and options are never mutated.
/// Counts per kind go to <see cref="TurnPolicy.Redactions"/> when the options carry a policy.
/// </summary>
public sealed class PiiRedactingChatClient(IChatClient innerClient) : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var map = new PiiMap();
        var redacted = Redact(messages, options, map);
        var response = await base.GetResponseAsync(redacted, options, cancellationToken);
        if (map.Count == 0)
        {
            return response;
        }

        foreach (var message in response.Messages)
        {
            RestoreContents(message.Contents, map);
        }

        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var map = new PiiMap();
        var redacted = Redact(messages, options, map);
        if (map.Count == 0)
        {
            await foreach (var update in base.GetStreamingResponseAsync(redacted, options, cancellationToken))
            {
                yield return update;
            }

            yield break;
        }

        var restorer = new PlaceholderStreamRestorer(map);
        ChatResponseUpdate? last = null;
        await foreach (var update in base.GetStreamingResponseAsync(redacted, options, cancellationToken))
        {
            last = update;
            if (!update.Contents.Any(c => c is TextContent))
            {
                yield return update;
                continue;
            }

            var contents = new List<AIContent>(update.Contents.Count);
            foreach (var content in update.Contents)
            {
                if (content is TextContent text)
                {
                    var released = restorer.Push(text.Text);
                    if (released.Length > 0)
                    {
                        contents.Add(CopyText(text, released));
                    }
                }
                else
                {
                    contents.Add(content);
                }
            }

            var copy = update.Clone();
            copy.Contents = contents;
            copy.RawRepresentation = null;
            yield return copy;
        }

        var rest = restorer.Flush();
        if (rest.Length > 0)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, rest)
            {
                ResponseId = last?.ResponseId,
                MessageId = last?.MessageId,
                ConversationId = last?.ConversationId,
                ModelId = last?.ModelId,
            };
        }
    }

    /// <summary>
    /// Copies of the messages with personal data replaced. Two passes over the same map: the first assigns the
    /// placeholders, so that a name introduced in a later message is also replaced where an earlier one mentions it.
    /// </summary>
    private static List<ChatMessage> Redact(IEnumerable<ChatMessage> messages, ChatOptions? options, PiiMap map)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        foreach (var message in list)
        {
            if (IsRedacted(message))
            {
                foreach (var content in message.Contents)
                {
                    if (content is TextContent text)
                    {
                        PiiRedactor.Redact(text.Text, map);
                    }
                }
            }
        }

        var result = new List<ChatMessage>(list.Count);
        foreach (var message in list)
        {
            result.Add(map.Count > 0 && IsRedacted(message) ? RedactMessage(message, map) : message);
        }

        if (options.GetTurnPolicy() is { } policy)
        {
            foreach (var group in map.Entries.GroupBy(e => e.Kind))
            {
                var key = group.Key.Key();
                policy.Redactions[key] = policy.Redactions.GetValueOrDefault(key) + group.Count();
            }
        }

        return result;
    }

    private static bool IsRedacted(ChatMessage message) => message.Role != ChatRole.System && !message.IsSources();

    private static ChatMessage RedactMessage(ChatMessage message, PiiMap map)
    {
        var changed = false;
        var contents = new List<AIContent>(message.Contents.Count);
        foreach (var content in message.Contents)
        {
            if (content is TextContent text && PiiRedactor.Redact(text.Text, map) is { Matches.Count: > 0 } result)
            {
                contents.Add(CopyText(text, result.Text));
                changed = true;
            }
            else
            {
                contents.Add(content);
            }
        }

        if (!changed)
        {
            return message;
        }

        var copy = message.Clone();
        copy.Contents = contents;

        // A provider may send the raw representation instead of our text (the OpenAI client does): drop it.
        copy.RawRepresentation = null;
        return copy;
    }

    private static void RestoreContents(IList<AIContent> contents, PiiMap map)
    {
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is TextContent text)
            {
                var restored = map.Restore(text.Text);
                if (!ReferenceEquals(restored, text.Text))
                {
                    contents[i] = CopyText(text, restored);
                }
            }
        }
    }

    private static TextContent CopyText(TextContent original, string text) => new(text)
    {
        AdditionalProperties = original.AdditionalProperties,
        Annotations = original.Annotations,
    };
}

public static class PiiRedactingChatClientBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="PiiRedactingChatClient"/>: personal data in user and assistant messages is replaced by
    /// placeholders before the request leaves, and restored in the answer.
    /// </summary>
    public static ChatClientBuilder UsePiiRedaction(this ChatClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => new PiiRedactingChatClient(inner));
    }
}
