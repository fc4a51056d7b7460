using Microsoft.Extensions.AI;

namespace Stadtdialog.Generative;

/// <summary>
/// What our chat-client middleware needs to know about one call (tenant, sources offered, budgets) and what it
/// found out (grounding verdict, redactions, blocked output, usage). It travels in
/// <see cref="ChatOptions.AdditionalProperties"/> under <see cref="TurnPolicyExtensions.Key"/> and is removed before
/// the request leaves the process.
/// </summary>
public sealed class TurnPolicy
{
    public required string TenantId { get; init; }

    /// <summary>Numbered sources offered in the prompt; the grounding check accepts <c>[1]</c> … <c>[SourceCount]</c>.</summary>
    public int SourceCount { get; init; }

    /// <summary>Text of the offered sources and of the question: numbers in the answer must occur in them.</summary>
    public IReadOnlyList<string> EvidenceTexts { get; init; } = [];

    /// <summary>Whether the answer must cite its sources (answers to citizens: yes; a plain-language rewrite: no).</summary>
    public bool RequireCitations { get; init; }

    /// <summary>Upper bound for generated tokens of this call.</summary>
    public int MaxOutputTokens { get; init; } = 800;

    /// <summary>Wall-clock budget of this call, first token to last.</summary>
    public TimeSpan TimeBudget { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Tokens the tenant may use per day (UTC) in total; 0 means no limit.</summary>
    public long DailyTokenBudget { get; init; }

    /// <summary>Set by the grounding middleware once the answer is complete.</summary>
    public GroundingVerdict? Grounding { get; set; }

    /// <summary>Set by the prompt guard when the output had to be stopped (e.g. it revealed the system prompt).</summary>
    public string? BlockedReason { get; set; }

    /// <summary>Personal data items replaced by placeholders before the request left (counts per kind).</summary>
    public Dictionary<string, int> Redactions { get; } = new(StringComparer.Ordinal);

    /// <summary>Tokens used by this call (reported by the model, or estimated).</summary>
    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }
}

public static class TurnPolicyExtensions
{
    /// <summary>The key under which the policy travels; never sent to a model.</summary>
    public const string Key = "stadtdialog.turn";

    /// <summary>Marks a message as retrieved source material (fenced data, not instructions; not PII-redacted).</summary>
    public const string SourcesMessageKey = "stadtdialog.sources";

    public static ChatOptions WithTurnPolicy(this ChatOptions options, TurnPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(options);
        (options.AdditionalProperties ??= [])[Key] = policy;
        return options;
    }

    public static TurnPolicy? GetTurnPolicy(this ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(Key, out var value) == true ? value as TurnPolicy : null;

    /// <summary>A copy of the options without our policy, for the request that leaves the process.</summary>
    public static ChatOptions? WithoutTurnPolicy(this ChatOptions? options)
    {
        if (options?.AdditionalProperties is not { } properties || !properties.ContainsKey(Key))
        {
            return options;
        }

        var copy = options.Clone();
        copy.AdditionalProperties!.Remove(Key);
        if (copy.AdditionalProperties.Count == 0)
        {
            copy.AdditionalProperties = null;
        }

        return copy;
    }

    public static ChatMessage AsSources(this ChatMessage message)
    {
        (message.AdditionalProperties ??= [])[SourcesMessageKey] = true;
        return message;
    }

    public static bool IsSources(this ChatMessage message) =>
        message.AdditionalProperties?.ContainsKey(SourcesMessageKey) == true;
}

/// <summary>Outcome of the grounding check of a generated answer.</summary>
public enum GroundingStatus
{
    /// <summary>Cites at least one offered source and no source that was not offered.</summary>
    Grounded,

    /// <summary>The model said the sources do not answer the question (the agreed marker).</summary>
    NoAnswer,

    /// <summary>States something without citing any source.</summary>
    Uncited,

    /// <summary>Cites a source number that was not offered.</summary>
    WrongCitation,

    /// <summary>States a number (fee, date, phone, deadline) that occurs in none of the sources.</summary>
    UnsupportedNumber,

    /// <summary>Empty or cut-off output.</summary>
    Empty,
}

public sealed record GroundingVerdict(GroundingStatus Status, IReadOnlyList<int> CitedSources, string? Detail = null)
{
    public bool Passed => Status == GroundingStatus.Grounded;
}

/// <summary>The model cannot be used now (circuit open, not configured); the turn falls back to retrieval.</summary>
public sealed class ModelUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The tenant's daily token budget is used up; the turn falls back to retrieval.</summary>
public sealed class TokenBudgetExceededException(string message) : Exception(message);
