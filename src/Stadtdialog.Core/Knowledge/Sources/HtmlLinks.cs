using AngleSharp.Html.Parser;
using Stadtdialog.Knowledge.Readers;

namespace Stadtdialog.Knowledge.Sources;

/// <summary>What a crawler learns from an HTML page: its links and its robots directives.</summary>
/// <param name="Links">
/// Absolute, normalised URLs of the followable links (<c>a[href]</c>, <c>area[href]</c>), in page order, each once; none
/// if the page says nofollow.
/// </param>
/// <param name="NoIndex">The page asks not to be indexed (<c>&lt;meta name="robots" content="noindex"&gt;</c>).</param>
/// <param name="NoFollow">The page asks that its links are not followed.</param>
public sealed record HtmlLinks(IReadOnlyList<Uri> Links, bool NoIndex, bool NoFollow)
{
    /// <summary>
    /// Extracts links, resolved against <c>&lt;base href&gt;</c> or <paramref name="pageUrl"/>; links with
    /// <c>rel="nofollow"</c>, other schemes and obvious non-documents are left out. <paramref name="productToken"/>
    /// also selects <c>&lt;meta name="Stadtdialog"&gt;</c>; <paramref name="robotsHeader"/> is the X-Robots-Tag header.
    /// </summary>
    public static HtmlLinks Extract(byte[] content, string? charset, Uri pageUrl, string productToken, string? robotsHeader = null)
    {
        string html;
        try
        {
            html = TextDecoding.Decode(content, charset);
        }
        catch (DocumentReadException)
        {
            return new HtmlLinks([], false, false);
        }

        var parser = new HtmlParser(new HtmlParserOptions { IsScripting = false });
        using var document = parser.ParseDocument(html);
        var directives = new List<string>();
        if (!string.IsNullOrEmpty(robotsHeader))
        {
            directives.AddRange(HeaderDirectives(robotsHeader, productToken));
        }

        foreach (var meta in document.QuerySelectorAll("meta[name][content]"))
        {
            var name = meta.GetAttribute("name")?.Trim();
            if (string.Equals(name, "robots", StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, productToken, StringComparison.OrdinalIgnoreCase))
            {
                directives.AddRange(Tokens(meta.GetAttribute("content"), ','));
            }
        }

        var none = directives.Contains("none", StringComparer.OrdinalIgnoreCase);
        var noIndex = none || directives.Contains("noindex", StringComparer.OrdinalIgnoreCase);
        var noFollow = none || directives.Contains("nofollow", StringComparer.OrdinalIgnoreCase);
        if (noFollow)
        {
            return new HtmlLinks([], noIndex, true);
        }

        var baseUrl = pageUrl;
        var baseHref = document.QuerySelector("base[href]")?.GetAttribute("href");
        if (!string.IsNullOrWhiteSpace(baseHref) && Uri.TryCreate(pageUrl, baseHref.Trim(), out var declared) && CrawlUrls.IsHttp(declared))
        {
            baseUrl = declared;
        }

        var links = new List<Uri>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var anchor in document.QuerySelectorAll("a[href], area[href]"))
        {
            if (Tokens(anchor.GetAttribute("rel"), ' ').Contains("nofollow", StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            var url = CrawlUrls.Resolve(baseUrl, anchor.GetAttribute("href"));
            if (url is not null && seen.Add(url.AbsoluteUri))
            {
                links.Add(url);
            }
        }

        return new HtmlLinks(links, noIndex, false);
    }

    /// <summary>Whether an X-Robots-Tag header (of any response, e.g. a PDF) forbids indexing for this crawler.</summary>
    public static bool HeaderSaysNoIndex(string? header, string productToken) =>
        !string.IsNullOrEmpty(header) && HeaderDirectives(header, productToken)
            .Any(d => d.Equals("noindex", StringComparison.OrdinalIgnoreCase) || d.Equals("none", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The directives of an X-Robots-Tag header for this crawler: "noindex, nofollow" applies to all,
    /// "otherbot: noindex" only to that crawler (the agent prefix holds until the next one).
    /// </summary>
    private static IEnumerable<string> HeaderDirectives(string header, string productToken)
    {
        string? agent = null;
        foreach (var part in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var directive = part;
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                var name = part[..colon].Trim();
                if (!name.StartsWith("max-", StringComparison.OrdinalIgnoreCase)
                    && !name.Equals("unavailable_after", StringComparison.OrdinalIgnoreCase)
                    && RobotsTxt.ProductTokenOf(name).Length == name.Length)
                {
                    agent = name;
                    directive = part[(colon + 1)..].Trim();
                }
            }

            if (agent is null || agent.Equals(productToken, StringComparison.OrdinalIgnoreCase))
            {
                yield return directive;
            }
        }
    }

    private static string[] Tokens(string? value, char separator) =>
        (value ?? "").Split([separator, ' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
