using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Stadtdialog.Data;
using Stadtdialog.Server.Features.Tenants;
using Stadtdialog.Staff;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Server.Features.Staff;

public sealed record LoginRequest(string? Email, string? Password);

public sealed record StaffMembershipInfo(string Tenant, string TenantName, StaffRole Role);

public sealed record StaffMe(Guid Id, string Name, string Email, bool PlatformAdmin, IReadOnlyList<StaffMembershipInfo> Memberships);

public sealed record StaffMember(Guid UserId, string Email, string DisplayName, StaffRole Role, DateTimeOffset AddedAt)
{
    /// <summary>True when the e-mail address belonged to an existing account: it was added, its password unchanged.</summary>
    public bool ExistingAccount { get; init; }
}

/// <summary>Adds a person to the tenant: a new account (display name and initial password required) or an existing one.</summary>
public sealed record AddStaffRequest(string? Email, string? DisplayName, StaffRole? Role, string? InitialPassword);

public sealed record UpdateStaffRequest(StaffRole? Role);

public static class StaffEndpoints
{
    private const string AuthTag = "Staff sign-in";
    private const string StaffTag = "Staff";

    public static IEndpointRouteBuilder MapStaff(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags(AuthTag);
        auth.MapPost("/login", LoginAsync).WithName("StaffLogin")
            .WithSummary("Sign in with e-mail and password (sets the staff cookie)")
            .AllowAnonymous()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status423Locked)
            .ProducesValidationProblem();
        auth.MapPost("/logout", LogoutAsync).WithName("StaffLogout").WithSummary("Sign out (clears the staff cookie)")
            .RequireAuthorization(StaffPolicies.SignedIn)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        auth.MapGet("/me", MeAsync).WithName("StaffMe").WithSummary("The signed-in staff member with the roles per municipality")
            .RequireAuthorization(StaffPolicies.SignedIn)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        var staff = app.MapTenantAdminGroup("/staff", StaffTag, StaffPolicies.TenantAdmin);
        staff.MapGet("/", ListAsync).WithName("ListStaff").WithSummary("The municipality's staff members with their roles");
        staff.MapPost("/", AddAsync).WithName("AddStaff")
            .WithSummary("Add a staff member: create an account or add an existing one")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        staff.MapPut("/{userId:guid}", UpdateAsync).WithName("UpdateStaff").WithSummary("Change a staff member's role")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        staff.MapDelete("/{userId:guid}", RemoveAsync).WithName("RemoveStaff")
            .WithSummary("Remove a staff member from the municipality (the account stays)")
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Results<Ok<StaffMe>, ValidationProblem, ProblemHttpResult>> LoginAsync(
        LoginRequest request, UserManager<StaffUser> users, SignInManager<StaffUser> signIn, StadtdialogDbContext db, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["email"] = ["Bitte E-Mail-Adresse und Passwort angeben."],
            });
        }

        var user = await users.FindByEmailAsync(request.Email.Trim());
        if (user is null)
        {
            // Spend the time of a password check, so that response times do not reveal which addresses have accounts.
            users.PasswordHasher.HashPassword(new StaffUser(), request.Password);
            return BadCredentials();
        }

        var result = await signIn.PasswordSignInAsync(user, request.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status423Locked, title: "Konto gesperrt",
                detail: $"Nach {StaffAuthentication.MaxFailedAccessAttempts} Fehlversuchen ist die Anmeldung für " +
                        $"{StaffAuthentication.LockoutDuration.TotalMinutes:0} Minuten gesperrt. Bitte später erneut versuchen.");
        }

        if (!result.Succeeded)
        {
            return BadCredentials();
        }

        return TypedResults.Ok(await DescribeAsync(user, users, db, ct));
    }

    private static ProblemHttpResult BadCredentials() => TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized,
        title: "Anmeldung fehlgeschlagen", detail: "E-Mail-Adresse oder Passwort ist falsch.");

    private static async Task<NoContent> LogoutAsync(SignInManager<StaffUser> signIn)
    {
        await signIn.SignOutAsync();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<StaffMe>, UnauthorizedHttpResult>> MeAsync(
        HttpContext http, UserManager<StaffUser> users, StadtdialogDbContext db, CancellationToken ct)
    {
        var user = await users.GetUserAsync(http.User);
        return user is null ? TypedResults.Unauthorized() : TypedResults.Ok(await DescribeAsync(user, users, db, ct));
    }

    private static async Task<StaffMe> DescribeAsync(StaffUser user, UserManager<StaffUser> users, StadtdialogDbContext db, CancellationToken ct)
    {
        var memberships = await db.StaffMemberships.AsNoTracking().Where(m => m.UserId == user.Id)
            .Join(db.Tenants.AsNoTracking(), m => m.TenantId, t => t.Id, (m, t) => new StaffMembershipInfo(t.Id, t.Name, m.Role))
            .ToListAsync(ct);
        return new StaffMe(user.Id, user.DisplayName, user.Email ?? "", await users.IsInRoleAsync(user, StaffRoles.PlatformAdmin),
            [.. memberships.OrderBy(m => m.Tenant, StringComparer.Ordinal)]);
    }

    private static async Task<Ok<List<StaffMember>>> ListAsync(TenantContext tenant, StadtdialogDbContext db, CancellationToken ct)
    {
        var members = await Members(db, tenant.RequireTenantId()).ToListAsync(ct);
        return TypedResults.Ok(members.OrderBy(m => m.DisplayName, StringComparer.CurrentCultureIgnoreCase).ToList());
    }

    private static IQueryable<StaffMember> Members(StadtdialogDbContext db, string tenantId, Guid? userId = null) =>
        db.StaffMemberships.AsNoTracking().Where(m => m.TenantId == tenantId && (userId == null || m.UserId == userId))
            .Join(db.Users.AsNoTracking(), m => m.UserId, u => u.Id,
                (m, u) => new StaffMember(u.Id, u.Email ?? "", u.DisplayName, m.Role, m.CreatedAt));

    private static async Task<Results<Created<StaffMember>, ValidationProblem, Conflict<ProblemDetails>>> AddAsync(
        AddStaffRequest request, TenantContext tenant, StadtdialogDbContext db, UserManager<StaffUser> users, StaffAccounts accounts,
        TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Email))
        {
            errors["email"] = ["Bitte eine E-Mail-Adresse angeben."];
        }

        if (request.Role is not { } role || !Enum.IsDefined(role))
        {
            errors["role"] = ["Bitte eine Rolle angeben: tenantAdmin, editor oder agent."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var tenantId = tenant.RequireTenantId();
        var user = await users.FindByEmailAsync(request.Email!.Trim());
        var existing = user is not null;
        if (user is null)
        {
            if (string.IsNullOrWhiteSpace(request.DisplayName) || request.DisplayName.Trim().Length > StaffUser.MaxDisplayNameLength)
            {
                errors["displayName"] = [$"Für ein neues Konto bitte einen Anzeigenamen angeben (höchstens {StaffUser.MaxDisplayNameLength} Zeichen)."];
            }

            if (string.IsNullOrEmpty(request.InitialPassword))
            {
                errors["initialPassword"] = ["Für ein neues Konto bitte ein Startpasswort angeben."];
            }

            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }

            var (result, created) = await accounts.CreateAsync(request.Email, request.DisplayName!, request.InitialPassword!);
            if (!result.Succeeded)
            {
                return TypedResults.ValidationProblem(result.Errors
                    .GroupBy(e => e.Code.StartsWith("Password", StringComparison.Ordinal) ? "initialPassword" : "email")
                    .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray()));
            }

            user = created;
        }
        else if (await db.StaffMemberships.AnyAsync(m => m.TenantId == tenantId && m.UserId == user.Id, ct))
        {
            return TypedResults.Conflict(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict, Title = "Schon vorhanden",
                Detail = $"'{user.Email}' gehört bereits zu den Mitarbeitenden dieser Kommune.",
            });
        }

        var membership = new StaffMembership { TenantId = tenantId, UserId = user.Id, Role = request.Role!.Value, CreatedAt = time.GetUtcNow() };
        db.StaffMemberships.Add(membership);
        await db.SaveChangesAsync(ct);
        if (existing)
        {
            await users.UpdateSecurityStampAsync(user); // signed-in sessions pick up the new role
        }

        return TypedResults.Created($"/api/tenants/{tenantId}/staff/{user.Id}",
            new StaffMember(user.Id, user.Email ?? "", user.DisplayName, membership.Role, membership.CreatedAt) { ExistingAccount = existing });
    }

    private static async Task<Results<Ok<StaffMember>, NotFound, ValidationProblem, Conflict<ProblemDetails>>> UpdateAsync(
        Guid userId, UpdateStaffRequest request, TenantContext tenant, StadtdialogDbContext db, UserManager<StaffUser> users, CancellationToken ct)
    {
        if (request.Role is not { } role || !Enum.IsDefined(role))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["role"] = ["Bitte eine Rolle angeben: tenantAdmin, editor oder agent."],
            });
        }

        var tenantId = tenant.RequireTenantId();
        var membership = await db.StaffMemberships.SingleOrDefaultAsync(m => m.TenantId == tenantId && m.UserId == userId, ct);
        if (membership is null)
        {
            return TypedResults.NotFound();
        }

        if (membership.Role == StaffRole.TenantAdmin && role != StaffRole.TenantAdmin && await IsLastAdminAsync(db, tenantId, ct))
        {
            return LastAdmin();
        }

        membership.Role = role;
        await db.SaveChangesAsync(ct);
        await RefreshSessionsAsync(users, userId);
        return TypedResults.Ok(await Members(db, tenantId, userId).SingleAsync(ct));
    }

    private static async Task<Results<NoContent, NotFound, Conflict<ProblemDetails>>> RemoveAsync(
        Guid userId, TenantContext tenant, StadtdialogDbContext db, UserManager<StaffUser> users, CancellationToken ct)
    {
        var tenantId = tenant.RequireTenantId();
        var membership = await db.StaffMemberships.SingleOrDefaultAsync(m => m.TenantId == tenantId && m.UserId == userId, ct);
        if (membership is null)
        {
            return TypedResults.NotFound();
        }

        if (membership.Role == StaffRole.TenantAdmin && await IsLastAdminAsync(db, tenantId, ct))
        {
            return LastAdmin();
        }

        db.StaffMemberships.Remove(membership);
        await db.SaveChangesAsync(ct);
        await RefreshSessionsAsync(users, userId);
        return TypedResults.NoContent();
    }

    private static async Task<bool> IsLastAdminAsync(StadtdialogDbContext db, string tenantId, CancellationToken ct) =>
        await db.StaffMemberships.CountAsync(m => m.TenantId == tenantId && m.Role == StaffRole.TenantAdmin, ct) <= 1;

    private static Conflict<ProblemDetails> LastAdmin() => TypedResults.Conflict(new ProblemDetails
    {
        Status = StatusCodes.Status409Conflict, Title = "Letzte Administration",
        Detail = "Die letzte Administratorin oder der letzte Administrator der Kommune kann nicht entfernt oder herabgestuft werden.",
    });

    /// <summary>Changes the security stamp: the person's cookies are re-validated with the new roles within a minute.</summary>
    private static async Task RefreshSessionsAsync(UserManager<StaffUser> users, Guid userId)
    {
        if (await users.FindByIdAsync(userId.ToString()) is { } user)
        {
            await users.UpdateSecurityStampAsync(user);
        }
    }
}
