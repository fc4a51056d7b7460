using System.ComponentModel.DataAnnotations;

namespace Stadtdialog.Knowledge.Sources;

/// <summary>How Stadtdialog talks to web servers when it imports knowledge. Bound from <c>Stadtdialog:Knowledge:Http</c>.</summary>
public sealed class KnowledgeHttpOptions
{
    public const string Section = "Stadtdialog:Knowledge:Http";

    /// <summary>Sent with every request; its product token ("Stadtdialog") is what robots.txt groups are matched against.</summary>
    [Required]
    [RegularExpression(@"^[A-Za-z_\-]+[^\r\n]*$", ErrorMessage = "The User-Agent must start with a product token (letters, '_' or '-') and be one line.")]
    public string UserAgent { get; set; } = "Stadtdialog/1.0 (+https://github.com/stadtdialog; Wissensimport)";

    /// <summary>Time for one request (headers and body) before it counts as failed.</summary>
    [Range(1, 600)]
    public int RequestTimeoutSeconds { get; set; } = 30;

    /// <summary>Time to open a TCP connection.</summary>
    [Range(1, 120)]
    public int ConnectTimeoutSeconds { get; set; } = 10;

    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;

    /// <summary>
    /// Whether servers in loopback, private, link-local or unique-local networks may be contacted. Off by default so
    /// that a source URL cannot reach internal services (SSRF); checked after DNS resolution, at connect time. Turn it
    /// on to import from an intranet server.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>The robots.txt product token of <see cref="UserAgent"/> ("Stadtdialog" for "Stadtdialog/1.0 (...)").</summary>
    public string ProductToken => RobotsTxt.ProductTokenOf(UserAgent);
}
