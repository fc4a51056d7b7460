using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using Stadtdialog.Knowledge;
using Stadtdialog.Knowledge.Readers;
using Xunit;
using static Stadtdialog.Core.Tests.OfficeFixtures;
using ReadFormat = Stadtdialog.Knowledge.Readers.FileFormat;

namespace Stadtdialog.Core.Tests;

public sealed class OfficeReaderTests
{
    private const string DocxUrl = "https://www.musterstadt.de/dokumente/Merkblatt%20Personalausweis.docx";
    private static readonly ReaderLimits Limits = new();

    /// <summary>Generated once (about a second): 300 MB of zeros in about 300 KB.</summary>
    private static readonly Lazy<byte[]> Bomb = new(() => ZipBomb());

    // ---- DOCX ----

    [Fact]
    public void Docx_reads_headings_paragraphs_lists_and_tables_in_order()
    {
        var document = DocxDocumentReader.Read(SampleDocx(), DocxUrl, Limits);

        Assert.Equal(
        [
            "H1 Personalausweis beantragen",
            "P Einen neuen Personalausweis beantragen Sie persönlich im Bürgerbüro.",
            "H1 Voraussetzungen",
            "P Sie müssen in Musterstadt gemeldet sein.",
            "H2 Benötigte Unterlagen",
            "L ein biometrisches Passfoto | der bisherige Ausweis | bei Kindern: die Geburtsurkunde",
            "H3 Für Kinder",
            "P Kinder brauchen die Zustimmung beider Eltern.",
            "H2 Ablauf",
            "L Termin online buchen | Unterlagen mitbringen | Ausweis nach drei Wochen abholen",
            "H1 Gebühren",
            "T Antragsteller | Gebühr // ab 24 Jahren | 37,00 Euro // unter 24 Jahren | 22,80 Euro",
            "P Die Gebühr zahlen Sie bar oder mit Karte.",
        ], document.Blocks.Select(Describe));
    }

    [Fact]
    public void Docx_takes_title_modification_time_and_language_from_the_package()
    {
        var document = DocxDocumentReader.Read(
            SampleDocx(new DocxOptions(CoreTitle: "Merkblatt: Ausweis für Bürgerinnen", Modified: new DateTimeOffset(2026, 3, 1, 9, 30, 0, TimeSpan.Zero))),
            DocxUrl,
            Limits);

        Assert.Equal("Merkblatt: Ausweis für Bürgerinnen", document.Title);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 9, 30, 0, TimeSpan.Zero), document.LastModified);
        Assert.Equal("de", document.Language);
        Assert.Equal(DocxUrl, document.Url);
        Assert.Equal(DocumentKind.Page, document.Kind);
    }

    [Fact]
    public void Docx_title_falls_back_to_the_title_paragraph_then_the_first_heading_then_the_file_name()
    {
        var titled = DocxDocumentReader.Read(SampleDocx(new DocxOptions()), DocxUrl, Limits);
        var headed = DocxDocumentReader.Read(Docx(Paragraph("Vorwort."), Heading(1, "Hundesteuer"), Paragraph("Text.")), DocxUrl, Limits);
        var plain = DocxDocumentReader.Read(Docx(Paragraph("Nur Text.")), DocxUrl, Limits);
        var relative = DocxDocumentReader.Read(Docx(Paragraph("Nur Text.")), "dokumente/Gebühren 2026.docx", Limits);

        Assert.Equal("Personalausweis beantragen", titled.Title);
        Assert.Null(titled.LastModified);
        Assert.Equal("Hundesteuer", headed.Title);
        Assert.Equal("Merkblatt Personalausweis", plain.Title);
        Assert.Equal("Gebühren 2026", relative.Title);
    }

    [Theory]
    [InlineData("berschrift", "heading ", "Titel", false)] // German Word: localized ids, English built-in names
    [InlineData("P", "Überschrift ", "Titel", false)] // LibreOffice (German): names localized, ids arbitrary
    [InlineData("Kapitel", "Kapitel ", "Titel", true)] // custom styles: only the outline level says "heading"
    public void Docx_resolves_headings_through_the_styles_part(string idPrefix, string namePrefix, string titleId, bool outlineLevels)
    {
        var options = new DocxOptions(HeadingStyleIdPrefix: idPrefix, HeadingStyleNamePrefix: namePrefix, TitleStyleId: titleId,
            StyleOutlineLevels: outlineLevels);

        var document = DocxDocumentReader.Read(Docx(options, [.. SampleBlocks]), DocxUrl, Limits);

        var headings = document.Blocks.OfType<HeadingBlock>().Select(h => $"{h.Level} {h.Text}");
        Assert.Equal(
        [
            "1 Personalausweis beantragen", "1 Voraussetzungen", "2 Benötigte Unterlagen", "3 Für Kinder", "2 Ablauf", "1 Gebühren",
        ], headings);
        Assert.Equal("Personalausweis beantragen", document.Title);
    }

    [Fact]
    public void Docx_reads_headings_from_direct_outline_levels_and_skips_empty_paragraphs()
    {
        var document = DocxDocumentReader.Read(
            Docx(OutlineParagraph(1, "Zuständigkeit"), Paragraph(""), Paragraph("  "), Paragraph("Das Bürgerbüro\nim Rathaus.")),
            DocxUrl,
            Limits);

        Assert.Equal(["H2 Zuständigkeit", "P Das Bürgerbüro im Rathaus."], document.Blocks.Select(Describe));
    }

    [Fact]
    public void Docx_groups_consecutive_list_paragraphs_and_separates_lists_interrupted_by_text()
    {
        var document = DocxDocumentReader.Read(
            Docx(Bullets("Äpfel", "Öl"), Numbered("Übergabe"), Paragraph("Dazwischen."), Bullets("Straße")),
            DocxUrl,
            Limits);

        Assert.Equal(["L Äpfel | Öl | Übergabe", "P Dazwischen.", "L Straße"], document.Blocks.Select(Describe));
    }

    [Fact]
    public void Docx_tolerates_merged_table_cells()
    {
        var document = DocxDocumentReader.Read(
            Docx(
                Paragraph("Gebühren im Überblick."),
                Table(
                    ["Leistung", "Gebühr", MergedLeft],
                    ["Personalausweis", "37,00", "Euro"],
                    [MergedUp, "22,80", "Euro"],
                    ["Reisepass", "70,00", "Euro"])),
            DocxUrl,
            Limits);

        var table = Assert.Single(document.Blocks.OfType<TableBlock>());
        Assert.Equal(["Leistung", "Gebühr", ""], table.Header);
        Assert.Equal(
        [
            "Personalausweis | 37,00 | Euro", "Personalausweis | 22,80 | Euro", "Reisepass | 70,00 | Euro",
        ], table.Rows.Select(r => string.Join(" | ", r)));
    }

    [Theory]
    [InlineData("en-GB", "en")]
    [InlineData("fr", "fr")]
    [InlineData(null, "de")]
    public void Docx_language_is_the_two_letter_code_of_the_default_language(string? language, string expected)
    {
        var document = DocxDocumentReader.Read(Docx(new DocxOptions(Language: language), Paragraph("Text.")), DocxUrl, Limits);

        Assert.Equal(expected, document.Language);
    }

    [Fact]
    public void Docx_without_text_is_an_error()
    {
        var error = Assert.Throws<DocumentReadException>(() => DocxDocumentReader.Read(Docx(Heading(1, "Nur eine Überschrift")), DocxUrl, Limits));

        Assert.Contains("no text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Docx_is_read_through_the_document_readers()
    {
        var raw = new RawDocument("dokumente/ausweis.docx", DocxUrl, ReadFormat.Docx, SampleDocx());

        var document = Assert.Single(DocumentReaders.Read(raw, new ReadContext(DateTimeOffset.UnixEpoch, Limits)));

        Assert.Equal("Personalausweis beantragen", document.Title);
        Assert.NotEmpty(new Chunker().Split(document));
    }

    // ---- XLSX ----

    [Fact]
    public void Xlsx_reads_visible_sheets_in_workbook_order_row_wise()
    {
        var bytes = Xlsx(
            ("Gebühren", [["Leistung", "Gebühr"], ["Personalausweis", "37,00 Euro"], ["Reisepass", "70,00 Euro"]]),
            ("Öffnungszeiten", [["Tag", "Zeit"], ["Montag", "8–12 Uhr"]]));

        var sheets = XlsxDocumentReader.ReadSheets(bytes, Limits);

        Assert.Equal(["Gebühren", "Öffnungszeiten"], sheets.Select(s => s.Name));
        Assert.Equal(["Leistung|Gebühr", "Personalausweis|37,00 Euro", "Reisepass|70,00 Euro"], sheets[0].Rows.Select(r => string.Join("|", r)));
        Assert.Equal(["Tag|Zeit", "Montag|8–12 Uhr"], sheets[1].Rows.Select(r => string.Join("|", r)));

        var document = SpreadsheetReader.ToDocument(sheets, "https://www.musterstadt.de/gebuehren.xlsx", "gebuehren");
        Assert.Equal(
        [
            "H2 Gebühren",
            "T Leistung | Gebühr // Personalausweis | 37,00 Euro // Reisepass | 70,00 Euro",
            "H2 Öffnungszeiten",
            "T Tag | Zeit // Montag | 8–12 Uhr",
        ], document.Blocks.Select(Describe));
        Assert.Equal("gebuehren", document.Title);
        Assert.Equal("de", document.Language);
    }

    [Fact]
    public void Xlsx_formats_numbers_and_dates_the_german_way()
    {
        var bytes = Xlsx(new XlsxSheet("Gebühren",
        [
            ["Leistung", "Gebühr", "Stand", "Anteil", "Anzahl", "Bezahlt", "Uhrzeit", "Notiz"],
            ["Ausweis", new XlsxNumber(22.8, "#,##0.00 \"€\""), new DateTime(2026, 3, 1), new XlsxNumber(0.125, "0.0%"), 37, true,
                new XlsxNumber(0.3541666666666667, "hh:mm"), new XlsxInlineString("inline")],
            ["Pass", new XlsxNumber(37, "#,##0.00 [$€-407];[Red]-#,##0.00 [$€-407]"), new XlsxNumber(46082, "dd/mm/yyyy;@"),
                new XlsxNumber(1, "0%"), 22.8, false, new XlsxNumber(46082.5, "d.m.yyyy h:mm"), 1234567.5],
        ]));

        var rows = Assert.Single(XlsxDocumentReader.ReadSheets(bytes, Limits)).Rows;

        Assert.Equal(["Ausweis", "22,80", "01.03.2026", "12,5 %", "37", "WAHR", "08:30", "inline"], rows[1]);
        Assert.Equal(["Pass", "37,00", "01.03.2026", "100 %", "22,8", "FALSCH", "01.03.2026 12:00", "1234567,5"], rows[2]);
    }

    [Fact]
    public void Xlsx_joins_rich_text_runs_without_phonetic_hints_and_keeps_empty_shared_strings_in_place()
    {
        var bytes = Xlsx(new XlsxSheet("Text",
        [
            ["", new XlsxRichText(["Bürger", "büro ", "Nord"]), "danach"],
            [new XlsxInlineString("Zeile"), "zwei"],
        ]));

        var rows = Assert.Single(XlsxDocumentReader.ReadSheets(bytes, Limits)).Rows;

        Assert.Equal(["|Bürgerbüro Nord|danach", "Zeile|zwei|"], rows.Select(r => string.Join("|", r)));
    }

    [Fact]
    public void Xlsx_skips_hidden_sheets()
    {
        var bytes = Xlsx(
            new XlsxSheet("Sichtbar", [["Name"], ["Anna"]]),
            new XlsxSheet("Hilfstabelle", [["Geheim"], ["intern"]], Hidden: true),
            new XlsxSheet("Auch sichtbar", [["Ort"], ["Rathaus"]]));

        var sheets = XlsxDocumentReader.ReadSheets(bytes, Limits);

        Assert.Equal(["Sichtbar", "Auch sichtbar"], sheets.Select(s => s.Name));
    }

    [Fact]
    public void Xlsx_fills_column_gaps_and_drops_empty_rows_and_columns()
    {
        var bytes = Xlsx(("Tabelle1",
        [
            [],
            ["", "Name", "", "Telefon"],
            ["", "Bürgerbüro", "", "0123 456", "", "Notiz"],
            ["", "", "", ""],
            ["", "Standesamt"],
            [],
            ["", ""],
        ]));

        var rows = Assert.Single(XlsxDocumentReader.ReadSheets(bytes, Limits)).Rows;

        Assert.Equal(["Name||Telefon||", "Bürgerbüro||0123 456||Notiz", "Standesamt||||"], rows.Select(r => string.Join("|", r)));
    }

    [Fact]
    public void Xlsx_reads_at_most_max_sheet_rows_per_sheet()
    {
        var rows = Enumerable.Range(0, 50).Select(i => new[] { $"Zeile {i}", $"Wert {i}" }).ToArray();

        var sheets = XlsxDocumentReader.ReadSheets(Xlsx(("Daten", rows), ("Mehr", rows)), new ReaderLimits { MaxSheetRows = 10 });

        Assert.All(sheets, s => Assert.Equal(10, s.Rows.Count));
        Assert.Equal("Zeile 9", sheets[0].Rows[^1][0]);
    }

    [Fact]
    public void Xlsx_is_read_through_the_document_readers_as_one_table_document()
    {
        var raw = new RawDocument("daten/wertstoffhoefe.xlsx", "https://www.musterstadt.de/daten/wertstoffhoefe.xlsx", ReadFormat.Xlsx,
            Xlsx(("Wertstoffhöfe", [["Ort", "Öffnungszeit"], ["Nord", "Mo–Fr 8–16 Uhr"]])));

        var document = Assert.Single(DocumentReaders.Read(raw, new ReadContext(DateTimeOffset.UnixEpoch, Limits)));

        Assert.Equal("wertstoffhoefe", document.Title);
        Assert.Equal(["T Ort | Öffnungszeit // Nord | Mo–Fr 8–16 Uhr"], document.Blocks.Select(Describe));
    }

    // ---- Spreadsheets as documents ----

    [Fact]
    public void Spreadsheet_with_one_sheet_has_no_heading_and_empty_sheets_are_skipped()
    {
        var document = SpreadsheetReader.ToDocument(
            [
                new SheetTable("Leer", []),
                new SheetTable("Daten", [["Ort", "Zeit", ""], ["Nord", "8 Uhr"], ["", ""]]),
                new SheetTable("Auch leer", [["", " "]]),
            ],
            "daten.xlsx",
            "Daten 2026");

        Assert.Equal(["T Ort | Zeit // Nord | 8 Uhr"], document.Blocks.Select(Describe));
        Assert.Equal("Daten 2026", document.Title);
    }

    [Fact]
    public void Spreadsheet_without_data_is_an_error()
    {
        var error = Assert.Throws<DocumentReadException>(() =>
            SpreadsheetReader.ToDocument([new SheetTable("Leer", []), new SheetTable("Leer2", [["", ""]])], "x.xlsx", "x"));

        Assert.Equal("The spreadsheet has no data.", error.Message);
    }

    [Fact]
    public void Chunks_of_a_long_sheet_all_repeat_the_table_header()
    {
        List<string[]> rows = [["Straße", "Bezirk", "Abfuhrtag"]];
        rows.AddRange(Enumerable.Range(1, 300).Select(i => new[] { $"Musterstraße {i}", $"Bezirk {i % 7}", $"{1 + (i % 28)}. Januar 2026" }));
        var sheets = XlsxDocumentReader.ReadSheets(Xlsx(("Abfuhrkalender", rows.ToArray())), Limits);

        var chunks = new Chunker().Split(SpreadsheetReader.ToDocument(sheets, "abfuhr.xlsx", "Abfuhrkalender"));

        Assert.True(chunks.Count > 5, $"expected many chunks, got {chunks.Count}");
        Assert.All(chunks, c => Assert.StartsWith("| Straße | Bezirk | Abfuhrtag |\n|---|---|---|\n", c.Text, StringComparison.Ordinal));
        var allText = string.Join("\n", chunks.Select(c => c.Text));
        Assert.All(Enumerable.Range(1, 300), i => Assert.Contains($"| Musterstraße {i} |", allText, StringComparison.Ordinal));
    }

    // ---- Broken and hostile files ----

    public static TheoryData<string, string> Readers => new()
    {
        { "docx", "The Word document could not be read" },
        { "xlsx", "The Excel file could not be read" },
    };

    [Theory]
    [InlineData("docx")]
    [InlineData("xlsx")]
    public void Garbage_bytes_are_not_an_office_document(string format)
    {
        var garbage = new byte[5000];
        new Random(42).NextBytes(garbage);

        var error = Assert.Throws<DocumentReadException>(() => Read(format, garbage, Limits));

        Assert.StartsWith("The file is not a valid Office document (", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("docx")]
    [InlineData("xlsx")]
    public void Truncated_files_are_errors(string format)
    {
        var bytes = format == "docx" ? SampleDocx() : Xlsx(("Daten", [["a", "b"], ["c", "d"]]));

        Assert.Throws<DocumentReadException>(() => Read(format, bytes[..(bytes.Length / 2)], Limits));
        Assert.Throws<DocumentReadException>(() => Read(format, bytes[..(bytes.Length - 10)], Limits));
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void A_zip_that_is_no_office_file_is_an_error(string format, string message)
    {
        var zip = Zip(("liesmich.txt", "Hallo Musterstadt"), ("bild/logo.txt", "kein Bild"));

        var error = Assert.Throws<DocumentReadException>(() => Read(format, zip, Limits));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_wrong_office_type_is_an_error()
    {
        Assert.StartsWith("The Excel file could not be read",
            Assert.Throws<DocumentReadException>(() => XlsxDocumentReader.ReadSheets(SampleDocx(), Limits)).Message, StringComparison.Ordinal);
        Assert.StartsWith("The Word document could not be read",
            Assert.Throws<DocumentReadException>(() => DocxDocumentReader.Read(Xlsx(("a", [["b"]])), DocxUrl, Limits)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Old_binary_office_files_are_named_as_such()
    {
        byte[] header = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0];

        var error = Assert.Throws<DocumentReadException>(() => DocxDocumentReader.Read(header, DocxUrl, Limits));

        Assert.Contains(".doc", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("docx")]
    [InlineData("xlsx")]
    public void A_300_MB_zip_bomb_is_refused(string format)
    {
        var bomb = Bomb.Value;

        var error = Assert.Throws<DocumentReadException>(() => Read(format, bomb, Limits));

        Assert.Contains("zip bomb", error.Message, StringComparison.Ordinal);
        Assert.True(bomb.Length < Limits.MaxOfficeBytes, "the bomb is small enough to pass the file size limit");
    }

    [Fact]
    public void A_part_with_an_extreme_compression_ratio_is_refused()
    {
        // 8 MB of zeros: far below the unpacked limit, but about 1000:1.
        var error = Assert.Throws<DocumentReadException>(() => DocxDocumentReader.Read(ZipBomb(8 * MiB), DocxUrl, Limits));

        Assert.Contains("compression ratio", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Small_parts_are_exempt_from_the_ratio_rule()
    {
        // 512 KB of zeros compresses 1000:1 as well, but parts under 1 MB are normal XML.
        var bomb = ZipBomb(512 * 1024);

        var error = Assert.Throws<DocumentReadException>(() => DocxDocumentReader.Read(bomb, DocxUrl, Limits));

        Assert.DoesNotContain("zip bomb", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("The Word document could not be read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Packages_that_unpack_to_more_than_the_limit_in_total_are_refused()
    {
        // Three parts of 1.5 MB each at a harmless ratio, against a 4 MB limit.
        var parts = Enumerable.Range(0, 3).Select(i => ($"word/part{i}.xml", PseudoRandomText(1536 * 1024, seed: i))).ToArray();
        var limits = new ReaderLimits { MaxUnpackedBytes = 4 * MiB };

        var error = Assert.Throws<DocumentReadException>(() => DocxDocumentReader.Read(Zip(parts), DocxUrl, limits));

        Assert.Contains("zip bomb", error.Message, StringComparison.Ordinal);
        Assert.Contains("unpacks to more than 4 MB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_total_limit_applies_to_a_single_large_part_too()
    {
        var limits = new ReaderLimits { MaxUnpackedBytes = 4 * MiB, MaxCompressionRatio = 10_000 };

        var error = Assert.Throws<DocumentReadException>(() => XlsxDocumentReader.ReadSheets(ZipBomb(8 * MiB), limits));

        Assert.Contains("unpacks to more than 4 MB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Packages_with_too_many_parts_are_refused()
    {
        var parts = Enumerable.Range(0, OfficePackageGuard.MaxEntries + 1).Select(i => ($"xl/p{i}.xml", "x")).ToArray();

        var error = Assert.Throws<DocumentReadException>(() => XlsxDocumentReader.ReadSheets(Zip(parts), Limits));

        Assert.Contains("parts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parts_that_unpack_to_more_than_they_declare_are_refused()
    {
        var liar = ZipWithUnderstatedSize();

        var error = Assert.Throws<DocumentReadException>(() => OfficePackageGuard.EnsureSafe(liar, Limits));

        Assert.Contains("declares", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Real_office_files_pass_the_guard()
    {
        OfficePackageGuard.EnsureSafe(SampleDocx(), Limits);
        OfficePackageGuard.EnsureSafe(Xlsx(("a", [["b"]])), Limits);
    }

    [Fact]
    public void Generated_fixtures_are_schema_valid_office_files()
    {
        var validator = new OpenXmlValidator(FileFormatVersions.Office2019);
        using var docx = WordprocessingDocument.Open(new MemoryStream(Docx(new DocxOptions(CoreTitle: "T"), [.. SampleBlocks,
            Table(["a", "b", MergedLeft], ["c", "d", "e"], [MergedUp, "f", "g"])])), false);
        using var xlsx = SpreadsheetDocument.Open(new MemoryStream(Xlsx(new XlsxSheet("Daten",
        [
            ["Text", "Zahl", "Datum", "Bool", "Inline"],
            ["a", new XlsxNumber(22.8, "#,##0.00"), new DateTime(2026, 3, 1), true, new XlsxInlineString("b"), new XlsxRichText(["c", "d"])],
        ], Hidden: false))), false);

        Assert.Empty(validator.Validate(docx, TestContext.Current.CancellationToken).Select(e => $"{e.Path?.XPath}: {e.Description}"));
        Assert.Empty(validator.Validate(xlsx, TestContext.Current.CancellationToken).Select(e => $"{e.Path?.XPath}: {e.Description}"));
    }

    // ---- Helpers ----

    private static object Read(string format, byte[] bytes, ReaderLimits limits) => format == "docx"
        ? DocxDocumentReader.Read(bytes, DocxUrl, limits)
        : XlsxDocumentReader.ReadSheets(bytes, limits);

    private static string PseudoRandomText(int length, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(length + 16);
        while (text.Length < length)
        {
            text.Append(random.Next(1_000_000).ToString(CultureInfo.InvariantCulture)).Append(' ');
        }

        return text.ToString(0, length);
    }

    private static string Describe(ContentBlock block) => block switch
    {
        HeadingBlock h => $"H{h.Level} {h.Text}",
        ParagraphBlock p => $"P {p.Text}",
        ListBlock l => $"L {string.Join(" | ", l.Items)}",
        TableBlock t => $"T {string.Join(" // ", new[] { t.Header }.Concat(t.Rows).Where(r => r.Count > 0).Select(r => string.Join(" | ", r)))}",
        _ => block.ToString(),
    };
}
