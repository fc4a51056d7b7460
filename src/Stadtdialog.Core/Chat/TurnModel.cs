using Stadtdialog.Data;
using Stadtdialog.Retrieval;

namespace Stadtdialog.Chat;

/// <summary>How an answer was produced; reported to clients and stored with the message.</summary>
public static class AnswerTypes
{
    /// <summary>A rule answered without retrieval (greeting, thanks, request for a person).</summary>
    public const string Rules = "rules";

    /// <summary>Extractive answer from the tenant's content, no language model.</summary>
    public const string Retrieval = "retrieval";

    /// <summary>An editor's curated answer (FAQ table row), given verbatim.</summary>
    public const string Curated = "faq";

    /// <summary>The assistant does not know and offers a human.</summary>
    public const string Fallback = "fallback";

    /// <summary>Written by a language model from the tenant's sources, cited and checked.</summary>
    public const string Generative = "generative";

    /// <summary>No bot answer: a person is asked for or in charge; the question was passed on.</summary>
    public const string Handover = "handover";

    /// <summary>Live data of the urban data platform (parking, air quality, events), rendered from a data tool's template.</summary>
    public const string LiveData = "livedata";
}

/// <summary>An earlier message of the conversation, as context for the generative tier.</summary>
public sealed record HistoryMessage(MessageRole Role, string Text);

/// <summary>
/// Where a tier that produces its answer piece by piece (the generative tier) writes it while it is produced.
/// Tiers that have the whole answer at once do not use it; the endpoint sends their answer in pieces afterwards.
/// </summary>
public interface ITurnOutput
{
    /// <summary>The next piece of the answer text.</summary>
    ValueTask WriteDeltaAsync(string text, CancellationToken cancellationToken);

    /// <summary>Everything written so far is withdrawn (the answer failed a check); a replacement follows.</summary>
    ValueTask RetractAsync(CancellationToken cancellationToken);
}

/// <summary>Discards streamed pieces (JSON responses, CLI, evaluation): the complete answer is returned anyway.</summary>
public sealed class NoTurnOutput : ITurnOutput
{
    public static readonly NoTurnOutput Instance = new();

    public ValueTask WriteDeltaAsync(string text, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask RetractAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>Everything a turn handler may look at. Retrieval runs at most once per turn, on first use.</summary>
public sealed class TurnContext
{
    private readonly Func<CancellationToken, ValueTask<SearchResult>> _search;
    private SearchResult? _retrieval;

    public TurnContext(Tenant tenant, Assistant assistant, string text, string language, Func<SearchResult> search)
        : this(tenant, assistant, text, language, _ => ValueTask.FromResult(search()))
    {
    }

    public TurnContext(Tenant tenant, Assistant assistant, string text, string language,
        Func<CancellationToken, ValueTask<SearchResult>> search)
    {
        Tenant = tenant;
        Assistant = assistant;
        Text = text;
        Language = language;
        _search = search;
    }

    public Tenant Tenant { get; }

    public Assistant Assistant { get; }

    /// <summary>The user's question, trimmed.</summary>
    public string Text { get; }

    /// <summary>The language to answer in (ISO 639-1).</summary>
    public string Language { get; }

    /// <summary>Answer in plain language (Einfache Sprache): the assistant's default or the citizen's choice.</summary>
    public bool PlainLanguage { get; init; }

    /// <summary>Earlier messages of the conversation, oldest first (without the current question).</summary>
    public IReadOnlyList<HistoryMessage> History { get; init; } = [];

    /// <summary>Where streamed answer pieces go.</summary>
    public ITurnOutput Output { get; init; } = NoTurnOutput.Instance;

    /// <summary>The tenant's knowledge retrieved for <see cref="Text"/> (searched once, on first use).</summary>
    public async ValueTask<SearchResult> RetrieveAsync(CancellationToken cancellationToken) =>
        _retrieval ??= await _search(cancellationToken);
}

/// <summary>A complete answer of one turn.</summary>
public sealed record TurnAnswer(
    string Text,
    string AnswerType,
    double Confidence,
    IReadOnlyList<Citation> Citations,
    IReadOnlyList<string> FollowUps,
    ContactInfo? Contact = null)
{
    /// <summary>The text was already written to <see cref="TurnContext.Output"/> while it was produced.</summary>
    public bool Streamed { get; init; }

    /// <summary>A note shown with the answer, e.g. that the AI service was unavailable and the answer is quoted.</summary>
    public string? Notice { get; init; }

    /// <summary>Why the generative tier was not used although configured (<see cref="FallbackReasons"/>).</summary>
    public string? FallbackReason { get; init; }

    /// <summary>Language of the answer (ISO 639-1); null: the turn's language.</summary>
    public string? Language { get; init; }

    public bool PlainLanguage { get; init; }

    /// <summary>The model that wrote the answer.</summary>
    public string? Model { get; init; }

    public int? Tokens { get; init; }

    /// <summary>A time-series chart that comes with a live-data answer.</summary>
    public LiveData.ChartData? Chart { get; init; }

    /// <summary>The data tool that answered.</summary>
    public string? DataTool { get; init; }
}

/// <summary>Why a turn fell back from the generative tier to the retrieval answer or "don't know".</summary>
public static class FallbackReasons
{
    public const string Timeout = "timeout";
    public const string Unavailable = "unavailable";
    public const string Error = "error";
    public const string Budget = "budget";
    public const string Grounding = "grounding";
    public const string Blocked = "blocked";
    public const string NoAnswer = "no-answer";
}
/// <summary>
/// One tier of the turn pipeline (DESIGN.md §1): rules and flows, live data tools, the generative tier and the
/// extractive retrieval tier each implement this. Handlers run by <see cref="Order"/>; the first that returns an
/// answer wins. When none answers, the pipeline gives the honest "don't know" with the tenant's contact.
/// </summary>
public interface ITurnHandler
{
    /// <summary>Lower runs first: rules 100, flows 200, data tools 300, generative 400, retrieval 500.</summary>
    int Order { get; }

    ValueTask<TurnAnswer?> TryAnswerAsync(TurnContext context, CancellationToken cancellationToken);
}
