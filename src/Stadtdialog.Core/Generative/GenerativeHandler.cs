using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Stadtdialog.Chat;
using Stadtdialog.Data;
using Stadtdialog.Generative.Safety;
using Stadtdialog.Retrieval;

namespace Stadtdialog.Generative;

/// <summary>
/// The generative tier (retrieval-augmented generation). Routing (the hybrid model): without a configured model,
/// or when the extractive tier already has a curated or high-confidence answer, it steps aside. Otherwise the best
/// passages go to the model as numbered, fenced sources; the answer streams to the citizen and is checked when
/// complete (<see cref="GroundingCheck"/>). Anything that goes wrong — timeout, endpoint down, open circuit, used-up
/// budget, uncited or wrongly cited answer, leaked prompt — withdraws what was streamed and falls back to the
/// extractive answer or the honest "don't know", marked as such.
/// </summary>
public sealed partial class GenerativeHandler(LanguageModels models, ExtractiveAnswerer answerer, ILogger<GenerativeHandler> logger)
    : ITurnHandler
{
    /// <summary>Passages offered to the model.</summary>
    public const int MaxSources = 5;

    /// <summary>Characters of one source (its best passages) in the prompt.</summary>
    public const int MaxSourceChars = 1800;

    /// <summary>Documents covering less of the question are not offered to the model.</summary>
    private const double SourceCoverageFloor = 0.34;

    /// <summary>Text held back at the start of a stream until it is clear it is not the "no answer" marker.</summary>
    private static readonly int MarkerHoldback = GroundingCheck.NoAnswerMarker.Length;

    public int Order => 400;

    public async ValueTask<TurnAnswer?> TryAnswerAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var assistant = context.Assistant;
        var handle = assistant.Generation.Enabled ? models.Get(context.Tenant, assistant) : null;
        if (handle is null)
        {
            return null;
        }

        var retrieval = await context.RetrieveAsync(cancellationToken);
        var extractive = RetrievalHandler.Answer(answerer, retrieval, assistant);
        var mustRewrite = context.PlainLanguage || context.Language != "de";
        if (extractive is not null && !mustRewrite
            && ((extractive.AnswerType == AnswerTypes.Curated && assistant.Generation.CuratedWithoutModel)
                || (assistant.Generation.DirectAnswerConfidence < 1 && retrieval.Confidence >= assistant.Generation.DirectAnswerConfidence)))
        {
            return null;
        }

        var sources = Sources(retrieval);
        if (sources.Count == 0)
        {
            // Nothing to ground an answer on: the model is not asked to answer from its own knowledge.
            return null;
        }

        return await GenerateAsync(context, handle, retrieval, extractive, sources, cancellationToken);
    }

    private async Task<TurnAnswer> GenerateAsync(TurnContext context, ModelHandle handle, SearchResult retrieval,
        TurnAnswer? extractive, IReadOnlyList<Source> sources, CancellationToken cancellationToken)
    {
        var assistant = context.Assistant;
        var canary = PromptGuard.NewCanary();
        var system = SystemPrompt(context, canary);
        var sourceBlock = PromptGuard.FenceSources(sources.Select(s => (s.Citation.Title, s.Citation.Url, s.Text)).ToList());
        var history = TrimHistory(context.History,
            Math.Min(assistant.Generation.HistoryTokens,
                assistant.Generation.MaxTurnTokens - handle.Model.MaxOutputTokens
                - TokenBudgetChatClient.Estimate(system) - TokenBudgetChatClient.Estimate(sourceBlock)
                - TokenBudgetChatClient.Estimate(context.Text)));

        List<ChatMessage> messages = [new(ChatRole.System, system)];
        messages.AddRange(history.Select(h => new ChatMessage(h.Role == MessageRole.User ? ChatRole.User : ChatRole.Assistant, h.Text)));
        messages.Add(new ChatMessage(ChatRole.User, "Quellen für die nächste Frage:\n" + sourceBlock).AsSources());
        messages.Add(new ChatMessage(ChatRole.Assistant, "Verstanden. Ich antworte nur mit diesen Quellen und belege jede Aussage mit [n]."));
        messages.Add(new ChatMessage(ChatRole.User, context.Text));

        var policy = new TurnPolicy
        {
            TenantId = context.Tenant.Id,
            SourceCount = sources.Count,
            RequireCitations = true,
            EvidenceTexts = [.. sources.Select(s => s.Text), context.Text, .. history.Where(h => h.Role == MessageRole.User).Select(h => h.Text)],
            MaxOutputTokens = handle.Model.MaxOutputTokens,
            TimeBudget = handle.Model.Timeout,
            DailyTokenBudget = context.Tenant.DailyTokenBudget,
        };
        var options = new ChatOptions
        {
            MaxOutputTokens = handle.Model.MaxOutputTokens,
            Temperature = handle.Model.Temperature,
        }.WithTurnPolicy(policy);

        var text = new StringBuilder();
        var written = 0;
        ChatFinishReason? finish = null;
        try
        {
            await foreach (var update in handle.Client.GetStreamingResponseAsync(messages, options, cancellationToken))
            {
                finish ??= update.FinishReason;
                text.Append(update.Text);
                if (!MayBeNoAnswer(text))
                {
                    written = await FlushAsync(context.Output, text, written, cancellationToken);
                }
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && Reason(ex) is { } reason)
        {
            LogModelFailed(logger, ex, context.Tenant.Id, handle.Model.Model, reason);
            return await FallbackAsync(context, extractive, reason, written > 0, cancellationToken);
        }

        if (policy.BlockedReason is null && finish != ChatFinishReason.Stop)
        {
            // Cut off (no finish reason: the stream broke; "length": the token cap), or a tool call nobody offered.
            LogAnswerRejected(logger, context.Tenant.Id, handle.Model.Model, FallbackReasons.Error, $"finish reason {finish?.Value ?? "none"}");
            return await FallbackAsync(context, extractive, FallbackReasons.Error, written > 0, cancellationToken);
        }

        var verdict = policy.Grounding ?? GroundingCheck.Verify(text.ToString(), sources.Count, policy.EvidenceTexts);
        if (policy.BlockedReason is not null || !verdict.Passed)
        {
            var reason = policy.BlockedReason is not null ? FallbackReasons.Blocked
                : verdict.Status == GroundingStatus.NoAnswer ? FallbackReasons.NoAnswer
                : FallbackReasons.Grounding;
            LogAnswerRejected(logger, context.Tenant.Id, handle.Model.Model, reason, verdict.Detail ?? policy.BlockedReason);
            return await FallbackAsync(context, extractive, reason, written > 0, cancellationToken);
        }

        await FlushAsync(context.Output, text, written, cancellationToken);
        var cited = verdict.CitedSources.Order().Select(n => sources[n - 1].Citation).ToList();
        return new TurnAnswer(text.ToString().Trim(), AnswerTypes.Generative, retrieval.Confidence, cited,
            extractive?.FollowUps ?? [])
        {
            Streamed = true,
            Language = context.Language,
            PlainLanguage = context.PlainLanguage,
            Model = handle.Model.Model,
            Tokens = (int)Math.Min(int.MaxValue, policy.InputTokens + policy.OutputTokens),
        };
    }

    /// <summary>
    /// The extractive answer (or "don't know") in place of a generated one; whatever was streamed is withdrawn.
    /// Technical failures are told to the citizen; a rejected answer is replaced silently.
    /// </summary>
    private static async Task<TurnAnswer> FallbackAsync(
        TurnContext context, TurnAnswer? extractive, string reason, bool retract, CancellationToken cancellationToken)
    {
        if (retract)
        {
            await context.Output.RetractAsync(cancellationToken);
        }

        var answer = extractive ?? await TurnPipeline.DontKnowAsync(context, cancellationToken);
        var technical = reason is FallbackReasons.Timeout or FallbackReasons.Unavailable or FallbackReasons.Error or FallbackReasons.Budget;
        return answer with
        {
            FallbackReason = reason,
            Notice = technical && extractive is not null ? Phrases.ModelUnavailable(context.Language) : answer.Notice,
        };
    }

    private static string? Reason(Exception ex) => ex switch
    {
        TimeoutException => FallbackReasons.Timeout,
        ModelUnavailableException => FallbackReasons.Unavailable,
        TokenBudgetExceededException => FallbackReasons.Budget,
        OperationCanceledException => FallbackReasons.Timeout,
        OutOfMemoryException => null,
        _ => FallbackReasons.Error,
    };

    private static string SystemPrompt(TurnContext context, string canary)
    {
        var german = context.Language == "de";
        return PromptLibrary.Render(PromptLibrary.Answer, new Dictionary<string, string>
        {
            ["assistant"] = context.Assistant.Name,
            ["tenant"] = context.Tenant.Name,
            ["noAnswer"] = GroundingCheck.NoAnswerMarker,
            ["languageName"] = LanguageDetection.DisplayName(context.Language, "de"),
            ["languageNote"] = german ? "" : " Die Quellen sind deutsch: Übersetze, was du aus ihnen verwendest. Namen von Ämtern und Dokumenten darfst du zusätzlich auf Deutsch in Klammern nennen.",
            ["plainLanguage"] = context.PlainLanguage ? PromptLibrary.Get(PromptLibrary.PlainLanguageRule).TrimEnd() : "",
            ["canary"] = canary,
        });
    }

    /// <summary>The documents worth offering, each with its best passages and the citation it would get.</summary>
    internal static IReadOnlyList<Source> Sources(SearchResult retrieval)
    {
        var sources = new List<Source>();
        foreach (var hit in retrieval.Hits.Where(h => h.Coverage >= SourceCoverageFloor).Take(MaxSources))
        {
            var best = hit.Chunks.Count > 0 ? hit.Chunks[0] : null;
            var text = new StringBuilder();
            foreach (var chunk in hit.Chunks.OrderBy(c => c.Ordinal))
            {
                if (text.Length > 0)
                {
                    text.Append("\n\n");
                }

                if (chunk.Section.Length > 0)
                {
                    text.Append(chunk.Section).Append(":\n");
                }

                text.Append(chunk.Text);
                if (text.Length >= MaxSourceChars)
                {
                    break;
                }
            }

            var body = text.Length > MaxSourceChars ? text.ToString(0, MaxSourceChars) + " …" : text.ToString();
            sources.Add(new Source(new Citation
            {
                Index = sources.Count + 1,
                Title = hit.Title,
                Url = best?.Anchor is { Length: > 0 } anchor && !hit.Url.Contains('#', StringComparison.Ordinal) ? $"{hit.Url}#{anchor}" : hit.Url,
                Section = best?.Section is { Length: > 0 } section ? section : null,
                DocumentId = hit.DocumentId,
            }, body));
        }

        return sources;
    }

    /// <summary>The newest earlier messages that fit into <paramref name="tokens"/>, oldest first, in whole question/answer pairs.</summary>
    internal static IReadOnlyList<HistoryMessage> TrimHistory(IReadOnlyList<HistoryMessage> history, int tokens)
    {
        var kept = new List<HistoryMessage>();
        var used = 0;
        for (var i = history.Count - 1; i >= 0; i--)
        {
            used += TokenBudgetChatClient.Estimate(history[i].Text) + 4;
            if (used > tokens)
            {
                break;
            }

            kept.Add(history[i]);
        }

        kept.Reverse();

        // Start with a question, so that roles alternate (some chat templates require it).
        while (kept.Count > 0 && kept[0].Role != MessageRole.User)
        {
            kept.RemoveAt(0);
        }

        if (kept.Count > 0 && kept[^1].Role == MessageRole.User)
        {
            kept.RemoveAt(kept.Count - 1);
        }

        return kept;
    }

    /// <summary>
    /// Whether the answer so far could still be the "no answer" marker (then nothing is shown yet): only while it is
    /// a beginning of the marker, so ordinary answers stream from their first token.
    /// </summary>
    private static bool MayBeNoAnswer(StringBuilder text)
    {
        var start = text.ToString(0, Math.Min(text.Length, MarkerHoldback + 8)).TrimStart();
        var marker = GroundingCheck.NoAnswerMarker;
        return start.Length == 0
            || marker.StartsWith(start, StringComparison.OrdinalIgnoreCase)
            || start.StartsWith(marker, StringComparison.OrdinalIgnoreCase)
            || "KEINE_ANTWORT".StartsWith(start, StringComparison.OrdinalIgnoreCase)
            || start.StartsWith("KEINE_", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<int> FlushAsync(ITurnOutput output, StringBuilder text, int written, CancellationToken cancellationToken)
    {
        if (text.Length > written)
        {
            await output.WriteDeltaAsync(text.ToString(written, text.Length - written), cancellationToken);
        }

        return text.Length;
    }

    internal sealed record Source(Citation Citation, string Text);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The model {Model} of tenant {Tenant} failed ({Reason}); answering from retrieval")]
    private static partial void LogModelFailed(ILogger logger, Exception exception, string tenant, string model, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "An answer of {Model} for tenant {Tenant} was rejected ({Reason}: {Detail})")]
    private static partial void LogAnswerRejected(ILogger logger, string tenant, string model, string reason, string? detail);
}
