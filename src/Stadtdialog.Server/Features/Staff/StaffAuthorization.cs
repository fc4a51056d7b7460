using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Stadtdialog.Staff;

namespace Stadtdialog.Server.Features.Staff;

/// <summary>
/// Authorization policies of the staff features. The tenant policies check the role for the municipality in the
/// route (<c>{tenant}</c>); platform admins (staff accounts with the platform-admin role and operator API keys) pass
/// all of them. Every policy accepts the staff cookie and the operator key.
/// </summary>
public static class StaffPolicies
{
    /// <summary>May manage the tenant's staff (and everything below).</summary>
    public const string TenantAdmin = "tenant-admin";

    /// <summary>May configure the tenant: knowledge sources, language model, live data, API keys.</summary>
    public const string TenantEditor = "tenant-editor";

    /// <summary>May work in the tenant's staff inbox (handed-over conversations).</summary>
    public const string TenantAgent = "tenant-agent";

    /// <summary>Platform administrators and operator keys only.</summary>
    public const string PlatformAdmin = "platform-admin";

    /// <summary>Any signed-in staff member (cookie only): who am I.</summary>
    public const string SignedIn = "staff-signed-in";

    public const string TenantRouteValue = "tenant";

    /// <summary>The policies that protect the administration API (they carry the security requirement in OpenAPI).</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        TenantAdmin, TenantEditor, TenantAgent, PlatformAdmin, SignedIn,
    };

    internal static AuthorizationBuilder AddStaffPolicies(this AuthorizationBuilder authorization)
    {
        string[] schemes = [StaffAuthentication.CookieScheme, Admin.AdminPolicies.Scheme];
        return authorization
            .AddPolicy(TenantAdmin, p => p.AddAuthenticationSchemes(schemes).RequireAuthenticatedUser()
                .AddRequirements(new TenantRoleRequirement(StaffRole.TenantAdmin)))
            .AddPolicy(TenantEditor, p => p.AddAuthenticationSchemes(schemes).RequireAuthenticatedUser()
                .AddRequirements(new TenantRoleRequirement(StaffRole.Editor)))
            .AddPolicy(TenantAgent, p => p.AddAuthenticationSchemes(schemes).RequireAuthenticatedUser()
                .AddRequirements(new TenantRoleRequirement(StaffRole.Agent)))
            .AddPolicy(PlatformAdmin, p => p.AddAuthenticationSchemes(schemes).RequireRole(StaffRoles.PlatformAdmin))
            .AddPolicy(SignedIn, p => p.AddAuthenticationSchemes(StaffAuthentication.CookieScheme).RequireAuthenticatedUser());
    }
}

/// <summary>At least <see cref="Minimum"/> in the municipality named by the route's <c>{tenant}</c>.</summary>
public sealed record TenantRoleRequirement(StaffRole Minimum) : IAuthorizationRequirement;

internal sealed class TenantRoleHandler(IHttpContextAccessor accessor) : AuthorizationHandler<TenantRoleRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, TenantRoleRequirement requirement)
    {
        if (context.User.IsInRole(StaffRoles.PlatformAdmin))
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        var http = context.Resource as HttpContext ?? accessor.HttpContext;
        if (http?.GetRouteValue(StaffPolicies.TenantRouteValue) is not string tenant || tenant.Length == 0)
        {
            return Task.CompletedTask; // no tenant in the route: only platform admins
        }

        var prefix = tenant + ":";
        foreach (var claim in context.User.FindAll(StaffRoles.TenantRoleClaim))
        {
            if (claim.Value.StartsWith(prefix, StringComparison.Ordinal)
                && Enum.TryParse<StaffRole>(claim.Value.AsSpan(prefix.Length), ignoreCase: false, out var granted)
                && Enum.IsDefined(granted)
                && StaffRoles.Satisfies(granted, requirement.Minimum))
            {
                context.Succeed(requirement);
                break;
            }
        }

        return Task.CompletedTask;
    }
}

/// <summary>Declares the staff cookie in the OpenAPI document for every endpoint behind a staff policy.</summary>
internal static class StaffOpenApi
{
    public const string SchemeName = "staffCookie";

    public static OpenApiOptions AddStaffSecurity(this OpenApiOptions options) => options
        .AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Cookie,
                Name = StaffAuthentication.CookieName,
                Description = "The staff sign-in cookie set by POST /api/auth/login (HttpOnly, SameSite=Strict).",
            };
            return Task.CompletedTask;
        })
        .AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>()
                .Any(a => a.Policy is { } policy && StaffPolicies.All.Contains(policy)))
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] });
            }

            return Task.CompletedTask;
        });
}
