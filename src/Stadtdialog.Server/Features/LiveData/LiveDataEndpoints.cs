using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Stadtdialog.Data;
using Stadtdialog.LiveData;
using Stadtdialog.LiveData.Tools;
using Stadtdialog.Server.Features.Tenants;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Server.Features.LiveData;

/// <summary>A data connection as editors see it: secrets are never returned, only whether one is set.</summary>
public sealed record DataConnectionDto(
    string Id, string Name, DataPlatformKind Kind, string BaseUrl, DataAuthKind Auth, string ApiKeyHeader, bool HasApiKey,
    string? TokenEndpoint, string? ClientId, bool HasClientSecret, string? Scope, int TimeoutSeconds, int Retries, int CacheSeconds,
    string? NgsiLdTenant, string? NgsiLdContext, DateTimeOffset UpdatedAt);

/// <summary>
/// Creates or changes a data connection. <c>apiKey</c>/<c>clientSecret</c>: a new secret; null keeps the stored one,
/// an empty string removes it.
/// </summary>
public sealed record DataConnectionRequest(
    [property: Required, StringLength(200)] string Name,
    DataPlatformKind Kind,
    [property: Required, StringLength(2000)] string BaseUrl,
    DataAuthKind Auth = DataAuthKind.None,
    [property: StringLength(100)] string? ApiKeyHeader = null,
    [property: StringLength(4000)] string? ApiKey = null,
    [property: StringLength(2000)] string? TokenEndpoint = null,
    [property: StringLength(200)] string? ClientId = null,
    [property: StringLength(4000)] string? ClientSecret = null,
    [property: StringLength(500)] string? Scope = null,
    int TimeoutSeconds = 10,
    int Retries = 2,
    int CacheSeconds = 60,
    [property: StringLength(200)] string? NgsiLdTenant = null,
    [property: StringLength(2000)] string? NgsiLdContext = null);

public sealed record DataToolDto(
    string Id, string Name, string Description, string Connection, DataToolKind Kind, DataToolQuery Query, DataToolIntents Intents,
    string AnswerTemplate, string? SourceUrl, int StaleAfterMinutes, bool Enabled, JsonElement Parameters, DateTimeOffset UpdatedAt);

public sealed record DataToolRequest(
    [property: Required, StringLength(200)] string Name,
    [property: Required, StringLength(64)] string Connection,
    DataToolKind Kind,
    [property: StringLength(2000)] string Description = "",
    DataToolQuery? Query = null,
    DataToolIntents? Intents = null,
    [property: StringLength(4000)] string AnswerTemplate = "",
    [property: StringLength(2000)] string? SourceUrl = null,
    int StaleAfterMinutes = 60,
    bool Enabled = true);

/// <summary>A test run from the console: the tool's parameters as a model would fill them, and/or a question.</summary>
public sealed record DataToolRunRequest(Dictionary<string, JsonElement>? Arguments = null, [property: StringLength(2000)] string? Question = null);

public sealed record LiveValueDto(string Name, string? Property, double? Value, string? Text, string? Unit, DateTimeOffset? Time, double? Capacity, bool Stale);

/// <summary>A tool's answer and the data behind it; <c>problem</c> says why the platform could not deliver (editors only).</summary>
public sealed record DataToolResultDto(
    string Tool, string Text, bool Unavailable, string? Problem, bool Stale, bool FromCache, IReadOnlyList<LiveValueDto> Values,
    IReadOnlyList<LiveEvent> Events, ChartData? Chart, string SourceTitle, string? SourceUrl, DateTimeOffset RetrievedAt);

public sealed record DataToolMatchRequest([property: Required, StringLength(2000)] string Question);

/// <summary>Which tool a question would reach without a language model, and why (null tool: none).</summary>
public sealed record DataToolMatchDto(string? Tool, double Score, string? Reason);

/// <summary>Data connections and data tools: the editors' API (low-code: configured, not coded) and its test console.</summary>
public static class LiveDataEndpoints
{
    public static IHostApplicationBuilder AddLiveDataFeature(this IHostApplicationBuilder builder)
    {
        builder.Services.Replace(ServiceDescriptor.Singleton<ILocalPlatform, ServerLocalPlatform>());
        return builder;
    }

    public static IEndpointRouteBuilder MapLiveData(this IEndpointRouteBuilder app)
    {
        var data = app.MapTenantAdminGroup("/data", "Live data");

        data.MapGet("/connections", async (StadtdialogDbContext db, CancellationToken ct) =>
                TypedResults.Ok((await db.DataConnections.AsNoTracking().OrderBy(c => c.Slug).ToListAsync(ct)).Select(ToDto).ToList()))
            .WithName("ListDataConnections").WithSummary("The municipality's urban data platforms (secrets are never returned)");

        data.MapPut("/connections/{id}", PutConnection)
            .WithName("PutDataConnection").WithSummary("Create or change a data connection (SensorThings, NGSI-LD, CKAN, piveau, iCalendar)")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        data.MapDelete("/connections/{id}", DeleteConnection)
            .WithName("DeleteDataConnection").WithSummary("Delete a data connection and the tools built on it");

        data.MapGet("/tools", async (StadtdialogDbContext db, CancellationToken ct) =>
                TypedResults.Ok((await db.DataTools.AsNoTracking().Include(t => t.Connection).OrderBy(t => t.Slug).ToListAsync(ct)).Select(ToDto).ToList()))
            .WithName("ListDataTools").WithSummary("The municipality's data tools with their parameters (JSON schema)");

        data.MapPut("/tools/{id}", PutTool)
            .WithName("PutDataTool").WithSummary("Create or change a data tool: what it reads, its intent patterns and its answer template")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        data.MapDelete("/tools/{id}", DeleteTool).WithName("DeleteDataTool").WithSummary("Delete a data tool");

        data.MapPost("/tools/{id}/run", RunTool)
            .WithName("RunDataTool").WithSummary("Try a data tool (test console): its answer and the data behind it");

        data.MapPost("/match", Match)
            .WithName("MatchDataTool").WithSummary("Which data tool a question reaches without a language model, and why");
        return app;
    }

    private static async Task<Ok<DataConnectionDto>> PutConnection(
        string id, DataConnectionRequest request, StadtdialogDbContext db, DataPlatformClients clients, DataToolCatalog catalog,
        TenantContext tenant, TimeProvider time, CancellationToken ct)
    {
        var errors = DataConnectionRules.Validate(id, request.Name, request.BaseUrl, request.Auth, request.TokenEndpoint, request.ClientId,
            request.TimeoutSeconds, request.CacheSeconds).ToList();
        if (request.Retries is < 0 or > 5)
        {
            errors.Add("retries must be between 0 and 5");
        }

        var now = time.GetUtcNow();
        var connection = await db.DataConnections.SingleOrDefaultAsync(c => c.Slug == id, ct);
        var apiKey = request.ApiKey is null ? connection?.ProtectedApiKey : request.ApiKey.Length == 0 ? null : clients.Protect(request.ApiKey);
        var secret = request.ClientSecret is null ? connection?.ProtectedClientSecret
            : request.ClientSecret.Length == 0 ? null : clients.Protect(request.ClientSecret);
        if (request.Auth == DataAuthKind.ApiKey && apiKey is null)
        {
            errors.Add("an API key connection needs apiKey");
        }

        if (request.Auth == DataAuthKind.OAuth2ClientCredentials && secret is null)
        {
            errors.Add("OAuth2 client credentials need clientSecret");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors));
        }

        if (connection is null)
        {
            connection = new DataConnection { Id = Guid.CreateVersion7(now), Slug = id, Name = request.Name, BaseUrl = request.BaseUrl, CreatedAt = now };
            db.DataConnections.Add(connection);
        }

        connection.Name = request.Name.Trim();
        connection.Kind = request.Kind;
        connection.BaseUrl = request.BaseUrl.Trim();
        connection.Auth = request.Auth;
        connection.ApiKeyHeader = string.IsNullOrWhiteSpace(request.ApiKeyHeader) ? "X-API-Key" : request.ApiKeyHeader.Trim();
        connection.ProtectedApiKey = apiKey;
        connection.TokenEndpoint = request.TokenEndpoint;
        connection.ClientId = request.ClientId;
        connection.ProtectedClientSecret = secret;
        connection.Scope = request.Scope;
        connection.TimeoutSeconds = request.TimeoutSeconds;
        connection.Retries = request.Retries;
        connection.CacheSeconds = request.CacheSeconds;
        connection.NgsiLdTenant = request.NgsiLdTenant;
        connection.NgsiLdContext = request.NgsiLdContext;
        connection.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        clients.Forget(connection.Id);
        catalog.Invalidate(tenant.RequireTenantId());
        return TypedResults.Ok(ToDto(connection));
    }

    private static async Task<NoContent> DeleteConnection(
        string id, StadtdialogDbContext db, DataPlatformClients clients, DataToolCatalog catalog, TenantContext tenant, CancellationToken ct)
    {
        var connection = await db.DataConnections.SingleOrDefaultAsync(c => c.Slug == id, ct)
            ?? throw new NotFoundException($"Die Datenverbindung '{id}' gibt es nicht.");
        db.DataConnections.Remove(connection);
        await db.SaveChangesAsync(ct);
        clients.Forget(connection.Id);
        catalog.Invalidate(tenant.RequireTenantId());
        return TypedResults.NoContent();
    }

    private static async Task<Ok<DataToolDto>> PutTool(
        string id, DataToolRequest request, StadtdialogDbContext db, DataToolCatalog catalog, TenantContext tenant, TimeProvider time,
        CancellationToken ct)
    {
        var errors = DataToolRules.Validate(id, request.Name, request.AnswerTemplate, request.StaleAfterMinutes).ToList();
        var connection = await db.DataConnections.SingleOrDefaultAsync(c => c.Slug == request.Connection, ct);
        if (connection is null)
        {
            errors.Add($"connection '{request.Connection}' does not exist");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors));
        }

        var now = time.GetUtcNow();
        var tool = await db.DataTools.SingleOrDefaultAsync(t => t.Slug == id, ct);
        if (tool is null)
        {
            tool = new DataTool { Id = Guid.CreateVersion7(now), Slug = id, Name = request.Name, CreatedAt = now };
            db.DataTools.Add(tool);
        }

        tool.Name = request.Name.Trim();
        tool.Description = request.Description.Trim();
        tool.ConnectionId = connection!.Id;
        tool.Connection = connection;
        tool.Kind = request.Kind;
        tool.Query = request.Query ?? new DataToolQuery();
        tool.Intents = request.Intents ?? new DataToolIntents();
        tool.AnswerTemplate = request.AnswerTemplate;
        tool.SourceUrl = string.IsNullOrWhiteSpace(request.SourceUrl) ? null : request.SourceUrl.Trim();
        tool.StaleAfterMinutes = request.StaleAfterMinutes;
        tool.Enabled = request.Enabled;
        tool.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        catalog.Invalidate(tenant.RequireTenantId());
        return TypedResults.Ok(ToDto(tool));
    }

    private static async Task<NoContent> DeleteTool(string id, StadtdialogDbContext db, DataToolCatalog catalog, TenantContext tenant, CancellationToken ct)
    {
        var tool = await db.DataTools.SingleOrDefaultAsync(t => t.Slug == id, ct)
            ?? throw new NotFoundException($"Das Datenwerkzeug '{id}' gibt es nicht.");
        db.DataTools.Remove(tool);
        await db.SaveChangesAsync(ct);
        catalog.Invalidate(tenant.RequireTenantId());
        return TypedResults.NoContent();
    }

    private static async Task<Ok<DataToolResultDto>> RunTool(
        string id, DataToolRunRequest request, StadtdialogDbContext db, DataToolRunner runner, CancellationToken ct)
    {
        var tool = await db.DataTools.AsNoTracking().Include(t => t.Connection).SingleOrDefaultAsync(t => t.Slug == id, ct)
            ?? throw new NotFoundException($"Das Datenwerkzeug '{id}' gibt es nicht.");
        var values = request.Arguments?.ToDictionary(a => a.Key, a => (object?)a.Value);
        var result = await runner.RunAsync(tool, DataToolFunctions.Arguments(tool, values, request.Question), ct);
        return TypedResults.Ok(ToDto(result));
    }

    private static async Task<Ok<DataToolMatchDto>> Match(
        DataToolMatchRequest request, DataToolCatalog catalog, DataToolMatcher matcher, TenantContext tenant, CancellationToken ct)
    {
        var tools = await catalog.GetAsync(tenant.RequireTenantId(), ct);
        var match = matcher.Match(request.Question, tools);
        return TypedResults.Ok(new DataToolMatchDto(match?.Tool.Slug, Math.Round(match?.Score ?? 0, 3), match?.Reason));
    }

    internal static DataToolResultDto ToDto(DataToolResult r) => new(
        r.Tool, r.Text, r.Unavailable, r.Problem, r.Stale, r.FromCache,
        r.Values.Select(v => new LiveValueDto(v.Name, v.Property, v.Value, v.Text, v.Unit, v.Time, v.Capacity, v.Stale)).ToList(),
        r.Events, r.Chart, r.SourceTitle, r.SourceUrl, r.RetrievedAt);

    private static DataConnectionDto ToDto(DataConnection c) => new(
        c.Slug, c.Name, c.Kind, c.BaseUrl, c.Auth, c.ApiKeyHeader, c.ProtectedApiKey is not null, c.TokenEndpoint, c.ClientId,
        c.ProtectedClientSecret is not null, c.Scope, c.TimeoutSeconds, c.Retries, c.CacheSeconds, c.NgsiLdTenant, c.NgsiLdContext, c.UpdatedAt);

    private static DataToolDto ToDto(DataTool t) => new(
        t.Slug, t.Name, t.Description, t.Connection?.Slug ?? "", t.Kind, t.Query, t.Intents, t.AnswerTemplate, t.SourceUrl,
        t.StaleAfterMinutes, t.Enabled, DataToolFunctions.Schema(t), t.UpdatedAt);
}

/// <summary>
/// This server's own address for connections whose base URL is a path (the bundled demo platform): the configured
/// <c>Stadtdialog:LiveData:LocalBaseUrl</c>, else the first address Kestrel listens on (wildcards become loopback).
/// </summary>
internal sealed class ServerLocalPlatform(IServer server) : ILocalPlatform
{
    public Uri? BaseAddress
    {
        get
        {
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses
                .OrderBy(a => a.StartsWith("https", StringComparison.OrdinalIgnoreCase) ? 1 : 0)
                .FirstOrDefault();
            if (address is null)
            {
                return null;
            }

            var loopback = address.Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
                .Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
                .Replace("://[::]", "://[::1]", StringComparison.Ordinal);
            return Uri.TryCreate(loopback.TrimEnd('/') + "/", UriKind.Absolute, out var uri) ? uri : null;
        }
    }

    public HttpMessageHandler CreateHandler() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
}
