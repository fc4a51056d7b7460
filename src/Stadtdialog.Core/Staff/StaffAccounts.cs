using Microsoft.AspNetCore.Identity;

namespace Stadtdialog.Staff;

/// <summary>Creates staff accounts (used by the server's bootstrap and staff endpoints).</summary>
public sealed class StaffAccounts(UserManager<StaffUser> users, RoleManager<IdentityRole<Guid>> roles, TimeProvider time)
{
    public async Task<bool> HasPlatformAdminAsync() =>
        await roles.RoleExistsAsync(StaffRoles.PlatformAdmin)
        && (await users.GetUsersInRoleAsync(StaffRoles.PlatformAdmin)).Count > 0;

    /// <summary>Creates an account; the result carries the (German) reasons when the password or e-mail is refused.</summary>
    public async Task<(IdentityResult Result, StaffUser User)> CreateAsync(string email, string displayName, string password)
    {
        var user = new StaffUser
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            UserName = email.Trim(),
            Email = email.Trim(),
            EmailConfirmed = true, // created by an administrator who knows the address
            DisplayName = displayName.Trim(),
            CreatedAt = time.GetUtcNow(),
        };
        var result = await users.CreateAsync(user, password);
        return (result, user);
    }

    /// <summary>Creates a platform administrator, or makes an existing account one.</summary>
    public async Task<IdentityResult> CreatePlatformAdminAsync(string email, string password, string displayName)
    {
        if (!await roles.RoleExistsAsync(StaffRoles.PlatformAdmin))
        {
            var created = await roles.CreateAsync(new IdentityRole<Guid>(StaffRoles.PlatformAdmin) { Id = Guid.CreateVersion7(time.GetUtcNow()) });
            if (!created.Succeeded)
            {
                return created;
            }
        }

        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            IdentityResult result;
            (result, user) = await CreateAsync(email, displayName, password);
            if (!result.Succeeded)
            {
                return result;
            }
        }

        return await users.IsInRoleAsync(user, StaffRoles.PlatformAdmin)
            ? IdentityResult.Success
            : await users.AddToRoleAsync(user, StaffRoles.PlatformAdmin);
    }
}
