using System.Text;
using Stadtdialog.Knowledge;
using Stadtdialog.Knowledge.Readers;
using Stadtdialog.Tests;
using Xunit;
using Format = Stadtdialog.Knowledge.Readers.FileFormat;

namespace Stadtdialog.Core.Tests.Readers;

public sealed class FaqTableReaderTests
{
    private const string TableUrl = "https://www.musterstadt.example/faq.csv";

    private static IReadOnlyList<IReadOnlyList<string>> SharedFaq() =>
        CsvTable.Read(File.ReadAllText(Path.Combine(RepositoryPaths.SharedData, "faq", "buergerservice-faq.csv")));

    [Theory]
    [InlineData("Frage", "Antwort")]
    [InlineData(" QUESTION ", "answer")]
    [InlineData("Q", "A")]
    [InlineData("fragen", "ANTWORT")]
    public void Recognises_question_and_answer_headers(string question, string answer)
    {
        Assert.True(FaqTableReader.IsFaqHeader(["Nr", question, answer, "Link"]));
    }

    [Theory]
    [InlineData("Frage", "Text")]
    [InlineData("Titel", "Antwort")]
    [InlineData("Fragestellung", "Antwort")]
    public void A_table_without_both_columns_is_no_faq(string first, string second)
    {
        Assert.False(FaqTableReader.IsFaqHeader([first, second]));
    }

    [Fact]
    public void Reads_every_row_of_the_shared_faq()
    {
        var documents = FaqTableReader.Read(SharedFaq(), TableUrl);

        Assert.Equal(8, documents.Count);
        Assert.All(documents, d =>
        {
            Assert.Equal(DocumentKind.Faq, d.Kind);
            Assert.Equal("de", d.Language);
            Assert.Null(d.Description);
            Assert.Matches("^[0-9a-f]{12}$", d.SubKey);
            Assert.StartsWith("https://www.musterstadt.example/", d.Url, StringComparison.Ordinal);
            Assert.Single(d.Blocks);
        });
        Assert.Equal(8, documents.Select(d => d.SubKey).Distinct().Count());

        var payment = Assert.Single(documents, d => d.Title == "Wie kann ich im Bürgerbüro bezahlen?");
        Assert.Equal("https://www.musterstadt.example/buergerservice/termin", payment.Url);
        Assert.Equal(["Zahlung", "EC-Karte", "bar"], payment.Keywords);
        var answer = Assert.IsType<ParagraphBlock>(payment.Blocks[0]);
        Assert.StartsWith("Im Bürgerbüro zahlen Sie mit Girocard", answer.Text, StringComparison.Ordinal);

        var leaves = Assert.Single(documents, d => d.Title.StartsWith("Darf ich Laub", StringComparison.Ordinal));
        Assert.Contains("Äste", ((ParagraphBlock)leaves.Blocks[0]).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Identities_do_not_change_when_rows_are_reordered()
    {
        var rows = SharedFaq();
        var reordered = new List<IReadOnlyList<string>> { rows[0] };
        reordered.AddRange(rows.Skip(1).Reverse());

        var original = FaqTableReader.Read(rows, TableUrl).ToDictionary(d => d.Title, d => d.SubKey);
        var shuffled = FaqTableReader.Read(reordered, TableUrl).ToDictionary(d => d.Title, d => d.SubKey);

        Assert.Equal(original.OrderBy(p => p.Key, StringComparer.Ordinal), shuffled.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void The_identity_ignores_case_and_whitespace_of_the_question()
    {
        var a = FaqTableReader.Read([["Frage", "Antwort"], ["Wo ist  das\nRathaus?", "Am Markt."]], TableUrl);
        var b = FaqTableReader.Read([["Frage", "Antwort"], ["  wo ist das rathaus?", "Am Markt 1."]], TableUrl);

        Assert.Equal(a[0].SubKey, b[0].SubKey);
        Assert.Equal("Wo ist das Rathaus?", a[0].Title);
    }

    [Fact]
    public void Rows_without_answer_are_skipped_and_a_repeated_question_is_read_once()
    {
        var documents = FaqTableReader.Read(
            [
                ["Frage", "Antwort"],
                ["Wann hat das Bürgerbüro geöffnet?", "Montag bis Freitag 8 bis 12 Uhr."],
                ["Gibt es Parkplätze?", ""],
                ["", "Eine Antwort ohne Frage."],
                ["Wann hat das Bürgerbüro geöffnet?", "Eine spätere, abweichende Antwort."],
                ["Wo?"],
            ],
            TableUrl);

        var document = Assert.Single(documents);
        Assert.Equal("Montag bis Freitag 8 bis 12 Uhr.", Assert.IsType<ParagraphBlock>(document.Blocks[0]).Text);
    }

    [Fact]
    public void A_table_without_any_answered_question_is_an_error()
    {
        var error = Assert.Throws<DocumentReadException>(() =>
            FaqTableReader.Read([["Frage", "Antwort"], ["Gibt es Parkplätze?", " "], ["Wo?", ""]], TableUrl));

        Assert.Equal("The FAQ table has no rows with a question and an answer.", error.Message);
    }

    [Fact]
    public void Without_a_valid_row_url_the_table_url_with_an_anchor_is_used()
    {
        var documents = FaqTableReader.Read(
            [
                ["Frage", "Antwort", "Link"],
                ["Wo ist das Fundbüro?", "Im Rathaus.", "fundbuero"],
                ["Was kostet ein Führungszeugnis?", "13 Euro.", "ftp://files.example/x"],
                ["Wie melde ich ein Schlagloch?", "Über den Mängelmelder.", "http://www.musterstadt.example/maengel"],
            ],
            TableUrl);

        Assert.Equal($"{TableUrl}#faq-{documents[0].SubKey}", documents[0].Url);
        Assert.Equal($"{TableUrl}#faq-{documents[1].SubKey}", documents[1].Url);
        Assert.Equal("http://www.musterstadt.example/maengel", documents[2].Url);
    }

    [Fact]
    public void A_site_relative_row_url_is_kept()
    {
        var document = Assert.Single(FaqTableReader.Read(
            [
                ["Frage", "Antwort", "Link"],
                ["Wo ist das Fundbüro?", "Im Rathaus.", "/buergerservice/fundbuero"],
            ],
            TableUrl));

        Assert.Equal("/buergerservice/fundbuero", document.Url);
    }

    [Fact]
    public void Keywords_and_category_become_keywords()
    {
        var document = Assert.Single(FaqTableReader.Read(
            [
                ["Kategorie", "Question", "Answer", "Schlagworte"],
                ["Abfall", "Wann wird der Sperrmüll abgeholt?", "Auf Anfrage.", "Sperrmüll; Möbel, Abholung; sperrmüll"],
            ],
            TableUrl));

        Assert.Equal(["Sperrmüll", "Möbel", "Abholung", "Abfall"], document.Keywords);
    }

    [Fact]
    public void Answers_keep_paragraphs_and_lists()
    {
        var document = Assert.Single(FaqTableReader.Read(
            [
                ["frage", "antwort"],
                ["Was brauche ich für den Reisepass?", "Bitte bringen Sie mit:\n- Personalausweis\n• biometrisches Foto\n  (nicht älter als 6 Monate)\n\nDie Gebühr zahlen Sie\nvor Ort."],
            ],
            TableUrl));

        Assert.Collection(
            document.Blocks,
            b => Assert.Equal("Bitte bringen Sie mit:", Assert.IsType<ParagraphBlock>(b).Text),
            b => Assert.Equal(["Personalausweis", "biometrisches Foto (nicht älter als 6 Monate)"], Assert.IsType<ListBlock>(b).Items),
            b => Assert.Equal("Die Gebühr zahlen Sie vor Ort.", Assert.IsType<ParagraphBlock>(b).Text));
    }

    [Fact]
    public void A_csv_with_question_and_answer_columns_is_read_as_faq_through_the_document_readers()
    {
        var bytes = File.ReadAllBytes(Path.Combine(RepositoryPaths.SharedData, "faq", "buergerservice-faq.csv"));
        var raw = new RawDocument("faq/buergerservice-faq.csv", TableUrl, Format.Csv, bytes);

        var documents = DocumentReaders.Read(raw, new ReadContext(DateTimeOffset.UnixEpoch, new ReaderLimits(), ReadHint.Faq));

        Assert.Equal(8, documents.Count);
        Assert.All(documents, d => Assert.Equal(DocumentKind.Faq, d.Kind));
    }

    [Fact]
    public void A_csv_without_answer_column_is_refused_when_an_faq_is_required()
    {
        var raw = new RawDocument("x.csv", TableUrl, Format.Csv, Encoding.UTF8.GetBytes("Frage;Text\nWo?;Hier\n"));

        var error = Assert.Throws<DocumentReadException>(() =>
            DocumentReaders.Read(raw, new ReadContext(DateTimeOffset.UnixEpoch, new ReaderLimits(), ReadHint.Faq)));

        Assert.StartsWith("No FAQ table found", error.Message, StringComparison.Ordinal);
    }
}
