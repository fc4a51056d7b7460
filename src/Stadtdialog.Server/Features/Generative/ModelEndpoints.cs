using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Stadtdialog.Data;
using Stadtdialog.Generative;
using Stadtdialog.Server.Features.Admin;
using Stadtdialog.Server.Features.Tenants;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Server.Features.Generative;

/// <summary>A tenant's model connection as editors see it: the API key is write-only.</summary>
public sealed record ModelSettingsResponse(
    string? Endpoint,
    string? Model,
    bool HasApiKey,
    int? TimeoutSeconds,
    int? MaxOutputTokens,
    double? Temperature,
    string? EmbeddingModel,
    string? EmbeddingEndpoint,
    long DailyTokenBudget,
    long TokensUsedToday,
    ModelStatus Status);

/// <summary>
/// Changes to a model connection. <c>apiKey</c>: null keeps the stored key, an empty string removes it, anything
/// else replaces it (stored encrypted, never returned).
/// </summary>
public sealed record ModelSettingsRequest(
    [property: Url, StringLength(500)] string? Endpoint,
    [property: StringLength(200)] string? Model,
    [property: StringLength(4000)] string? ApiKey,
    [property: Range(1, 600)] int? TimeoutSeconds,
    [property: Range(16, 16_000)] int? MaxOutputTokens,
    [property: Range(0.0, 2.0)] double? Temperature,
    [property: StringLength(200)] string? EmbeddingModel,
    [property: Url, StringLength(500)] string? EmbeddingEndpoint,
    [property: Range(0, long.MaxValue)] long? DailyTokenBudget);

/// <summary>How an assistant uses the model, and its own model overrides.</summary>
public sealed record AssistantGenerationResponse(
    string Assistant,
    GenerationSettings Generation,
    string? Endpoint,
    string? Model,
    bool HasApiKey,
    ModelStatus Status);

public sealed record AssistantGenerationRequest(
    bool? Enabled,
    [property: Range(0.0, 1.0)] double? DirectAnswerConfidence,
    bool? CuratedWithoutModel,
    bool? PlainLanguage,
    [property: Range(500, 128_000)] int? MaxTurnTokens,
    [property: Range(0, 32_000)] int? HistoryTokens,
    [property: Url, StringLength(500)] string? Endpoint,
    [property: StringLength(200)] string? Model,
    [property: StringLength(4000)] string? ApiKey);

public sealed record PlainLanguageRequest([property: Required, StringLength(PlainLanguageRewriter.MaxTextLength, MinimumLength = 1)] string Text, string? Language = null);

public sealed record ReadabilityDto(double FleschAmstad, double WienerSachtextformel, string Band, int Sentences, int Words);

public sealed record PlainLanguageResponse(string Text, ReadabilityDto? Before, ReadabilityDto? After, IReadOnlyList<string> MissingNumbers, string Model);

/// <summary>Readability of the answers of the last days, by how they were produced.</summary>
public sealed record ReadabilityGroup(string AnswerType, bool PlainLanguage, int Answers, double? AverageFleschAmstad, string? Band);

public sealed record ReadabilityReport(int Days, IReadOnlyList<ReadabilityGroup> Groups);

/// <summary>
/// The generative tier for editors: the tenant's model connection and budget, each assistant's routing and plain
/// language setting, the staff tool "rewrite in plain language", and readability figures of the answers.
/// </summary>
public static class ModelEndpoints
{
    public static IHostApplicationBuilder AddGenerative(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<PlainLanguageRewriter>();
        builder.Services.AddHostedService<LanguageDetectionWarmup>();
        return builder;
    }

    public static IEndpointRouteBuilder MapGenerative(this IEndpointRouteBuilder app)
    {
        var tenant = app.MapTenantAdminGroup("", "Language model");

        tenant.MapGet("/model", GetModelAsync).WithName("GetModelSettings")
            .WithSummary("The municipality's language model connection, budget and status (the API key is never returned)");
        tenant.MapPut("/model", PutModelAsync).WithName("UpdateModelSettings")
            .WithSummary("Connect an OpenAI-compatible model endpoint (Ollama, vLLM, llama.cpp, LocalAI, cloud)")
            .ProducesValidationProblem();
        tenant.MapGet("/assistants/{assistant}/generation", GetGenerationAsync).WithName("GetAssistantGeneration")
            .WithSummary("How an assistant uses the language model");
        tenant.MapPut("/assistants/{assistant}/generation", PutGenerationAsync).WithName("UpdateAssistantGeneration")
            .WithSummary("Change an assistant's routing, plain-language default and model overrides")
            .ProducesValidationProblem();
        tenant.MapPost("/plain-language", RewriteAsync).WithName("RewritePlainLanguage")
            .WithSummary("Rewrite an official text in plain language (Einfache Sprache), with readability before and after")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        tenant.MapGet("/readability", ReadabilityAsync).WithName("GetReadability")
            .WithSummary("Average readability (Flesch–Amstad) of the answers of the last days, by answer type and plain language");
        return app;
    }

    private static async Task<Ok<ModelSettingsResponse>> GetModelAsync(
        TenantContext context, StadtdialogDbContext db, LanguageModels models, TokenBudgets budgets, CancellationToken ct)
    {
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == context.TenantId, ct);
        return TypedResults.Ok(await ToResponseAsync(tenant, models, budgets, ct));
    }

    private static async Task<Results<Ok<ModelSettingsResponse>, ValidationProblem>> PutModelAsync(
        ModelSettingsRequest request, TenantContext context, StadtdialogDbContext db, LanguageModels models, TokenBudgets budgets,
        TenantDirectory directory, CancellationToken ct)
    {
        if (Invalid(request) is { } problem)
        {
            return problem;
        }

        var tenant = await db.Tenants.SingleAsync(t => t.Id == context.TenantId, ct);
        var model = tenant.Model;
        model.Endpoint = Clean(request.Endpoint);
        model.Model = Clean(request.Model);
        model.TimeoutSeconds = request.TimeoutSeconds;
        model.MaxOutputTokens = request.MaxOutputTokens;
        model.Temperature = request.Temperature;
        model.EmbeddingModel = Clean(request.EmbeddingModel);
        model.EmbeddingEndpoint = Clean(request.EmbeddingEndpoint);
        model.ProtectedApiKey = ApplyKey(model.ProtectedApiKey, request.ApiKey, models);
        tenant.Model = new ModelSettings
        {
            Endpoint = model.Endpoint, Model = model.Model, ProtectedApiKey = model.ProtectedApiKey, TimeoutSeconds = model.TimeoutSeconds,
            MaxOutputTokens = model.MaxOutputTokens, Temperature = model.Temperature, EmbeddingModel = model.EmbeddingModel,
            EmbeddingEndpoint = model.EmbeddingEndpoint,
        };
        tenant.DailyTokenBudget = request.DailyTokenBudget ?? tenant.DailyTokenBudget;
        await db.SaveChangesAsync(ct);
        directory.Invalidate(tenant.Id);
        return TypedResults.Ok(await ToResponseAsync(tenant, models, budgets, ct));
    }

    private static async Task<Ok<AssistantGenerationResponse>> GetGenerationAsync(
        string assistant, TenantContext context, StadtdialogDbContext db, LanguageModels models, CancellationToken ct)
    {
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == context.TenantId, ct);
        var entity = await FindAssistantAsync(db, assistant, tracked: false, ct);
        return TypedResults.Ok(ToResponse(tenant, entity, models));
    }

    private static async Task<Results<Ok<AssistantGenerationResponse>, ValidationProblem>> PutGenerationAsync(
        string assistant, AssistantGenerationRequest request, TenantContext context, StadtdialogDbContext db, LanguageModels models,
        TenantDirectory directory, CancellationToken ct)
    {
        if (Invalid(request) is { } problem)
        {
            return problem;
        }

        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == context.TenantId, ct);
        var entity = await FindAssistantAsync(db, assistant, tracked: true, ct);
        var g = entity.Generation;
        entity.Generation = new GenerationSettings
        {
            Enabled = request.Enabled ?? g.Enabled,
            DirectAnswerConfidence = request.DirectAnswerConfidence ?? g.DirectAnswerConfidence,
            CuratedWithoutModel = request.CuratedWithoutModel ?? g.CuratedWithoutModel,
            PlainLanguage = request.PlainLanguage ?? g.PlainLanguage,
            MaxTurnTokens = request.MaxTurnTokens ?? g.MaxTurnTokens,
            HistoryTokens = request.HistoryTokens ?? g.HistoryTokens,
        };
        entity.Model = new ModelSettings
        {
            Endpoint = Clean(request.Endpoint),
            Model = Clean(request.Model),
            ProtectedApiKey = ApplyKey(entity.Model.ProtectedApiKey, request.ApiKey, models),
        };
        await db.SaveChangesAsync(ct);
        directory.Invalidate(tenant.Id);
        return TypedResults.Ok(ToResponse(tenant, entity, models));
    }

    private static async Task<Results<Ok<PlainLanguageResponse>, ValidationProblem, ProblemHttpResult>> RewriteAsync(
        PlainLanguageRequest request, TenantContext context, StadtdialogDbContext db, PlainLanguageRewriter rewriter, CancellationToken ct)
    {
        if (Invalid(request) is { } problem)
        {
            return problem;
        }

        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == context.TenantId, ct);
        var language = request.Language is { Length: >= 2 } l && tenant.Languages.Contains(l[..2]) ? l[..2] : "de";
        try
        {
            var result = await rewriter.RewriteAsync(tenant, request.Text, language, ct);
            return TypedResults.Ok(new PlainLanguageResponse(result.Text, ToDto(result.Before), ToDto(result.After), result.MissingNumbers, result.Model));
        }
        catch (Exception ex) when (ex is ModelUnavailableException or TimeoutException or TokenBudgetExceededException or HttpRequestException
            or System.ClientModel.ClientResultException)
        {
            return TypedResults.Problem(
                title: "Sprachmodell nicht verfügbar",
                detail: ex is ModelUnavailableException ? ex.Message
                    : ex is TokenBudgetExceededException ? "Das Tagesbudget an Tokens dieser Kommune ist aufgebraucht."
                    : "Das Sprachmodell hat nicht rechtzeitig oder nicht fehlerfrei geantwortet. Bitte später erneut versuchen.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static async Task<Ok<ReadabilityReport>> ReadabilityAsync(
        StadtdialogDbContext db, TimeProvider time, CancellationToken ct, int days = 30)
    {
        days = Math.Clamp(days, 1, 366);
        var since = time.GetUtcNow().AddDays(-days);
        var rows = await db.Messages.AsNoTracking()
            .Where(m => m.Role == MessageRole.Assistant && m.CreatedAt >= since && m.Readability != null)
            .Select(m => new { m.AnswerType, m.PlainLanguage, m.Readability })
            .ToListAsync(ct);
        var groups = rows.GroupBy(r => (Type: r.AnswerType ?? "", r.PlainLanguage))
            .OrderBy(g => g.Key.Type, StringComparer.Ordinal).ThenBy(g => g.Key.PlainLanguage)
            .Select(g =>
            {
                var average = Math.Round(g.Average(r => r.Readability!.Value), 1);
                return new ReadabilityGroup(g.Key.Type, g.Key.PlainLanguage, g.Count(), average, Readability.Describe(average));
            })
            .ToList();
        return TypedResults.Ok(new ReadabilityReport(days, groups));
    }

    private static async Task<ModelSettingsResponse> ToResponseAsync(Tenant tenant, LanguageModels models, TokenBudgets budgets, CancellationToken ct)
    {
        var m = tenant.Model;
        return new ModelSettingsResponse(m.Endpoint, m.Model, m.ProtectedApiKey is not null, m.TimeoutSeconds, m.MaxOutputTokens,
            m.Temperature, m.EmbeddingModel, m.EmbeddingEndpoint, tenant.DailyTokenBudget,
            await budgets.UsedTodayAsync(tenant.Id, ct), models.Status(tenant));
    }

    private static AssistantGenerationResponse ToResponse(Tenant tenant, Assistant assistant, LanguageModels models) =>
        new(assistant.Slug, assistant.Generation, assistant.Model.Endpoint, assistant.Model.Model,
            assistant.Model.ProtectedApiKey is not null, models.Status(tenant, assistant));

    private static ReadabilityDto? ToDto(ReadabilityScore? score) => score is null
        ? null
        : new ReadabilityDto(Math.Round(score.FleschAmstad, 1), Math.Round(score.WienerSachtextformel, 1),
            Readability.Describe(score.FleschAmstad), score.Sentences, score.Words);

    private static async Task<Assistant> FindAssistantAsync(StadtdialogDbContext db, string slug, bool tracked, CancellationToken ct)
    {
        var query = tracked ? db.Assistants : db.Assistants.AsNoTracking();
        return await query.SingleOrDefaultAsync(a => a.Slug == slug, ct)
            ?? throw new NotFoundException($"Den Assistenten '{slug}' gibt es hier nicht.");
    }

    private static string? ApplyKey(string? current, string? requested, LanguageModels models) => requested switch
    {
        null => current,
        { Length: 0 } => null,
        _ => models.ProtectApiKey(requested.Trim()),
    };

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static ValidationProblem? Invalid(object request)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(request, new ValidationContext(request), results, validateAllProperties: true))
        {
            return null;
        }

        return TypedResults.ValidationProblem(results
            .SelectMany(r => r.MemberNames.DefaultIfEmpty("").Select(m => (Member: m, r.ErrorMessage)))
            .GroupBy(e => e.Member, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage ?? "ungültig").ToArray(), StringComparer.Ordinal));
    }
}
