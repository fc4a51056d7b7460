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
}

/// <summary>Everything a turn handler may look at. Retrieval runs at most once per turn, on first use.</summary>
public sealed class TurnContext
{
    private readonly Func<SearchResult> _search;
    private SearchResult? _retrieval;

    public TurnContext(Tenant tenant, Assistant assistant, string text, string language, Func<SearchResult> search)
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

    /// <summary>The tenant's knowledge retrieved for <see cref="Text"/>.</summary>
    public SearchResult Retrieval => _retrieval ??= _search();
}

/// <summary>A complete answer of one turn.</summary>
public sealed record TurnAnswer(
    string Text,
    string AnswerType,
    double Confidence,
    IReadOnlyList<Citation> Citations,
    IReadOnlyList<string> FollowUps,
    ContactInfo? Contact = null);

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
