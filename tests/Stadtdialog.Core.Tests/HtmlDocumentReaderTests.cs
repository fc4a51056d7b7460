using Stadtdialog.Knowledge;
using Stadtdialog.Knowledge.Readers;
using Xunit;

namespace Stadtdialog.Core.Tests;

public sealed class HtmlDocumentReaderTests
{
    private const string Page = """
        <!DOCTYPE html>
        <html lang="de-DE">
        <head>
          <title>Personalausweis beantragen | Stadt Musterstadt</title>
          <link rel="canonical" href="https://www.musterstadt.de/buergerservice/personalausweis">
          <meta name="description" content="Alles zum   Personalausweis.">
          <meta name="dcterms.modified" content="2026-03-01">
          <script>var tracking = "Tracking-Skript";</script>
        </head>
        <body>
          <header><a href="/">Startseite Musterstadt</a></header>
          <nav><ul><li>Rathaus</li><li>Hauptnavigation</li></ul></nav>
          <div id="cookie-banner">Wir verwenden Cookies. <button>Akzeptieren</button></div>
          <main>
            <nav class="breadcrumb"><ol><li>Bürgerservice</li><li>Brotkrümel</li></ol></nav>
            <article>
              <h1>Personalausweis  beantragen</h1>
              <p>Einen neuen Personalausweis beantragen Sie persönlich im Bürgerbüro.</p>
              <div class="cookie-banner">Cookie-Hinweis im Artikel</div>
              <h2 id="unterlagen">Benötigte Unterlagen</h2>
              <ul>
                <li>ein biometrisches <strong>Passfoto</strong></li>
                <li>der bisherige Ausweis</li>
              </ul>
              <h3 id="kinder">Für Kinder</h3>
              <p>Kinder brauchen die Zustimmung beider Eltern.</p>
              <h2 id="gebuehren">Gebühren</h2>
              <table>
                <thead><tr><th>Antragsteller</th><th>Gebühr</th></tr></thead>
                <tbody>
                  <tr><td>ab 24 Jahren</td><td>37,00 Euro</td></tr>
                  <tr><td>unter 24 Jahren</td><td>22,80 Euro</td></tr>
                </tbody>
              </table>
              <aside>Das könnte Sie auch interessieren: Seitenleiste</aside>
              <dl><dt>Telefon</dt><dd>0123 4567</dd></dl>
            </article>
          </main>
          <aside>Seitenleiste außerhalb</aside>
          <footer>Impressum Datenschutz Fußzeile</footer>
        </body>
        </html>
        """;

    [Fact]
    public void Reads_the_article_without_navigation_banners_sidebars_or_footer()
    {
        var document = HtmlDocumentReader.Read(Page, "buergerservice/personalausweis.html");
        var text = AllText(document);

        Assert.Contains("Einen neuen Personalausweis beantragen Sie persönlich im Bürgerbüro.", text);
        Assert.Contains("Kinder brauchen die Zustimmung beider Eltern.", text);
        foreach (var boilerplate in new[]
                 {
                     "Startseite", "Hauptnavigation", "Cookies", "Cookie-Hinweis", "Akzeptieren", "Brotkrümel",
                     "Seitenleiste", "Impressum", "Fußzeile", "Tracking",
                 })
        {
            Assert.DoesNotContain(boilerplate, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Takes_title_from_h1_and_metadata_from_the_head()
    {
        var document = HtmlDocumentReader.Read(Page, "buergerservice/personalausweis.html");

        Assert.Equal("Personalausweis beantragen", document.Title);
        Assert.Equal("https://www.musterstadt.de/buergerservice/personalausweis", document.Url);
        Assert.Equal("de", document.Language);
        Assert.Equal("Alles zum Personalausweis.", document.Description);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), document.LastModified);
    }

    [Fact]
    public void Keeps_headings_with_level_and_anchor()
    {
        var document = HtmlDocumentReader.Read(Page, "x.html");

        Assert.Equal(
            [new HeadingBlock(1, "Personalausweis beantragen", null), new HeadingBlock(2, "Benötigte Unterlagen", "unterlagen"),
             new HeadingBlock(3, "Für Kinder", "kinder"), new HeadingBlock(2, "Gebühren", "gebuehren")],
            document.Blocks.OfType<HeadingBlock>().Select(h => h with { Anchor = string.IsNullOrEmpty(h.Anchor) ? null : h.Anchor }));
    }

    [Fact]
    public void Reads_lists_tables_and_definition_lists()
    {
        var document = HtmlDocumentReader.Read(Page, "x.html");

        var list = Assert.Single(document.Blocks.OfType<ListBlock>(), l => l.Items.Count == 2);
        Assert.Equal(["ein biometrisches Passfoto", "der bisherige Ausweis"], list.Items);

        var table = Assert.Single(document.Blocks.OfType<TableBlock>());
        Assert.Equal(["Antragsteller", "Gebühr"], table.Header);
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal(["ab 24 Jahren", "37,00 Euro"], table.Rows[0]);

        Assert.Contains(document.Blocks.OfType<ListBlock>(), l => l.Items.SequenceEqual(["Telefon: 0123 4567"]));
    }

    [Fact]
    public void Table_without_header_row_keeps_every_row_as_data()
    {
        const string html = "<html><body><main><h1>Öffnungszeiten</h1><table><tr><td>Montag</td><td>8–12 Uhr</td></tr>"
            + "<tr><td>Dienstag</td><td>14–18 Uhr</td></tr></table></main></body></html>";

        var table = Assert.Single(HtmlDocumentReader.Read(html, "x.html").Blocks.OfType<TableBlock>());

        Assert.Empty(table.Header);
        Assert.Equal(2, table.Rows.Count);
    }

    [Fact]
    public void First_row_of_th_cells_is_a_header_without_thead()
    {
        const string html = "<html><body><main><table><tr><th>Tag</th><th>Zeit</th></tr>"
            + "<tr><td>Montag</td><td>8–12 Uhr</td></tr></table></main></body></html>";

        var table = Assert.Single(HtmlDocumentReader.Read(html, "x.html").Blocks.OfType<TableBlock>());

        Assert.Equal(["Tag", "Zeit"], table.Header);
        Assert.Equal([["Montag", "8–12 Uhr"]], table.Rows);
    }

    [Fact]
    public void Without_h1_the_title_is_the_page_title_without_the_site_name()
    {
        const string html = "<html><head><title>Sperrmüll anmelden – Stadt Musterstadt</title></head>"
            + "<body><main><p>Sperrmüll holen wir zweimal im Jahr ab.</p></main></body></html>";

        Assert.Equal("Sperrmüll anmelden", HtmlDocumentReader.Read(html, "x.html").Title);
    }

    [Fact]
    public void Without_any_title_the_fallback_url_is_the_title()
    {
        const string html = "<html><body><p>Nur ein Absatz.</p></body></html>";

        Assert.Equal("umwelt/seite.html", HtmlDocumentReader.Read(html, "umwelt/seite.html").Title);
    }

    [Theory]
    [InlineData("<link rel=\"canonical\" href=\"/relativ/pfad\">")]
    [InlineData("<link rel=\"canonical\" href=\"javascript:alert(1)\">")]
    [InlineData("<link rel=\"canonical\" href=\"ftp://example.org/x\">")]
    [InlineData("")]
    public void Without_an_absolute_http_canonical_url_the_fallback_url_is_used(string link)
    {
        var html = $"<html><head>{link}</head><body><main><p>Text.</p></main></body></html>";

        Assert.Equal("bauen/bauantrag.html", HtmlDocumentReader.Read(html, "bauen/bauantrag.html").Url);
    }

    [Fact]
    public void Without_a_main_element_the_body_is_read_without_boilerplate()
    {
        const string html = "<html><body><header>Kopfzeile</header><nav>Menü</nav><div id=\"cookie-banner\">Cookies?</div>"
            + "<div><h1>Hundesteuer</h1><p>Jeder Hund muss angemeldet werden.</p></div><footer>Fußzeile</footer></body></html>";

        var document = HtmlDocumentReader.Read(html, "x.html");

        Assert.Equal("Hundesteuer", document.Title);
        Assert.Equal(["Jeder Hund muss angemeldet werden."], document.Blocks.OfType<ParagraphBlock>().Select(p => p.Text));
    }

    [Fact]
    public void Text_with_inline_links_in_a_div_stays_one_paragraph()
    {
        const string html = "<html><body><main><h1>Formulare</h1>"
            + "<div class=\"text\">Den Antrag finden Sie <a href=\"/formulare\">im Formularcenter</a> als <strong>PDF</strong>.</div>"
            + "</main></body></html>";

        var paragraphs = HtmlDocumentReader.Read(html, "x.html").Blocks.OfType<ParagraphBlock>().Select(p => p.Text);

        Assert.Equal(["Den Antrag finden Sie im Formularcenter als PDF."], paragraphs);
    }

    [Fact]
    public void Line_breaks_separate_words()
    {
        const string html = "<html><body><main><h1>Kontakt</h1><p>Rathaus<br>Marktplatz 1<br/>12345 Musterstadt</p>"
            + "<table><tr><th>Tag</th><th>Zeit</th></tr><tr><td>Montag<br>Dienstag</td><td>8–12 Uhr</td></tr></table>"
            + "<ul><li>Telefon:<br>0123 456</li></ul></main></body></html>";

        var document = HtmlDocumentReader.Read(html, "x.html");

        Assert.Equal("Rathaus Marktplatz 1 12345 Musterstadt", document.Blocks.OfType<ParagraphBlock>().Single().Text);
        Assert.Equal("Montag Dienstag", document.Blocks.OfType<TableBlock>().Single().Rows[0][0]);
        Assert.Equal("Telefon: 0123 456", document.Blocks.OfType<ListBlock>().Single().Items[0]);
    }

    [Fact]
    public void Navigation_page_of_mostly_links_is_skipped_not_failed()
    {
        var links = string.Concat(Enumerable.Range(1, 15).Select(i => $"<li><a href=\"/leistung-{i}\">Dienstleistung Nummer {i}</a></li>"));
        var html = $"<html><body><main><h1>Dienstleistungen A–Z</h1><ul>{links}</ul></main></body></html>";

        Assert.Throws<DocumentSkippedException>(() => HtmlDocumentReader.Read(html, "a-z.html"));
    }

    [Fact]
    public void Content_page_with_a_few_links_is_read()
    {
        const string html = "<html><body><main><h1>Hundesteuer</h1><p>Jeder Hund muss innerhalb von zwei Wochen angemeldet werden. "
            + "Das <a href=\"/formular\">Anmeldeformular</a> finden Sie online.</p></main></body></html>";

        Assert.Equal("Hundesteuer", HtmlDocumentReader.Read(html, "x.html").Title);
    }

    [Theory]
    [InlineData("<html><body><nav>Menü</nav><footer>Impressum</footer></body></html>")]
    [InlineData("<html><body><main><h1>Nur eine Überschrift</h1></main></body></html>")]
    [InlineData("")]
    public void Page_without_readable_content_is_refused(string html)
    {
        Assert.Throws<DocumentReadException>(() => HtmlDocumentReader.Read(html, "leer.html"));
    }

    private static string AllText(Knowledge.ExtractedDocument document) => string.Join("\n", document.Blocks.Select(b => b switch
    {
        HeadingBlock h => h.Text,
        ParagraphBlock p => p.Text,
        ListBlock l => string.Join("\n", l.Items),
        TableBlock t => string.Join("\n", t.Header.Concat(t.Rows.SelectMany(r => r))),
        _ => "",
    }));
}
