using Stadtdialog.Retrieval;
using Xunit;

namespace Stadtdialog.Core.Tests;

public sealed class GermanTextAnalysisTests
{
    private static readonly GermanTextAnalysis Analysis = GermanTextAnalysis.Default;

    [Fact]
    public void Compound_is_indexed_with_its_own_stem_and_the_stems_of_its_parts()
    {
        var terms = Analysis.Terms("Personalausweisantrag");

        Assert.Contains("personalausweisantrag", terms);
        Assert.Contains(Primary("Personalausweis"), terms);
        Assert.Contains(Primary("Ausweis"), terms);
        Assert.Contains(Primary("Antrag"), terms);
        Assert.Contains("personal", terms);
    }

    [Fact]
    public void Compound_parts_are_also_found_inside_a_compound_that_is_itself_a_part()
    {
        // "Personalausweis" is a dictionary part of its own, and still yields its smaller parts.
        var terms = Analysis.Terms("Personalausweis");

        Assert.Contains("personalausweis", terms);
        Assert.Contains("ausweis", terms);
        Assert.Contains("personal", terms);
    }

    [Fact]
    public void Word_that_is_not_a_compound_yields_only_its_stem()
    {
        Assert.Equal(["mond"], Analysis.Terms("Mond"));
    }

    [Theory]
    [InlineData("Bürgerbüro", "Buergerbuero")]
    [InlineData("Bürgerbüro", "Burgerburo")]
    [InlineData("Straße", "Strasse")]
    [InlineData("Müll", "Muell")]
    [InlineData("Gebühren", "Gebuehren")]
    public void Umlauts_and_sharp_s_fold_to_the_same_stem_as_their_transliterations(string withUmlaut, string transliterated)
    {
        var primary = Primary(withUmlaut);

        Assert.Equal(primary, Primary(transliterated));
        Assert.Contains(primary, Analysis.Terms(transliterated));
        Assert.DoesNotMatch("[äöüß]", primary);
    }

    [Theory]
    [InlineData("Personalausweis", "Personalausweise")]
    [InlineData("Personalausweis", "Personalausweises")]
    [InlineData("Antrag", "Anträge")]
    [InlineData("Knöllchen", "Knöllchens")]
    [InlineData("Gebühr", "Gebühren")]
    public void Inflected_forms_share_a_stem(string form, string inflected)
    {
        Assert.Equal(Primary(form), Primary(inflected));
    }

    [Fact]
    public void Stop_words_produce_no_terms()
    {
        Assert.Empty(Analysis.Terms("der die das und oder nicht mit für"));
        Assert.Null(Analysis.AnalyzeWord("und"));
    }

    [Fact]
    public void Terms_of_a_sentence_keep_content_words_and_drop_stop_words()
    {
        var terms = Analysis.Terms("Der Antrag und die Gebühr");

        Assert.Contains(Primary("Antrag"), terms);
        Assert.Contains(Primary("Gebühr"), terms);
        Assert.DoesNotContain("der", terms);
        Assert.DoesNotContain("und", terms);
    }

    [Fact]
    public void AnalyzeWord_separates_the_primary_stem_from_the_compound_parts()
    {
        var word = Analysis.AnalyzeWord("personalausweisantrag");

        Assert.NotNull(word);
        Assert.Equal("personalausweisantrag", word.Surface);
        Assert.Equal("personalausweisantrag", word.Primary);
        Assert.Contains("ausweis", word.Parts);
        Assert.Contains("antrag", word.Parts);
        Assert.DoesNotContain(word.Primary, word.Parts);
        Assert.Equal(word.Parts.Count, word.Parts.Distinct().Count());
    }

    [Fact]
    public void AnalyzeQuery_drops_question_fillers_and_stop_words()
    {
        var words = Analysis.AnalyzeQuery("Wie kann ich bitte einen neuen Personalausweis bekommen?");

        Assert.Equal(["neuen", "personalausweis"], words.Select(w => w.Surface));
    }

    [Fact]
    public void AnalyzeQuery_of_a_question_made_only_of_fillers_is_empty()
    {
        Assert.Empty(Analysis.AnalyzeQuery("Hallo, was muss ich denn machen?"));
    }

    [Fact]
    public void AnalyzeQuery_keeps_the_surface_in_lower_case_and_the_stem_as_primary()
    {
        var word = Assert.Single(Analysis.AnalyzeQuery("Personalausweise?"));

        Assert.Equal("personalausweise", word.Surface);
        Assert.Equal(Primary("Personalausweis"), word.Primary);
    }

    [Fact]
    public void IsNoun_follows_capitalisation_when_the_writer_uses_capitals()
    {
        var words = Analysis.AnalyzeQuery("Wo beantrage ich einen neuen Personalausweis?");

        Assert.False(Word(words, "beantrage").IsNoun);
        Assert.False(Word(words, "neuen").IsNoun);
        Assert.True(Word(words, "personalausweis").IsNoun);
    }

    [Fact]
    public void IsNoun_treats_a_capitalised_first_word_as_a_verb_when_the_question_uses_capitals()
    {
        var words = Analysis.AnalyzeQuery("Zahlt die Stadt Sperrmüll?");

        Assert.False(Word(words, "zahlt").IsNoun);
        Assert.True(Word(words, "stadt").IsNoun);
        Assert.True(Word(words, "sperrmüll").IsNoun);
    }

    [Fact]
    public void IsNoun_treats_a_capitalised_word_after_a_sentence_end_as_sentence_start()
    {
        var words = Analysis.AnalyzeQuery("Ich habe den Ausweis verloren. Zahlt die Versicherung?");

        Assert.True(Word(words, "ausweis").IsNoun);
        Assert.False(Word(words, "zahlt").IsNoun);
        Assert.True(Word(words, "versicherung").IsNoun);
    }

    [Fact]
    public void IsNoun_assumes_nouns_when_the_writer_uses_no_capitals()
    {
        var words = Analysis.AnalyzeQuery("wo beantrage ich einen personalausweis");

        Assert.NotEmpty(words);
        Assert.All(words, w => Assert.True(w.IsNoun, w.Surface));
    }

    [Fact]
    public void IsNoun_counts_numbers_as_nouns()
    {
        var words = Analysis.AnalyzeQuery("Was kostet Formular 12?");

        Assert.True(Word(words, "12").IsNoun);
    }

    [Fact]
    public void Words_returns_the_lower_case_tokens_including_stop_words()
    {
        Assert.Equal(["wo", "ist", "das", "bürgerbüro"], Analysis.Words("Wo ist das Bürgerbüro?"));
    }

    [Fact]
    public void Extra_compound_parts_extend_the_splitter()
    {
        var custom = new GermanTextAnalysis(["zauberei"]);

        Assert.Contains("zauberei", custom.Terms("Zaubereiamt"));
        Assert.DoesNotContain("zauberei", Analysis.Terms("Zaubereiamt"));
    }

    private static string Primary(string word) =>
        Analysis.AnalyzeWord(word.ToLowerInvariant())?.Primary ?? throw new InvalidOperationException($"'{word}' is a stop word.");

    private static QueryWord Word(IReadOnlyList<QueryWord> words, string surface) =>
        words.SingleOrDefault(w => w.Surface == surface)
        ?? throw new Xunit.Sdk.XunitException($"'{surface}' is not among [{string.Join(", ", words.Select(w => w.Surface))}].");
}
