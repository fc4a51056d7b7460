using Microsoft.EntityFrameworkCore;
using Stadtdialog.Data;
using Stadtdialog.Generative;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Server.Features.Tenants;

public sealed record TenantSummary(string Id, string Name, IReadOnlyList<string> Languages);

public sealed record TenantDetails(string Id, string Name, IReadOnlyList<string> Languages, ContactInfo Contact);

public sealed record AssistantSummary(
    string Id,
    string Name,
    string TenantName,
    AssistantAudience Audience,
    string Greeting,
    IReadOnlyList<string> SuggestedQuestions,
    IReadOnlyList<string> Languages,
    double MinConfidence,
    ContactInfo Contact)
{
    /// <summary>
    /// Whether answers can be written by a language model. False: every answer is quoted from the municipality's
    /// pages (no plain language, no translation) — the widget says so.
    /// </summary>
    public bool Generative { get; init; }

    /// <summary>The assistant answers in plain language (Einfache Sprache) unless the citizen turns it off.</summary>
    public bool PlainLanguage { get; init; }
}

/// <summary>
/// Resolves the tenant of every <c>/api/tenants/{tenant}/…</c> request once, into the scoped
/// <see cref="TenantContext"/>; unknown tenants get a 404 before any handler runs.
/// </summary>
internal sealed class TenantResolutionFilter(TenantContext tenant, TenantDirectory tenants, StadtdialogDbContext db) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var id = context.HttpContext.GetRouteValue("tenant") as string;
        if (!TenantIds.IsValid(id) || await tenants.FindAsync(db, id!, context.HttpContext.RequestAborted) is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Nicht gefunden",
                detail: $"Die Kommune '{id}' gibt es auf dieser Plattform nicht.");
        }

        tenant.Set(id!);
        return await next(context);
    }
}

public static class TenantEndpoints
{
    public static IHostApplicationBuilder AddTenants(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<TenantResolutionFilter>();
        return builder;
    }

    /// <summary>The route group for everything that belongs to one tenant.</summary>
    public static RouteGroupBuilder MapTenantGroup(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/tenants/{tenant}")
            .AddEndpointFilter<TenantResolutionFilter>()
            .RequireCors(Platform.PlatformExtensions.WidgetCorsPolicy)
            .ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary>
    /// The route group for a tenant's administration (<c>/api/tenants/{tenant}{prefix}</c>): editors of this tenant
    /// (or the given staff policy; platform admins and operator keys always), the tenant resolved before any handler runs.
    /// </summary>
    public static RouteGroupBuilder MapTenantAdminGroup(this IEndpointRouteBuilder app, string prefix, string tag,
        string policy = Staff.StaffPolicies.TenantEditor) =>
        app.MapGroup("/api/tenants/{tenant}" + prefix)
            .RequireAuthorization(policy)
            .AddEndpointFilter<TenantResolutionFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithTags(tag);

    public static IEndpointRouteBuilder MapTenants(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tenants", async (StadtdialogDbContext db, CancellationToken ct) =>
                TypedResults.Ok(await db.Tenants.AsNoTracking().OrderBy(t => t.Name)
                    .Select(t => new TenantSummary(t.Id, t.Name, t.Languages)).ToListAsync(ct)))
            .RequireCors(Platform.PlatformExtensions.WidgetCorsPolicy)
            .WithName("ListTenants").WithSummary("List the municipalities on this platform").WithTags("Tenants");

        var tenant = app.MapTenantGroup().WithTags("Tenants");
        tenant.MapGet("/", async (TenantContext context, StadtdialogDbContext db, CancellationToken ct) =>
            {
                var t = await db.Tenants.AsNoTracking().SingleAsync(x => x.Id == context.TenantId, ct);
                return TypedResults.Ok(new TenantDetails(t.Id, t.Name, t.Languages, t.Contact));
            })
            .WithName("GetTenant").WithSummary("A municipality with its contact details");

        tenant.MapGet("/assistants", async (TenantContext context, StadtdialogDbContext db, LanguageModels models, CancellationToken ct) =>
            {
                var t = await db.Tenants.AsNoTracking().SingleAsync(x => x.Id == context.TenantId, ct);
                var assistants = await db.Assistants.AsNoTracking().Where(a => a.Published && a.Audience == AssistantAudience.Citizens).OrderBy(a => a.Name).ToListAsync(ct);
                return TypedResults.Ok(assistants.Select(a => ToSummary(t, a, models)).ToList());
            })
            .WithName("ListAssistants").WithSummary("The published assistants of a municipality");

        tenant.MapGet("/assistants/{assistant}", async (string assistant, TenantContext context, StadtdialogDbContext db, LanguageModels models, CancellationToken ct) =>
            {
                var t = await db.Tenants.AsNoTracking().SingleAsync(x => x.Id == context.TenantId, ct);
                var a = await db.Assistants.AsNoTracking().SingleOrDefaultAsync(x => x.Slug == assistant && x.Published && x.Audience == AssistantAudience.Citizens, ct)
                    ?? throw new global::Stadtdialog.NotFoundException($"Den Assistenten '{assistant}' gibt es bei '{t.Id}' nicht.");
                return TypedResults.Ok(ToSummary(t, a, models));
            })
            .WithName("GetAssistant").WithSummary("An assistant's public profile (what the widget shows)");
        return app;
    }

    private static AssistantSummary ToSummary(Tenant tenant, Assistant assistant, LanguageModels models) => new(
        assistant.Slug, assistant.Name, tenant.Name, assistant.Audience, assistant.Greeting, assistant.SuggestedQuestions,
        tenant.Languages, assistant.MinConfidence, tenant.Contact)
    {
        Generative = assistant.Generation.Enabled && models.Resolve(tenant, assistant) is not null,
        PlainLanguage = assistant.Generation.PlainLanguage,
    };
}
