using System.Globalization;
using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using S = DocumentFormat.OpenXml.Spreadsheet;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Stadtdialog.Core.Tests;

/// <summary>
/// Generates real Office files with the OpenXml SDK (Word with a styles and a numbering part, Excel with shared
/// strings and number formats) and hostile ZIP packages, for reader tests.
/// </summary>
public static class OfficeFixtures
{
    public const long MiB = 1024 * 1024;

    /// <summary>A table cell with this text is merged into the cell on its left (<c>gridSpan</c>).</summary>
    public const string MergedLeft = "<merged-left>";

    /// <summary>A table cell with this text continues the cell above (<c>vMerge</c>).</summary>
    public const string MergedUp = "<merged-up>";

    public enum DocxBlockKind
    {
        Title,
        Heading,
        Paragraph,
        OutlineParagraph,
        Bullets,
        Numbered,
        Table,
    }

    /// <summary>One block of a generated Word document; build with the factory methods below.</summary>
    public sealed record DocxBlock(DocxBlockKind Kind, int Level, IReadOnlyList<string> Texts, IReadOnlyList<string[]>? Rows = null);

    /// <summary>Document-wide settings of a generated Word document.</summary>
    /// <param name="CoreTitle">Title in the core properties (docProps/core.xml); null for none.</param>
    /// <param name="Modified">Modification time in the core properties.</param>
    /// <param name="Language">w:lang of the document defaults; null for none.</param>
    /// <param name="HeadingStyleIdPrefix">Style id of heading N is prefix + N (German Word: "berschrift").</param>
    /// <param name="HeadingStyleNamePrefix">Style name of heading N is prefix + N (Word: "heading ", LibreOffice German: "Überschrift ").</param>
    /// <param name="TitleStyleId">Style id of the title style (German Word: "Titel").</param>
    /// <param name="StyleOutlineLevels">Whether heading styles carry w:outlineLvl, as Word's do.</param>
    public sealed record DocxOptions(
        string? CoreTitle = null,
        DateTimeOffset? Modified = null,
        string? Language = "de-DE",
        string HeadingStyleIdPrefix = "Heading",
        string HeadingStyleNamePrefix = "heading ",
        string TitleStyleId = "Title",
        bool StyleOutlineLevels = false);

    public static DocxBlock Title(string text) => new(DocxBlockKind.Title, 0, [text]);

    public static DocxBlock Heading(int level, string text) => new(DocxBlockKind.Heading, level, [text]);

    public static DocxBlock Paragraph(string text) => new(DocxBlockKind.Paragraph, 0, [text]);

    /// <summary>A paragraph in the normal style that is a heading only through its direct outline level (0 = level 1).</summary>
    public static DocxBlock OutlineParagraph(int outlineLevel, string text) => new(DocxBlockKind.OutlineParagraph, outlineLevel, [text]);

    public static DocxBlock Bullets(params string[] items) => new(DocxBlockKind.Bullets, 0, items);

    public static DocxBlock Numbered(params string[] items) => new(DocxBlockKind.Numbered, 0, items);

    /// <summary>A table; the first row is its header. Use <see cref="MergedLeft"/> and <see cref="MergedUp"/> for merged cells.</summary>
    public static DocxBlock Table(params string[][] rows) => new(DocxBlockKind.Table, 0, [], rows);

    /// <summary>The blocks of <see cref="SampleDocx"/>.</summary>
    public static IReadOnlyList<DocxBlock> SampleBlocks { get; } =
    [
        Title("Personalausweis beantragen"),
        Paragraph("Einen neuen Personalausweis beantragen Sie persönlich im Bürgerbüro."),
        Paragraph("   "),
        Heading(1, "Voraussetzungen"),
        Paragraph("Sie müssen in Musterstadt gemeldet sein."),
        Heading(2, "Benötigte Unterlagen"),
        Bullets("ein biometrisches Passfoto", "der bisherige Ausweis", "bei Kindern: die Geburtsurkunde"),
        Heading(3, "Für Kinder"),
        Paragraph("Kinder brauchen die Zustimmung beider Eltern."),
        Heading(2, "Ablauf"),
        Numbered("Termin online buchen", "Unterlagen mitbringen", "Ausweis nach drei Wochen abholen"),
        Heading(1, "Gebühren"),
        Table(
            ["Antragsteller", "Gebühr"],
            ["ab 24 Jahren", "37,00 Euro"],
            ["unter 24 Jahren", "22,80 Euro"]),
        Paragraph("Die Gebühr zahlen Sie bar oder mit Karte."),
    ];

    /// <summary>A complete municipal Word document: title, headings of levels 1–3, paragraphs, both list kinds, a table.</summary>
    public static byte[] SampleDocx(DocxOptions? options = null) =>
        Docx(options ?? new DocxOptions(CoreTitle: "Personalausweis beantragen", Modified: new DateTimeOffset(2026, 3, 1, 9, 30, 0, TimeSpan.Zero)),
            [.. SampleBlocks]);

    public static byte[] Docx(params DocxBlock[] blocks) => Docx(new DocxOptions(), blocks);

    public static byte[] Docx(DocxOptions options, params DocxBlock[] blocks)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var styles = main.AddNewPart<StyleDefinitionsPart>();
            styles.Styles = WordStyles(options);
            var numbering = main.AddNewPart<NumberingDefinitionsPart>();
            numbering.Numbering = WordNumbering();

            var body = new W.Body();
            foreach (var block in blocks)
            {
                foreach (var element in WordElements(block, options))
                {
                    body.Append(element);
                }
            }

            body.Append(new W.SectionProperties());
            main.Document = new W.Document(body);

            if (options.CoreTitle is not null)
            {
                document.PackageProperties.Title = options.CoreTitle;
            }

            if (options.Modified is { } modified)
            {
                document.PackageProperties.Modified = modified.UtcDateTime;
            }
        }

        return stream.ToArray();
    }

    private static IEnumerable<OpenXmlElement> WordElements(DocxBlock block, DocxOptions options)
    {
        switch (block.Kind)
        {
            case DocxBlockKind.Title:
                yield return WordParagraph(block.Texts[0], new W.ParagraphStyleId { Val = options.TitleStyleId });
                break;
            case DocxBlockKind.Heading:
                yield return WordParagraph(block.Texts[0], new W.ParagraphStyleId { Val = options.HeadingStyleIdPrefix + block.Level });
                break;
            case DocxBlockKind.Paragraph:
                yield return WordParagraph(block.Texts[0]);
                break;
            case DocxBlockKind.OutlineParagraph:
                yield return WordParagraph(block.Texts[0], new W.OutlineLevel { Val = block.Level });
                break;
            case DocxBlockKind.Bullets or DocxBlockKind.Numbered:
                var numberingId = block.Kind == DocxBlockKind.Bullets ? 1 : 2;
                foreach (var item in block.Texts)
                {
                    yield return WordParagraph(item, new W.NumberingProperties(
                        new W.NumberingLevelReference { Val = 0 }, new W.NumberingId { Val = numberingId }));
                }

                break;
            case DocxBlockKind.Table:
                yield return WordTable(block.Rows ?? []);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(block));
        }
    }

    private static W.Paragraph WordParagraph(string text, params OpenXmlElement[] properties)
    {
        var paragraph = new W.Paragraph();
        if (properties.Length > 0)
        {
            paragraph.Append(new W.ParagraphProperties(properties));
        }

        // Two runs, the second with a line break inside, the way Word splits text at formatting changes.
        var lines = text.Split('\n');
        var run = new W.Run();
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                run.Append(new W.Break());
            }

            run.Append(new W.Text(lines[i]) { Space = SpaceProcessingModeValues.Preserve });
        }

        paragraph.Append(run);
        return paragraph;
    }

    private static W.Table WordTable(IReadOnlyList<string[]> rows)
    {
        var columns = rows.Count == 0 ? 0 : rows.Max(r => r.Length);
        var table = new W.Table(
            new W.TableProperties(new W.TableStyle { Val = "TableGrid" }, new W.TableWidth { Type = W.TableWidthUnitValues.Auto, Width = "0" }),
            new W.TableGrid(Enumerable.Range(0, columns).Select(_ => new W.GridColumn { Width = "3000" })));
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var tableRow = new W.TableRow();
            for (var i = 0; i < row.Length; i++)
            {
                if (row[i] == MergedLeft)
                {
                    continue;
                }

                var span = 1;
                while (i + span < row.Length && row[i + span] == MergedLeft)
                {
                    span++;
                }

                var cellProperties = new W.TableCellProperties(new W.TableCellWidth { Type = W.TableWidthUnitValues.Dxa, Width = (3000 * span).ToString(CultureInfo.InvariantCulture) });
                if (span > 1)
                {
                    cellProperties.Append(new W.GridSpan { Val = span });
                }

                var text = row[i];
                if (text == MergedUp)
                {
                    cellProperties.Append(new W.VerticalMerge());
                    text = "";
                }
                else if (r + 1 < rows.Count && i < rows[r + 1].Length && rows[r + 1][i] == MergedUp)
                {
                    cellProperties.Append(new W.VerticalMerge { Val = W.MergedCellValues.Restart });
                }

                // Every cell needs a paragraph, even an empty one.
                tableRow.Append(new W.TableCell(cellProperties, text.Length > 0 ? WordParagraph(text) : new W.Paragraph()));
            }

            table.Append(tableRow);
        }

        return table;
    }

    private static W.Styles WordStyles(DocxOptions options)
    {
        var runDefaults = new W.RunPropertiesBaseStyle(new W.RunFonts { Ascii = "Calibri", HighAnsi = "Calibri" });
        if (options.Language is not null)
        {
            runDefaults.Append(new W.Languages { Val = options.Language, EastAsia = "en-US", Bidi = "ar-SA" });
        }

        var styles = new W.Styles(
            new W.DocDefaults(new W.RunPropertiesDefault(runDefaults), new W.ParagraphPropertiesDefault()),
            new W.Style(new W.StyleName { Val = "Normal" }, new W.PrimaryStyle())
            {
                Type = W.StyleValues.Paragraph,
                StyleId = options.HeadingStyleIdPrefix == "Heading" ? "Normal" : "Standard",
                Default = true,
            },
            new W.Style(
                new W.StyleName { Val = "Title" },
                new W.BasedOn { Val = options.HeadingStyleIdPrefix == "Heading" ? "Normal" : "Standard" },
                new W.PrimaryStyle(),
                new W.StyleRunProperties(new W.FontSize { Val = "56" }))
            {
                Type = W.StyleValues.Paragraph,
                StyleId = options.TitleStyleId,
            });

        for (var level = 1; level <= 6; level++)
        {
            var paragraphProperties = new W.StyleParagraphProperties(new W.KeepNext());
            if (options.StyleOutlineLevels)
            {
                paragraphProperties.Append(new W.OutlineLevel { Val = level - 1 });
            }

            styles.Append(new W.Style(
                new W.StyleName { Val = options.HeadingStyleNamePrefix + level.ToString(CultureInfo.InvariantCulture) },
                new W.BasedOn { Val = options.HeadingStyleIdPrefix == "Heading" ? "Normal" : "Standard" },
                new W.NextParagraphStyle { Val = options.HeadingStyleIdPrefix == "Heading" ? "Normal" : "Standard" },
                new W.PrimaryStyle(),
                paragraphProperties,
                new W.StyleRunProperties(new W.Bold(), new W.FontSize { Val = (34 - (4 * level)).ToString(CultureInfo.InvariantCulture) }))
            {
                Type = W.StyleValues.Paragraph,
                StyleId = options.HeadingStyleIdPrefix + level.ToString(CultureInfo.InvariantCulture),
            });
        }

        return styles;
    }

    private static W.Numbering WordNumbering() => new(
        new W.AbstractNum(
            new W.Level(
                new W.StartNumberingValue { Val = 1 },
                new W.NumberingFormat { Val = W.NumberFormatValues.Bullet },
                new W.LevelText { Val = "•" },
                new W.LevelJustification { Val = W.LevelJustificationValues.Left })
            { LevelIndex = 0 })
        { AbstractNumberId = 0 },
        new W.AbstractNum(
            new W.Level(
                new W.StartNumberingValue { Val = 1 },
                new W.NumberingFormat { Val = W.NumberFormatValues.Decimal },
                new W.LevelText { Val = "%1." },
                new W.LevelJustification { Val = W.LevelJustificationValues.Left })
            { LevelIndex = 0 })
        { AbstractNumberId = 1 },
        new W.NumberingInstance(new W.AbstractNumId { Val = 0 }) { NumberID = 1 },
        new W.NumberingInstance(new W.AbstractNumId { Val = 1 }) { NumberID = 2 });

    /// <summary>A sheet of a generated workbook.</summary>
    /// <param name="Name">The sheet's name (tab).</param>
    /// <param name="Rows">Cells: <c>string</c> (shared string), <c>null</c> (no cell), <c>int</c>/<c>long</c>/<c>double</c>/<c>decimal</c>
    /// (number in the General format), <c>bool</c>, <c>DateTime</c> (date serial with built-in format 14),
    /// <see cref="XlsxNumber"/> (number with a format code), <see cref="XlsxInlineString"/> or <see cref="XlsxRichText"/>.</param>
    /// <param name="Hidden">Whether the sheet is hidden.</param>
    public sealed record XlsxSheet(string Name, object?[][] Rows, bool Hidden = false);

    /// <summary>A number cell with a custom format code, e.g. <c>#,##0.00 "€"</c> or <c>dd/mm/yyyy</c>.</summary>
    public sealed record XlsxNumber(double Value, string FormatCode);

    /// <summary>A cell holding an inline string (t="inlineStr") instead of a shared string.</summary>
    public sealed record XlsxInlineString(string Text);

    /// <summary>A shared string in rich-text runs, with a phonetic hint (<c>rPh</c>) that is not part of the text.</summary>
    public sealed record XlsxRichText(string[] Runs, string PhoneticHint = "ふりがな");

    /// <summary>A workbook whose cells are all shared strings; an empty string leaves the cell out.</summary>
    public static byte[] Xlsx(params (string Sheet, string[][] Rows)[] sheets) =>
        Xlsx(sheets.Select(s => new XlsxSheet(s.Sheet, s.Rows.Select(r => r.Select(c => c.Length == 0 ? null : (object?)c).ToArray()).ToArray())).ToArray());

    public static byte[] Xlsx(params XlsxSheet[] sheets)
    {
        var sharedStrings = new List<string>();
        var sharedIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var customFormats = new List<string>();

        var richTexts = new Dictionary<int, XlsxRichText>();

        int Shared(string text)
        {
            if (!sharedIndex.TryGetValue(text, out var index))
            {
                index = sharedStrings.Count;
                sharedStrings.Add(text);
                sharedIndex[text] = index;
            }

            return index;
        }

        int SharedRich(XlsxRichText rich)
        {
            sharedStrings.Add(string.Concat(rich.Runs));
            richTexts[sharedStrings.Count - 1] = rich;
            return sharedStrings.Count - 1;
        }

        // Style 0 = General, 1 = built-in date (14), 2.. = custom formats in order of appearance.
        uint CustomStyle(string code)
        {
            var index = customFormats.IndexOf(code);
            if (index < 0)
            {
                index = customFormats.Count;
                customFormats.Add(code);
            }

            return (uint)(2 + index);
        }

        S.Cell Cell(object value, string reference) => value switch
        {
            string text => new S.Cell(new S.CellValue(Shared(text))) { CellReference = reference, DataType = S.CellValues.SharedString },
            XlsxRichText rich => new S.Cell(new S.CellValue(SharedRich(rich))) { CellReference = reference, DataType = S.CellValues.SharedString },
            XlsxInlineString inline => new S.Cell(new S.InlineString(new S.Text(inline.Text))) { CellReference = reference, DataType = S.CellValues.InlineString },
            bool flag => new S.Cell(new S.CellValue(flag ? "1" : "0")) { CellReference = reference, DataType = S.CellValues.Boolean },
            DateTime date => new S.Cell(new S.CellValue(date.ToOADate().ToString("R", CultureInfo.InvariantCulture))) { CellReference = reference, StyleIndex = 1 },
            XlsxNumber number => new S.Cell(new S.CellValue(number.Value.ToString("R", CultureInfo.InvariantCulture))) { CellReference = reference, StyleIndex = CustomStyle(number.FormatCode) },
            IConvertible convertible => new S.Cell(new S.CellValue(convertible.ToDouble(CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture))) { CellReference = reference },
            _ => throw new ArgumentException($"Unsupported cell value {value.GetType().Name}.", nameof(sheets)),
        };

        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddWorkbookPart();
            var sheetList = new S.Sheets();
            uint sheetId = 1;
            foreach (var sheet in sheets)
            {
                var worksheetPart = workbookPart.AddNewPart<WorksheetPart>();
                var data = new S.SheetData();
                for (var r = 0; r < sheet.Rows.Length; r++)
                {
                    var row = new S.Row { RowIndex = (uint)(r + 1) };
                    for (var c = 0; c < sheet.Rows[r].Length; c++)
                    {
                        if (sheet.Rows[r][c] is { } value)
                        {
                            row.Append(Cell(value, ColumnName(c) + (r + 1).ToString(CultureInfo.InvariantCulture)));
                        }
                    }

                    data.Append(row);
                }

                worksheetPart.Worksheet = new S.Worksheet(data);
                sheetList.Append(new S.Sheet
                {
                    Name = sheet.Name,
                    SheetId = sheetId++,
                    Id = workbookPart.GetIdOfPart(worksheetPart),
                    State = sheet.Hidden ? S.SheetStateValues.Hidden : null,
                });
            }

            workbookPart.Workbook = new S.Workbook(sheetList);

            var sharedStringPart = workbookPart.AddNewPart<SharedStringTablePart>();
            sharedStringPart.SharedStringTable = new S.SharedStringTable(
                sharedStrings.Select((s, i) => richTexts.TryGetValue(i, out var rich) ? RichItem(rich) : new S.SharedStringItem(new S.Text(s) { Space = SpaceProcessingModeValues.Preserve })))
            {
                Count = (uint)sharedStrings.Count,
                UniqueCount = (uint)sharedStrings.Count,
            };

            var stylesPart = workbookPart.AddNewPart<WorkbookStylesPart>();
            stylesPart.Stylesheet = Stylesheet(customFormats);
        }

        return stream.ToArray();
    }

    private static S.SharedStringItem RichItem(XlsxRichText rich)
    {
        var item = new S.SharedStringItem(rich.Runs.Select((text, i) => new S.Run(
            new S.RunProperties(i % 2 == 1 ? new S.Bold() : new S.Italic()),
            new S.Text(text) { Space = SpaceProcessingModeValues.Preserve })));
        item.Append(new S.PhoneticRun(new S.Text(rich.PhoneticHint)) { BaseTextStartIndex = 0, EndingBaseIndex = 1 });
        return item;
    }

    /// <summary>0 → "A", 25 → "Z", 26 → "AA".</summary>
    public static string ColumnName(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            name = (char)('A' + ((n - 1) % 26)) + name;
        }

        return name;
    }

    private static S.Stylesheet Stylesheet(List<string> customFormats)
    {
        var cellFormats = new S.CellFormats(
            new S.CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0 },
            new S.CellFormat { NumberFormatId = 14, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true });
        var numberingFormats = new S.NumberingFormats();
        for (var i = 0; i < customFormats.Count; i++)
        {
            var id = (uint)(164 + i);
            numberingFormats.Append(new S.NumberingFormat { NumberFormatId = id, FormatCode = customFormats[i] });
            cellFormats.Append(new S.CellFormat { NumberFormatId = id, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true });
        }

        numberingFormats.Count = (uint)customFormats.Count;
        cellFormats.Count = (uint)cellFormats.ChildElements.Count;
        var stylesheet = new S.Stylesheet();
        if (customFormats.Count > 0)
        {
            stylesheet.Append(numberingFormats);
        }

        stylesheet.Append(
            new S.Fonts(new S.Font(new S.FontSize { Val = 11 }, new S.FontName { Val = "Calibri" })) { Count = 1 },
            new S.Fills(
                new S.Fill(new S.PatternFill { PatternType = S.PatternValues.None }),
                new S.Fill(new S.PatternFill { PatternType = S.PatternValues.Gray125 }))
            { Count = 2 },
            new S.Borders(new S.Border(new S.LeftBorder(), new S.RightBorder(), new S.TopBorder(), new S.BottomBorder(), new S.DiagonalBorder())) { Count = 1 },
            new S.CellStyleFormats(new S.CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 },
            cellFormats);
        return stylesheet;
    }

    /// <summary>A ZIP package with the given text entries (e.g. a ZIP that is no Office file).</summary>
    public static byte[] Zip(params (string Name, string Content)[] entries)
    {
        using var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var entry = archive.CreateEntry(name, CompressionLevel.Optimal).Open();
                entry.Write(Encoding.UTF8.GetBytes(content));
            }
        }

        return stream.ToArray();
    }

    /// <summary>
    /// A zip bomb disguised as a Word document: one part of <paramref name="unpackedBytes"/> zeros (about 1000:1),
    /// written in a streaming way so that generating it needs little memory. The default of 300 MB exceeds the
    /// default <see cref="Knowledge.Readers.ReaderLimits.MaxUnpackedBytes"/> (200 MB) and ratio (200:1).
    /// </summary>
    public static byte[] ZipBomb(long unpackedBytes = 300 * MiB, string entryName = "word/document.xml")
    {
        using var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var types = archive.CreateEntry("[Content_Types].xml").Open())
            {
                types.Write(Encoding.UTF8.GetBytes(
                    """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"""));
            }

            using var entry = archive.CreateEntry(entryName, CompressionLevel.SmallestSize).Open();
            var zeros = new byte[MiB];
            for (var written = 0L; written < unpackedBytes; written += zeros.Length)
            {
                entry.Write(zeros, 0, (int)Math.Min(zeros.Length, unpackedBytes - written));
            }
        }

        return stream.ToArray();
    }

    /// <summary>
    /// A ZIP whose single part unpacks to <paramref name="actualBytes"/> while its headers declare only
    /// <paramref name="declaredBytes"/>: a reader that trusts the headers is fooled.
    /// </summary>
    public static byte[] ZipWithUnderstatedSize(int actualBytes = 4 * 1024 * 1024, int declaredBytes = 1000)
    {
        var filler = new StringBuilder(actualBytes);
        var random = new Random(7);
        while (filler.Length < actualBytes)
        {
            filler.Append(random.Next(100_000).ToString(CultureInfo.InvariantCulture)).Append(' ');
        }

        var bytes = Zip(("word/document.xml", filler.ToString(0, actualBytes)));
        var patched = 0;
        for (var i = 0; i + 4 <= bytes.Length; i++)
        {
            var signature = BitConverter.ToUInt32(bytes, i);
            var sizeOffset = signature switch
            {
                0x04034b50 => i + 22, // local file header: uncompressed size
                0x02014b50 => i + 24, // central directory header: uncompressed size
                _ => -1,
            };
            if (sizeOffset > 0 && sizeOffset + 4 <= bytes.Length && BitConverter.ToInt32(bytes, sizeOffset) == actualBytes)
            {
                BitConverter.GetBytes(declaredBytes).CopyTo(bytes, sizeOffset);
                patched++;
            }
        }

        return patched == 2 ? bytes : throw new InvalidOperationException($"Patched {patched} size fields instead of 2.");
    }
}
