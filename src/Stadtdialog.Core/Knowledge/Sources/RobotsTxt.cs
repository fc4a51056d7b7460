using System.Globalization;
using System.Text;

namespace Stadtdialog.Knowledge.Sources;

/// <summary>
/// The rules of one robots.txt file (RFC 9309): groups selected by product token (case-insensitive; the crawler's own
/// group wins over <c>*</c>; groups naming the same agent are merged), longest-match <c>Allow</c>/<c>Disallow</c> with
/// <c>*</c> and <c>$</c> wildcards (Allow wins ties), percent-encoding normalised before matching. The non-standard
/// <c>Crawl-delay</c> is read per group; <c>Sitemap</c> lines are collected.
/// </summary>
public sealed class RobotsTxt
{
    /// <summary>Longer crawl delays are shortened to this, so one robots.txt cannot stall a run for hours.</summary>
    public static readonly TimeSpan MaxCrawlDelay = TimeSpan.FromSeconds(60);

    private const string RobotsPath = "/robots.txt";

    private readonly IReadOnlyList<Group> _groups;

    private RobotsTxt(IReadOnlyList<Group> groups, IReadOnlyList<Uri> sitemaps)
    {
        _groups = groups;
        Sitemaps = sitemaps;
    }

    /// <summary>No robots.txt (HTTP 4xx): everything may be crawled.</summary>
    public static RobotsTxt AllowAll { get; } = new([], []);

    /// <summary>robots.txt unreachable (HTTP 5xx, network error): nothing may be crawled (RFC 9309 §2.3.1.3).</summary>
    public static RobotsTxt DisallowAll { get; } = new([new Group(["*"], [new Rule("/", Allow: false)], null)], []);

    /// <summary>Absolute sitemap URLs named by <c>Sitemap:</c> lines.</summary>
    public IReadOnlyList<Uri> Sitemaps { get; }

    /// <summary>The product token of a User-Agent string: "Stadtdialog" for "Stadtdialog/1.0 (+https://…)".</summary>
    public static string ProductTokenOf(string userAgent)
    {
        var text = userAgent.Trim();
        var end = 0;
        while (end < text.Length && (char.IsAsciiLetter(text[end]) || text[end] is '_' or '-'))
        {
            end++;
        }

        return text[..end];
    }

    public static RobotsTxt Parse(string text)
    {
        var groups = new List<Group>();
        var sitemaps = new List<Uri>();
        Group? current = null;
        var currentHasRules = false;
        foreach (var rawLine in text.TrimStart('\uFEFF').ReplaceLineEndings("\n").Split('\n'))
        {
            var hash = rawLine.IndexOf('#', StringComparison.Ordinal);
            var line = (hash >= 0 ? rawLine[..hash] : rawLine).Trim();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var key = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "user-agent":
                    if (current is null || currentHasRules)
                    {
                        current = new Group([], [], null);
                        groups.Add(current);
                        currentHasRules = false;
                    }

                    var agent = value.StartsWith('*') ? "*" : ProductTokenOf(value);
                    if (agent.Length > 0)
                    {
                        current.Agents.Add(agent.ToLowerInvariant());
                    }

                    break;
                case "allow" or "disallow":
                    if (current is not null)
                    {
                        currentHasRules = true;
                        if (value.Length > 0)
                        {
                            current.Rules.Add(new Rule(Normalize(value), key == "allow"));
                        }
                    }

                    break;
                case "crawl-delay":
                    if (current is not null)
                    {
                        currentHasRules = true;
                        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                            && seconds >= 0 && double.IsFinite(seconds))
                        {
                            var delay = seconds >= MaxCrawlDelay.TotalSeconds ? MaxCrawlDelay : TimeSpan.FromSeconds(seconds);
                            current.CrawlDelay = current.CrawlDelay is { } existing && existing > delay ? existing : delay;
                        }
                    }

                    break;
                case "sitemap":
                    if (Uri.TryCreate(value, UriKind.Absolute, out var sitemap)
                        && (sitemap.Scheme == Uri.UriSchemeHttp || sitemap.Scheme == Uri.UriSchemeHttps))
                    {
                        sitemaps.Add(sitemap);
                    }

                    break;
            }
        }

        return new RobotsTxt(groups, sitemaps);
    }

    /// <summary>Whether the crawler named <paramref name="productToken"/> may fetch <paramref name="pathAndQuery"/> (e.g. <c>/a/b?c=d</c>).</summary>
    public bool IsAllowed(string productToken, string pathAndQuery)
    {
        var path = string.IsNullOrEmpty(pathAndQuery) ? "/" : Normalize(pathAndQuery);
        if (path == RobotsPath)
        {
            return true;
        }

        Rule? best = null;
        foreach (var rule in RulesFor(productToken))
        {
            if ((best is null || rule.Pattern.Length > best.Pattern.Length || (rule.Pattern.Length == best.Pattern.Length && rule.Allow))
                && Matches(rule.Pattern, path))
            {
                best = rule;
            }
        }

        return best is null || best.Allow;
    }

    public bool IsAllowed(string productToken, Uri url) => IsAllowed(productToken, url.PathAndQuery);

    /// <summary>The <c>Crawl-delay</c> of the group that applies to <paramref name="productToken"/>, if it names one.</summary>
    public TimeSpan? CrawlDelay(string productToken) =>
        SelectGroups(productToken).Select(g => g.CrawlDelay).Where(d => d is not null).Max();

    private IEnumerable<Rule> RulesFor(string productToken) => SelectGroups(productToken).SelectMany(g => g.Rules);

    private List<Group> SelectGroups(string productToken)
    {
        var token = productToken.ToLowerInvariant();
        var own = _groups.Where(g => g.Agents.Contains(token)).ToList();
        return own.Count > 0 ? own : [.. _groups.Where(g => g.Agents.Contains("*"))];
    }

    /// <summary>
    /// Matches a pattern (with <c>*</c> for any sequence and a final <c>$</c> for the end) against the start of a path.
    /// </summary>
    internal static bool Matches(string pattern, string path)
    {
        var anchored = pattern.EndsWith('$');
        var body = anchored ? pattern.AsSpan(0, pattern.Length - 1) : pattern.AsSpan();
        int p = 0, s = 0, starP = -1, starS = 0;
        while (s < path.Length)
        {
            if (p < body.Length && body[p] == '*')
            {
                starP = p++;
                starS = s;
            }
            else if (p < body.Length && body[p] == path[s])
            {
                p++;
                s++;
            }
            else if (p == body.Length && !anchored)
            {
                return true;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                s = ++starS;
            }
            else
            {
                return false;
            }
        }

        while (p < body.Length && body[p] == '*')
        {
            p++;
        }

        return p == body.Length;
    }

    /// <summary>
    /// RFC 9309 §2.2.2: non-ASCII characters are percent-encoded (UTF-8), percent-encoded unreserved characters are
    /// decoded, and the hex digits of the remaining escapes are upper-cased, so that both spellings compare equal.
    /// </summary>
    internal static string Normalize(string value)
    {
        var builder = new StringBuilder(value.Length + 8);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%' && i + 2 < value.Length && char.IsAsciiHexDigit(value[i + 1]) && char.IsAsciiHexDigit(value[i + 2]))
            {
                var decoded = (char)Convert.ToByte(value.Substring(i + 1, 2), 16);
                if (char.IsAsciiLetterOrDigit(decoded) || decoded is '-' or '.' or '_' or '~')
                {
                    builder.Append(decoded);
                }
                else
                {
                    builder.Append('%').Append(char.ToUpperInvariant(value[i + 1])).Append(char.ToUpperInvariant(value[i + 2]));
                }

                i += 2;
            }
            else if (c > 0x7F || c <= 0x20)
            {
                var length = char.IsSurrogatePair(value, i)
                    ? Encoding.UTF8.GetBytes(value.AsSpan(i++, 2), utf8)
                    : Encoding.UTF8.GetBytes(value.AsSpan(i, 1), utf8);
                foreach (var b in utf8[..length])
                {
                    builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private sealed record Rule(string Pattern, bool Allow);

    private sealed class Group(List<string> agents, List<Rule> rules, TimeSpan? crawlDelay)
    {
        public List<string> Agents { get; } = agents;

        public List<Rule> Rules { get; } = rules;

        public TimeSpan? CrawlDelay { get; set; } = crawlDelay;
    }
}
