using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Stadtdialog.Data;

namespace Stadtdialog.Generative;

/// <summary>An official text rewritten in plain language, with the readability before and after.</summary>
public sealed record PlainLanguageResult(
    string Text,
    ReadabilityScore? Before,
    ReadabilityScore? After,
    IReadOnlyList<string> MissingNumbers,
    string Model);

/// <summary>
/// Staff tool: "rewrite this official text in plain language". The model gets the text fenced as material (never
/// as instructions); numbers of the original (fees, dates, deadlines, phone numbers) that are missing from the
/// rewrite are reported, so that staff check them before publishing.
/// </summary>
public sealed partial class PlainLanguageRewriter(LanguageModels models)
{
    /// <summary>Longest text accepted, in characters.</summary>
    public const int MaxTextLength = 12_000;

    public async Task<PlainLanguageResult> RewriteAsync(Tenant tenant, string text, string language, CancellationToken cancellationToken)
    {
        var original = (text ?? "").Trim();
        if (original.Length == 0 || original.Length > MaxTextLength)
        {
            throw new ArgumentException($"Der Text muss 1 bis {MaxTextLength} Zeichen lang sein.", nameof(text));
        }

        var handle = models.Get(tenant)
            ?? throw new ModelUnavailableException("Für Einfache Sprache braucht es ein KI-Sprachmodell; für diese Kommune ist keines eingerichtet.");
        var policy = new TurnPolicy
        {
            TenantId = tenant.Id,
            MaxOutputTokens = Math.Max(handle.Model.MaxOutputTokens, TokenBudgetChatClient.Estimate(original) * 2),
            TimeBudget = handle.Model.Timeout * 2,
            DailyTokenBudget = tenant.DailyTokenBudget,
        };
        var system = PromptLibrary.Render(PromptLibrary.RewritePlain, new Dictionary<string, string>
        {
            ["tenant"] = tenant.Name,
            ["languageName"] = LanguageDetection.DisplayName(language, "de"),
        });
        var response = await handle.Client.GetResponseAsync(
            [new ChatMessage(ChatRole.System, system), new ChatMessage(ChatRole.User, "<text>\n" + original + "\n</text>")],
            new ChatOptions { MaxOutputTokens = policy.MaxOutputTokens, Temperature = handle.Model.Temperature }.WithTurnPolicy(policy),
            cancellationToken);
        if (policy.BlockedReason is not null)
        {
            throw new ModelUnavailableException("Die Antwort des Sprachmodells wurde zurückgehalten.");
        }

        var rewritten = response.Text.Trim();
        var kept = Numbers().Matches(rewritten).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        var missing = Numbers().Matches(original).Select(m => m.Value).Where(n => !kept.Contains(n)).Distinct().ToList();
        return new PlainLanguageResult(rewritten, Readability.Measure(original), Readability.Measure(rewritten), missing, handle.Model.Model);
    }

    [GeneratedRegex(@"\d+(?:[.,:]\d+)*", RegexOptions.CultureInvariant)]
    private static partial Regex Numbers();
}
