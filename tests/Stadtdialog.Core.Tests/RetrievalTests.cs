using Stadtdialog.Retrieval;
using Xunit;

namespace Stadtdialog.Core.Tests;

public sealed class RetrievalTests(MunicipalCorpus corpus) : IClassFixture<MunicipalCorpus>
{
    [Fact]
    public void Every_page_is_indexed_as_chunks()
    {
        Assert.True(corpus.Index.ChunkCount >= MunicipalCorpus.Pages.Length, $"{corpus.Index.ChunkCount} chunks");
    }

    [Fact]
    public void Question_about_a_new_ID_card_finds_the_ID_card_page_with_confidence()
    {
        var result = corpus.Ask("Wie beantrage ich einen neuen Personalausweis?");

        AssertTop(result, "personalausweis.md");
        Assert.True(result.Confidence >= 0.5, $"confidence {result.Confidence:0.00}");
        Assert.Equal(MunicipalCorpus.Base + "personalausweis", result.Hits[0].Url);
        Assert.Equal("Personalausweis beantragen", result.Hits[0].Title);
    }

    [Theory]
    [InlineData("perso verloren", "personalausweis.md")]
    [InlineData("Knöllchen bezahlen", "verwarnungsgeld.md")]
    [InlineData("Strafzettel bekommen, was nun?", "verwarnungsgeld.md")]
    [InlineData("Personalausweisantrag", "personalausweis.md")]
    [InlineData("Ummeldung nach Umzug", "wohnsitz-anmelden.md")]
    [InlineData("Wann wird Sperrmüll abgeholt?", "sperrmuell.md")]
    [InlineData("Was kostet ein Reisepass?", "reisepass.md")]
    [InlineData("Wie viel Hundesteuer zahle ich für zwei Hunde?", "hundesteuer.md")]
    [InlineData("wo kann ich meinen hund anmelden", "hundesteuer.md")]
    [InlineData("Buergerbuero Personalausweis abholen", "personalausweis.md")]
    public void Question_finds_the_right_page_first(string question, string expectedKey)
    {
        var result = corpus.Ask(question);

        AssertTop(result, expectedKey);
        Assert.True(result.Confidence >= 0.5, $"'{question}': confidence {result.Confidence:0.00}");
    }

    [Fact]
    public void Colloquial_term_is_found_only_through_its_synonym()
    {
        // No page contains "Knöllchen": without the built-in rules, nothing relevant is found.
        var withoutRules = corpus.Search.Search(corpus.Index, new SynonymSet(corpus.Analysis, []), "Knöllchen");
        var withRules = corpus.Ask("Knöllchen");

        Assert.DoesNotContain(withoutRules.Hits, h => h.Key == "verwarnungsgeld.md");
        AssertTop(withRules, "verwarnungsgeld.md");
    }

    [Fact]
    public void Synonym_expansions_are_recorded_in_the_plan()
    {
        var result = corpus.Ask("perso verloren");

        Assert.Contains(result.Plan.Expansions, e => e.Words.Any(w => w.Primary == "personalausweis"));
    }

    [Theory]
    [InlineData("Wie hoch ist der Mond?")]
    [InlineData("Wer gewinnt die Weltmeisterschaft?")]
    [InlineData("Rezept für Apfelkuchen")]
    public void Off_topic_question_has_low_confidence(string question)
    {
        var result = corpus.Ask(question);

        Assert.True(result.Confidence < 0.5, $"'{question}': confidence {result.Confidence:0.00} for {Top(result)}");
    }

    [Fact]
    public void Known_topic_with_an_unknown_noun_is_not_confident()
    {
        // "Hundesteuer" is covered, "Segelboot" is not mentioned anywhere: the question is about something else.
        var result = corpus.Ask("Gibt es eine Steuer für mein Segelboot?");

        Assert.True(result.Confidence < 0.5, $"confidence {result.Confidence:0.00} for {Top(result)}");
    }

    [Fact]
    public void Question_of_fillers_only_finds_nothing()
    {
        var result = corpus.Ask("Hallo, was kann ich denn machen?");

        Assert.True(result.Plan.IsEmpty);
        Assert.Empty(result.Hits);
        Assert.Equal(0, result.Confidence);
    }

    [Fact]
    public void Hits_are_documents_with_at_most_three_passages_each_and_a_bounded_count()
    {
        var result = corpus.Search.Search(corpus.Index, corpus.Synonyms, "Personalausweis Reisepass Gebühren Unterlagen", maxDocuments: 2);

        Assert.InRange(result.Hits.Count, 1, 2);
        Assert.Equal(result.Hits.Count, result.Hits.Select(h => h.DocumentId).Distinct().Count());
        Assert.All(result.Hits, h =>
        {
            Assert.InRange(h.Chunks.Count, 1, 4);
            Assert.InRange(h.Coverage, 0, 1);
        });
    }

    [Fact]
    public void Passage_hits_carry_section_and_anchor_of_their_heading()
    {
        var result = corpus.Ask("Was kostet ein Personalausweis für Personen ab 24 Jahren?");

        AssertTop(result, "personalausweis.md");
        var fees = Assert.Single(result.Hits[0].Chunks, c => c.Section == "Gebühren");
        Assert.Equal("gebühren", fees.Anchor);
        Assert.Contains("37,00 Euro", fees.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Tenants_do_not_see_each_others_documents()
    {
        using var townA = MunicipalCorpus.Build(corpus.Analysis, [MunicipalCorpus.Pages[0]]);
        using var townB = MunicipalCorpus.Build(corpus.Analysis, [MunicipalCorpus.Pages[5]]);

        var aAboutDogs = corpus.Search.Search(townA, corpus.Synonyms, "Hundesteuer für meinen Hund");
        var bAboutIdCards = corpus.Search.Search(townB, corpus.Synonyms, "Personalausweis beantragen");

        Assert.All(aAboutDogs.Hits, h => Assert.Equal("personalausweis.md", h.Key));
        Assert.All(bAboutIdCards.Hits, h => Assert.Equal("hundesteuer.md", h.Key));
        Assert.True(aAboutDogs.Confidence < 0.5);
        Assert.True(bAboutIdCards.Confidence < 0.5);
        AssertTop(corpus.Search.Search(townB, corpus.Synonyms, "Hundesteuer für meinen Hund"), "hundesteuer.md");
    }

    [Fact]
    public void Replaced_document_is_found_by_its_new_text_only_after_commit()
    {
        using var index = MunicipalCorpus.Build(corpus.Analysis, [MunicipalCorpus.Pages[5]]);
        var id = MunicipalCorpus.IdOf("hundesteuer.md");

        index.ReplaceDocument(id, [new IndexedChunk(Guid.NewGuid(), id, "u", "hundesteuer.md", "Katzenschutz", "", null, "Katzen müssen gechippt werden.")]);
        Assert.Equal("Hundesteuer", corpus.Search.Search(index, corpus.Synonyms, "Hundesteuer").Hits.Single().Title);

        index.Commit();
        Assert.Empty(corpus.Search.Search(index, corpus.Synonyms, "Hundesteuer").Hits);
        Assert.Equal("Katzenschutz", corpus.Search.Search(index, corpus.Synonyms, "Katzen").Hits.Single().Title);
    }

    [Fact]
    public void Rollback_discards_uncommitted_changes()
    {
        using var index = MunicipalCorpus.Build(corpus.Analysis, [MunicipalCorpus.Pages[5]]);

        index.DeleteDocument(MunicipalCorpus.IdOf("hundesteuer.md"));
        index.Rollback();
        index.Commit();

        AssertTop(corpus.Search.Search(index, corpus.Synonyms, "Hundesteuer"), "hundesteuer.md");
    }

    private static string Top(SearchResult result) => result.Hits.Count > 0 ? result.Hits[0].Key : "nothing";

    private static void AssertTop(SearchResult result, string expectedKey)
    {
        Assert.True(result.Hits.Count > 0 && result.Hits[0].Key == expectedKey,
            $"expected {expectedKey} first, got [{string.Join(", ", result.Hits.Select(h => $"{h.Key} ({h.Coverage:0.00})"))}]");
    }
}
