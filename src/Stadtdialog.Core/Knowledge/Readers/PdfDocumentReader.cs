using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.DocumentLayoutAnalysis;
using UglyToad.PdfPig.DocumentLayoutAnalysis.PageSegmenter;
using UglyToad.PdfPig.DocumentLayoutAnalysis.ReadingOrderDetector;
using UglyToad.PdfPig.DocumentLayoutAnalysis.WordExtractor;
using UglyToad.PdfPig.Exceptions;
using UglyToad.PdfPig.Graphics.Colors;
using UglyToad.PdfPig.PdfFonts;

namespace Stadtdialog.Knowledge.Readers;

/// <summary>
/// Reads the text layer of a PDF (Satzungen, Merkblätter, Gebührenordnungen) into structure: a
/// <see cref="PageBlock"/> before every page, headings recognised by font size or as bold short lines, paragraphs
/// joined from lines and de-hyphenated, lists, and tables rebuilt from aligned columns. Text is taken in reading
/// order (the columns of a two-column page are not interleaved); running headers, footers and page numbers are
/// dropped. Every failure is a <see cref="DocumentReadException"/> with a message for editors.
/// </summary>
/// <remarks>
/// Words come from PdfPig's <see cref="NearestNeighbourWordExtractor"/> (run per band of nearby baselines, which
/// gives the same words at half the cost). Words on one baseline form rows, split into fragments at gaps wider
/// than <see cref="CellGap"/> font sizes; fragments aligned in columns over several rows are tables, the others
/// are stacked into text blocks (vertically adjacent, overlapping horizontally, same size). Blocks and tables are
/// put in reading order by recursive XY cuts (bands top to bottom, columns left to right), with PdfPig's
/// <see cref="UnsupervisedReadingOrderDetector"/> for arrangements no cut separates. Building blocks from the rows
/// instead of PdfPig's Docstrum segmenter keeps a page at about a millisecond and never bridges the gap a table
/// leaves; Docstrum is used for pages with mostly rotated text only.
/// </remarks>
public static partial class PdfDocumentReader
{
    private const string Damaged = "The PDF file is damaged or incomplete: ";

    private const string PasswordProtected =
        "The PDF is password-protected; remove the password (or upload an unprotected version) so that it can be indexed.";

    private const string NoTextLayer =
        "The PDF has no text layer (a scanned document?); run OCR on it or upload the text version.";

    /// <summary>Share of the page height at the top and at the bottom where running headers and footers live.</summary>
    private const double EdgeZone = 0.12;

    /// <summary>Rows at each end of a page that may be a running header or footer.</summary>
    private const int EdgeRows = 3;

    /// <summary>A horizontal gap wider than this many font sizes separates cells (or columns), not words.</summary>
    private const double CellGap = 1.2;

    /// <summary>Lines further apart than this many font sizes are not one block.</summary>
    private const double BlockLineGap = 2.0;

    private static readonly ParsingOptions Options = new() { UseLenientParsing = true, SkipMissingFonts = true };

    private static readonly NearestNeighbourWordExtractor WordExtractor =
        new(new NearestNeighbourWordExtractor.NearestNeighbourWordExtractorOptions { MaxDegreeOfParallelism = 1 });

    private static readonly DocstrumBoundingBoxes RotatedSegmenter =
        new(new DocstrumBoundingBoxes.DocstrumBoundingBoxesOptions { MaxDegreeOfParallelism = 1 });

    private static readonly HashSet<string> KeepHyphenBefore =
        new(["und", "oder", "bzw", "bzw.", "sowie", "bis", "als", "noch", "wie"], StringComparer.Ordinal);

    public static ExtractedDocument Read(byte[] bytes, string url, ReaderLimits limits)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(limits);
        CheckEnvelope(bytes);
        try
        {
            using var pdf = PdfDocument.Open(bytes, Options);
            var pageCount = pdf.NumberOfPages;
            if (pageCount > limits.MaxPdfPages)
            {
                throw new DocumentReadException(
                    $"The PDF has {pageCount} pages; at most {limits.MaxPdfPages} pages are read per document. Split the file or raise the limit.");
            }

            if (pageCount == 0)
            {
                throw new DocumentReadException(Damaged + "it has no pages.");
            }

            return ReadDocument(pdf, pageCount, url);
        }
        catch (DocumentReadException)
        {
            throw;
        }
        catch (PdfDocumentEncryptedException e)
        {
            throw new DocumentReadException(PasswordProtected, e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // PdfPig throws many types for broken files (format, index, null reference, invalid operation...).
            if (bytes.AsSpan().IndexOf("/Encrypt"u8) >= 0)
            {
                throw new DocumentReadException(
                    "The PDF is encrypted in a way that cannot be read (" + Shorten(e.Message) + "); upload an unprotected version.", e);
            }

            throw new DocumentReadException(Damaged + Shorten(e.Message), e);
        }
    }

    private static void CheckEnvelope(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            throw new DocumentReadException(Damaged + "the file is empty.");
        }

        if (bytes.AsSpan(0, Math.Min(bytes.Length, 1024)).IndexOf("%PDF-"u8) < 0)
        {
            throw new DocumentReadException(Damaged + "the file is not a PDF (it has no %PDF header).");
        }

        // Every complete PDF ends with %%EOF (viewers look for it in the last 1024 bytes). Without it the file was
        // cut off; PdfPig might still show the first pages, and an incomplete Satzung must not be indexed as whole.
        var end = bytes.Length;
        while (end > 0 && bytes[end - 1] is 0 or (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t' or (byte)'\f')
        {
            end--;
        }

        var start = Math.Max(0, end - 1024);
        if (bytes.AsSpan(start, end - start).IndexOf("%%EOF"u8) < 0)
        {
            throw new DocumentReadException(Damaged + "the end of the file is missing (was the download or upload cut off?).");
        }
    }

    private static string Shorten(string message)
    {
        var text = TextNormalizer.Clean(message);
        return text.Length <= 200 ? text : text[..200] + "…";
    }

    private static ExtractedDocument ReadDocument(PdfDocument pdf, int pageCount, string url)
    {
        // Pass 1: words and rows of every page, and the body font size (the size of most letters).
        var pages = new List<PageText>(pageCount);
        var sizeHistogram = new Dictionary<double, int>();
        var totalWords = 0;
        for (var number = 1; number <= pageCount; number++)
        {
            var page = ReadPage(pdf.GetPage(number), number, sizeHistogram);
            totalWords += page.WordCount;
            pages.Add(page);
        }

        if (totalWords == 0)
        {
            throw new NoTextLayerException(NoTextLayer);
        }

        var style = new Style(sizeHistogram.Count == 0 ? 10 : sizeHistogram.MaxBy(p => (p.Value, -p.Key)).Key);
        RemoveRunningHeadersAndFooters(pages, style);

        // Pass 2: tables and text blocks in reading order; lines become headings, paragraphs and lists.
        var drafts = new List<ContentBlock>();
        foreach (var page in pages)
        {
            drafts.Add(new PageBlock(page.Number));
            foreach (var item in Layout(page))
            {
                if (item.Table is { } table)
                {
                    drafts.Add(table);
                }
                else if (item.Rotated)
                {
                    AddParagraph(drafts, JoinLines(item.Lines.Select(l => l.Text)));
                }
                else
                {
                    EmitBlock(item.Lines, style, drafts);
                }
            }
        }

        var blocks = ResolveHeadings(drafts);
        if (!blocks.Any(b => b is ParagraphBlock or ListBlock or TableBlock or HeadingBlock))
        {
            throw new DocumentReadException("The PDF has no readable text besides page headers and footers.");
        }

        var information = pdf.Information;
        var title = MeaningfulTitle(information.Title)
            ?? blocks.OfType<HeadingBlock>().FirstOrDefault(h => h.Level == 1)?.Text
            ?? FileTitle(url);

        return new ExtractedDocument(url, title, null, "de", LastModified(information), blocks);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Pass 1: words and rows
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>
    /// What the reader needs of a PdfPig word. PdfPig's words and letters are not kept beyond their page: a
    /// 2000-page file would otherwise hold every glyph of the document in memory.
    /// </summary>
    private sealed class PdfWord(Word source, double size, bool bold)
    {
        public string Text { get; } = source.Text;
        public double Left { get; } = source.BoundingBox.Left;
        public double Right { get; } = source.BoundingBox.Right;
        public double Top { get; } = source.BoundingBox.Top;
        public double Bottom { get; } = source.BoundingBox.Bottom;
        public double Baseline { get; } = source.Letters[0].StartBaseLine.Y;
        public double Size { get; } = size;
        public bool Bold { get; } = bold;

        /// <summary>Position in the content stream (PdfPig's text sequence).</summary>
        public int Sequence { get; } = source.Letters[0].TextSequence;

        public bool Removed { get; set; }
    }

    /// <summary>Words of one row without a wide gap between them: a line of a text block, or a table cell.</summary>
    private sealed class Fragment(List<PdfWord> words)
    {
        public List<PdfWord> Words { get; } = words;
        public double Left => Words[0].Left;
        public double Right => Words[^1].Right;
        public double Baseline => Words[0].Baseline;
        public string Text { get; } = string.Join(' ', words.Select(w => w.Text));
        public double Size { get; } = DominantSize(words);
    }

    private sealed class Row(List<PdfWord> words, List<Fragment> fragments, double baseline, double size)
    {
        public List<PdfWord> Words { get; } = words;
        public List<Fragment> Fragments { get; } = fragments;
        public double Baseline { get; } = baseline;
        public double Size { get; } = size;
    }

    private sealed class PageText(int number, PdfRectangle bounds, List<PdfWord> words, int wordCount)
    {
        public int Number { get; } = number;
        public PdfRectangle Bounds { get; } = bounds;

        /// <summary>Horizontal words: the text of the page (empty for a rotated page).</summary>
        public List<PdfWord> Words { get; } = words;

        /// <summary>Words of any orientation, margin notes included.</summary>
        public int WordCount { get; } = wordCount;

        public List<Row> Rows { get; set; } = [];

        /// <summary>For a page with mostly rotated text: its blocks in reading order, as lines of text.</summary>
        public List<List<string>>? RotatedBlocks { get; init; }
    }

    private static PageText ReadPage(Page page, int number, Dictionary<double, int> sizeHistogram)
    {
        var extracted = ExtractWords(page.Letters);
        var words = new List<PdfWord>(extracted.Count);
        var horizontalLetters = 0;
        var otherLetters = 0;
        foreach (var word in extracted)
        {
            if (word.TextOrientation != TextOrientation.Horizontal)
            {
                otherLetters += word.Text.Length;
                continue;
            }

            var (size, bold) = Typeface(word);
            words.Add(new PdfWord(word, size, bold));
            horizontalLetters += word.Text.Length;
            var key = Math.Round(size * 2) / 2;
            sizeHistogram[key] = sizeHistogram.GetValueOrDefault(key) + word.Text.Length;
        }

        if (otherLetters > 2 * horizontalLetters)
        {
            // Mostly rotated text: a landscape page. PdfPig's Docstrum segmenter handles any angle; its blocks are
            // read as plain paragraphs. (Otherwise rotated words are notes in the margin and ignored.)
            var blocks = UnsupervisedReadingOrderDetector.Instance.Get(RotatedSegmenter.GetBlocks(extracted))
                .Select(b => b.TextLines.Select(l => l.Text).ToList())
                .ToList();
            return new PageText(number, page.CropBox.Bounds, [], extracted.Count) { RotatedBlocks = blocks };
        }

        return new PageText(number, page.CropBox.Bounds, words, extracted.Count) { Rows = BuildRows(words) };
    }

    /// <summary>
    /// PdfPig's nearest-neighbour word extraction, run band by band: horizontal letters are cut into bands of
    /// nearby baselines first (a word never spans two lines), which gives the same words at half the cost of one
    /// search over the whole page. Whitespace letters are dropped; gaps separate the words.
    /// </summary>
    private static List<Word> ExtractWords(IReadOnlyList<Letter> pageLetters)
    {
        var horizontal = new List<(Letter Letter, int Index)>(pageLetters.Count);
        var other = new List<Letter>();
        for (var i = 0; i < pageLetters.Count; i++)
        {
            var letter = pageLetters[i];
            if (string.IsNullOrWhiteSpace(letter.Value))
            {
                continue;
            }

            if (letter.TextOrientation == TextOrientation.Horizontal)
            {
                horizontal.Add((letter, i));
            }
            else
            {
                other.Add(letter);
            }
        }

        horizontal.Sort((a, b) => b.Letter.StartBaseLine.Y.CompareTo(a.Letter.StartBaseLine.Y));
        var words = new List<Word>();
        var band = new List<(Letter Letter, int Index)>();
        for (var i = 0; i < horizontal.Count; i++)
        {
            band.Add(horizontal[i]);
            if (i + 1 == horizontal.Count
                || horizontal[i].Letter.StartBaseLine.Y - horizontal[i + 1].Letter.StartBaseLine.Y >= 0.5 * Math.Max(1, horizontal[i + 1].Letter.PointSize))
            {
                // Words keep their letters in the order given: the order of the content stream.
                band.Sort((a, b) => a.Index.CompareTo(b.Index));
                words.AddRange(WordExtractor.GetWords(band.ConvertAll(l => l.Letter)));
                band.Clear();
            }
        }

        if (other.Count > 0)
        {
            words.AddRange(WordExtractor.GetWords(other));
        }

        words.RemoveAll(w => w.Letters.Count == 0 || string.IsNullOrWhiteSpace(w.Text));
        return words;
    }

    private static (double Size, bool Bold) Typeface(Word word)
    {
        var letter = word.Letters[0];
        var size = letter.PointSize > 0 ? letter.PointSize : letter.FontSize;
        var font = letter.FontDetails;
        var name = letter.FontName ?? font?.Name ?? "";
        var bold = font?.IsBold == true
            || letter.RenderingMode == TextRenderingMode.FillThenStroke
            || name.Contains("Bold", StringComparison.OrdinalIgnoreCase)
            || name.Contains("Black", StringComparison.OrdinalIgnoreCase)
            || name.Contains("Heavy", StringComparison.OrdinalIgnoreCase)
            || name.Contains("Semibold", StringComparison.OrdinalIgnoreCase)
            || name.Contains("Demi", StringComparison.OrdinalIgnoreCase);
        return (Math.Round(size, 2), bold);
    }

    /// <summary>Groups words on one baseline into rows (top to bottom), split into fragments at wide gaps.</summary>
    private static List<Row> BuildRows(List<PdfWord> source)
    {
        var words = source.FindAll(w => !w.Removed);
        words.Sort((a, b) => b.Baseline != a.Baseline ? b.Baseline.CompareTo(a.Baseline) : a.Left.CompareTo(b.Left));
        var rows = new List<Row>();
        var index = 0;
        while (index < words.Count)
        {
            var first = words[index];
            var members = new List<PdfWord> { first };
            index++;
            while (index < words.Count
                && first.Baseline - words[index].Baseline <= 0.3 * Math.Min(first.Size, words[index].Size))
            {
                members.Add(words[index]);
                index++;
            }

            members.Sort((a, b) => a.Left.CompareTo(b.Left));
            var fragments = new List<Fragment>();
            var current = new List<PdfWord> { members[0] };
            for (var i = 1; i < members.Count; i++)
            {
                var gap = members[i].Left - members[i - 1].Right;
                // "•", "1.", "a)", "(2)" or "§ 3" set off by a tab belongs to the text beside it.
                if (gap > CellGap * Math.Max(members[i].Size, members[i - 1].Size)
                    && !(fragments.Count == 0 && current.Count <= 2 && Marker().IsMatch(string.Join(' ', current.Select(w => w.Text)))))
                {
                    fragments.Add(new Fragment(current));
                    current = [];
                }

                current.Add(members[i]);
            }

            fragments.Add(new Fragment(current));
            rows.Add(new Row(members, fragments, first.Baseline, DominantSize(members)));
        }

        return rows;
    }

    [GeneratedRegex(@"^(?:[•·▪‣◦●○■□►➢✓*\-–—]|§\s*\d{1,3}[a-z]?|\(?\d{1,3}(?:\.\d{1,3})*[.)]?|\(?[a-zA-Z][.)]|[IVX]{1,4}\.)$")]
    private static partial Regex Marker();

    private static double DominantSize(List<PdfWord> words)
    {
        // The size that covers most letters; a row has few words, so a linear scan beats a dictionary.
        var best = words[0].Size;
        var bestCount = 0;
        foreach (var candidate in words)
        {
            var count = 0;
            foreach (var word in words)
            {
                if (Math.Abs(word.Size - candidate.Size) < 0.25)
                {
                    count += word.Text.Length;
                }
            }

            if (count > bestCount)
            {
                best = candidate.Size;
                bestCount = count;
            }
        }

        return best;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Running headers, footers and page numbers
    // ---------------------------------------------------------------------------------------------------------

    private static void RemoveRunningHeadersAndFooters(List<PageText> pages, Style style)
    {
        // A fragment in the top or bottom rows of a page is a running header or footer when the same text (page
        // numbers ignored: "Seite 3 von 9") in the same size is there on at least half of the pages. Headings and
        // rows that start a table stay (a long table repeats its header row at the top of every page).
        var candidates = new List<(Fragment Fragment, string Key)>();
        var pagesPerKey = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        foreach (var page in pages)
        {
            HashSet<Row>? tableRows = null;
            foreach (var (row, zone) in EdgeRowsOf(page))
            {
                if (style.IsHeadingSize(row.Size))
                {
                    continue;
                }

                tableRows ??= [.. DetectTables(page.Rows).Where(t => t.RowCount >= 3).SelectMany(t => t.Rows)];
                if (tableRows.Contains(row))
                {
                    continue;
                }

                foreach (var fragment in row.Fragments)
                {
                    if (PageNumber().IsMatch(fragment.Text))
                    {
                        Remove(fragment);
                        continue;
                    }

                    var key = string.Create(CultureInfo.InvariantCulture,
                        $"{zone}|{Math.Round(row.Size)}|{Normalize(fragment.Text, page.Number, pages.Count)}");
                    candidates.Add((fragment, key));
                    if (!pagesPerKey.TryGetValue(key, out var set))
                    {
                        pagesPerKey[key] = set = [];
                    }

                    set.Add(page.Number);
                }
            }
        }

        var removed = false;
        foreach (var (fragment, key) in candidates)
        {
            var count = pagesPerKey[key].Count;
            if (count >= 2 && count * 2 >= pages.Count)
            {
                Remove(fragment);
                removed = true;
            }
        }

        foreach (var page in pages)
        {
            if (removed || page.Words.Exists(w => w.Removed))
            {
                page.Rows = BuildRows(page.Words);
            }
        }

        static void Remove(Fragment fragment)
        {
            foreach (var word in fragment.Words)
            {
                word.Removed = true;
            }
        }
    }

    private static IEnumerable<(Row Row, char Zone)> EdgeRowsOf(PageText page)
    {
        var rows = page.Rows;
        var topZone = page.Bounds.Top - page.Bounds.Height * EdgeZone;
        var bottomZone = page.Bounds.Bottom + page.Bounds.Height * EdgeZone;
        for (var i = 0; i < rows.Count; i++)
        {
            if (i < EdgeRows && rows[i].Baseline >= topZone)
            {
                yield return (rows[i], 't');
            }
            else if (i >= rows.Count - EdgeRows && rows[i].Baseline <= bottomZone)
            {
                yield return (rows[i], 'b');
            }
        }
    }

    /// <summary>Lower case without spaces; the page number and the page count become "#".</summary>
    private static string Normalize(string text, int page, int pages)
    {
        var builder = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                var number = int.TryParse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
                if (number == page || number == pages)
                {
                    builder.Append('#');
                }
                else
                {
                    builder.Append(text, start, i - start);
                }

                continue;
            }

            if (!char.IsWhiteSpace(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }

            i++;
        }

        return builder.ToString();
    }

    /// <summary>"3", "- 3 -", "3/12", "Seite 3", "Seite 3 von 12", "S. 3", "Page 3 of 12".</summary>
    [GeneratedRegex(@"^(?:(?:Seite|S\.|Page|Blatt)\s*\d{1,4}|[-–—]?\s*\d{1,3}\s*[-–—]?)(?:\s*(?:von|/|of|aus)\s*\d{1,4})?$", RegexOptions.IgnoreCase)]
    private static partial Regex PageNumber();

    // ---------------------------------------------------------------------------------------------------------
    // Tables
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>One table row: the rows of the page it covers (more than one when a cell wraps) and its cells.</summary>
    private sealed class TableRow(Row first, List<StringBuilder> cells)
    {
        public List<Row> Rows { get; } = [first];
        public List<StringBuilder> Cells { get; } = cells;
    }

    private sealed class TableRun(List<TableRow> rows)
    {
        public List<TableRow> TableRows { get; } = rows;
        public int RowCount => TableRows.Count;
        public IEnumerable<Row> Rows => TableRows.SelectMany(r => r.Rows);
    }

    private sealed class Column(Fragment first)
    {
        public double Left { get; private set; } = first.Left;
        public double Right { get; private set; } = first.Right;
        private readonly List<Fragment> _cells = [first];

        public void Add(Fragment cell)
        {
            _cells.Add(cell);
            Left = Math.Min(Left, cell.Left);
            Right = Math.Max(Right, cell.Right);
        }

        /// <summary>Whether the cell starts, ends or is centred where an earlier cell of the column is.</summary>
        public bool Anchors(Fragment cell, double tolerance)
        {
            var center = (cell.Left + cell.Right) / 2;
            foreach (var other in _cells)
            {
                if (Math.Abs(other.Left - cell.Left) <= tolerance
                    || Math.Abs(other.Right - cell.Right) <= tolerance
                    || Math.Abs((other.Left + other.Right) / 2 - center) <= tolerance)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Finds runs of at least two rows with the same number (two or more) of cells whose columns line up (left,
    /// right or centre aligned); rows with fewer cells that fit into the columns continue the cells above (a
    /// wrapped cell).
    /// </summary>
    private static List<TableRun> DetectTables(List<Row> rows)
    {
        var tables = new List<TableRun>();
        var i = 0;
        while (i < rows.Count)
        {
            var start = rows[i];
            if (start.Fragments.Count < 2)
            {
                i++;
                continue;
            }

            var columns = start.Fragments.Select(f => new Column(f)).ToList();
            var tableRows = new List<TableRow> { new(start, Cells(start)) };
            var ends = new List<int> { i };
            var last = start;
            var j = i + 1;
            for (; j < rows.Count; j++)
            {
                var row = rows[j];
                var pitch = last.Baseline - row.Baseline;
                var size = Math.Max(last.Size, row.Size);
                var tolerance = Math.Max(0.6 * size, 3);
                if (pitch > 2.5 * size)
                {
                    break;
                }

                if (row.Fragments.Count == columns.Count && Aligned(row.Fragments, columns, tolerance, headerOnly: tableRows.Count == 1))
                {
                    for (var k = 0; k < columns.Count; k++)
                    {
                        columns[k].Add(row.Fragments[k]);
                    }

                    tableRows.Add(new TableRow(row, Cells(row)));
                    ends.Add(j);
                    last = row;
                    continue;
                }

                if (tableRows.Count >= 2 && row.Fragments.Count < columns.Count && pitch <= 1.6 * size
                    && ColumnsOf(row.Fragments, columns, tolerance) is { } targets)
                {
                    // A wrapped cell: its next line continues the cell above.
                    var previous = tableRows[^1];
                    for (var f = 0; f < targets.Count; f++)
                    {
                        var cell = previous.Cells[targets[f]];
                        var joined = JoinLines([cell.ToString(), row.Fragments[f].Text]);
                        cell.Clear().Append(joined);
                    }

                    previous.Rows.Add(row);
                    ends[^1] = j;
                    last = row;
                    continue;
                }

                break;
            }

            // Rows of running text in every column (a two-column page below the table) are not part of it.
            while (tableRows.Count > 2 && tableRows[^1].Cells.TrueForAll(c => WordCount(c) >= 4))
            {
                tableRows.RemoveAt(tableRows.Count - 1);
                ends.RemoveAt(ends.Count - 1);
            }

            if (tableRows.Count >= 2 && LooksLikeTable(tableRows))
            {
                tables.Add(new TableRun(tableRows));
                i = ends[^1] + 1;
            }
            else
            {
                i++;
            }
        }

        return tables;

        static List<StringBuilder> Cells(Row row) => row.Fragments.ConvertAll(f => new StringBuilder(f.Text));
    }

    private static bool Aligned(List<Fragment> fragments, List<Column> columns, double tolerance, bool headerOnly)
    {
        for (var k = 0; k < fragments.Count; k++)
        {
            // A header cell may be centred over cells that are aligned otherwise: below the header, overlap will do.
            if (!Fits(fragments[k], k, columns, tolerance) || !(columns[k].Anchors(fragments[k], tolerance) || (headerOnly && Overlaps(fragments[k], columns[k].Left, columns[k].Right))))
            {
                return false;
            }
        }

        return true;
    }

    private static List<int>? ColumnsOf(List<Fragment> fragments, List<Column> columns, double tolerance)
    {
        var targets = new List<int>(fragments.Count);
        var next = 0;
        foreach (var fragment in fragments)
        {
            var found = -1;
            for (var k = next; k < columns.Count; k++)
            {
                if (Fits(fragment, k, columns, tolerance) && Math.Abs(fragment.Left - columns[k].Left) <= tolerance + 0.5 * (columns[k].Right - columns[k].Left))
                {
                    found = k;
                    break;
                }
            }

            if (found < 0)
            {
                return null;
            }

            targets.Add(found);
            next = found + 1;
        }

        return targets;
    }

    /// <summary>Whether the cell overlaps column <paramref name="k"/> and stays clear of its neighbours.</summary>
    private static bool Fits(Fragment fragment, int k, List<Column> columns, double tolerance)
    {
        var column = columns[k];
        var overlaps = fragment.Left < column.Right + tolerance && fragment.Right > column.Left - tolerance;
        var clearOfPrevious = k == 0 || fragment.Left > columns[k - 1].Right;
        var clearOfNext = k == columns.Count - 1 || fragment.Right < columns[k + 1].Left;
        return overlaps && clearOfPrevious && clearOfNext;
    }

    private static bool LooksLikeTable(List<TableRow> rows)
    {
        // Two columns of running text side by side (a two-column page) have long lines in every column; a table
        // has at least one column of short cells (amounts, dates, keys).
        var columns = rows[0].Cells.Count;
        var counts = new List<int>(rows.Count);
        for (var k = 0; k < columns; k++)
        {
            counts.Clear();
            counts.AddRange(rows.Select(r => WordCount(r.Cells[k])));
            counts.Sort();
            if (counts[counts.Count / 2] <= 3)
            {
                return true;
            }
        }

        return false;
    }

    private static int WordCount(StringBuilder text)
    {
        var count = 0;
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var space = char.IsWhiteSpace(text[i]);
            if (!space && !inWord)
            {
                count++;
            }

            inWord = !space;
        }

        return count;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Pass 2: text blocks and tables of one page in reading order
    // ---------------------------------------------------------------------------------------------------------

    private sealed record Line(string Text, double Left, double Right, double Baseline, double Size, bool Bold);

    private sealed record LayoutItem(List<Line> Lines, TableBlock? Table, bool Rotated = false);

    /// <summary>Fragments stacked into a block: vertically adjacent, overlapping horizontally, in one size.</summary>
    private sealed class TextRegion(Fragment first)
    {
        public List<Fragment> Lines { get; } = [first];
        public double Left { get; private set; } = first.Left;
        public double Right { get; private set; } = first.Right;
        public double Size { get; } = first.Size;
        public double LastBaseline { get; private set; } = first.Baseline;

        /// <summary>The smallest distance between two baselines of the block (infinite for one line).</summary>
        public double Pitch { get; private set; } = double.PositiveInfinity;

        public void Add(Fragment line)
        {
            Pitch = Math.Min(Pitch, LastBaseline - line.Baseline);
            Lines.Add(line);
            Left = Math.Min(Left, line.Left);
            Right = Math.Max(Right, line.Right);
            LastBaseline = line.Baseline;
        }
    }

    /// <summary>A table or text block with its bounding box, to be put in reading order.</summary>
    private sealed class Placed(LayoutItem item, List<List<PdfWord>> lines)
    {
        public LayoutItem Item { get; } = item;
        public List<List<PdfWord>> Lines { get; } = lines;
        public double Left { get; } = lines.Min(l => l[0].Left);
        public double Right { get; } = lines.Max(l => l[^1].Right);
        public double Top { get; } = lines.Max(l => l.Max(w => w.Top));
        public double Bottom { get; } = lines.Min(l => l.Min(w => w.Bottom));
        public int Sequence { get; } = lines.Min(l => l.Min(w => w.Sequence));
    }

    private static List<LayoutItem> Layout(PageText page)
    {
        if (page.RotatedBlocks is { } rotated)
        {
            return rotated.ConvertAll(lines => new LayoutItem(lines.ConvertAll(l => new Line(l, 0, 0, 0, 0, false)), null, Rotated: true));
        }

        var placed = new List<Placed>();
        var tableRows = new HashSet<Row>();
        foreach (var table in DetectTables(page.Rows))
        {
            var rows = table.TableRows.ConvertAll(r => (IReadOnlyList<string>)r.Cells.ConvertAll(c => Clean(c.ToString())));
            // The first row is the header, unless every row is a "Label: value" pair (a contact block).
            var keyValue = rows.TrueForAll(r => r[0].EndsWith(':'));
            var item = new LayoutItem([], keyValue
                ? new TableBlock([], rows)
                : new TableBlock(rows[0], rows.GetRange(1, rows.Count - 1)));
            placed.Add(new Placed(item, [.. table.Rows.Select(r => r.Words)]));
            tableRows.UnionWith(table.Rows);
        }

        foreach (var region in Regions(page.Rows, tableRows))
        {
            placed.Add(new Placed(new LayoutItem(region.Lines.ConvertAll(ToLine), null), region.Lines.ConvertAll(l => l.Words)));
        }

        var ordered = new List<LayoutItem>(placed.Count);
        if (placed.Count > 0)
        {
            Order(placed, ordered);
        }

        return ordered;
    }

    /// <summary>
    /// Reading order by recursive XY cuts: bands separated by horizontal white space are read top to bottom,
    /// columns separated by vertical white space left to right (so a two-column section is read column by column
    /// and a full-width paragraph below it after both columns). Where no cut separates the blocks, PdfPig's
    /// <see cref="UnsupervisedReadingOrderDetector"/> decides.
    /// </summary>
    private static void Order(List<Placed> items, List<LayoutItem> output)
    {
        if (items.Count == 1)
        {
            output.Add(items[0].Item);
            return;
        }

        var groups = Split(items, horizontal: true);
        if (groups.Count == 1)
        {
            groups = Split(items, horizontal: false);
        }

        if (groups.Count > 1)
        {
            foreach (var group in groups)
            {
                Order(group, output);
            }

            return;
        }

        // The detector needs only each block's bounding box and content-stream position: one stand-in letter each.
        var proxies = new Dictionary<TextBlock, Placed>(ReferenceEqualityComparer.Instance);
        foreach (var item in items)
        {
            var box = new PdfRectangle(item.Left, item.Bottom, item.Right, item.Top);
            var letter = new Letter(
                "x", box, box, new PdfPoint(item.Left, item.Bottom), new PdfPoint(item.Right, item.Bottom), item.Right - item.Left,
                1, ProxyFont, TextRenderingMode.Fill, GrayColor.Black, GrayColor.Black, 1, item.Sequence);
            proxies[new TextBlock([new TextLine([new Word([letter])], " ")], "\n")] = item;
        }

        output.AddRange(UnsupervisedReadingOrderDetector.Instance.Get([.. proxies.Keys]).Select(p => proxies[p].Item));
    }

    private static readonly FontDetails ProxyFont = new("Helvetica", false, FontDetails.DefaultWeight, false);

    /// <summary>Horizontal bands (top to bottom) or vertical strips (left to right) that no item straddles.</summary>
    private static List<List<Placed>> Split(List<Placed> items, bool horizontal)
    {
        const double tolerance = 0.5;
        var sorted = horizontal
            ? items.OrderByDescending(i => i.Top).ToList()
            : items.OrderBy(i => i.Left).ToList();
        var groups = new List<List<Placed>> { new() { sorted[0] } };
        var edge = horizontal ? sorted[0].Bottom : sorted[0].Right;
        for (var i = 1; i < sorted.Count; i++)
        {
            var item = sorted[i];
            var separate = horizontal ? item.Top <= edge + tolerance : item.Left >= edge - tolerance;
            if (separate)
            {
                groups.Add([]);
            }

            groups[^1].Add(item);
            edge = separate
                ? (horizontal ? item.Bottom : item.Right)
                : (horizontal ? Math.Min(edge, item.Bottom) : Math.Max(edge, item.Right));
        }

        return groups;
    }

    private static List<TextRegion> Regions(List<Row> rows, HashSet<Row> skip)
    {
        var regions = new List<TextRegion>();
        var open = new List<TextRegion>();
        var targets = new List<TextRegion?>();
        foreach (var row in rows)
        {
            if (skip.Contains(row))
            {
                continue;
            }

            // Blocks that ended a few lines above stay in view: they tell where a two-column section ended.
            open.RemoveAll(r => r.LastBaseline - row.Baseline > 2 * BlockLineGap * Math.Max(r.Size, row.Size));
            targets.Clear();
            foreach (var fragment in row.Fragments)
            {
                TextRegion? target = null;
                var candidates = 0;
                foreach (var region in open)
                {
                    var gap = region.LastBaseline - fragment.Baseline;
                    if (gap > 0.3 * fragment.Size
                        && gap <= BlockLineGap * Math.Max(region.Size, fragment.Size)
                        && Math.Abs(region.Size - fragment.Size) < 1
                        && Overlaps(fragment, region.Left, region.Right))
                    {
                        candidates++;
                        target = region;
                    }
                }

                targets.Add(candidates == 1 ? target : null);
            }

            for (var f = 0; f < targets.Count; f++)
            {
                if (targets[f] is not { } target)
                {
                    continue;
                }

                // Two fragments of a row under one block start two columns. A row below side-by-side columns (both
                // still open, i.e. ended just above) that continues only one of them and is set off by more than
                // its line spacing starts a new block: it is the text below the two-column section.
                var shared = false;
                for (var g = 0; g < targets.Count; g++)
                {
                    shared |= g != f && ReferenceEquals(targets[g], target);
                }

                if (shared || open.Exists(other => ColumnEnded(other, target, row)))
                {
                    targets[f] = null;
                }
            }

            for (var f = 0; f < targets.Count; f++)
            {
                if (targets[f] is { } target)
                {
                    target.Add(row.Fragments[f]);
                }
                else
                {
                    var region = new TextRegion(row.Fragments[f]);
                    regions.Add(region);
                    open.Add(region);
                }
            }
        }

        return regions;

        static bool ColumnEnded(TextRegion other, TextRegion column, Row row) =>
            !ReferenceEquals(other, column)
            && (other.Right < column.Left || other.Left > column.Right)
            && column.LastBaseline - row.Baseline > 1.2 * column.Pitch
            && !row.Fragments.Exists(f => Overlaps(f, other.Left, other.Right));
    }

    private static bool Overlaps(Fragment fragment, double left, double right) => fragment.Left < right && fragment.Right > left;

    private static Line ToLine(Fragment fragment)
    {
        // Bold when every word with letters or digits is bold ("€." or "–" alone says nothing).
        var bold = false;
        foreach (var word in fragment.Words)
        {
            if (word.Text.Any(char.IsLetterOrDigit))
            {
                if (!word.Bold)
                {
                    bold = false;
                    break;
                }

                bold = true;
            }
        }

        return new Line(fragment.Text, fragment.Left, fragment.Right, fragment.Baseline, fragment.Size, bold);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Lines to blocks
    // ---------------------------------------------------------------------------------------------------------

    private sealed class Style(double bodySize)
    {
        public double BodySize { get; } = bodySize;

        /// <summary>Clearly larger than body text: a heading size.</summary>
        public bool IsHeadingSize(double size) => size >= BodySize * 1.15 && size - BodySize >= 1;
    }

    /// <summary>A heading whose level is known only when all heading sizes of the document are known.</summary>
    private sealed record HeadingDraft(double Size, bool BoldOnly, string Text) : ContentBlock;

    private static void EmitBlock(List<Line> lines, Style style, List<ContentBlock> output)
    {
        var paragraph = new List<string>();
        List<string>? listItems = null;
        var item = new List<string>();
        var itemLeft = 0.0;
        var blockRight = 0.0;
        var blockLeft = double.MaxValue;
        var pitches = new List<double>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            blockRight = Math.Max(blockRight, lines[i].Right);
            blockLeft = Math.Min(blockLeft, lines[i].Left);
            if (i > 0)
            {
                pitches.Add(lines[i - 1].Baseline - lines[i].Baseline);
            }
        }

        pitches.Sort();
        var pitch = pitches.Count > 0 ? pitches[pitches.Count / 2] : double.MaxValue;
        var blockWidth = Math.Max(1, blockRight - blockLeft);
        Line? previous = null;

        void FlushParagraph()
        {
            if (paragraph.Count > 0)
            {
                AddParagraph(output, JoinLines(paragraph));
                paragraph.Clear();
            }
        }

        void FlushItem()
        {
            if (item.Count > 0 && listItems is not null)
            {
                var text = Clean(JoinLines(item));
                if (text.Length > 0)
                {
                    listItems.Add(text);
                }

                item.Clear();
            }
        }

        void FlushList()
        {
            FlushItem();
            if (listItems is { Count: > 0 })
            {
                output.Add(new ListBlock(listItems));
            }

            listItems = null;
        }

        var index = 0;
        while (index < lines.Count)
        {
            var line = lines[index];

            // Headings: consecutive lines in a heading size, or one or two bold short lines.
            var headingSize = style.IsHeadingSize(line.Size);
            if (headingSize || (line.Bold && !ListMarker().IsMatch(line.Text)))
            {
                var end = index + 1;
                while (end < lines.Count
                    && Math.Abs(lines[end].Size - line.Size) < 0.5
                    && lines[end].Bold == line.Bold
                    && lines[end - 1].Baseline - lines[end].Baseline <= 2 * line.Size)
                {
                    end++;
                }

                var text = Clean(JoinLines(lines.GetRange(index, end - index).Select(l => l.Text)));
                var letters = text.Count(char.IsLetter);
                var isHeading = headingSize
                    ? text.Length <= 200 && letters >= 2
                    : end - index <= 2 && text.Length <= 150 && letters >= 2 && !EndsWithPunctuation(text);
                if (isHeading)
                {
                    FlushParagraph();
                    FlushList();
                    output.Add(new HeadingDraft(line.Size, !headingSize, text));
                    previous = null;
                    index = end;
                    continue;
                }
            }

            var marker = ListMarker().Match(line.Text);
            var isBullet = marker.Success && BulletMarker().IsMatch(marker.Value);
            var previousEnded = previous is null || listItems is not null || EndsSentence(previous.Text);
            if (marker.Success && (isBullet || previousEnded))
            {
                FlushParagraph();
                FlushItem();
                listItems ??= [];
                item.Add(isBullet ? line.Text[marker.Length..] : line.Text);
                itemLeft = line.Left;
                previous = line;
                index++;
                continue;
            }

            if (listItems is not null)
            {
                var indented = line.Left > itemLeft + 0.3 * line.Size;
                var continues = previous is not null && !EndsSentence(previous.Text) && StartsLower(line.Text);
                if (indented || continues)
                {
                    item.Add(line.Text);
                    previous = line;
                    index++;
                    continue;
                }

                FlushList();
            }

            // Paragraph breaks inside a block: a numbered Absatz "(2)" or a "§", a larger line gap than usual in
            // the block, a change between bold and regular, or a short line ending a sentence above.
            if (previous is not null && paragraph.Count > 0)
            {
                var gap = previous.Baseline - line.Baseline;
                var shortEnd = EndsSentence(previous.Text) && previous.Right < blockRight - 0.2 * blockWidth;
                if (AbsatzStart().IsMatch(line.Text) || gap > 1.35 * pitch || previous.Bold != line.Bold || shortEnd)
                {
                    FlushParagraph();
                }
            }

            paragraph.Add(line.Text);
            previous = line;
            index++;
        }

        FlushParagraph();
        FlushList();
    }

    private static bool EndsSentence(string text) => text.Length > 0 && text[^1] is '.' or ':' or '!' or '?' or ';';

    private static bool EndsWithPunctuation(string text) => text.Length > 0 && text[^1] is '.' or ',' or ';';

    private static bool StartsLower(string text) => text.Length > 0 && char.IsLower(text[0]);

    [GeneratedRegex(@"^(?:[•·▪‣◦●○■□►➢✓*\-–—]|\d{1,3}\.|\d{1,3}\)|[a-zA-Z]\)|\([a-z]\))\s")]
    private static partial Regex ListMarker();

    [GeneratedRegex(@"^[•·▪‣◦●○■□►➢✓*\-–—]\s$")]
    private static partial Regex BulletMarker();

    [GeneratedRegex(@"^(?:\(\d{1,3}\)|§)\s")]
    private static partial Regex AbsatzStart();

    /// <summary>Joins the lines of a paragraph, removing hyphens at line ends ("Gebüh-" + "ren" → "Gebühren").</summary>
    private static string JoinLines(IEnumerable<string> lines)
    {
        var builder = new StringBuilder();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (builder.Length == 0)
            {
                builder.Append(line);
                continue;
            }

            var last = builder.Length - 1;
            var hyphen = builder[last] is '-' or '\u00AD' or '\u2010';
            if (hyphen && last > 0 && char.IsAsciiDigit(builder[last - 1]) && char.IsAsciiDigit(line[0]))
            {
                // "2024-" + "2025": a range.
                builder.Append(line);
                continue;
            }

            if (hyphen && last > 0 && char.IsLetter(builder[last - 1]))
            {
                if (char.IsLower(line[0]))
                {
                    var space = line.IndexOf(' ', StringComparison.Ordinal);
                    var nextWord = space < 0 ? line : line[..space];
                    if (KeepHyphenBefore.Contains(nextWord))
                    {
                        // "Ein- und Ausfahrt": an elided compound, not a split word.
                        builder[last] = '-';
                        builder.Append(' ').Append(line);
                    }
                    else
                    {
                        builder.Length = last;
                        builder.Append(line);
                    }
                }
                else
                {
                    // "E-" + "Mail", "Bürger-" + "Service": the hyphen belongs to the word.
                    builder[last] = '-';
                    builder.Append(line);
                }

                continue;
            }

            builder.Append(' ').Append(line);
        }

        return builder.ToString();
    }

    private static void AddParagraph(List<ContentBlock> output, string text)
    {
        var value = Clean(text);
        if (value.Length > 0)
        {
            output.Add(new ParagraphBlock(value));
        }
    }

    /// <summary>Whitespace collapsed, soft hyphens removed, ligatures ("ﬁ") spelled out.</summary>
    private static string Clean(string? text)
    {
        if (text is null)
        {
            return "";
        }

        if (text.AsSpan().IndexOfAnyInRange('\uFB00', '\uFB04') < 0 && !text.Contains('\u00AD', StringComparison.Ordinal))
        {
            return TextNormalizer.Clean(text);
        }

        var builder = new StringBuilder(text.Length + 4);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\u00AD' => builder,
                '\uFB00' => builder.Append("ff"),
                '\uFB01' => builder.Append("fi"),
                '\uFB02' => builder.Append("fl"),
                '\uFB03' => builder.Append("ffi"),
                '\uFB04' => builder.Append("ffl"),
                _ => builder.Append(c),
            };
        }

        return TextNormalizer.Clean(builder.ToString());
    }

    private static List<ContentBlock> ResolveHeadings(List<ContentBlock> drafts)
    {
        // Heading sizes from largest to smallest; sizes within a point of each other are one level.
        var clusters = new List<double>();
        foreach (var size in drafts.OfType<HeadingDraft>().Where(h => !h.BoldOnly).Select(h => h.Size).Distinct().OrderDescending())
        {
            if (clusters.Count == 0 || clusters[^1] - size >= 1)
            {
                clusters.Add(size);
            }
        }

        int LevelOf(HeadingDraft heading)
        {
            if (heading.BoldOnly)
            {
                return Math.Min(3, clusters.Count + 1);
            }

            var level = 1;
            for (var i = 1; i < clusters.Count && heading.Size < clusters[i] + 1; i++)
            {
                level = i + 1;
            }

            return Math.Min(3, level);
        }

        return drafts.ConvertAll(b => b is HeadingDraft h ? new HeadingBlock(LevelOf(h), h.Text, null) : b);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Metadata
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>The Title entry, unless it is a producer's placeholder ("Microsoft Word - x.docx", "Untitled").</summary>
    private static string? MeaningfulTitle(string? title)
    {
        var value = Clean(title);
        return value.Length < 3 || JunkTitle().IsMatch(value) ? null : value;
    }

    [GeneratedRegex(@"^(?:untitled|unbenannt|ohne titel|titel|title|dokument\s*\d*|document\s*\d*|folie\s*\d*|microsoft (?:word|powerpoint|excel)\b.*)$|\.(?:docx?|odt|rtf|pdf|indd|xlsx?|pptx?|qxp)$", RegexOptions.IgnoreCase)]
    private static partial Regex JunkTitle();

    private static string FileTitle(string url)
    {
        var name = url;
        var cut = name.IndexOfAny(['?', '#']);
        if (cut >= 0)
        {
            name = name[..cut];
        }

        name = name.TrimEnd('/');
        var slash = name.LastIndexOfAny(['/', '\\']);
        if (slash >= 0)
        {
            name = name[(slash + 1)..];
        }

        var title = Clean(Path.GetFileNameWithoutExtension(Uri.UnescapeDataString(name)));
        return title.Length > 0 ? title : url;
    }

    private static DateTimeOffset? LastModified(DocumentInformation information)
    {
        try
        {
            return information.GetModifiedDateTimeOffset() ?? information.GetCreatedDateTimeOffset();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException or InvalidOperationException)
        {
            return null;
        }
    }
}
