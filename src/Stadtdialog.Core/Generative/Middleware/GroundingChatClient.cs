using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace Stadtdialog.Generative;

/// <summary>
/// Checks every answer that must be grounded (<see cref="TurnPolicy.RequireCitations"/>) with
/// <see cref="GroundingCheck"/> once it is complete and records the verdict in the policy; the caller decides what
/// replaces an answer that fails. Streams pass through unchanged; the verdict is set when the stream ends.
/// </summary>
public sealed class GroundingChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken);
        Record(options.GetTurnPolicy(), response.Text);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var policy = options.GetTurnPolicy();
        var text = new StringBuilder();
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            text.Append(update.Text);
            yield return update;
        }

        Record(policy, text.ToString());
    }

    private static void Record(TurnPolicy? policy, string text)
    {
        if (policy is { RequireCitations: true })
        {
            policy.Grounding = GroundingCheck.Verify(text, policy.SourceCount, policy.EvidenceTexts);
        }
    }
}

public static class GroundingChatClientExtensions
{
    /// <summary>Adds the grounding check (<see cref="GroundingChatClient"/>).</summary>
    public static ChatClientBuilder UseGrounding(this ChatClientBuilder builder) =>
        builder.Use(inner => new GroundingChatClient(inner));
}
