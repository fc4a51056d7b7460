using Stadtdialog.Knowledge;
using Stadtdialog.Knowledge.Readers;
using Stadtdialog.Tests;
using Xunit;

namespace Stadtdialog.Core.Tests.Readers;

public sealed class CsvTableTests
{
    [Fact]
    public void Reads_the_shared_semicolon_separated_faq_with_quotes_and_umlauts()
    {
        var rows = CsvTable.Read(File.ReadAllText(Path.Combine(RepositoryPaths.SharedData, "faq", "buergerservice-faq.csv")));

        Assert.Equal(9, rows.Count);
        Assert.All(rows, r => Assert.Equal(4, r.Count));
        Assert.Equal(["frage", "antwort", "url", "stichworte"], rows[0]);
        Assert.Equal("Wie kann ich im Bürgerbüro bezahlen?", rows[3][0]);
        Assert.Contains("das kostenlose WLAN \"Musterstadt-Frei\" nutzen", rows[5][1], StringComparison.Ordinal);
        Assert.Equal("https://www.musterstadt.example/rathaus/kontakt", rows[5][2]);
    }

    [Fact]
    public void Detects_comma_and_tab_separators_from_the_header_line()
    {
        var comma = CsvTable.Read("Frage,Antwort\n\"Kosten; Gebühren?\",\"37,00 Euro\"\n");
        var tab = CsvTable.Read("Frage\tAntwort\nWo?\tIm Rathaus, Zimmer 3\n");

        Assert.Equal(["Kosten; Gebühren?", "37,00 Euro"], comma[1]);
        Assert.Equal(["Wo?", "Im Rathaus, Zimmer 3"], tab[1]);
    }

    [Fact]
    public void Prefers_semicolon_when_the_header_is_ambiguous()
    {
        var rows = CsvTable.Read("a;b,c\n1;2,3\n");

        Assert.Equal(["a", "b,c"], rows[0]);
        Assert.Equal(["1", "2,3"], rows[1]);
    }

    [Fact]
    public void Keeps_line_breaks_and_separators_inside_quoted_fields()
    {
        var rows = CsvTable.Read("frage;antwort\r\n\"Was brauche ich?\";\"Bitte mitbringen:\r\n- Ausweis\r\n- Foto; biometrisch\"\r\n");

        Assert.Equal(2, rows.Count);
        Assert.Equal("Bitte mitbringen:\n- Ausweis\n- Foto; biometrisch", rows[1][1].ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Trims_cells_skips_empty_rows_and_pads_ragged_rows()
    {
        var rows = CsvTable.Read("\uFEFF frage ; antwort ;url\n\n;;\n  Wann?  ;  Montags \nWo?;Rathaus;https://x.example;extra\n");

        Assert.Equal(3, rows.Count);
        Assert.Equal(["frage", "antwort", "url", ""], rows[0]);
        Assert.Equal(["Wann?", "Montags", "", ""], rows[1]);
        Assert.Equal(["Wo?", "Rathaus", "https://x.example", "extra"], rows[2]);
    }

    [Fact]
    public void Reads_quotes_escaped_with_a_backslash_as_some_exporters_write_them()
    {
        var rows = CsvTable.Read("frage;antwort\n\"WLAN?\";\"Das WLAN \\\"Frei\\\" nutzen; kostenlos.\"\n");

        Assert.Equal("Das WLAN \"Frei\" nutzen; kostenlos.", rows[1][1]);
    }

    [Fact]
    public void Keeps_a_stray_quote_inside_an_unquoted_field()
    {
        var rows = CsvTable.Read("name;wert\nMonitor;27\" Zoll\n");

        Assert.Equal("27\" Zoll", rows[1][1]);
    }

    [Fact]
    public void An_unclosed_quote_is_an_error_with_its_line()
    {
        var error = Assert.Throws<DocumentReadException>(() => CsvTable.Read("frage;antwort\nA;B\n\"C;D\nE;F\n"));

        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_after_a_closing_quote_is_an_error_with_its_line()
    {
        var error = Assert.Throws<DocumentReadException>(() => CsvTable.Read("frage;antwort\n\"A\"x;B\n"));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_text_gives_no_rows()
    {
        Assert.Empty(CsvTable.Read(""));
        Assert.Empty(CsvTable.Read("\n\n"));
    }
}
