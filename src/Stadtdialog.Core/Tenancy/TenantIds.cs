using System.Text.RegularExpressions;

namespace Stadtdialog;

/// <summary>Rules for the URL-safe ids of tenants and assistants (also used as folder names).</summary>
public static partial class TenantIds
{
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial Regex Pattern();
}
