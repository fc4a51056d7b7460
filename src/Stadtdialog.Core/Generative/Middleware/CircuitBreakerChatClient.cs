using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Stadtdialog.Generative;

/// <summary>
/// The innermost of our chat-client middleware, right above the model client: guards the model server with a
/// <see cref="CircuitBreaker"/> and removes everything of ours from the request before it leaves the process.
/// </summary>
/// <remarks>
/// <para>
/// A failure is an exception from the inner client (except an <see cref="OperationCanceledException"/> of the caller's
/// own token), a stream that throws part-way, and an answer that ends without a finish reason (a stream cut off without
/// an error: the updates are still passed on; see <see cref="OpenAiCompatible.IsComplete"/>). While the circuit is open,
/// calls fail at once with <see cref="ModelUnavailableException"/> and never reach the inner client.
/// </para>
/// <para>
/// The options are passed on without the <see cref="TurnPolicy"/> (<see cref="TurnPolicyExtensions.WithoutTurnPolicy"/>)
/// and messages marked with <see cref="TurnPolicyExtensions.SourcesMessageKey"/> are passed on as copies without the
/// mark; the caller's options and messages are not changed.
/// </para>
/// </remarks>
public sealed class CircuitBreakerChatClient(IChatClient innerClient, CircuitBreaker breaker) : DelegatingChatClient(innerClient)
{
    private readonly CircuitBreaker _breaker = breaker ?? throw new ArgumentNullException(nameof(breaker));

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var permit = Acquire();
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(WithoutOurMarks(messages), options.WithoutTurnPolicy(), cancellationToken);
        }
        catch (Exception exception)
        {
            Report(permit, exception, cancellationToken);
            throw;
        }

        if (response.FinishReason is null)
        {
            permit.Failed();
        }
        else
        {
            permit.Succeeded();
        }

        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var permit = Acquire();
        IAsyncEnumerator<ChatResponseUpdate> updates;
        try
        {
            updates = base.GetStreamingResponseAsync(WithoutOurMarks(messages), options.WithoutTurnPolicy(), cancellationToken)
                .GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception exception)
        {
            Report(permit, exception, cancellationToken);
            throw;
        }

        var reported = false;
        var received = false;
        ChatFinishReason? finishReason = null;
        try
        {
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (Exception exception)
                {
                    reported = true;
                    Report(permit, exception, cancellationToken);
                    throw;
                }

                received = true;
                finishReason ??= updates.Current.FinishReason;
                yield return updates.Current;
            }

            reported = true;
            if (finishReason is null)
            {
                permit.Failed();
            }
            else
            {
                permit.Succeeded();
            }
        }
        finally
        {
            if (!reported)
            {
                // The consumer stopped early (or failed itself): the server was answering if anything arrived.
                if (received)
                {
                    permit.Succeeded();
                }
                else
                {
                    permit.Abandoned();
                }
            }

            await updates.DisposeAsync();
        }
    }

    private CircuitPermit Acquire()
    {
        if (!_breaker.TryAcquire(out var permit))
        {
            throw new ModelUnavailableException(_breaker.State == CircuitState.HalfOpen
                ? "The model is unavailable: after repeated failures a trial call is testing it."
                : $"The model is unavailable: the circuit is open until {_breaker.OpenUntil:O} after repeated failures.");
        }

        return permit;
    }

    private static void Report(CircuitPermit permit, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            permit.Abandoned();
        }
        else
        {
            permit.Failed();
        }
    }

    /// <summary>The messages as they may leave the process: marked ones copied without our keys.</summary>
    private static IEnumerable<ChatMessage> WithoutOurMarks(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return messages.Any(m => m.AdditionalProperties?.ContainsKey(TurnPolicyExtensions.SourcesMessageKey) == true)
            ? [.. messages.Select(Strip)]
            : messages;

        static ChatMessage Strip(ChatMessage message)
        {
            if (message.AdditionalProperties?.ContainsKey(TurnPolicyExtensions.SourcesMessageKey) != true)
            {
                return message;
            }

            var copy = message.Clone();
            var properties = new AdditionalPropertiesDictionary(message.AdditionalProperties);
            properties.Remove(TurnPolicyExtensions.SourcesMessageKey);
            copy.AdditionalProperties = properties.Count == 0 ? null : properties;
            return copy;
        }
    }
}

public static class CircuitBreakerChatClientBuilderExtensions
{
    /// <summary>Adds a <see cref="CircuitBreakerChatClient"/>; add it last, so it sits right above the model client.</summary>
    public static ChatClientBuilder UseCircuitBreaker(this ChatClientBuilder builder, CircuitBreaker breaker)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(breaker);
        return builder.Use(inner => new CircuitBreakerChatClient(inner, breaker));
    }
}
