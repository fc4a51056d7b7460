using System.Globalization;
using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Stadtdialog.Knowledge.Readers;

/// <summary>
/// Reads Markdown files with an optional front matter block (<c>title</c>, <c>url</c>, <c>description</c>,
/// <c>modified</c>, <c>language</c>). Heading anchors follow GitHub's rules, the same ids the demo site renders.
/// </summary>
public static class MarkdownDocumentReader
{
    /// <summary>The Markdig pipeline used for reading and for rendering the demo site, so anchors agree.</summary>
    public static MarkdownPipeline Pipeline { get; } = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseAutoIdentifiers(Markdig.Extensions.AutoIdentifiers.AutoIdentifierOptions.GitHub)
        .UseEmphasisExtras()
        .UseListExtras()
        .Build();

    public static ExtractedDocument Read(string markdown, string fallbackUrl)
    {
        var (frontMatter, body) = SplitFrontMatter(markdown);
        var ast = Markdown.Parse(body, Pipeline);
        var blocks = new List<ContentBlock>();
        Collect(ast, blocks);

        var title = frontMatter.GetValueOrDefault("title")
            ?? blocks.OfType<HeadingBlock>().FirstOrDefault()?.Text
            ?? fallbackUrl;
        if (!blocks.Any(b => b is ParagraphBlock or ListBlock or TableBlock))
        {
            throw new DocumentReadException("The Markdown file has no text.");
        }

        DateTimeOffset? modified = DateTimeOffset.TryParse(frontMatter.GetValueOrDefault("modified"),
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var m) ? m : null;
        return new ExtractedDocument(
            frontMatter.GetValueOrDefault("url") ?? fallbackUrl,
            TextNormalizer.Clean(title),
            frontMatter.GetValueOrDefault("description"),
            frontMatter.GetValueOrDefault("language") ?? "de",
            modified,
            blocks);
    }

    /// <summary>Separates a leading <c>---</c> block of <c>key: value</c> lines from the Markdown body.</summary>
    public static (Dictionary<string, string> FrontMatter, string Body) SplitFrontMatter(string markdown)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var text = markdown.TrimStart('\uFEFF');
        if (!text.StartsWith("---", StringComparison.Ordinal))
        {
            return (values, text);
        }

        var end = text.IndexOf("\n---", 3, StringComparison.Ordinal);
        if (end < 0)
        {
            return (values, text);
        }

        foreach (var line in text[3..end].Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                var value = line[(colon + 1)..].Trim().Trim('"', '\'');
                if (value.Length > 0)
                {
                    values[line[..colon].Trim()] = value;
                }
            }
        }

        var bodyStart = text.IndexOf('\n', end + 4);
        return (values, bodyStart < 0 ? "" : text[(bodyStart + 1)..]);
    }

    private static void Collect(ContainerBlock container, List<ContentBlock> blocks)
    {
        foreach (var block in container)
        {
            switch (block)
            {
                case Markdig.Syntax.HeadingBlock heading:
                    blocks.Add(new HeadingBlock(heading.Level, InlineText(heading.Inline), heading.GetAttributes().Id));
                    break;
                case Markdig.Syntax.ParagraphBlock paragraph:
                    var text = InlineText(paragraph.Inline);
                    if (text.Length > 0)
                    {
                        blocks.Add(new Knowledge.ParagraphBlock(text));
                    }

                    break;
                case Markdig.Syntax.ListBlock list:
                    var items = list.OfType<ListItemBlock>().Select(ItemText).Where(t => t.Length > 0).ToList();
                    if (items.Count > 0)
                    {
                        blocks.Add(new Knowledge.ListBlock(items));
                    }

                    break;
                case Table table:
                    blocks.Add(ReadTable(table));
                    break;
                case ContainerBlock nested:
                    Collect(nested, blocks);
                    break;
                case LeafBlock leaf when leaf.Inline is not null:
                    var leafText = InlineText(leaf.Inline);
                    if (leafText.Length > 0)
                    {
                        blocks.Add(new Knowledge.ParagraphBlock(leafText));
                    }

                    break;
                default:
                    break;
            }
        }
    }

    private static string ItemText(ListItemBlock item)
    {
        var parts = new List<string>();
        foreach (var child in item)
        {
            switch (child)
            {
                case LeafBlock leaf:
                    parts.Add(InlineText(leaf.Inline));
                    break;
                case Markdig.Syntax.ListBlock nested:
                    parts.AddRange(nested.OfType<ListItemBlock>().Select(ItemText));
                    break;
                default:
                    break;
            }
        }

        return TextNormalizer.Clean(string.Join(" ", parts));
    }

    private static TableBlock ReadTable(Table table)
    {
        var rows = table.OfType<TableRow>().ToList();
        static IReadOnlyList<string> Cells(TableRow row) =>
            row.OfType<TableCell>().Select(c => TextNormalizer.Clean(string.Join(" ",
                c.OfType<LeafBlock>().Select(l => InlineText(l.Inline))))).ToList();

        var header = rows.FirstOrDefault(r => r.IsHeader);
        return new TableBlock(
            header is null ? [] : Cells(header),
            rows.Where(r => !r.IsHeader).Select(Cells).ToList());
    }

    private static string InlineText(ContainerInline? inline)
    {
        if (inline is null)
        {
            return "";
        }

        var builder = new StringBuilder();
        Append(inline, builder);
        return TextNormalizer.Clean(builder.ToString());

        static void Append(Inline node, StringBuilder builder)
        {
            switch (node)
            {
                case LiteralInline literal:
                    builder.Append(literal.Content.AsSpan());
                    break;
                case CodeInline code:
                    builder.Append(code.Content);
                    break;
                case LineBreakInline:
                    builder.Append(' ');
                    break;
                case HtmlEntityInline entity:
                    builder.Append(entity.Transcoded.AsSpan());
                    break;
                case ContainerInline container:
                    foreach (var child in container)
                    {
                        Append(child, builder);
                    }

                    break;
                default:
                    break;
            }
        }
    }
}
