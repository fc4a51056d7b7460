using Stadtdialog.Knowledge;
using Xunit;

namespace Stadtdialog.Core.Tests;

public sealed class SentenceSplitterTests
{
    [Fact]
    public void Splits_at_sentence_ends()
    {
        Assert.Equal(
            ["Der Ausweis ist fertig.", "Holen Sie ihn ab!", "Haben Sie Fragen?", "Rufen Sie uns an."],
            SentenceSplitter.Split("Der Ausweis ist fertig. Holen Sie ihn ab! Haben Sie Fragen? Rufen Sie uns an."));
    }

    [Theory]
    [InlineData("Bringen Sie z. B. Ihren alten Ausweis mit.")]
    [InlineData("Bringen Sie z.B. Ihren alten Ausweis mit.")]
    [InlineData("Die Regel gilt ab dem 1. Januar 2027 für alle Anträge.")]
    [InlineData("Sie finden uns in Zimmer Nr. 5 im Erdgeschoss.")]
    [InlineData("Die Bearbeitung dauert ca. 3 Wochen.")]
    [InlineData("Bitte bringen Sie ggf. Ihre Geburtsurkunde mit.")]
    [InlineData("Das Amt (Tel. 0123 456) ist erreichbar.")]
    [InlineData("Geöffnet Mo. 8 bis 12 Uhr und Fr. 14 bis 18 Uhr.")]
    [InlineData("Das Bürgerbüro ist im 3. Stock des Rathauses.")]
    [InlineData("Die Rate ist jeweils am 3. Werktag des Monats fällig.")]
    [InlineData("Gemäß § 3 Abs. 2 des Gesetzes ist das erlaubt.")]
    [InlineData("Ansprechpartnerin ist Dr. Müller.")]
    [InlineData("Sie wohnen in der Goethestr. 12 im Erdgeschoss.")]
    public void Does_not_split_after_abbreviations_and_ordinals(string sentence)
    {
        Assert.Equal([sentence], SentenceSplitter.Split(sentence));
    }

    [Fact]
    public void A_date_at_the_end_of_a_sentence_ends_it()
    {
        Assert.Equal(
            ["Die Frist endet am 31.12.2026.", "Danach ist kein Antrag mehr möglich."],
            SentenceSplitter.Split("Die Frist endet am 31.12.2026. Danach ist kein Antrag mehr möglich."));
    }

    [Fact]
    public void Abbreviation_inside_the_first_sentence_does_not_stop_the_next_split()
    {
        Assert.Equal(
            ["Bringen Sie z. B. Ihren Pass mit.", "Die Gebühr beträgt 37 Euro."],
            SentenceSplitter.Split("Bringen Sie z. B. Ihren Pass mit. Die Gebühr beträgt 37 Euro."));
    }

    [Fact]
    public void Lower_case_continuation_is_not_a_sentence_start()
    {
        Assert.Equal(["Gebühr: 37 Euro. für Personen ab 24 Jahren."], SentenceSplitter.Split("Gebühr: 37 Euro. für Personen ab 24 Jahren."));
    }

    [Fact]
    public void Whitespace_and_empty_text_give_no_sentences()
    {
        Assert.Empty(SentenceSplitter.Split("   "));
        Assert.Empty(SentenceSplitter.Split(""));
    }

    [Fact]
    public void Sentence_starting_with_a_quote_or_digit_is_split()
    {
        Assert.Equal(
            ["Der Antrag heißt Meldeschein.", "„Anmeldung“ steht oben.", "3 Exemplare genügen."],
            SentenceSplitter.Split("Der Antrag heißt Meldeschein. „Anmeldung“ steht oben. 3 Exemplare genügen."));
    }

    [Fact]
    public void Lower_case_so_ends_a_sentence_while_capitalised_So_is_Sunday()
    {
        Assert.Equal(["Das ist so.", "Danach geht es weiter."], SentenceSplitter.Split("Das ist so. Danach geht es weiter."));
        Assert.Equal(["Geöffnet Sa. und So. 10 bis 14 Uhr."], SentenceSplitter.Split("Geöffnet Sa. und So. 10 bis 14 Uhr."));
    }

    [Theory]
    [InlineData("Das Bürgerbüro ist in Zimmer 12. Sie erreichen es über den Aufzug.", "Das Bürgerbüro ist in Zimmer 12.")]
    [InlineData("Kinder zahlen ab 6. Die Ermäßigung gilt bis 17 Jahre.", "Kinder zahlen ab 6.")]
    public void Number_at_the_end_of_a_sentence_ends_it_when_the_next_word_starts_a_sentence(string text, string first)
    {
        Assert.Equal(first, SentenceSplitter.Split(text)[0]);
    }
}
