using Stadtdialog.Knowledge;
using Stadtdialog.Knowledge.Readers;
using Xunit;

namespace Stadtdialog.Core.Tests;

public sealed class MarkdownDocumentReaderTests
{
    private const string Page = """
        ---
        title: "Wohnsitz anmelden"
        url: https://www.musterstadt.de/buergerservice/wohnsitz-anmelden
        description: Anmeldung nach einem Umzug
        modified: 2026-02-24
        language: de
        ---
        # Anmeldung einer Wohnung

        Nach einem Umzug melden Sie sich innerhalb von **zwei Wochen** im Bürgerbüro an.

        ## Was kostet die Anmeldung?

        Die Anmeldung ist gebührenfrei.

        ## Benötigte Unterlagen & Nachweise

        - Personalausweis oder Reisepass
        - Wohnungsgeberbestätigung
          - vom Vermieter unterschrieben

        ## Gebühren für Änderungen

        | Leistung | Gebühr |
        |---|---|
        | Meldebescheinigung | 10,00 Euro |
        | Anmeldung | gebührenfrei |
        """;

    [Fact]
    public void Front_matter_sets_title_url_description_date_and_language()
    {
        var document = MarkdownDocumentReader.Read(Page, "buergerservice/wohnsitz-anmelden.md");

        Assert.Equal("Wohnsitz anmelden", document.Title);
        Assert.Equal("https://www.musterstadt.de/buergerservice/wohnsitz-anmelden", document.Url);
        Assert.Equal("Anmeldung nach einem Umzug", document.Description);
        Assert.Equal(new DateTimeOffset(2026, 2, 24, 0, 0, 0, TimeSpan.Zero), document.LastModified);
        Assert.Equal("de", document.Language);
    }

    [Fact]
    public void Front_matter_is_not_part_of_the_content()
    {
        var document = MarkdownDocumentReader.Read(Page, "x.md");

        Assert.DoesNotContain(document.Blocks.OfType<ParagraphBlock>(), p => p.Text.Contains("url:", StringComparison.Ordinal));
        Assert.Equal("Nach einem Umzug melden Sie sich innerhalb von zwei Wochen im Bürgerbüro an.",
            document.Blocks.OfType<ParagraphBlock>().First().Text);
    }

    [Fact]
    public void Headings_get_GitHub_style_anchors()
    {
        var headings = MarkdownDocumentReader.Read(Page, "x.md").Blocks.OfType<HeadingBlock>().ToList();

        Assert.Equal(
        [
            new HeadingBlock(1, "Anmeldung einer Wohnung", "anmeldung-einer-wohnung"),
            new HeadingBlock(2, "Was kostet die Anmeldung?", "was-kostet-die-anmeldung"),
            new HeadingBlock(2, "Benötigte Unterlagen & Nachweise", "benötigte-unterlagen--nachweise"),
            new HeadingBlock(2, "Gebühren für Änderungen", "gebühren-für-änderungen"),
        ], headings);
    }

    [Fact]
    public void Nested_list_items_are_flattened_into_their_parent_item()
    {
        var list = Assert.Single(MarkdownDocumentReader.Read(Page, "x.md").Blocks.OfType<ListBlock>());

        Assert.Equal(["Personalausweis oder Reisepass", "Wohnungsgeberbestätigung vom Vermieter unterschrieben"], list.Items);
    }

    [Fact]
    public void Pipe_tables_keep_header_and_rows()
    {
        var table = Assert.Single(MarkdownDocumentReader.Read(Page, "x.md").Blocks.OfType<TableBlock>());

        Assert.Equal(["Leistung", "Gebühr"], table.Header);
        Assert.Equal([["Meldebescheinigung", "10,00 Euro"], ["Anmeldung", "gebührenfrei"]], table.Rows);
    }

    [Fact]
    public void Without_front_matter_the_first_heading_is_the_title_and_the_path_the_url()
    {
        var document = MarkdownDocumentReader.Read("# Hundesteuer\n\nJeder Hund kostet Steuer.\n", "finanzen/hundesteuer.md");

        Assert.Equal("Hundesteuer", document.Title);
        Assert.Equal("finanzen/hundesteuer.md", document.Url);
        Assert.Equal("de", document.Language);
        Assert.Null(document.LastModified);
    }

    [Fact]
    public void Front_matter_with_windows_line_endings_is_read()
    {
        const string markdown = "---\r\ntitle: Sperrmüll\r\nurl: https://www.musterstadt.de/sperrmuell\r\n---\r\nSperrmüll holen wir ab.\r\n";

        var document = MarkdownDocumentReader.Read(markdown, "x.md");

        Assert.Equal("Sperrmüll", document.Title);
        Assert.Equal("https://www.musterstadt.de/sperrmuell", document.Url);
        Assert.Equal(["Sperrmüll holen wir ab."], document.Blocks.OfType<ParagraphBlock>().Select(p => p.Text));
    }

    [Fact]
    public void Unterminated_front_matter_is_left_as_content()
    {
        var (frontMatter, body) = MarkdownDocumentReader.SplitFrontMatter("---\ntitle: kaputt\nText ohne Ende");

        Assert.Empty(frontMatter);
        Assert.StartsWith("---", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Front_matter_values_may_contain_colons()
    {
        var (frontMatter, _) = MarkdownDocumentReader.SplitFrontMatter("---\ntitle: Antrag: Schritt 1\nurl: 'https://x.de/a'\n---\nText");

        Assert.Equal("Antrag: Schritt 1", frontMatter["title"]);
        Assert.Equal("https://x.de/a", frontMatter["URL"]);
    }

    [Fact]
    public void File_with_only_headings_is_refused()
    {
        Assert.Throws<DocumentReadException>(() => MarkdownDocumentReader.Read("---\ntitle: Leer\n---\n# Leer\n\n## Auch leer\n", "x.md"));
    }
}
