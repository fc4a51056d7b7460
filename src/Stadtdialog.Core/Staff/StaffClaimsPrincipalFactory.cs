using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stadtdialog.Data;

namespace Stadtdialog.Staff;

/// <summary>
/// Adds the roles (platform-admin) and one <see cref="StaffRoles.TenantRoleClaim"/> per membership to the principal
/// created at sign-in (and on every security-stamp refresh).
/// </summary>
public sealed class StaffClaimsPrincipalFactory(
    UserManager<StaffUser> users, RoleManager<IdentityRole<Guid>> roles, IOptions<IdentityOptions> options, StadtdialogDbContext db)
    : UserClaimsPrincipalFactory<StaffUser, IdentityRole<Guid>>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(StaffUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(StaffClaimTypes.DisplayName, user.DisplayName));
        var memberships = await db.StaffMemberships.AsNoTracking().Where(m => m.UserId == user.Id)
            .OrderBy(m => m.TenantId).ToListAsync();
        foreach (var membership in memberships)
        {
            identity.AddClaim(new Claim(StaffRoles.TenantRoleClaim, StaffRoles.ClaimValue(membership.TenantId, membership.Role)));
        }

        return identity;
    }
}

public static class StaffClaimTypes
{
    public const string DisplayName = "stadtdialog:display-name";
}
