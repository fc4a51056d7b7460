using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using ModelContextProtocol.AspNetCore;
using Stadtdialog.Server.Features.OpenAi;

namespace Stadtdialog.Server.Features.Mcp;

/// <summary>
/// A Model Context Protocol server per municipality (<c>/api/tenants/{tenant}/mcp</c>, Streamable HTTP), so that
/// MCP-capable assistants can search a municipality's knowledge and read its live data. Callers authenticate with a
/// tenant API key (the same keys as the OpenAI-compatible API); the key's municipality must be the one in the URL.
/// </summary>
/// <remarks>
/// The server is stateless: every HTTP request is handled on its own (no MCP session is kept), so each tool call
/// runs in the request of its caller, bound to the key's tenant, and app nodes need no session affinity.
/// </remarks>
public static class McpEndpoints
{
    public const string Pattern = "/api/tenants/{tenant}/mcp";

    /// <summary>The key's municipality is the one in the URL (<c>{tenant}</c>).</summary>
    public const string TenantPolicy = "mcp-tenant";

    public static IHostApplicationBuilder AddMcp(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddAuthorizationBuilder().AddPolicy(TenantPolicy, policy => policy
            .AddAuthenticationSchemes(OpenAiAuthentication.Scheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(context => IsKeysTenant(context)));
        builder.Services.AddMcpServer(options =>
            {
                options.ServerInfo = new() { Name = "Stadtdialog", Title = "Stadtdialog", Version = "1.0" };
                options.ServerInstructions =
                    "Wissen und Live-Daten einer Kommune: search_knowledge durchsucht die Website und Dokumente, " +
                    "list_sources nennt Quellen und Datenwerkzeuge, get_live_data liest aktuelle Daten. " +
                    "Knowledge and live data of one municipality; cite the returned URLs.";
            })
            .WithHttpTransport(options => options.Stateless = true)
            .WithTools<McpTools>();
        return builder;
    }

    public static IEndpointRouteBuilder MapMcpServer(this IEndpointRouteBuilder app)
    {
        var mcp = app.MapMcp(Pattern)
            .RequireAuthorization(OpenAiAuthentication.Policy, TenantPolicy)
            .ExcludeFromDescription();

        // The SDK maps plain request delegates (no endpoint filters), so the per-key limit of the OpenAI-compatible
        // API wraps them: one budget per key for both APIs.
        mcp.Add(endpoint =>
        {
            if (endpoint.RequestDelegate is { } next)
            {
                endpoint.RequestDelegate = context => LimitAsync(context, next);
            }
        });
        return app;
    }

    private static async Task LimitAsync(HttpContext context, RequestDelegate next)
    {
        var limiter = context.RequestServices.GetRequiredService<OpenAiKeyRateLimiter>();
        var key = context.User.FindFirst(OpenAiAuthentication.KeyIdClaim)?.Value ?? "anonymous";
        using var lease = limiter.Limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
        {
            await next(context);
            return;
        }

        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        await OpenAiErrors.Create(StatusCodes.Status429TooManyRequests,
            $"Zu viele Anfragen mit diesem Schlüssel (höchstens {limiter.Limit} pro Minute). Bitte kurz warten.",
            type: "rate_limit_exceeded", code: "rate_limit_exceeded").ExecuteAsync(context);
    }

    private static bool IsKeysTenant(AuthorizationHandlerContext context) =>
        context.Resource is HttpContext http
        && http.GetRouteValue("tenant") is string route
        && context.User.FindFirst(OpenAiAuthentication.TenantClaim)?.Value is { } tenant
        && string.Equals(route, tenant, StringComparison.Ordinal);
}
