using System.Text;

namespace Stadtdialog.Knowledge.Sources;

/// <summary>URL handling of the website crawler: normalised keys, link resolution and resources not worth a request.</summary>
public static class CrawlUrls
{
    private static readonly HashSet<string> UnsupportedExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        // images
        ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".bmp", ".tif", ".tiff", ".avif", ".heic",
        // audio and video
        ".mp3", ".mp4", ".m4a", ".m4v", ".wav", ".ogg", ".oga", ".ogv", ".webm", ".avi", ".mov", ".mkv", ".mpg", ".mpeg", ".flac", ".wmv",
        // archives and binaries
        ".zip", ".gz", ".tgz", ".tar", ".rar", ".7z", ".bz2", ".xz", ".exe", ".msi", ".dmg", ".apk", ".iso",
        // web assets
        ".css", ".js", ".mjs", ".map", ".woff", ".woff2", ".ttf", ".otf", ".eot",
    };

    /// <summary>
    /// The key of a URL: scheme and host lower-case (host in its ASCII/punycode form), default port, user info and
    /// fragment dropped, dot segments resolved, percent-encoding canonical, tracking parameters (<c>utm_*</c>,
    /// <c>gclid</c>, <c>fbclid</c>, <c>msclkid</c>) removed, other query parameters kept in order; an empty path is "/".
    /// </summary>
    public static string Key(Uri url)
    {
        var builder = new StringBuilder(url.OriginalString.Length + 8);
        builder.Append(url.Scheme.ToLowerInvariant()).Append("://")
            .Append((url.HostNameType == UriHostNameType.IPv6 ? url.Host : url.IdnHost).ToLowerInvariant());
        if (!url.IsDefaultPort)
        {
            builder.Append(':').Append(url.Port);
        }

        builder.Append(url.AbsolutePath.Length == 0 ? "/" : url.AbsolutePath);
        var query = WithoutTracking(url.Query);
        if (query.Length > 0)
        {
            builder.Append('?').Append(query);
        }

        return builder.ToString();
    }

    /// <summary>The URL of a key (or of any absolute URL with tracking parameters and fragment removed).</summary>
    public static Uri Normalize(Uri url) => new(Key(url));

    /// <summary>
    /// Resolves a link found on a page; null for what a crawler does not follow: other schemes (<c>mailto:</c>,
    /// <c>tel:</c>, <c>javascript:</c> …), malformed addresses and resources that are obviously not documents
    /// (images, media, archives, CSS, JavaScript, fonts).
    /// </summary>
    public static Uri? Resolve(Uri baseUrl, string? href)
    {
        if (string.IsNullOrWhiteSpace(href))
        {
            return null;
        }

        var text = href.Trim();
        if (text.StartsWith('#'))
        {
            return null;
        }

        if (!Uri.TryCreate(baseUrl, text, out var url) || !IsHttp(url))
        {
            return null;
        }

        return IsUnsupportedResource(url) ? null : Normalize(url);
    }

    public static bool IsHttp(Uri url) => url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    public static bool IsUnsupportedResource(Uri url) => UnsupportedExtensions.Contains(Path.GetExtension(url.AbsolutePath));

    /// <summary>A host as written in settings or a URL, in the form <see cref="Key"/> uses (lower-case, punycode).</summary>
    public static string HostKey(string host)
    {
        var text = host.Trim();
        if (Uri.TryCreate(text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text, UriKind.Absolute, out var url))
        {
            return HostKey(url);
        }

        return text.ToLowerInvariant();
    }

    public static string HostKey(Uri url) => (url.HostNameType == UriHostNameType.IPv6 ? url.Host : url.IdnHost).ToLowerInvariant();

    private static string WithoutTracking(string query)
    {
        if (query.Length <= 1)
        {
            return "";
        }

        var kept = query[1..].Split('&').Where(p => p.Length > 0 && !IsTracking(p.Split('=', 2)[0]));
        return string.Join('&', kept);
    }

    private static bool IsTracking(string name) =>
        name.StartsWith("utm_", StringComparison.OrdinalIgnoreCase)
        || name.Equals("gclid", StringComparison.OrdinalIgnoreCase)
        || name.Equals("fbclid", StringComparison.OrdinalIgnoreCase)
        || name.Equals("msclkid", StringComparison.OrdinalIgnoreCase);
}
