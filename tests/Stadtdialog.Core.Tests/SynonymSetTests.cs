using Stadtdialog.Retrieval;
using Xunit;

namespace Stadtdialog.Core.Tests;

public sealed class SynonymSetTests
{
    private static readonly GermanTextAnalysis Analysis = GermanTextAnalysis.Default;
    private static readonly SynonymSet Defaults = SynonymSet.WithDefaults(Analysis, []);

    [Fact]
    public void Perso_expands_to_personalausweis()
    {
        var query = Analysis.AnalyzeQuery("perso verloren");

        var expansion = Assert.Single(Defaults.Expand(query), e => e.Words.Any(w => w.Primary == Primary("Personalausweis")));
        Assert.Equal([0], expansion.WordIndexes);
    }

    [Theory]
    [InlineData("Knöllchen")]
    [InlineData("Knöllchens")]
    [InlineData("knoellchen")]
    [InlineData("Strafzettel")]
    public void Colloquial_and_inflected_forms_expand_to_the_official_term(string colloquial)
    {
        var query = Analysis.AnalyzeQuery($"{colloquial} bezahlen");

        Assert.Contains(Defaults.Expand(query), e => e.Words.Any(w => w.Primary == Primary("Verwarnungsgeld")));
    }

    [Fact]
    public void One_way_rule_adds_all_words_of_its_right_side()
    {
        var query = Analysis.AnalyzeQuery("Ummeldung nach Umzug");

        // "ummeldung" and "ummelden" share a stem, so both built-in rules fire, with the same right side.
        var expansions = Defaults.Expand(query).Where(e => e.Words.Count > 1).ToList();
        Assert.NotEmpty(expansions);
        Assert.All(expansions, expansion =>
        {
            Assert.Equal([Primary("wohnsitz"), Primary("anmelden"), Primary("umzug")], expansion.Words.Select(w => w.Primary));
            Assert.Equal([0], expansion.WordIndexes);
        });
    }

    [Fact]
    public void One_way_rule_does_not_apply_in_reverse()
    {
        var set = new SynonymSet(Analysis, ["ausweis => personalausweis"]);

        Assert.NotEmpty(set.Expand(Analysis.AnalyzeQuery("ausweis")));
        Assert.Empty(set.Expand(Analysis.AnalyzeQuery("personalausweis")));
    }

    [Fact]
    public void Equivalence_rule_expands_every_member_to_the_others()
    {
        var set = new SynonymSet(Analysis, ["kita, kindergarten, krippe"]);

        Assert.Equal(6, set.Count);
        var expanded = set.Expand(Analysis.AnalyzeQuery("Kindergarten")).SelectMany(e => e.Words).Select(w => w.Primary).ToList();
        Assert.Equal([Primary("kita"), Primary("krippe")], expanded.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Multi_word_left_side_needs_all_its_words()
    {
        var set = new SynonymSet(Analysis, ["gewerbe anmelden => gewerbeanmeldung"]);

        Assert.Empty(set.Expand(Analysis.AnalyzeQuery("Gewerbe")));
        var expansion = Assert.Single(set.Expand(Analysis.AnalyzeQuery("Wo kann ich ein Gewerbe anmelden?")));
        Assert.Equal(2, expansion.WordIndexes.Count);
    }

    [Fact]
    public void Comments_and_blank_lines_add_no_rules()
    {
        var set = new SynonymSet(Analysis, ["# perso => personalausweis", "", "   "]);

        Assert.Equal(0, set.Count);
    }

    [Fact]
    public void Tenant_rules_are_added_to_the_defaults()
    {
        var set = SynonymSet.WithDefaults(Analysis, ["knolle => verwarnungsgeld"]);

        Assert.Equal(Defaults.Count + 1, set.Count);
        Assert.NotEmpty(set.Expand(Analysis.AnalyzeQuery("Knolle bezahlen")));
        Assert.Empty(Defaults.Expand(Analysis.AnalyzeQuery("Knolle bezahlen")));
    }

    [Fact]
    public void Invalid_lists_the_unusable_rules_only()
    {
        string[] rules =
        [
            "perso, personalausweis",
            "ausweis => personalausweis",
            "# a comment",
            "",
            "nur-ein-wort",
            "=> personalausweis",
            "perso =>",
            "  ,  ,  ",
        ];

        Assert.Equal(["nur-ein-wort", "=> personalausweis", "perso =>", "  ,  ,  "], SynonymSet.Invalid(rules));
    }

    [Fact]
    public void The_built_in_rules_are_all_valid()
    {
        Assert.Empty(SynonymSet.Invalid(GermanTextAnalysis.ReadLines("german-municipal-synonyms.txt")));
        Assert.True(Defaults.Count > 100, $"only {Defaults.Count} built-in rules were loaded");
    }

    private static string Primary(string word) => Analysis.AnalyzeWord(word.ToLowerInvariant())!.Primary;
}
