using Microsoft.Extensions.AI;
using Stadtdialog.Data;

namespace Stadtdialog.Generative;

/// <summary>
/// The tenant's content is German: a question in another language is translated to German by the model before
/// it is searched (the answer is then written in the question's language). Without a model, or when the call
/// fails, the question is searched as asked.
/// </summary>
public sealed class QueryTranslation(LanguageModels models)
{
    private static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(10);

    public async Task<string> ToGermanAsync(Tenant tenant, Assistant assistant, string question, CancellationToken cancellationToken)
    {
        var handle = assistant.Generation.Enabled ? models.Get(tenant, assistant) : null;
        if (handle is null)
        {
            return question;
        }

        var policy = new TurnPolicy
        {
            TenantId = tenant.Id,
            MaxOutputTokens = 120,
            TimeBudget = handle.Model.Timeout < MaxTime ? handle.Model.Timeout : MaxTime,
            DailyTokenBudget = tenant.DailyTokenBudget,
        };
        var options = new ChatOptions { MaxOutputTokens = 120, Temperature = 0 }.WithTurnPolicy(policy);
        try
        {
            var response = await handle.Client.GetResponseAsync(
                [
                    new ChatMessage(ChatRole.System, PromptLibrary.Get(PromptLibrary.TranslateQuery).Trim()),
                    new ChatMessage(ChatRole.User, "<frage>\n" + question + "\n</frage>"),
                ],
                options, cancellationToken);
            var german = response.Text.Trim().Split('\n', 2)[0].Trim().Trim('"', '„', '“');
            return policy.BlockedReason is null && german.Length is > 0 and <= Chat.ChatService.MaxQuestionLength ? german : question;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return question;
        }
    }
}
