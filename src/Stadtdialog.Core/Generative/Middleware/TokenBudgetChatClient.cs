using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Stadtdialog.Generative;

/// <summary>
/// Enforces the budgets of a call: the tenant's daily token budget (checked before, usage recorded after), the
/// turn's output-token cap and its time budget. A call over its time budget ends with a <see cref="TimeoutException"/>;
/// a used-up daily budget with a <see cref="TokenBudgetExceededException"/>; the caller falls back to retrieval.
/// </summary>
public sealed class TokenBudgetChatClient(IChatClient inner, TokenBudgets budgets) : DelegatingChatClient(inner)
{
    /// <summary>Rough tokens per character when the endpoint reports no usage (German text, BPE tokenizers).</summary>
    private const double TokensPerChar = 0.3;

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var policy = options.GetTurnPolicy();
        var list = messages as IList<ChatMessage> ?? messages.ToList();
        if (policy is null)
        {
            return await base.GetResponseAsync(list, options, cancellationToken);
        }

        await EnsureBudgetAsync(policy, cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(policy.TimeBudget);
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(list, Capped(options!, policy), timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The model did not answer within {policy.TimeBudget.TotalSeconds:0.#} s.");
        }

        policy.InputTokens = response.Usage?.InputTokenCount ?? Estimate(list);
        policy.OutputTokens = response.Usage?.OutputTokenCount ?? (long)(response.Text.Length * TokensPerChar);
        await budgets.AddAsync(policy.TenantId, policy.InputTokens, policy.OutputTokens, CancellationToken.None);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var policy = options.GetTurnPolicy();
        var list = messages as IList<ChatMessage> ?? messages.ToList();
        if (policy is null)
        {
            await foreach (var update in base.GetStreamingResponseAsync(list, options, cancellationToken))
            {
                yield return update;
            }

            yield break;
        }

        await EnsureBudgetAsync(policy, cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(policy.TimeBudget);
        long characters = 0;
        UsageDetails? usage = null;
        try
        {
            await using var updates = base.GetStreamingResponseAsync(list, Capped(options!, policy), timeout.Token)
                .GetAsyncEnumerator(timeout.Token);
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"The model did not finish within {policy.TimeBudget.TotalSeconds:0.#} s.");
                }

                var update = updates.Current;
                characters += update.Text.Length;
                foreach (var content in update.Contents)
                {
                    if (content is UsageContent u)
                    {
                        usage = u.Details;
                    }
                }

                yield return update;
            }
        }
        finally
        {
            // Tokens of a call that failed half-way were used all the same.
            policy.InputTokens = usage?.InputTokenCount ?? Estimate(list);
            policy.OutputTokens = usage?.OutputTokenCount ?? (long)(characters * TokensPerChar);
        }

        await budgets.AddAsync(policy.TenantId, policy.InputTokens, policy.OutputTokens, CancellationToken.None);
    }

    /// <summary>Estimated prompt tokens of messages (when the endpoint reports no usage, and for history trimming).</summary>
    public static long Estimate(IEnumerable<ChatMessage> messages) =>
        (long)messages.Sum(m => (m.Text.Length * TokensPerChar) + 4);

    public static int Estimate(string text) => (int)Math.Ceiling(text.Length * TokensPerChar);

    private async Task EnsureBudgetAsync(TurnPolicy policy, CancellationToken cancellationToken)
    {
        if (policy.DailyTokenBudget > 0 && await budgets.UsedTodayAsync(policy.TenantId, cancellationToken) >= policy.DailyTokenBudget)
        {
            throw new TokenBudgetExceededException($"Tenant '{policy.TenantId}' has used its {policy.DailyTokenBudget} tokens for today.");
        }
    }

    private static ChatOptions Capped(ChatOptions options, TurnPolicy policy)
    {
        var capped = options.Clone();
        capped.MaxOutputTokens = Math.Min(options.MaxOutputTokens ?? policy.MaxOutputTokens, policy.MaxOutputTokens);
        return capped;
    }
}

public static class TokenBudgetChatClientExtensions
{
    /// <summary>Adds the token and time budgets (<see cref="TokenBudgetChatClient"/>).</summary>
    public static ChatClientBuilder UseTokenBudget(this ChatClientBuilder builder, TokenBudgets budgets) =>
        builder.Use(inner => new TokenBudgetChatClient(inner, budgets));
}
