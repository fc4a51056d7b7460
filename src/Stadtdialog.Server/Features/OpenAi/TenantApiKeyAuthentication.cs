using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Stadtdialog.Data;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Server.Features.OpenAi;

/// <summary>
/// Tenant API keys: <c>sd_&lt;tenant&gt;_&lt;32 random URL-safe characters&gt;</c>. Only the SHA-256 hash (hex) is
/// stored, with a hint (<c>sd_…</c> and the last <see cref="HintLength"/> characters) to recognise a key in lists.
/// </summary>
public static class TenantApiKeys
{
    public const string KeyPrefix = "sd_";

    /// <summary>Random characters shown in lists: the start of a key is the same for all keys of a tenant.</summary>
    public const int HintLength = 6;

    /// <summary>Longest bearer token looked up at all (the longest tenant id gives 100 characters).</summary>
    public const int MaxKeyLength = 128;

    private const int RandomLength = 32;

    private const string UrlSafe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    public static string Generate(string tenantId) =>
        $"{KeyPrefix}{tenantId}_{RandomNumberGenerator.GetString(UrlSafe, RandomLength)}";

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string Prefix(string key) => key.Length > HintLength ? $"{KeyPrefix}…{key[^HintLength..]}" : KeyPrefix;
}

/// <summary>The authentication scheme and policy of the OpenAI-compatible API.</summary>
public static class OpenAiAuthentication
{
    public const string Scheme = "TenantApiKey";

    /// <summary>A caller holding a valid, unrevoked tenant API key.</summary>
    public const string Policy = "openai-client";

    public const string TenantClaim = "stadtdialog:tenant";

    public const string KeyIdClaim = "stadtdialog:api-key";

    private const string SecuritySchemeName = "tenantApiKey";

    /// <summary>How often <see cref="TenantApiKey.LastUsedAt"/> is written at most (one write per key and minute).</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    internal static IHostApplicationBuilder AddTenantApiKeyAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, TenantApiKeyHandler>(Scheme, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        builder.Services.Configure<OpenApiOptions>("v1", options => options.AddTenantApiKeySecurity());
        return builder;
    }

    private static OpenApiOptions AddTenantApiKeySecurity(this OpenApiOptions options) => options
        .AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A tenant API key (sd_<tenant>_…, created by an editor under /api/tenants/{tenant}/api-keys) " +
                    "as bearer token: Authorization: Bearer <key>. It selects the municipality.",
            };
            return Task.CompletedTask;
        })
        .AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any(a => a.Policy == Policy))
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, context.Document)] = [] });
            }

            return Task.CompletedTask;
        });
}

/// <summary>
/// Accepts a tenant API key as bearer token. The tenant is not known before the key is, so the key is looked up by
/// its hash across all tenants; on success the scope's <see cref="TenantContext"/> is set to the key's tenant, and
/// every query after that sees only that municipality's data. Rejections are written as OpenAI-style errors.
/// </summary>
internal sealed class TenantApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    StadtdialogDbContext db, TenantContext tenant, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string Missing = "missing";
    private const string Revoked = "revoked";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail(Missing);
        }

        var presented = header["Bearer ".Length..].Trim();
        if (!presented.StartsWith(TenantApiKeys.KeyPrefix, StringComparison.Ordinal) || presented.Length > TenantApiKeys.MaxKeyLength)
        {
            return AuthenticateResult.Fail("unknown");
        }

        var hash = TenantApiKeys.Hash(presented);
        var key = await db.TenantApiKeys.IgnoreQueryFilters().AsNoTracking()
            .SingleOrDefaultAsync(k => k.Hash == hash, Context.RequestAborted);
        if (key is null)
        {
            return AuthenticateResult.Fail("unknown");
        }

        if (key.RevokedAt is not null)
        {
            return AuthenticateResult.Fail(Revoked);
        }

        tenant.Set(key.TenantId);
        var now = time.GetUtcNow();
        if (key.LastUsedAt is not { } last || now - last >= OpenAiAuthentication.LastUsedResolution)
        {
            // Conditional, so that concurrent requests write once; the query filter holds: the tenant is set now.
            var cutoff = now - OpenAiAuthentication.LastUsedResolution;
            await db.TenantApiKeys.Where(k => k.Id == key.Id && (k.LastUsedAt == null || k.LastUsedAt <= cutoff))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, key.Name),
                new Claim(OpenAiAuthentication.TenantClaim, key.TenantId),
                new Claim(OpenAiAuthentication.KeyIdClaim, key.Id.ToString()),
            ],
            Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var message = result.Failure?.Message switch
        {
            Missing => "Es wurde kein API-Schlüssel gesendet. Senden Sie ihn als „Authorization: Bearer sd_…“.",
            Revoked => "Dieser API-Schlüssel wurde widerrufen. Bitte lassen Sie sich von der Redaktion einen neuen geben.",
            _ => "Der API-Schlüssel ist ungültig.",
        };
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Response.WriteAsJsonAsync(
            new OpenAiErrorResponse(new OpenAiError(message, OpenAiErrors.InvalidRequest, null,
                result.Failure?.Message == Missing ? "missing_api_key" : "invalid_api_key")),
            Context.RequestAborted);
    }
}
