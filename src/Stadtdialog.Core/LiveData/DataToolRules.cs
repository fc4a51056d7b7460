using System.Text.RegularExpressions;
using Stadtdialog.LiveData.Tools;
using Stadtdialog.Tenancy;

namespace Stadtdialog.LiveData;

/// <summary>What makes a data connection valid (shared by the editor API and tenant configuration files).</summary>
public static class DataConnectionRules
{
    public static IEnumerable<string> Validate(string id, string name, string baseUrl, DataAuthKind auth, string? tokenEndpoint,
        string? clientId, int timeoutSeconds, int cacheSeconds)
    {
        if (!TenantIds.IsValid(id))
        {
            yield return $"id '{id}' must be lower-case letters, digits and dashes";
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            yield return "name is required";
        }

        if (!(baseUrl.StartsWith('/') && !baseUrl.StartsWith("//", StringComparison.Ordinal))
            && !(Uri.TryCreate(baseUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            yield return "baseUrl must be an http(s) URL or a path on this server";
        }

        if (auth == DataAuthKind.OAuth2ClientCredentials
            && (!Uri.TryCreate(tokenEndpoint, UriKind.Absolute, out var token) || token.Scheme is not ("http" or "https") || string.IsNullOrWhiteSpace(clientId)))
        {
            yield return "OAuth2 client credentials need a token endpoint URL and a client id";
        }

        if (timeoutSeconds is < 1 or > 120)
        {
            yield return "timeoutSeconds must be between 1 and 120";
        }

        if (cacheSeconds is < 0 or > 86_400)
        {
            yield return "cacheSeconds must be between 0 and 86400";
        }
    }
}

/// <summary>What makes a data tool valid.</summary>
public static partial class DataToolRules
{
    public static IEnumerable<string> Validate(string id, string name, string? answerTemplate, int staleAfterMinutes)
    {
        if (!ToolId().IsMatch(id))
        {
            yield return $"id '{id}' must be 1–64 lower-case letters, digits, dashes or underscores, starting with a letter";
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            yield return "name is required";
        }

        if (DataToolTexts.Validate(answerTemplate) is { } error)
        {
            yield return $"answerTemplate is not valid Liquid: {error}";
        }

        if (staleAfterMinutes is < 1 or > 525_600)
        {
            yield return "staleAfterMinutes must be between 1 and 525600";
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ToolId();
}
