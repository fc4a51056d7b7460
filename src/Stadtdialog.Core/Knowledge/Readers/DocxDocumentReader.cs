using System.Text;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Stadtdialog.Knowledge.Readers;

/// <summary>
/// Reads a Word document (DOCX): headings (from heading styles, also localized ones such as German
/// <c>Überschrift 1</c>, and from outline levels), paragraphs, numbered and bulleted lists, and tables. Title,
/// modification time and language come from the package's core properties and the document defaults.
/// </summary>
public static class DocxDocumentReader
{
    /// <summary>Classification of a paragraph: 0 = body text, -1 = title, 1..6 = heading level.</summary>
    private const int BodyText = 0;
    private const int TitleLevel = -1;
    private const int MaxHeadingLevel = 6;
    private const int MaxStyleDepth = 20;

    public static ExtractedDocument Read(byte[] bytes, string url, ReaderLimits limits)
    {
        OfficePackageGuard.EnsureSafe(bytes, limits);
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            using var document = WordprocessingDocument.Open(stream, isEditable: false);
            return Read(document, url);
        }
        catch (Exception e) when (IsCorruptFile(e))
        {
            throw new DocumentReadException($"The Word document could not be read: {e.Message}", e);
        }
    }

    internal static bool IsCorruptFile(Exception e) =>
        e is OpenXmlPackageException or InvalidDataException or FormatException or XmlException or IOException
            or NotSupportedException or InvalidOperationException or ArgumentException;

    private static ExtractedDocument Read(WordprocessingDocument document, string url)
    {
        var mainPart = document.MainDocumentPart
            ?? throw new DocumentReadException("The Word document could not be read: it has no main document part.");
        var body = mainPart.Document?.Body
            ?? throw new DocumentReadException("The Word document could not be read: it has no body.");
        var styles = StyleCatalog.From(mainPart.StyleDefinitionsPart?.Styles);

        var collector = new BlockCollector(styles);
        collector.Collect(body);
        var blocks = collector.Finish();

        if (!blocks.Any(b => b is ParagraphBlock or ListBlock or TableBlock))
        {
            throw new DocumentReadException("The Word document has no text.");
        }

        var properties = document.PackageProperties;
        var title = TextNormalizer.Clean(properties.Title);
        if (title.Length == 0)
        {
            title = collector.TitleText
                ?? blocks.OfType<HeadingBlock>().FirstOrDefault(h => h.Level == 1)?.Text
                ?? FileTitle(url);
        }

        var description = TextNormalizer.Clean(properties.Description ?? properties.Subject);
        return new ExtractedDocument(
            url, title, description.Length > 0 ? description : null, styles.Language, ToOffset(properties.Modified), blocks);
    }

    private static DateTimeOffset? ToOffset(DateTime? value) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Local } local => new DateTimeOffset(local.ToUniversalTime(), TimeSpan.Zero),
        { } other => new DateTimeOffset(DateTime.SpecifyKind(other, DateTimeKind.Utc), TimeSpan.Zero),
    };

    /// <summary>The file name without extension, for documents without any title.</summary>
    internal static string FileTitle(string url)
    {
        var path = Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? Uri.UnescapeDataString(uri.AbsolutePath)
            : url.Split('?', '#')[0];
        var name = TextNormalizer.Clean(Path.GetFileNameWithoutExtension(path.Replace('\\', '/').TrimEnd('/')));
        return name.Length > 0 ? name : url;
    }

    /// <summary>Walks the body and turns paragraphs and tables into blocks; consecutive list paragraphs form one list.</summary>
    private sealed class BlockCollector(StyleCatalog styles)
    {
        private readonly List<ContentBlock> _blocks = [];
        private readonly List<string> _listItems = [];

        /// <summary>The first paragraph in a title style, if any.</summary>
        public string? TitleText { get; private set; }

        public void Collect(OpenXmlElement container)
        {
            foreach (var child in container.ChildElements)
            {
                switch (child)
                {
                    case Paragraph paragraph:
                        AddParagraph(paragraph);
                        break;
                    case Table table:
                        FlushList();
                        if (ReadTable(table) is { } block)
                        {
                            _blocks.Add(block);
                        }

                        break;
                    case SdtBlock sdt when IsTableOfContents(sdt):
                        break;
                    case SdtBlock or SdtContentBlock or CustomXmlBlock:
                        Collect(child);
                        break;
                    default:
                        break;
                }
            }
        }

        public List<ContentBlock> Finish()
        {
            FlushList();
            return _blocks;
        }

        private void AddParagraph(Paragraph paragraph)
        {
            var text = TextNormalizer.Clean(ParagraphText(paragraph));
            if (text.Length == 0)
            {
                return;
            }

            var properties = paragraph.ParagraphProperties;
            var styleId = properties?.ParagraphStyleId?.Val?.Value;
            if (styles.IsTableOfContents(styleId))
            {
                return;
            }

            var level = HeadingLevel(properties, styleId);
            if (level == TitleLevel)
            {
                FlushList();
                TitleText ??= text;
                _blocks.Add(new HeadingBlock(1, text, null));
            }
            else if (level > BodyText)
            {
                FlushList();
                _blocks.Add(new HeadingBlock(level, text, null));
            }
            else if (IsListItem(properties, styleId))
            {
                _listItems.Add(text);
            }
            else
            {
                FlushList();
                _blocks.Add(new ParagraphBlock(text));
            }
        }

        private int HeadingLevel(ParagraphProperties? properties, string? styleId)
        {
            // Direct formatting wins: outline level 0..8 is a heading, 9 is explicitly body text.
            if (properties?.OutlineLevel?.Val?.Value is { } outline)
            {
                return outline < 9 ? Math.Min(outline + 1, MaxHeadingLevel) : BodyText;
            }

            return styles.HeadingLevel(styleId);
        }

        private bool IsListItem(ParagraphProperties? properties, string? styleId)
        {
            // A numbering id on the paragraph decides (0 removes the numbering a style would give); a paragraph
            // with only a list level, or none at all, is a list item when its style is numbered.
            return properties?.NumberingProperties?.NumberingId?.Val?.Value is { } numberingId
                ? numberingId != 0
                : styles.HasNumbering(styleId);
        }

        private void FlushList()
        {
            if (_listItems.Count > 0)
            {
                _blocks.Add(new ListBlock([.. _listItems]));
                _listItems.Clear();
            }
        }

        private static bool IsTableOfContents(SdtBlock sdt) =>
            sdt.SdtProperties?.GetFirstChild<SdtContentDocPartObject>()?.DocPartGallery?.Val?.Value is { } gallery
            && gallery.Contains("Table of Contents", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A table: the first row is the header. Horizontally merged cells keep the grid (empty cells for the span),
    /// vertically merged cells repeat the text of the merged region so that each row keeps its meaning.
    /// </summary>
    private static TableBlock? ReadTable(Table table)
    {
        var rows = new List<List<string>>();
        var above = new List<string>();
        foreach (var row in Rows(table))
        {
            var cells = new List<string>();
            var gridBefore = row.TableRowProperties?.GetFirstChild<GridBefore>()?.Val?.Value ?? 0;
            for (var i = 0; i < gridBefore && i < 64; i++)
            {
                cells.Add("");
            }

            foreach (var cell in Cells(row))
            {
                var cellProperties = cell.TableCellProperties;
                var merge = cellProperties?.VerticalMerge;
                var continues = merge is not null && (merge.Val is null || merge.Val.Value == MergedCellValues.Continue);
                var column = cells.Count;
                cells.Add(continues && column < above.Count ? above[column] : CellText(cell));

                var span = Math.Clamp(cellProperties?.GridSpan?.Val?.Value ?? 1, 1, 64);
                for (var i = 1; i < span; i++)
                {
                    cells.Add("");
                }
            }

            above = cells;
            rows.Add(cells);
        }

        rows.RemoveAll(r => r.All(c => c.Length == 0));
        if (rows.Count == 0)
        {
            return null;
        }

        var width = rows.Max(r => r.Count);
        foreach (var row in rows)
        {
            row.AddRange(Enumerable.Repeat("", width - row.Count));
        }

        return rows.Count == 1
            ? new TableBlock([], [rows[0]])
            : new TableBlock(rows[0], rows.Skip(1).ToList<IReadOnlyList<string>>());
    }

    private static IEnumerable<TableRow> Rows(OpenXmlElement container)
    {
        foreach (var child in container.ChildElements)
        {
            if (child is TableRow row)
            {
                yield return row;
            }
            else if (child is SdtRow or SdtContentRow or CustomXmlRow)
            {
                foreach (var nested in Rows(child))
                {
                    yield return nested;
                }
            }
        }
    }

    private static IEnumerable<TableCell> Cells(OpenXmlElement container)
    {
        foreach (var child in container.ChildElements)
        {
            if (child is TableCell cell)
            {
                yield return cell;
            }
            else if (child is SdtCell or SdtContentCell or CustomXmlCell)
            {
                foreach (var nested in Cells(child))
                {
                    yield return nested;
                }
            }
        }
    }

    private static string CellText(TableCell cell)
    {
        var parts = cell.Descendants<Paragraph>()
            .Where(p => !p.Ancestors<Paragraph>().Any())
            .Select(p => TextNormalizer.Clean(ParagraphText(p)))
            .Where(t => t.Length > 0);
        return string.Join(" ", parts);
    }

    private static string ParagraphText(Paragraph paragraph)
    {
        var text = new StringBuilder();
        AppendText(paragraph, text);
        return text.ToString();
    }

    private static void AppendText(OpenXmlElement element, StringBuilder text)
    {
        foreach (var child in element.ChildElements)
        {
            switch (child)
            {
                case Text t:
                    text.Append(t.Text);
                    break;
                case TabChar or Break or CarriageReturn or PositionalTab:
                    text.Append(' ');
                    break;
                case NoBreakHyphen:
                    text.Append('-');
                    break;
                // Text boxes and shapes hold their own paragraphs (often twice, as choice and fallback);
                // deleted and moved-away revisions are not part of the document's text.
                case Paragraph or Drawing or Picture or EmbeddedObject or AlternateContent or DeletedRun or MoveFromRun:
                    break;
                default:
                    AppendText(child, text);
                    break;
            }
        }
    }

    /// <summary>Paragraph styles of the document: heading levels and numbering resolved along <c>basedOn</c>.</summary>
    private sealed class StyleCatalog
    {
        private readonly Dictionary<string, Style> _styles = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _levels = new(StringComparer.Ordinal);

        public string Language { get; private init; } = "de";

        public static StyleCatalog From(Styles? styles)
        {
            var language = styles?.DocDefaults?.RunPropertiesDefault?.RunPropertiesBaseStyle?.Languages?.Val?.Value;
            var catalog = new StyleCatalog { Language = TwoLetter(language) ?? "de" };
            if (styles is not null)
            {
                foreach (var style in styles.Elements<Style>())
                {
                    if (style.StyleId?.Value is { Length: > 0 } id
                        && (style.Type is null || style.Type.Value == StyleValues.Paragraph))
                    {
                        catalog._styles.TryAdd(id, style);
                    }
                }
            }

            return catalog;
        }

        private static string? TwoLetter(string? language)
        {
            var value = language?.Trim();
            return value is { Length: >= 2 } && char.IsAsciiLetter(value[0]) && char.IsAsciiLetter(value[1])
                && (value.Length == 2 || !char.IsAsciiLetter(value[2]))
                ? value[..2].ToLowerInvariant()
                : null;
        }

        public int HeadingLevel(string? styleId)
        {
            if (styleId is null)
            {
                return BodyText;
            }

            if (!_levels.TryGetValue(styleId, out var level))
            {
                level = ResolveLevel(styleId);
                _levels[styleId] = level;
            }

            return level;
        }

        private int ResolveLevel(string styleId)
        {
            var id = styleId;
            for (var depth = 0; depth < MaxStyleDepth && id is not null; depth++)
            {
                _styles.TryGetValue(id, out var style);
                if (LevelFromName(style?.StyleName?.Val?.Value) is { } byName)
                {
                    return byName;
                }

                if (LevelFromName(id) is { } byId)
                {
                    return byId;
                }

                if (style?.StyleParagraphProperties?.OutlineLevel?.Val?.Value is { } outline)
                {
                    return outline < 9 ? Math.Min(outline + 1, MaxHeadingLevel) : BodyText;
                }

                id = style?.BasedOn?.Val?.Value;
            }

            return BodyText;
        }

        public bool HasNumbering(string? styleId)
        {
            var id = styleId;
            for (var depth = 0; depth < MaxStyleDepth && id is not null && _styles.TryGetValue(id, out var style); depth++)
            {
                if (style.StyleParagraphProperties?.NumberingProperties is { } numbering)
                {
                    return numbering.NumberingId?.Val?.Value is not (null or 0);
                }

                id = style.BasedOn?.Val?.Value;
            }

            return false;
        }

        public bool IsTableOfContents(string? styleId)
        {
            if (styleId is null)
            {
                return false;
            }

            var name = Normalize(_styles.TryGetValue(styleId, out var style) ? style.StyleName?.Val?.Value ?? styleId : styleId);
            return name.StartsWith("toc", StringComparison.Ordinal) || name.StartsWith("verzeichnis", StringComparison.Ordinal);
        }

        /// <summary>"heading 2", "Heading2", "Überschrift 2", "berschrift2" (German Word's id) → 2; "Title"/"Titel" → title.</summary>
        private static int? LevelFromName(string? name)
        {
            if (string.IsNullOrEmpty(name))
            {
                return null;
            }

            var normalized = Normalize(name);
            if (normalized is "title" or "titel")
            {
                return TitleLevel;
            }

            foreach (var prefix in HeadingPrefixes)
            {
                if (normalized.StartsWith(prefix, StringComparison.Ordinal)
                    && normalized.Length == prefix.Length + 1
                    && normalized[^1] is >= '1' and <= '9')
                {
                    return Math.Min(normalized[^1] - '0', MaxHeadingLevel);
                }
            }

            return null;
        }

        private static readonly string[] HeadingPrefixes = ["heading", "überschrift", "uberschrift", "berschrift"];

        private static string Normalize(string name)
        {
            var builder = new StringBuilder(name.Length);
            foreach (var c in name.Normalize(NormalizationForm.FormC))
            {
                if (!char.IsWhiteSpace(c) && c is not '-' and not '_')
                {
                    builder.Append(char.ToLowerInvariant(c));
                }
            }

            return builder.ToString();
        }
    }
}
