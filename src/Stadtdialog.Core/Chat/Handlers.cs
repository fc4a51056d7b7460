using System.Text.RegularExpressions;
using Stadtdialog.Data;
using Stadtdialog.Retrieval;

namespace Stadtdialog.Chat;

/// <summary>
/// The rules tier: frequent small talk and requests for a person are answered at once, without retrieval or a
/// language model. (Configurable flows per assistant build on this tier.)
/// </summary>
public sealed partial class RulesHandler : ITurnHandler
{
    public int Order => 100;

    public ValueTask<TurnAnswer?> TryAnswerAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var text = context.Text;
        TurnAnswer? answer = null;
        if (HumanRequest().IsMatch(text))
        {
            answer = new TurnAnswer(
                Phrases.HumanRequested(context.Language) + " " + Phrases.OfferHuman(context.Language, context.Tenant.Contact),
                AnswerTypes.Rules, 1.0, [], [], context.Tenant.Contact);
        }
        else if (Greeting().IsMatch(text))
        {
            answer = new TurnAnswer(Phrases.Greeting(context.Language, context.Tenant, context.Assistant),
                AnswerTypes.Rules, 1.0, [], context.Assistant.SuggestedQuestions.Take(3).ToList());
        }
        else if (Thanks().IsMatch(text))
        {
            answer = new TurnAnswer(Phrases.YouAreWelcome(context.Language), AnswerTypes.Rules, 1.0, [], []);
        }

        return ValueTask.FromResult(answer);
    }

    [GeneratedRegex(@"^\W*(hallo|hi|hey|moin|servus|guten\s+(tag|morgen|abend)|grüß\s+gott|hello|good\s+(morning|afternoon|evening))\W*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Greeting();

    [GeneratedRegex(@"^\W*(danke|vielen\s+dank|danke\s*schön|dankeschön|merci|thanks?|thank\s+you)\b[\w\s]{0,20}\W*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Thanks();

    [GeneratedRegex(@"\b(mit\s+(einem|einer)\s+(menschen|mensch|person|mitarbeiter(in)?|sachbearbeiter(in)?)|echte[nr]?\s+(menschen|person|mitarbeiter)|menschlichen?\s+(ansprechpartner|mitarbeiter)|(talk|speak)\s+to\s+(a\s+)?(human|person|someone))\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HumanRequest();
}

/// <summary>The retrieval tier: a quoted answer when the tenant's content covers the question well enough.</summary>
public sealed class RetrievalHandler(ExtractiveAnswerer answerer) : ITurnHandler
{
    public int Order => 500;

    public async ValueTask<TurnAnswer?> TryAnswerAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var result = await context.RetrieveAsync(cancellationToken);
        return Answer(answerer, result, context.Assistant);
    }

    /// <summary>The extractive answer, or null when the content does not cover the question well enough.</summary>
    public static TurnAnswer? Answer(ExtractiveAnswerer answerer, SearchResult result, Assistant assistant) =>
        result.Hits.Count > 0 && result.Confidence >= assistant.MinConfidence
            ? answerer.Answer(result, assistant.MaxCitations)
            : null;
}
