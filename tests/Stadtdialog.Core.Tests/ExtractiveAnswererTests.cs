using Stadtdialog.Chat;
using Xunit;

namespace Stadtdialog.Core.Tests;

public sealed class ExtractiveAnswererTests(MunicipalCorpus corpus) : IClassFixture<MunicipalCorpus>
{
    private readonly ExtractiveAnswerer _answerer = new(corpus.Analysis);

    [Fact]
    public void Answer_to_the_ID_card_question_quotes_the_lead_sentence_and_cites_the_page()
    {
        var answer = _answerer.Answer(corpus.Ask("Wie beantrage ich einen neuen Personalausweis?"), maxCitations: 3);

        Assert.Equal(AnswerTypes.Retrieval, answer.AnswerType);
        Assert.StartsWith("Einen neuen Personalausweis beantragen Sie persönlich im Bürgerbüro der Stadt Musterstadt.", answer.Text, StringComparison.Ordinal);
        var citation = answer.Citations[0];
        Assert.Equal(1, citation.Index);
        Assert.Equal("Personalausweis beantragen", citation.Title);
        Assert.Equal(MunicipalCorpus.Base + "personalausweis", citation.Url);
        Assert.Null(citation.Section);
        Assert.Equal(MunicipalCorpus.IdOf("personalausweis.md"), citation.DocumentId);
        Assert.True(answer.Confidence >= 0.5);
    }

    [Fact]
    public void Answer_from_a_section_cites_the_page_with_the_section_anchor()
    {
        var answer = _answerer.Answer(corpus.Ask("Was kostet ein Personalausweis für Personen ab 24 Jahren?"), maxCitations: 3);

        Assert.Contains("37,00 Euro", answer.Text, StringComparison.Ordinal);
        var citation = Assert.Single(answer.Citations, c => c.DocumentId == MunicipalCorpus.IdOf("personalausweis.md"));
        Assert.Equal(MunicipalCorpus.Base + "personalausweis#gebühren", citation.Url);
        Assert.Equal("Gebühren", citation.Section);
    }

    [Fact]
    public void Table_rows_are_quoted_as_readable_header_value_pairs()
    {
        var answer = _answerer.Answer(corpus.Ask("Was kostet ein Personalausweis für Personen ab 24 Jahren?"), maxCitations: 3);

        Assert.Contains("Antragsteller: Personen ab 24 Jahren – Gebühr: 37,00 Euro", answer.Text.Split('\n'));
        Assert.DoesNotContain("|", answer.Text, StringComparison.Ordinal);
    }

    private const string TwoPageQuestion = "Kinderreisepass oder Personalausweis für Kinder unter 16 Jahren";

    [Fact]
    public void Answer_quotes_one_passage_and_cites_its_section()
    {
        var answer = _answerer.Answer(corpus.Ask("Was kostet ein Reisepass?"), maxCitations: 3);

        var citation = Assert.Single(answer.Citations);
        Assert.Equal(MunicipalCorpus.Base + "reisepass#gebühren", citation.Url);
        Assert.Equal("Gebühren", citation.Section);
        const string fees = "Ein Reisepass kostet für Personen ab 24 Jahren 70,00 Euro. Der Expresspass ist innerhalb von drei Werktagen fertig und kostet 102,00 Euro.";
        Assert.All(answer.Text.Split('\n'), line => Assert.Contains(line, fees, StringComparison.Ordinal));
    }

    [Fact]
    public void Prose_answer_quotes_at_most_three_sentences()
    {
        foreach (var question in new[] { TwoPageQuestion, "Wie beantrage ich einen neuen Personalausweis?", "Knöllchen bezahlen" })
        {
            var answer = _answerer.Answer(corpus.Ask(question), maxCitations: 3);

            Assert.InRange(answer.Text.Split('\n').Length, 1, 3);
            Assert.InRange(answer.Citations.Count, 1, 3);
        }
    }

    [Fact]
    public void Citations_are_limited_to_the_assistants_maximum()
    {
        var answer = _answerer.Answer(corpus.Ask(TwoPageQuestion), maxCitations: 1);

        Assert.Single(answer.Citations);
    }

    [Fact]
    public void With_fewer_citations_allowed_every_quoted_line_still_comes_from_a_cited_page()
    {
        var answer = _answerer.Answer(corpus.Ask(TwoPageQuestion), maxCitations: 1);

        var cited = answer.Citations.Select(c => c.DocumentId).ToHashSet();
        var citedText = string.Concat(MunicipalCorpus.Pages.Where(p => cited.Contains(MunicipalCorpus.IdOf(p.Key))).Select(p => p.Markdown));
        Assert.All(answer.Text.Split('\n'), line => Assert.True(citedText.Contains(line, StringComparison.Ordinal),
            $"'{line}' is quoted, but its page is not among the citations [{string.Join(", ", answer.Citations.Select(c => c.Url))}]"));
    }

    [Fact]
    public void A_sentence_that_refers_back_is_not_quoted_without_the_sentence_it_refers_to()
    {
        // The Reisepass page says "Für Kinder stellen wir einen Kinderreisepass aus. Er ist ein Jahr gültig und kostet
        // 13,00 Euro." Quoting the second sentence alone under "Was kostet ein Reisepass?" tells the citizen that the
        // passport costs 13 Euro and is valid for one year.
        var answer = _answerer.Answer(corpus.Ask("Was kostet ein Reisepass?"), maxCitations: 3);

        Assert.Contains("70,00 Euro", answer.Text, StringComparison.Ordinal);
        var lines = answer.Text.Split('\n').ToList();
        var pronoun = lines.FindIndex(l => l.StartsWith("Er ist ein Jahr gültig", StringComparison.Ordinal));
        Assert.True(pronoun < 0 || (pronoun > 0 && lines[pronoun - 1] == "Für Kinder stellen wir einen Kinderreisepass aus."),
            "quoted out of context:\n" + answer.Text);
    }

    [Fact]
    public void Follow_ups_point_to_other_sections_or_related_pages()
    {
        var result = corpus.Ask("Wie beantrage ich einen neuen Personalausweis?");
        var answer = _answerer.Answer(result, maxCitations: 3);

        Assert.NotEmpty(answer.FollowUps);
        Assert.True(answer.FollowUps.Count <= 3);
        var related = result.Hits.Skip(1).Select(h => h.Title).ToHashSet();
        Assert.All(answer.FollowUps, f => Assert.True(
            f.StartsWith("Personalausweis beantragen: ", StringComparison.Ordinal) || related.Contains(f), f));
        Assert.Equal(answer.FollowUps.Count, answer.FollowUps.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Answer_via_synonym_quotes_the_official_page()
    {
        var answer = _answerer.Answer(corpus.Ask("Knöllchen bezahlen"), maxCitations: 3);

        Assert.Contains("Verwarnungsgeld", answer.Text, StringComparison.Ordinal);
        Assert.Equal("https://www.musterstadt.de/ordnung/verwarnungsgeld", answer.Citations[0].Url);
    }

    [Fact]
    public void Units_split_sentences_list_items_and_table_rows()
    {
        const string chunk = """
            Einen Ausweis beantragen Sie im Bürgerbüro. Bringen Sie z. B. ein Passfoto mit.
            - ein biometrisches Passfoto
            - der alte Ausweis
            | Antragsteller | Gebühr |
            |---|---|
            | ab 24 Jahren | 37,00 Euro |
            | unter 24 Jahren | 22,80 Euro |
            Danach folgt wieder Text.
            """;

        Assert.Equal(
        [
            "Einen Ausweis beantragen Sie im Bürgerbüro.",
            "Bringen Sie z. B. ein Passfoto mit.",
            "ein biometrisches Passfoto",
            "der alte Ausweis",
            "Antragsteller: ab 24 Jahren – Gebühr: 37,00 Euro",
            "Antragsteller: unter 24 Jahren – Gebühr: 22,80 Euro",
            "Danach folgt wieder Text.",
        ], ExtractiveAnswerer.Units(chunk).Select(u => u.Text));
    }

    [Fact]
    public void Units_group_the_items_of_each_list_and_the_rows_of_each_table()
    {
        const string chunk = "Satz eins.\n- a\n- b\n| H1 | H2 |\n|---|---|\n| x | y |\n| z | w |\nSatz zwei.\n- c";

        Assert.Equal([-1, 0, 0, 1, 1, -1, 2], ExtractiveAnswerer.Units(chunk).Select(u => u.Table));
    }

    [Fact]
    public void Units_of_a_table_without_header_join_the_cells()
    {
        Assert.Equal(["Montag – 8 bis 12 Uhr", "Dienstag – 14 bis 18 Uhr"],
            ExtractiveAnswerer.Units("| Montag | 8 bis 12 Uhr |\n| Dienstag | 14 bis 18 Uhr |").Select(u => u.Text));
    }

    [Fact]
    public void Units_of_a_row_that_does_not_fit_the_header_keep_the_cells_without_labels()
    {
        Assert.Equal(["Sonderfall – 0 Euro – siehe unten"],
            ExtractiveAnswerer.Units("| Leistung | Gebühr |\n|---|---|\n| Sonderfall | 0 Euro | siehe unten |").Select(u => u.Text));
    }

    [Fact]
    public void Units_of_an_empty_header_cell_use_the_value_alone()
    {
        Assert.Equal(["Montag – Vormittag: 8 bis 12 Uhr"],
            ExtractiveAnswerer.Units("|  | Vormittag |\n|---|---|\n| Montag | 8 bis 12 Uhr |").Select(u => u.Text));
    }
}
