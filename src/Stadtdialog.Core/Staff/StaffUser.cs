using Microsoft.AspNetCore.Identity;

namespace Stadtdialog.Staff;

/// <summary>
/// A person working for one or more municipalities (or the platform). Platform-wide: not tenant-filtered; what the
/// person may do per tenant is in <see cref="StaffMembership"/>.
/// </summary>
public sealed class StaffUser : IdentityUser<Guid>
{
    public const int MaxDisplayNameLength = 100;

    /// <summary>Shown to citizens when the person takes over a conversation ("Sie schreiben jetzt mit …").</summary>
    public string DisplayName { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>What a staff member may do in one municipality.</summary>
public enum StaffRole
{
    /// <summary>Manages the tenant's staff and everything an editor may do.</summary>
    TenantAdmin,

    /// <summary>Configures knowledge sources, language model, live data and API keys.</summary>
    Editor,

    /// <summary>Answers citizens in handed-over conversations.</summary>
    Agent,
}

/// <summary>A staff member's role in one tenant; one row per tenant and person.</summary>
public sealed class StaffMembership
{
    public string TenantId { get; set; } = "";

    public Guid UserId { get; set; }

    public StaffRole Role { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public static class StaffRoles
{
    /// <summary>The global Identity role of platform administrators (the operator API key carries it as well).</summary>
    public const string PlatformAdmin = "platform-admin";

    /// <summary>Claim per membership: <c>{tenantId}:{role}</c>, e.g. <c>musterstadt:Editor</c>.</summary>
    public const string TenantRoleClaim = "stadtdialog:tenant-role";

    public static string ClaimValue(string tenantId, StaffRole role) => $"{tenantId}:{role}";

    /// <summary>Whether <paramref name="granted"/> includes everything <paramref name="required"/> allows.</summary>
    public static bool Satisfies(StaffRole granted, StaffRole required) => granted <= required;
}
