using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Stadtdialog.Knowledge.Readers;

/// <summary>
/// Reads the main content of a municipal web page: canonical URL, title, language, last-modified, and the
/// article's headings, paragraphs, lists and tables, without navigation, cookie banners, sidebars or footers.
/// </summary>
public static class HtmlDocumentReader
{
    private static readonly string[] MainSelectors = ["main article", "article", "main", "[role=main]", "#content", "body"];

    private static readonly string[] Boilerplate =
    [
        "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "iframe", "svg",
        "[role=dialog]", "[role=navigation]", "[role=banner]", "[role=contentinfo]", "[aria-hidden=true]",
        "#cookie-banner", ".cookie-banner", ".cookie", ".breadcrumb", ".skip-link", "button",
    ];

    private const int MinLinksOfNavigationPage = 12;
    private const double NavigationLinkShare = 0.6;

    public static ExtractedDocument Read(string html, string fallbackUrl)
    {
        var parser = new HtmlParser(new HtmlParserOptions { IsScripting = false });
        using var document = parser.ParseDocument(html);

        var main = MainSelectors.Select(s => document.QuerySelector(s)).FirstOrDefault(e => e is not null)
            ?? throw new DocumentReadException("The HTML document has no body.");

        // A line break separates words ("Rathaus<br>Marktplatz 1"); TextContent would glue them together.
        foreach (var lineBreak in main.QuerySelectorAll("br").ToList())
        {
            lineBreak.Replace(document.CreateTextNode(" "));
        }

        foreach (var selector in Boilerplate)
        {
            foreach (var element in main.QuerySelectorAll(selector).ToList())
            {
                element.Remove();
            }
        }

        // A hub page ("Dienstleistungen A–Z") is mostly links: as a source it answers nothing itself.
        var links = main.QuerySelectorAll("a[href]").ToList();
        var textLength = TextNormalizer.Clean(main.TextContent).Length;
        var linkTextLength = links.Sum(a => TextNormalizer.Clean(a.TextContent).Length);
        if (links.Count >= MinLinksOfNavigationPage && linkTextLength >= textLength * NavigationLinkShare)
        {
            throw new DocumentSkippedException(
                $"Navigation page ({links.Count} links, {100 * linkTextLength / Math.Max(1, textLength)} % link text): not indexed.");
        }

        var blocks = new List<ContentBlock>();
        CollectBlocks(main, blocks);

        var h1 = blocks.OfType<HeadingBlock>().FirstOrDefault(h => h.Level == 1)?.Text;
        var title = TextNormalizer.Clean(h1 ?? StripSiteName(document.Title));
        if (title.Length == 0)
        {
            title = fallbackUrl;
        }

        if (!blocks.Any(b => b is ParagraphBlock or ListBlock or TableBlock))
        {
            throw new DocumentReadException("The page has no readable main content.");
        }

        var canonical = document.QuerySelector("link[rel=canonical]")?.GetAttribute("href");
        var url = Uri.TryCreate(canonical, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"
            ? u.ToString()
            : fallbackUrl;

        var language = document.DocumentElement.GetAttribute("lang") is { Length: >= 2 } lang ? lang[..2].ToLowerInvariant() : "de";
        var description = Meta(document, "description");
        var modified = Meta(document, "dcterms.modified") ?? Meta(document, "last-modified");
        DateTimeOffset? lastModified = DateTimeOffset.TryParse(modified, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var m) ? m : null;

        return new ExtractedDocument(url, title, description, language, lastModified, blocks);
    }

    private static string? Meta(IDocument document, string name) =>
        document.QuerySelector($"meta[name='{name}']")?.GetAttribute("content") is { Length: > 0 } value
            ? TextNormalizer.Clean(value)
            : null;

    private static string StripSiteName(string? title)
    {
        if (string.IsNullOrWhiteSpace(title))
        {
            return "";
        }

        foreach (var separator in new[] { " | ", " – ", " - ", " :: " })
        {
            var index = title.IndexOf(separator, StringComparison.Ordinal);
            if (index > 0)
            {
                return title[..index];
            }
        }

        return title;
    }

    private static readonly HashSet<string> InlineElements =
    [
        "a", "span", "strong", "em", "b", "i", "u", "small", "abbr", "time", "code", "sup", "sub", "mark", "label",
        "cite", "q", "data", "bdi", "kbd", "var", "s", "del", "ins",
    ];

    private static void CollectBlocks(IElement element, List<ContentBlock> blocks)
    {
        // Text and inline elements between blocks form one paragraph ("Den Antrag finden Sie <a>hier</a> als PDF.").
        var inline = new StringBuilder();
        void FlushInline()
        {
            AddParagraph(blocks, inline.ToString());
            inline.Clear();
        }

        foreach (var node in element.ChildNodes)
        {
            if (node is IText text)
            {
                inline.Append(text.Data);
                continue;
            }

            if (node is not IElement child)
            {
                continue;
            }

            if (InlineElements.Contains(child.LocalName))
            {
                inline.Append(child.TextContent);
                continue;
            }

            FlushInline();
            switch (child.LocalName)
            {
                case "h1" or "h2" or "h3" or "h4" or "h5" or "h6":
                    var heading = TextNormalizer.Clean(child.TextContent);
                    if (heading.Length > 0)
                    {
                        blocks.Add(new HeadingBlock(child.LocalName[1] - '0', heading, child.Id));
                    }

                    break;
                case "p" or "blockquote" or "address" or "pre" or "figcaption":
                    AddParagraph(blocks, child.TextContent);
                    break;
                case "ul" or "ol":
                    var items = child.Children.Where(c => c.LocalName == "li")
                        .Select(li => TextNormalizer.Clean(li.TextContent)).Where(t => t.Length > 0).ToList();
                    if (items.Count > 0)
                    {
                        blocks.Add(new ListBlock(items));
                    }

                    break;
                case "dl":
                    blocks.Add(new ListBlock(ReadDefinitionList(child)));
                    break;
                case "table":
                    if (ReadTable(child) is { } table)
                    {
                        blocks.Add(table);
                    }

                    break;
                case "hr" or "img":
                    break;
                default:
                    CollectBlocks(child, blocks);
                    break;
            }
        }

        FlushInline();
    }

    private static void AddParagraph(List<ContentBlock> blocks, string text)
    {
        var value = TextNormalizer.Clean(text);
        if (value.Length > 0)
        {
            blocks.Add(new ParagraphBlock(value));
        }
    }

    private static List<string> ReadDefinitionList(IElement dl)
    {
        var items = new List<string>();
        string? term = null;
        foreach (var child in dl.Children)
        {
            if (child.LocalName == "dt")
            {
                term = TextNormalizer.Clean(child.TextContent);
            }
            else if (child.LocalName == "dd")
            {
                var value = TextNormalizer.Clean(child.TextContent);
                items.Add(term is null ? value : $"{term}: {value}");
            }
        }

        return items;
    }

    private static TableBlock? ReadTable(IElement table)
    {
        var rows = table.QuerySelectorAll("tr")
            .Select(tr => (IReadOnlyList<string>)tr.Children.Where(c => c.LocalName is "td" or "th")
                .Select(c => TextNormalizer.Clean(c.TextContent)).ToList())
            .Where(r => r.Count > 0 && r.Any(c => c.Length > 0))
            .ToList();
        if (rows.Count == 0)
        {
            return null;
        }

        var firstRow = table.QuerySelector("tr");
        var hasHeader = table.QuerySelector("thead") is not null
            || (firstRow is not null && firstRow.Children.All(c => c.LocalName == "th"));
        return hasHeader
            ? new TableBlock(rows[0], rows.Skip(1).ToList())
            : new TableBlock([], rows);
    }
}
