using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Stadtdialog.Server.Features.Admin;

/// <summary>
/// Operator API keys for the administration API (<c>Stadtdialog:Admin:ApiKeys</c>). A key acts as platform
/// administrator: it passes every staff policy (<see cref="Staff.StaffPolicies"/>). Without a configured key only
/// staff accounts reach the administration API.
/// </summary>
public sealed class AdminOptions
{
    public const string Section = "Stadtdialog:Admin";

    /// <summary>Keys accepted as <c>Authorization: Bearer &lt;key&gt;</c>; each at least 16 characters.</summary>
    public List<string> ApiKeys { get; set; } = [];
}

public static class AdminPolicies
{
    public const string Scheme = "AdminApiKey";

    /// <summary>The role an operator key carries: the same as platform administrators' staff accounts.</summary>
    public const string PlatformAdminRole = global::Stadtdialog.Staff.StaffRoles.PlatformAdmin;

    public static IHostApplicationBuilder AddAdmin(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section)
            .Validate(o => o.ApiKeys.All(k => k.Length >= 16), "Admin API keys must be at least 16 characters long.")
            .ValidateOnStart();
        builder.Services.AddAuthentication(Scheme).AddScheme<AuthenticationSchemeOptions, AdminApiKeyHandler>(Scheme, null);
        builder.Services.Configure<OpenApiOptions>("v1", options => options.AddAdminSecurity());
        return builder;
    }
}

/// <summary>Declares the operator key in the OpenAPI document: a bearer scheme that every administration endpoint accepts.</summary>
internal static class AdminOpenApi
{
    public const string SchemeName = "bearer";

    public static OpenApiOptions AddAdminSecurity(this OpenApiOptions options) => options
        .AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An operator API key (Stadtdialog:Admin:ApiKeys) as bearer token: Authorization: Bearer <key>.",
            };
            return Task.CompletedTask;
        })
        .AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>()
                .Any(a => a.Policy is { } policy && policy != Staff.StaffPolicies.SignedIn && Staff.StaffPolicies.All.Contains(policy)))
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] });
            }

            return Task.CompletedTask;
        });
}

/// <summary>Accepts a configured operator key as bearer token (compared in constant time).</summary>
internal sealed class AdminApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptionsMonitor<AdminOptions> admin)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()));
        var valid = admin.CurrentValue.ApiKeys.Any(k => CryptographicOperations.FixedTimeEquals(presented, SHA256.HashData(Encoding.UTF8.GetBytes(k))));
        if (!valid)
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "operator"), new Claim(ClaimTypes.Role, AdminPolicies.PlatformAdminRole)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }
}
