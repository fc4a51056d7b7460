using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Stadtdialog.Data;
using Stadtdialog.Staff;

namespace Stadtdialog.Server.Features.Staff;

/// <summary>Staff accounts (<c>Stadtdialog:Staff</c>): the first platform administrator.</summary>
public sealed class StaffOptions : IValidatableObject
{
    public const string Section = "Stadtdialog:Staff";

    /// <summary>
    /// Created as platform administrator on start when no platform administrator exists yet (with
    /// <see cref="BootstrapAdminPassword"/>); ignored afterwards.
    /// </summary>
    [EmailAddress]
    public string? BootstrapAdminEmail { get; set; }

    public string? BootstrapAdminPassword { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(BootstrapAdminEmail) != string.IsNullOrWhiteSpace(BootstrapAdminPassword))
        {
            yield return new ValidationResult(
                "Stadtdialog:Staff:BootstrapAdminEmail and BootstrapAdminPassword must be set together.",
                [nameof(BootstrapAdminEmail), nameof(BootstrapAdminPassword)]);
        }

        if (!string.IsNullOrEmpty(BootstrapAdminPassword) && BootstrapAdminPassword.Length < StaffAuthentication.MinPasswordLength)
        {
            yield return new ValidationResult(
                $"Stadtdialog:Staff:BootstrapAdminPassword must be at least {StaffAuthentication.MinPasswordLength} characters long.",
                [nameof(BootstrapAdminPassword)]);
        }
    }
}

public static class StaffAuthentication
{
    /// <summary>The Identity application cookie.</summary>
    public static readonly string CookieScheme = IdentityConstants.ApplicationScheme;

    public const string CookieName = "Stadtdialog.Staff";

    public const int MinPasswordLength = 12;

    public const int MaxFailedAccessAttempts = 5;

    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    public static IHostApplicationBuilder AddStaff(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<StaffOptions>().BindConfiguration(StaffOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpContextAccessor();

        services.AddAuthentication().AddIdentityCookies();
        services.AddIdentityCore<StaffUser>(options =>
            {
                options.Password.RequiredLength = MinPasswordLength;
                options.Password.RequireNonAlphanumeric = false; // length over composition rules (BSI, NIST SP 800-63B)
                options.Password.RequireUppercase = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireDigit = false;
                options.Password.RequiredUniqueChars = 5;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = MaxFailedAccessAttempts;
                options.Lockout.DefaultLockoutTimeSpan = LockoutDuration;
                options.User.RequireUniqueEmail = true;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<StadtdialogDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<StaffClaimsPrincipalFactory>()
            .AddErrorDescriber<GermanIdentityErrorDescriber>();

        // Membership changes update the security stamp; signed-in staff pick them up within this interval.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.ExpireTimeSpan = SessionLifetime;
            cookie.SlidingExpiration = true;
            // An API answers 401/403 (as problem details, see UseStatusCodePages), it never redirects to a login page.
            cookie.Events.OnRedirectToLogin = context => SetStatus(context, StatusCodes.Status401Unauthorized);
            cookie.Events.OnRedirectToAccessDenied = context => SetStatus(context, StatusCodes.Status403Forbidden);
            cookie.Events.OnRedirectToLogout = context => SetStatus(context, StatusCodes.Status204NoContent);
            cookie.Events.OnRedirectToReturnUrl = context => SetStatus(context, StatusCodes.Status204NoContent);
        });

        services.AddSingleton<IAuthorizationHandler, TenantRoleHandler>();
        services.AddAuthorizationBuilder().AddStaffPolicies();
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", options => options.AddStaffSecurity());
        services.AddScoped<StaffAccounts>();
        services.AddHostedService<StaffBootstrap>();
        return builder;
    }

    private static Task SetStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}

/// <summary>
/// Creates the platform administrator from <see cref="StaffOptions.BootstrapAdminEmail"/> on start when the platform
/// has none yet (runs after the database migrations).
/// </summary>
internal sealed partial class StaffBootstrap(IServiceProvider services, IOptions<StaffOptions> options, ILogger<StaffBootstrap> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.BootstrapAdminEmail) || string.IsNullOrEmpty(o.BootstrapAdminPassword))
        {
            return;
        }

        await using var scope = services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<StaffAccounts>();
        if (await accounts.HasPlatformAdminAsync())
        {
            return;
        }

        var result = await accounts.CreatePlatformAdminAsync(o.BootstrapAdminEmail, o.BootstrapAdminPassword, "Plattform-Administration");
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                "Could not create the bootstrap platform administrator: " + string.Join(" ", result.Errors.Select(e => e.Description)));
        }

        LogCreated(logger, o.BootstrapAdminEmail);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the platform administrator {Email} from Stadtdialog:Staff:BootstrapAdminEmail; remove the bootstrap password from the configuration")]
    private static partial void LogCreated(ILogger logger, string email);
}
