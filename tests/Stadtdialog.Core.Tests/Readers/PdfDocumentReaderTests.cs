using System.Text;
using Stadtdialog.Knowledge;
using Stadtdialog.Knowledge.Readers;
using Xunit;

namespace Stadtdialog.Core.Tests;

public sealed class PdfDocumentReaderTests
{
    private const string Url = "https://www.musterstadt.example/dokumente/gebuehrenordnung-2025.pdf";

    private static readonly ReaderLimits Limits = new();

    private static readonly string[] FeeHeader = ["Leistung", "Gebühr"];

    private static readonly string[][] FeeRows =
    [
        ["Personalausweis (ab 24 Jahren)", "37,00 €"],
        ["Personalausweis (unter 24 Jahren)", "22,80 €"],
        ["Reisepass", "70,00 €"],
        ["Meldebescheinigung", "10,00 €"],
    ];

    private const string RunningHeader = "Stadt Musterstadt – Gebührenordnung 2025";

    /// <summary>A three-page Gebührenordnung with running header, page footer, headings, a list and a fee table.</summary>
    private static byte[] Gebuehrenordnung() => PdfFixtures.Build(
        new PdfDocumentSpec { RunningHeader = RunningHeader, RunningFooter = "Seite {page} von {pages}" },
        new PdfPageSpec()
            .Heading("Gebührenordnung der Stadt Musterstadt")
            .Paragraph("Aufgrund der Gemeindeordnung hat der Rat der Stadt Musterstadt in seiner Sitzung am 12. Februar 2025 die folgende Gebührenordnung für Leistungen des Bürgerbüros beschlossen.")
            .Heading("§ 1 Geltungsbereich", 14)
            .Paragraph("Diese Gebührenordnung gilt für alle Amtshandlungen des Bürgerbüros, soweit nicht Bundes- oder Landesrecht besondere Gebühren vorschreibt.")
            .List("Ausweise und Pässe", "Meldebescheinigungen und Auskünfte aus dem Melderegister", "Beglaubigungen"),
        new PdfPageSpec()
            .Heading("§ 2 Gebührentarif", 14)
            .Paragraph("Die Gebühren richten sich nach dem folgenden Tarif.")
            .Table(FeeHeader, FeeRows)
            .Paragraph("Für Amtshandlungen außerhalb der Öffnungszeiten wird ein Zuschlag von 50 Prozent erhoben."),
        new PdfPageSpec()
            .Heading("§ 3 Inkrafttreten", 14)
            .Paragraph("Diese Gebührenordnung tritt am Tag nach ihrer öffentlichen Bekanntmachung in Kraft."));

    [Fact]
    public void Reads_a_Gebuehrenordnung_with_pages_headings_and_a_fee_table()
    {
        var document = PdfDocumentReader.Read(Gebuehrenordnung(), Url, Limits);

        Assert.Equal(Url, document.Url);
        Assert.Equal("Gebührenordnung der Stadt Musterstadt", document.Title);
        Assert.Equal("de", document.Language);
        Assert.Null(document.Description);

        Assert.Equal([1, 2, 3], document.Blocks.OfType<PageBlock>().Select(p => p.Number));
        Assert.IsType<PageBlock>(document.Blocks[0]);
        Assert.Equal(1, PageOf(document, b => b is HeadingBlock { Text: "Gebührenordnung der Stadt Musterstadt" }));

        var headings = document.Blocks.OfType<HeadingBlock>().Select(h => (h.Level, h.Text, h.Anchor)).ToList();
        Assert.Equal(
            [
                (1, "Gebührenordnung der Stadt Musterstadt", (string?)null),
                (2, "§ 1 Geltungsbereich", null),
                (2, "§ 2 Gebührentarif", null),
                (2, "§ 3 Inkrafttreten", null),
            ],
            headings);

        var table = Assert.Single(document.Blocks.OfType<TableBlock>());
        Assert.Equal(FeeHeader, table.Header);
        Assert.Equal(FeeRows, table.Rows.Select(r => r.ToArray()));
        Assert.Equal(2, PageOf(document, b => b is TableBlock));

        Assert.Equal(3, PageOf(document, b => b is ParagraphBlock p && p.Text.StartsWith("Diese Gebührenordnung tritt", StringComparison.Ordinal)));
        Assert.Contains(document.Blocks, b => b is ParagraphBlock p && p.Text ==
            "Für Amtshandlungen außerhalb der Öffnungszeiten wird ein Zuschlag von 50 Prozent erhoben.");
        var list = Assert.Single(document.Blocks.OfType<ListBlock>());
        Assert.Equal(["Ausweise und Pässe", "Meldebescheinigungen und Auskünfte aus dem Melderegister", "Beglaubigungen"], list.Items);
    }

    [Fact]
    public void Joins_the_lines_of_a_wrapped_table_cell()
    {
        var pdf = PdfFixtures.Build(new PdfPageSpec()
            .Heading("Gebühren des Standesamts", 14)
            .TableAt(
                [72, 360],
                ["Leistung", "Gebühr"],
                ["Eheschließung im Trauzimmer\nwerktags während der Öffnungszeiten", "80,00 €"],
                ["Eheschließung am Samstag", "150,00 €"],
                ["Beglaubigte Abschrift aus dem\nGeburtenregister", "12,00 €"])
            .Paragraph("Auslagen werden gesondert erhoben."));

        var document = PdfDocumentReader.Read(pdf, Url, Limits);

        var table = Assert.Single(document.Blocks.OfType<TableBlock>());
        Assert.Equal(FeeHeader, table.Header);
        Assert.Equal(
            [
                ["Eheschließung im Trauzimmer werktags während der Öffnungszeiten", "80,00 €"],
                ["Eheschließung am Samstag", "150,00 €"],
                ["Beglaubigte Abschrift aus dem Geburtenregister", "12,00 €"],
            ],
            table.Rows.Select(r => r.ToArray()));
        Assert.Equal(["Auslagen werden gesondert erhoben."], document.Blocks.OfType<ParagraphBlock>().Select(p => p.Text));
    }

    [Fact]
    public void Keeps_the_header_row_of_a_table_that_runs_over_several_pages()
    {
        var pages = Enumerable.Range(0, 3).Select(_ => new PdfPageSpec().Table(FeeHeader, FeeRows)).ToArray();
        var pdf = PdfFixtures.Build(new PdfDocumentSpec { RunningHeader = RunningHeader, RunningFooter = "Seite {page} von {pages}" }, pages);

        var document = PdfDocumentReader.Read(pdf, Url, Limits);

        var tables = document.Blocks.OfType<TableBlock>().ToList();
        Assert.Equal(3, tables.Count);
        Assert.All(tables, t => Assert.Equal(FeeHeader, t.Header));
        Assert.All(tables, t => Assert.Equal(FeeRows, t.Rows.Select(r => r.ToArray())));
    }

    [Fact]
    public void Splits_numbered_paragraphs_of_a_Satzung()
    {
        var pdf = PdfFixtures.Build(new PdfPageSpec()
            .BoldLine("§ 5 Entstehung und Fälligkeit")
            .Lines(
                "(1) Die Gebührenschuld entsteht mit der Beantragung der",
                "Amtshandlung.",
                "(2) Die Gebühr wird mit der Bekanntgabe des Bescheids an den",
                "Gebührenschuldner fällig."));

        var document = PdfDocumentReader.Read(pdf, Url, Limits);

        Assert.Equal("§ 5 Entstehung und Fälligkeit", Assert.Single(document.Blocks.OfType<HeadingBlock>()).Text);
        Assert.Equal(
            [
                "(1) Die Gebührenschuld entsteht mit der Beantragung der Amtshandlung.",
                "(2) Die Gebühr wird mit der Bekanntgabe des Bescheids an den Gebührenschuldner fällig.",
            ],
            document.Blocks.OfType<ParagraphBlock>().Select(p => p.Text));
    }

    [Fact]
    public void Ignores_rotated_notes_in_the_margin_but_reads_a_rotated_page()
    {
        var pdf = PdfFixtures.Build(
            new PdfPageSpec()
                .Paragraph("Die Hundesteuer wird jährlich erhoben.")
                .RotatedTextAt("Amtsblatt Nr. 12 vom 3. März 2025", 40, 300, 90),
            new PdfPageSpec()
                .RotatedTextAt("Anlage 1: Lageplan der Grünflächen", 300, 100, 90)
                .RotatedTextAt("Maßstab 1:5000", 320, 100, 90));

        var document = PdfDocumentReader.Read(pdf, Url, Limits);

        var text = AllText(document);
        Assert.DoesNotContain("Amtsblatt", text, StringComparison.Ordinal);
        Assert.Equal(1, PageOf(document, b => b is ParagraphBlock { Text: "Die Hundesteuer wird jährlich erhoben." }));
        Assert.Equal(2, PageOf(document, b => b is ParagraphBlock p && p.Text.Contains("Anlage 1: Lageplan der Grünflächen", StringComparison.Ordinal)));
        Assert.Contains("Maßstab 1:5000", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Drops_running_headers_footers_and_page_numbers()
    {
        var document = PdfDocumentReader.Read(Gebuehrenordnung(), Url, Limits);
        var text = AllText(document);

        Assert.DoesNotContain("Stadt Musterstadt – Gebührenordnung 2025", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Seite", text, StringComparison.Ordinal);
        Assert.Contains("Diese Gebührenordnung gilt für alle Amtshandlungen", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Drops_bare_page_numbers_even_without_a_repeated_header()
    {
        var pdf = PdfFixtures.Build(
            new PdfPageSpec().Paragraph("Erste Seite mit Text.").TextAt("- 1 -", 290, PdfFixtures.FooterBaseline),
            new PdfPageSpec().Paragraph("Zweite Seite mit Text.").TextAt("2", 290, PdfFixtures.FooterBaseline));

        var document = PdfDocumentReader.Read(pdf, Url, Limits);

        Assert.Equal(["Erste Seite mit Text.", "Zweite Seite mit Text."], document.Blocks.OfType<ParagraphBlock>().Select(p => p.Text));
    }

    [Fact]
    public void Keeps_a_repeated_line_that_is_not_at_the_page_edge()
    {
        var pages = Enumerable.Range(1, 3)
            .Select(i => new PdfPageSpec()
                .Paragraph($"Inhalt der Seite {i}.")
                .Space(200)
                .Paragraph("Hinweis: Es gilt die jeweils aktuelle Fassung."))
            .ToArray();

        var document = PdfDocumentReader.Read(PdfFixtures.Build(pages), Url, Limits);

        Assert.Equal(3, document.Blocks.OfType<ParagraphBlock>().Count(p => p.Text == "Hinweis: Es gilt die jeweils aktuelle Fassung."));
    }

    [Fact]
    public void Reads_a_two_column_page_column_by_column()
    {
        const string left = "Die Straßenreinigung wird von der Stadt Musterstadt durchgeführt. Die Kosten werden auf die Eigentümer der anliegenden Grundstücke umgelegt. Maßgeblich ist die Frontlänge des Grundstücks an der gereinigten Straße.";
        const string right = "Der Winterdienst umfasst das Räumen und Streuen der Gehwege. Eigentümer müssen werktags bis sieben Uhr geräumt haben. An Sonn- und Feiertagen gilt die Pflicht ab neun Uhr morgens.";
        var pdf = PdfFixtures.Build(new PdfPageSpec()
            .Heading("Straßenreinigung und Winterdienst")
            .Columns(left, right)
            .Paragraph("Fragen beantwortet das Tiefbauamt."));

        var document = PdfDocumentReader.Read(pdf, Url, Limits);

        var paragraphs = document.Blocks.OfType<ParagraphBlock>().Select(p => p.Text).ToList();
        Assert.Equal([left, right, "Fragen beantwortet das Tiefbauamt."], paragraphs);
        Assert.Empty(document.Blocks.OfType<TableBlock>());
    }

    [Fact]
    public void Reads_every_block_of_a_layout_that_no_straight_cut_separates()
    {
        // A pinwheel: A (top left), B (right, tall), C (bottom right), D (left, tall) interlock, so that neither a
        // horizontal nor a vertical cut separates them and PdfPig's reading order detector decides.
        var page = new PdfPageSpec();
        for (var k = 0; k < 3; k++)
        {
            page.TextAt("Alpha eins zwei drei vier fünf sechs sieben acht neun", 72, 700 - 13 * k);
        }

        for (var k = 0; k < 11; k++)
        {
            page.TextAt("Beta eins zwei drei vier", 380, 700 - 13 * k);
        }

        for (var k = 0; k < 12; k++)
        {
            page.TextAt("Delta eins zwei drei vier", 72, 648 - 13 * k);
        }

        for (var k = 0; k < 3; k++)
        {
            page.TextAt("Gamma eins zwei drei vier fünf sechs sieben acht", 260, 531 - 13 * k);
        }

        var document = PdfDocumentReader.Read(PdfFixtures.Build(page), Url, Limits);

        var paragraphs = document.Blocks.OfType<ParagraphBlock>().Select(p => p.Text.Split(' ')[0] + " " + p.Text.Split(' ').Length).ToList();
        Assert.Equal(["Alpha 30", "Beta 55", "Delta 60", "Gamma 27"], paragraphs.Order());
        Assert.Empty(document.Blocks.OfType<TableBlock>());
    }

    [Fact]
    public void Joins_lines_and_removes_hyphens_at_line_ends()
    {
        var pdf = PdfFixtures.Build(new PdfPageSpec().Lines(
            "Die Gebüh-",
            "ren werden mit der Bekannt-",
            "gabe des Bescheids fällig. Für die Ein- und",
            "Ausfahrt gilt Absatz 2. Anträge per E-",
            "Mail sind in den Jahren 2024-",
            "2025 zulässig."));

        var document = PdfDocumentReader.Read(pdf, Url, Limits);

        var paragraph = Assert.Single(document.Blocks.OfType<ParagraphBlock>());
        Assert.Equal(
            "Die Gebühren werden mit der Bekanntgabe des Bescheids fällig. Für die Ein- und Ausfahrt gilt Absatz 2. Anträge per E-Mail sind in den Jahren 2024-2025 zulässig.",
            paragraph.Text);
    }

    [Fact]
    public void Preserves_umlauts_and_special_characters()
    {
        const string text = "Gebühren für Straßenreinigung – Änderung der Öffnungszeiten: Übergangsfrist „vier Wochen“, 12,50 €.";
        var pdf = PdfFixtures.Build(new PdfPageSpec().Heading("Änderungssatzung über Gebühren").Paragraph(text));

        var document = PdfDocumentReader.Read(pdf, Url, Limits);

        Assert.Equal("Änderungssatzung über Gebühren", document.Title);
        Assert.Equal(text, Assert.Single(document.Blocks.OfType<ParagraphBlock>()).Text);
    }

    [Fact]
    public void Recognises_bold_lines_as_headings_below_the_size_headings()
    {
        var pdf = PdfFixtures.Build(new PdfPageSpec()
            .Heading("Abfallgebührensatzung")
            .Heading("Erster Abschnitt", 14)
            .BoldLine("§ 4 Fälligkeit der Gebühren")
            .Paragraph("Die Gebühr wird einen Monat nach Bekanntgabe des Bescheids fällig.")
            .BoldLine("Diese fett gedruckte Zeile ist ein Satz.")
            .Paragraph("Danach folgt normaler Text."));

        var document = PdfDocumentReader.Read(pdf, Url, Limits);

        Assert.Equal(
            [(1, "Abfallgebührensatzung"), (2, "Erster Abschnitt"), (3, "§ 4 Fälligkeit der Gebühren")],
            document.Blocks.OfType<HeadingBlock>().Select(h => (h.Level, h.Text)));
        Assert.Contains(document.Blocks, b => b is ParagraphBlock { Text: "Diese fett gedruckte Zeile ist ein Satz." });
    }

    [Fact]
    public void Reads_bulleted_and_numbered_lists()
    {
        const string longItem = "eine Meldebescheinigung, die nicht älter als drei Monate ist und die vollständige Anschrift sowie das Datum des Einzugs enthält";
        var pdf = PdfFixtures.Build(new PdfPageSpec()
            .Paragraph("Bitte bringen Sie mit:")
            .List("den bisherigen Ausweis", longItem, "ein biometrisches Passfoto")
            .Paragraph("Das Verfahren:")
            .NumberedList("Termin buchen", "Antrag stellen", "Ausweis abholen"));

        var document = PdfDocumentReader.Read(pdf, Url, Limits);

        var lists = document.Blocks.OfType<ListBlock>().ToList();
        Assert.Equal(2, lists.Count);
        Assert.Equal(["den bisherigen Ausweis", longItem, "ein biometrisches Passfoto"], lists[0].Items);
        Assert.Equal(["1. Termin buchen", "2. Antrag stellen", "3. Ausweis abholen"], lists[1].Items);
    }

    [Fact]
    public void Reads_list_markers_set_off_by_a_tab()
    {
        var page = new PdfPageSpec().Paragraph("Zur Anmeldung gehören:");
        string[] items = ["der Personalausweis oder Reisepass", "die Wohnungsgeberbestätigung des Vermieters"];
        var baseline = 740.0;
        for (var i = 0; i < items.Length; i++, baseline -= 13)
        {
            page.TextAt("•", 80, baseline).TextAt(items[i], 100, baseline);
        }

        page.TextAt("2.", 80, baseline).TextAt("bei Minderjährigen die Zustimmung", 100, baseline)
            .TextAt("beider Sorgeberechtigten", 100, baseline - 13);

        var document = PdfDocumentReader.Read(PdfFixtures.Build(page), Url, Limits);

        var list = Assert.Single(document.Blocks.OfType<ListBlock>());
        Assert.Equal(
            ["der Personalausweis oder Reisepass", "die Wohnungsgeberbestätigung des Vermieters", "2. bei Minderjährigen die Zustimmung beider Sorgeberechtigten"],
            list.Items);
        Assert.Empty(document.Blocks.OfType<TableBlock>());
    }

    [Fact]
    public void Reads_label_value_rows_as_a_table_without_header()
    {
        var pdf = PdfFixtures.Build(new PdfPageSpec()
            .Heading("Bürgerbüro", 14)
            .TableAt([72, 200], ["Telefon:", "0123 456-0"], ["E-Mail:", "buergerbuero@musterstadt.example"], ["Zimmer:", "E.12 (Erdgeschoss)"]));

        var table = Assert.Single(PdfDocumentReader.Read(pdf, Url, Limits).Blocks.OfType<TableBlock>());

        Assert.Empty(table.Header);
        Assert.Equal(
            [["Telefon:", "0123 456-0"], ["E-Mail:", "buergerbuero@musterstadt.example"], ["Zimmer:", "E.12 (Erdgeschoss)"]],
            table.Rows.Select(r => r.ToArray()));
    }

    [Fact]
    public void Title_comes_from_the_first_level_one_heading()
    {
        var pdf = PdfFixtures.Build(
            new PdfDocumentSpec { Title = "Microsoft Word - gebuehren_v3.docx" },
            new PdfPageSpec().Paragraph("Vorbemerkung in normaler Schrift.").Heading("Satzung über die Erhebung von Gebühren").Paragraph("Text."));

        var document = PdfDocumentReader.Read(pdf, Url, Limits);

        Assert.Equal("Satzung über die Erhebung von Gebühren", document.Title);
    }

    [Fact]
    public void Title_comes_from_the_metadata_when_it_is_meaningful()
    {
        var pdf = PdfFixtures.Build(
            new PdfDocumentSpec { Title = "Merkblatt Hundesteuer" },
            new PdfPageSpec().Heading("Stadt Musterstadt").Paragraph("Text."));

        Assert.Equal("Merkblatt Hundesteuer", PdfDocumentReader.Read(pdf, Url, Limits).Title);
    }

    [Fact]
    public void Title_falls_back_to_the_file_name()
    {
        var pdf = PdfFixtures.Build(new PdfPageSpec().Paragraph("Nur normaler Text ohne Überschrift."));

        var document = PdfDocumentReader.Read(pdf, "https://www.musterstadt.example/dokumente/merkblatt%20hundesteuer.pdf?v=2", Limits);

        Assert.Equal("merkblatt hundesteuer", document.Title);
        Assert.Equal("merkblatt-wahl", PdfDocumentReader.Read(pdf, "dokumente/merkblatt-wahl.pdf", Limits).Title);
    }

    [Fact]
    public void Last_modified_comes_from_the_document_information()
    {
        var modified = new DateTimeOffset(2025, 3, 1, 12, 30, 0, TimeSpan.FromHours(1));
        var created = new DateTimeOffset(2024, 11, 5, 8, 0, 0, TimeSpan.Zero);
        var page = new PdfPageSpec().Paragraph("Text.");

        Assert.Equal(modified, PdfDocumentReader.Read(PdfFixtures.Build(new PdfDocumentSpec { Modified = modified, Created = created }, page), Url, Limits).LastModified);
        Assert.Equal(created, PdfDocumentReader.Read(PdfFixtures.Build(new PdfDocumentSpec { Created = created }, page), Url, Limits).LastModified);
        Assert.Null(PdfDocumentReader.Read(PdfFixtures.Build(page), Url, Limits).LastModified);
    }

    [Fact]
    public void A_scan_without_text_layer_is_reported_as_such()
    {
        var exception = Assert.Throws<NoTextLayerException>(() => PdfDocumentReader.Read(PdfFixtures.ImageOnly(2), Url, Limits));

        Assert.Equal("The PDF has no text layer (a scanned document?); run OCR on it or upload the text version.", exception.Message);
    }

    [Fact]
    public void A_truncated_file_is_damaged()
    {
        var exception = Assert.Throws<DocumentReadException>(() => PdfDocumentReader.Read(PdfFixtures.Truncated(Gebuehrenordnung()), Url, Limits));

        Assert.StartsWith("The PDF file is damaged or incomplete: ", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Garbage_is_not_a_pdf(int seed)
    {
        var exception = Assert.Throws<DocumentReadException>(() => PdfDocumentReader.Read(PdfFixtures.Garbage(4096, seed), Url, Limits));

        Assert.StartsWith("The PDF file is damaged or incomplete: ", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_files_and_other_formats_are_not_pdfs()
    {
        Assert.StartsWith("The PDF file is damaged or incomplete: ",
            Assert.Throws<DocumentReadException>(() => PdfDocumentReader.Read([], Url, Limits)).Message, StringComparison.Ordinal);
        Assert.StartsWith("The PDF file is damaged or incomplete: ",
            Assert.Throws<DocumentReadException>(() => PdfDocumentReader.Read("<html><body>Gebühren</body></html>"u8.ToArray(), Url, Limits)).Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_pdf_with_a_broken_body_is_damaged()
    {
        var pdf = Gebuehrenordnung();
        var broken = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(pdf).Replace("xref", "xxxx", StringComparison.Ordinal).Replace(" obj", " jbo", StringComparison.Ordinal));

        var exception = Assert.Throws<DocumentReadException>(() => PdfDocumentReader.Read(broken, Url, Limits));

        Assert.StartsWith("The PDF file is damaged or incomplete: ", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Damaged_files_only_ever_raise_DocumentReadException()
    {
        var pdf = Gebuehrenordnung();
        for (var seed = 1; seed <= 40; seed++)
        {
            var exception = Record.Exception(() => PdfDocumentReader.Read(PdfFixtures.Corrupted(pdf, seed), Url, Limits));

            Assert.True(exception is null or DocumentReadException, $"seed {seed}: {exception}");
        }
    }

    [Fact]
    public void More_pages_than_the_limit_are_rejected()
    {
        var pdf = PdfFixtures.Build(new PdfPageSpec().Paragraph("Seite eins."), new PdfPageSpec().Paragraph("Seite zwei."));

        var exception = Assert.Throws<DocumentReadException>(() => PdfDocumentReader.Read(pdf, Url, new ReaderLimits { MaxPdfPages = 1 }));

        Assert.Contains("2 pages", exception.Message, StringComparison.Ordinal);
        Assert.Contains("at most 1 pages", exception.Message, StringComparison.Ordinal);
        Assert.Equal(2, PdfDocumentReader.Read(pdf, Url, new ReaderLimits { MaxPdfPages = 2 }).Blocks.OfType<PageBlock>().Count());
    }

    [Fact]
    public void A_password_protected_pdf_is_reported_as_such()
    {
        var exception = Assert.Throws<DocumentReadException>(() =>
            PdfDocumentReader.Read(PdfFixtures.Encrypted("Vertrauliche Vorlage", userPassword: "geheim"), Url, Limits));

        Assert.StartsWith("The PDF is password-protected", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pdf_encrypted_only_against_editing_is_read()
    {
        var document = PdfDocumentReader.Read(PdfFixtures.Encrypted("Öffentliche Bekanntmachung über Straßensperrungen", userPassword: ""), Url, Limits);

        Assert.Contains(document.Blocks, b => b is ParagraphBlock { Text: "Öffentliche Bekanntmachung über Straßensperrungen" });
    }

    [Fact]
    public void The_chunker_keeps_the_table_header_with_its_rows()
    {
        var document = PdfDocumentReader.Read(Gebuehrenordnung(), Url, Limits);

        foreach (var chunker in new[] { new Chunker(), new Chunker(maxChars: 120) })
        {
            var chunks = chunker.Split(document);
            foreach (var row in FeeRows)
            {
                var chunk = Assert.Single(chunks, c => c.Text.Contains($"| {row[0]} | {row[1]} |", StringComparison.Ordinal));
                Assert.Contains("| Leistung | Gebühr |\n|---|---|", chunk.Text, StringComparison.Ordinal);
                Assert.Equal("§ 2 Gebührentarif", chunk.Section);
            }
        }
    }

    [Fact]
    public void Reads_a_hundred_page_document_with_running_headers()
    {
        var pages = Enumerable.Range(1, 100).Select(i => new PdfPageSpec()
                .Heading($"§ {i} Abschnitt {i}", 14)
                .Paragraph(string.Join(' ', Enumerable.Repeat("Die Gebühr für die Benutzung der öffentlichen Einrichtung wird nach der Zahl der Personen im Haushalt bemessen.", 12)))
                .Table(FeeHeader, FeeRows)
                .Columns(string.Join(' ', Enumerable.Repeat("Linke Spalte mit Erläuterungen zur Satzung.", 8)), string.Join(' ', Enumerable.Repeat("Rechte Spalte mit weiteren Hinweisen.", 8))))
            .ToArray();
        var pdf = PdfFixtures.Build(new PdfDocumentSpec { RunningHeader = RunningHeader, RunningFooter = "Seite {page} von {pages}" }, pages);

        var document = PdfDocumentReader.Read(pdf, Url, Limits);

        Assert.Equal(100, document.Blocks.OfType<PageBlock>().Count());
        Assert.Equal(100, document.Blocks.OfType<TableBlock>().Count());
        Assert.DoesNotContain("Seite", AllText(document), StringComparison.Ordinal);
        // Speed is measured in bench/Stadtdialog.Bench.Ingestion (PDF pages/s), not here.
    }

    /// <summary>The page (from the preceding <see cref="PageBlock"/>) of the first block that matches.</summary>
    private static int PageOf(ExtractedDocument document, Func<ContentBlock, bool> match)
    {
        var page = 0;
        foreach (var block in document.Blocks)
        {
            if (block is PageBlock p)
            {
                page = p.Number;
            }
            else if (match(block))
            {
                return page;
            }
        }

        Assert.Fail("No block matches.\n" + Describe(document));
        return -1;
    }

    private static string AllText(ExtractedDocument document) => string.Join("\n", document.Blocks.Select(b => b switch
    {
        HeadingBlock h => h.Text,
        ParagraphBlock p => p.Text,
        ListBlock l => string.Join("\n", l.Items),
        TableBlock t => string.Join("\n", t.Rows.Prepend(t.Header).Select(r => string.Join(" | ", r))),
        _ => "",
    }));

    internal static string Describe(ExtractedDocument document) => string.Join("\n", document.Blocks.Select(b => b switch
    {
        PageBlock p => $"--- page {p.Number}",
        HeadingBlock h => $"H{h.Level} {h.Text}",
        ParagraphBlock p => $"P {p.Text}",
        ListBlock l => "L " + string.Join(" // ", l.Items),
        TableBlock t => "T " + string.Join(" // ", t.Rows.Prepend(t.Header).Select(r => string.Join(" | ", r))),
        _ => b.ToString(),
    }));
}
