using Stadtdialog.Data;

namespace Stadtdialog.Chat;

/// <summary>Runs the turn handlers in order; falls back to an honest "don't know" with the tenant's contact.</summary>
public sealed class TurnPipeline(IEnumerable<ITurnHandler> handlers)
{
    private readonly ITurnHandler[] _handlers = handlers.OrderBy(h => h.Order).ToArray();

    public async ValueTask<TurnAnswer> AnswerAsync(TurnContext context, CancellationToken cancellationToken)
    {
        foreach (var handler in _handlers)
        {
            if (await handler.TryAnswerAsync(context, cancellationToken) is { } answer)
            {
                return answer;
            }
        }

        return await DontKnowAsync(context, cancellationToken);
    }

    public static async ValueTask<TurnAnswer> DontKnowAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var retrieval = await context.RetrieveAsync(cancellationToken);
        var contact = context.Tenant.Contact;
        var text = Phrases.DontKnow(context.Language, context.Tenant) + "\n" + Phrases.OfferHuman(context.Language, contact);

        // Near misses are offered as suggestions, never as an answer.
        var suggestions = retrieval.Hits.Where(h => h.Coverage >= 0.34).Select(h => h.Title).Take(2).ToList();
        return new TurnAnswer(text, AnswerTypes.Fallback, retrieval.Confidence, [], suggestions, contact);
    }
}
