using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Stadtdialog.Chat;
using Stadtdialog.Data;
using Stadtdialog.Generative;

namespace Stadtdialog.LiveData.Tools;

/// <summary>
/// The live-data tier (order 300): questions about parking, air quality, events and other live municipal data are
/// answered from the tenant's data tools.
/// <list type="number">
/// <item>Without a language model: the tools' intent patterns pick a tool, the question names its item and time range,
/// the tool's template renders the answer.</item>
/// <item>With a model, when no pattern matched but the question shares a word with a tool's patterns:
/// the tools are offered to the model as functions with JSON schemas; when it calls one, Stadtdialog runs it and
/// renders the answer from the template. The model picks and fills in, it never writes the values.</item>
/// </list>
/// Every value carries its time; outdated values are flagged; a failing platform gives the honest "not reachable".
/// </summary>
public sealed partial class DataToolHandler(
    DataToolCatalog catalog,
    DataToolMatcher matcher,
    DataToolRunner runner,
    LanguageModels models,
    TimeProvider time,
    ILogger<DataToolHandler> logger) : ITurnHandler
{
    private const int MaxChooseTokens = 200;
    private static readonly TimeSpan MaxChooseTime = TimeSpan.FromSeconds(10);

    public int Order => 300;

    public async ValueTask<TurnAnswer?> TryAnswerAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var tools = await catalog.GetAsync(context.Tenant.Id, cancellationToken);
        if (tools.Count == 0)
        {
            return null;
        }

        if (matcher.Match(context.Text, tools) is { } match)
        {
            var result = await runner.RunAsync(match.Tool, new DataToolArguments { Question = context.Text }, cancellationToken);
            return Answer(result, context, Math.Min(1, match.Score), model: null, tokens: null);
        }

        return await ChooseWithModelAsync(context, tools, cancellationToken);
    }

    /// <summary>The tool answer as a turn answer: the platform as its source, the chart with it.</summary>
    public static TurnAnswer Answer(DataToolResult result, TurnContext context, double confidence, string? model, int? tokens)
    {
        var citations = result.SourceUrl is { Length: > 0 } url
            ? new List<Citation> { new() { Index = 1, Title = result.SourceTitle, Url = url } }
            : [];
        return new TurnAnswer(result.Text, AnswerTypes.LiveData, confidence, citations, [],
            result.Unavailable ? context.Tenant.Contact : null)
        {
            Chart = result.Chart,
            DataTool = result.Tool,
            Model = model,
            Tokens = tokens,
            Language = "de",
            FallbackReason = result.Unavailable ? FallbackReasons.Unavailable : null,
        };
    }

    private async Task<TurnAnswer?> ChooseWithModelAsync(TurnContext context, IReadOnlyList<DataTool> tools, CancellationToken cancellationToken)
    {
        if (!context.Assistant.Generation.Enabled
            || models.Get(context.Tenant, context.Assistant) is not { } handle
            || !matcher.Mentions(context.Text, tools))
        {
            return null;
        }

        var policy = new TurnPolicy
        {
            TenantId = context.Tenant.Id,
            MaxOutputTokens = MaxChooseTokens,
            TimeBudget = handle.Model.Timeout < MaxChooseTime ? handle.Model.Timeout : MaxChooseTime,
            DailyTokenBudget = context.Tenant.DailyTokenBudget,
        };
        var options = new ChatOptions
        {
            MaxOutputTokens = MaxChooseTokens,
            Temperature = 0,
            Tools = [.. tools.Select(DataToolFunctions.Declaration)],
            ToolMode = ChatToolMode.Auto,
            AllowMultipleToolCalls = false,
        }.WithTurnPolicy(policy);
        var zone = runner.TimeZone;
        var today = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).ToString("dddd, dd.MM.yyyy", CultureInfo.GetCultureInfo("de-DE"));
        var system = PromptLibrary.Render(PromptLibrary.ChooseDataTool, new Dictionary<string, string>
        {
            ["tenant"] = context.Tenant.Name, ["today"] = today,
        });

        ChatResponse response;
        try
        {
            response = await handle.Client.GetResponseAsync(
                [new ChatMessage(ChatRole.System, system), new ChatMessage(ChatRole.User, "<frage>\n" + context.Text + "\n</frage>")],
                options, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The model is down: the knowledge tiers answer (and say so); live data needs the patterns then.
            LogChooseFailed(logger, ex, context.Tenant.Id);
            return null;
        }

        var call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().FirstOrDefault();
        var tool = call is null ? null : tools.FirstOrDefault(t => string.Equals(t.Slug, call.Name, StringComparison.Ordinal));
        if (call is null || tool is null || policy.BlockedReason is not null)
        {
            return null;
        }

        var arguments = DataToolFunctions.Arguments(tool, call.Arguments?.AsReadOnly(), context.Text);
        var result = await runner.RunAsync(tool, arguments, cancellationToken);
        var tokens = response.Usage?.TotalTokenCount is { } total ? (int)Math.Min(total, int.MaxValue) : (int?)null;
        return Answer(result, context, 0.9, handle.Model.Model, tokens);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Choosing a data tool with the model failed for tenant {Tenant}")]
    private static partial void LogChooseFailed(ILogger logger, Exception exception, string tenant);
}
