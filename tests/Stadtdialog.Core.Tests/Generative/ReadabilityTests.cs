using Stadtdialog.Generative;
using Xunit;

namespace Stadtdialog.Core.Tests;

public sealed class ReadabilityTests
{
    private const string Plain = "Sie brauchen einen Ausweis. Das kostet 37 Euro.";

    private const string Official =
        "Die Beantragung eines Personalausweises ist gemäß § 9 PAuswG grundsätzlich persönlich bei der zuständigen "
        + "Personalausweisbehörde unter Vorlage der erforderlichen Unterlagen vorzunehmen.";

    [Theory]
    // Counts follow German hyphenation (Duden), where a hiatus is a syllable of its own ("Na-ti-on", "Fa-mi-li-e").
    [InlineData("Personalausweis", 5)] // Per-so-nal-aus-weis
    [InlineData("Bürgeramt", 3)] // Bür-ger-amt
    [InlineData("Einfache", 3)] // Ein-fa-che
    [InlineData("Anmeldung", 3)] // An-mel-dung
    [InlineData("Familie", 4)] // Fa-mi-li-e
    [InlineData("Familienkasse", 6)] // Fa-mi-li-en-kas-se
    [InlineData("Museum", 3)] // Mu-se-um
    [InlineData("Museumsinsel", 5)] // Mu-se-ums-in-sel
    [InlineData("Jubiläum", 4)] // Ju-bi-lä-um
    [InlineData("Theater", 3)] // The-a-ter
    [InlineData("Nation", 3)] // Na-ti-on
    [InlineData("Information", 5)] // In-for-ma-ti-on
    [InlineData("Situation", 5)] // Si-tu-a-ti-on
    [InlineData("Verwaltungsgebühr", 5)] // Ver-wal-tungs-ge-bühr
    [InlineData("Personalausweisbehörde", 8)] // Per-so-nal-aus-weis-be-hör-de
    [InlineData("Öffnungszeiten", 4)] // Öff-nungs-zei-ten
    [InlineData("Sperrmüll", 2)] // Sperr-müll
    [InlineData("Straße", 2)] // Stra-ße
    [InlineData("Haus", 1)]
    [InlineData("Häuser", 2)] // Häu-ser
    [InlineData("Feuer", 2)] // Feu-er
    [InlineData("Abenteuer", 4)] // A-ben-teu-er
    [InlineData("Bauer", 2)] // Bau-er
    [InlineData("neue", 2)] // neu-e
    [InlineData("Eier", 2)] // Ei-er
    [InlineData("Reihe", 2)] // Rei-he
    [InlineData("Polizei", 3)] // Po-li-zei
    [InlineData("Euro", 2)] // Eu-ro
    [InlineData("Europa", 3)] // Eu-ro-pa
    [InlineData("Staat", 1)]
    [InlineData("Boot", 1)]
    [InlineData("Kaffee", 2)] // Kaf-fee
    [InlineData("Idee", 2)] // I-dee
    [InlineData("Ideen", 3)] // I-de-en
    [InlineData("Theorie", 3)] // The-o-rie
    [InlineData("Batterie", 3)] // Bat-te-rie
    [InlineData("Energie", 3)] // E-ner-gie
    [InlineData("Harmonie", 3)] // Har-mo-nie
    [InlineData("Kopie", 2)] // Ko-pie
    [InlineData("Kopien", 3)] // Ko-pi-en
    [InlineData("Linie", 3)] // Li-ni-e
    [InlineData("Studie", 3)] // Stu-di-e
    [InlineData("Ferien", 3)] // Fe-ri-en
    [InlineData("Medien", 3)] // Me-di-en
    [InlineData("Knie", 1)]
    [InlineData("die", 1)]
    [InlineData("Papier", 2)] // Pa-pier
    [InlineData("Dienstag", 2)] // Diens-tag
    [InlineData("Gottesdienst", 3)] // Got-tes-dienst
    [InlineData("verdient", 2)] // ver-dient
    [InlineData("Material", 4)] // Ma-te-ri-al
    [InlineData("Januar", 3)] // Ja-nu-ar
    [InlineData("aktuell", 3)] // ak-tu-ell
    [InlineData("zuerst", 2)] // zu-erst
    [InlineData("Video", 3)] // Vi-de-o
    [InlineData("beantragen", 4)] // be-an-tra-gen
    [InlineData("Beamte", 3)] // Be-am-te
    [InlineData("beenden", 3)] // be-en-den
    [InlineData("geehrte", 3)] // ge-ehr-te
    [InlineData("geeignet", 3)] // ge-eig-net
    [InlineData("Beere", 2)] // Bee-re
    [InlineData("Quittung", 2)] // Quit-tung
    [InlineData("bequem", 2)] // be-quem
    [InlineData("Yoga", 2)] // Yo-ga
    [InlineData("Typ", 1)]
    [InlineData("System", 2)] // Sys-tem
    [InlineData("Asyl", 2)] // A-syl
    [InlineData("Bayern", 2)] // Bay-ern
    [InlineData("Niveau", 2)] // Ni-veau
    [InlineData("Route", 2)] // Rou-te
    [InlineData("Café", 2)] // Ca-fé
    [InlineData("Ausländerbehörde", 6)] // Aus-län-der-be-hör-de
    [InlineData("Unterlagen", 4)] // Un-ter-la-gen
    [InlineData("erforderlichen", 5)] // er-for-der-li-chen
    [InlineData("Kreuzung", 2)] // Kreu-zung
    public void Counts_syllables_of_german_words(string word, int expected)
    {
        Assert.Equal(expected, Readability.CountSyllables(word));
    }

    [Theory]
    [InlineData("37", 1)]
    [InlineData("1.1.2025", 1)]
    [InlineData("Kfz", 1)]
    [InlineData("Kfz-Zulassung", 4)]
    [InlineData("E-Mail", 2)]
    [InlineData("Bürger:innen", 4)]
    public void Numbers_and_words_without_vowels_count_one_syllable_per_part(string token, int expected)
    {
        Assert.Equal(expected, Readability.CountWordSyllables(token));
    }

    [Fact]
    public void Plain_language_scores_high()
    {
        var score = Readability.Measure(Plain);

        Assert.NotNull(score);
        Assert.Equal(2, score.Sentences);
        Assert.Equal(8, score.Words);
        Assert.Equal(13, score.Syllables); // Sie brau-chen ei-nen Aus-weis. Das kos-tet 37 Eu-ro.
        Assert.Equal(4, score.WordsPerSentence);
        Assert.True(score.FleschAmstad > 70, $"Flesch–Amstad {score.FleschAmstad}");
        Assert.InRange(score.FleschAmstad, 80.9, 81.0); // 180 − 4 − 58.5 × 1.625
    }

    [Fact]
    public void Official_language_scores_low()
    {
        var score = Readability.Measure(Official);

        Assert.NotNull(score);
        Assert.Equal(1, score.Sentences);
        Assert.Equal(20, score.Words);
        Assert.True(score.FleschAmstad < 30, $"Flesch–Amstad {score.FleschAmstad}");
        Assert.Equal("sehr schwer", Readability.Describe(score.FleschAmstad));
    }

    [Fact]
    public void Wiener_Sachtextformel_rates_plain_language_easier_than_official_language()
    {
        var plain = Readability.Measure(Plain);
        var official = Readability.Measure(Official);

        Assert.NotNull(plain);
        Assert.NotNull(official);
        Assert.True(plain.WienerSachtextformel < official.WienerSachtextformel);
        Assert.True(plain.WienerSachtextformel < 4, $"WSTF {plain.WienerSachtextformel}");
        Assert.True(official.WienerSachtextformel > 12, $"WSTF {official.WienerSachtextformel}");
    }

    [Fact]
    public void Formulas_match_a_hand_computed_example()
    {
        // 8 words, 2 sentences, 13 syllables; ≥ 3 syllables: none; > 6 letters: "brauchen", "Ausweis"; one syllable: Sie, Das, 37.
        var score = Readability.Measure(Plain);

        Assert.NotNull(score);
        var expectedWstf = (0.1935 * 0) + (0.1672 * 4) + (0.1297 * 25) - (0.0327 * 37.5) - 0.875;
        Assert.Equal(expectedWstf, score.WienerSachtextformel, 9);
        Assert.Equal(180 - 4 - (58.5 * 13 / 8), score.FleschAmstad, 9);
    }

    [Theory]
    [InlineData("Sie brauchen einen Ausweis [1]. Das kostet 37 Euro [2][3].")]
    [InlineData("Sie brauchen einen Ausweis.[1] Das kostet 37 Euro.[2, 3]")]
    [InlineData("Sie brauchen einen Ausweis (https://www.stadt.de/buergeramt/ausweis?id=4). Das kostet 37 Euro.")]
    [InlineData("Sie brauchen einen Ausweis. Das kostet 37 Euro: www.stadt.de/gebuehren.")]
    [InlineData("Sie brauchen einen **Ausweis**. Das kostet *37 Euro* (buergeramt@stadt.de).")]
    [InlineData("Sie brauchen einen [Ausweis](https://stadt.de/a). Das kostet 37 Euro[^1].")]
    [InlineData("- Sie brauchen einen Ausweis\n- Das kostet 37 Euro")]
    [InlineData("1. Sie brauchen einen Ausweis\n2. Das kostet 37 Euro")]
    [InlineData("# Sie brauchen einen Ausweis\nDas kostet 37 Euro.")]
    public void Citations_urls_and_markdown_do_not_change_the_score(string decorated)
    {
        var plain = Readability.Measure(Plain);
        var score = Readability.Measure(decorated);

        Assert.Equal(plain, score);
    }

    [Theory]
    [InlineData("Bringen Sie z. B. Ihren alten Ausweis und ggf. ein Foto mit.")]
    [InlineData("Bringen Sie z.B. Ihren alten Ausweis bzw. Ihren Pass mit.")]
    [InlineData("Die Gebühr beträgt ca. 37 Euro, d. h. Sie zahlen bar.")]
    [InlineData("Das Amt ist in der Goethestr. 12, Zimmer Nr. 5 bei Dr. Müller.")]
    [InlineData("Es gilt § 3 Abs. 2, siehe S. 4 der Satzung u. a. für Vereine.")]
    [InlineData("Wir haben am 12. März und am 1.1.2025 geschlossen.")]
    [InlineData("Bringen Sie Ausweis, Foto, Formular usw. mit.")]
    public void Abbreviations_and_dates_do_not_end_a_sentence(string text)
    {
        var score = Readability.Measure(text);

        Assert.NotNull(score);
        Assert.Equal(1, score.Sentences);
    }

    [Fact]
    public void Letter_abbreviations_count_as_one_word()
    {
        var spaced = Readability.Measure("Bringen Sie z. B. Ihren Pass mit.");
        var joined = Readability.Measure("Bringen Sie z.B. Ihren Pass mit.");

        Assert.NotNull(spaced);
        Assert.Equal(6, spaced.Words);
        Assert.Equal(spaced, joined);
    }

    [Theory]
    [InlineData("Alle Bürger:innen sind eingeladen.")]
    [InlineData("Alle Bürger*innen sind eingeladen.")]
    [InlineData("Alle Bürger_innen sind eingeladen.")]
    [InlineData("Alle BürgerInnen sind eingeladen.")]
    public void Gender_forms_are_one_word(string text)
    {
        var score = Readability.Measure(text);

        Assert.NotNull(score);
        Assert.Equal(4, score.Words);
        Assert.Equal(11, score.Syllables); // Al-le Bür-ger-in-nen sind ein-ge-la-den
    }

    [Fact]
    public void Lines_and_list_items_end_sentences()
    {
        var score = Readability.Measure("Sie brauchen:\n- Ausweis\n- Foto\n\nDann kommen Sie ins Amt");

        Assert.NotNull(score);
        Assert.Equal(4, score.Sentences); // "Sie brauchen:", "Ausweis", "Foto", "Dann kommen Sie ins Amt"
        Assert.Equal(9, score.Words);
    }

    [Fact]
    public void Sentences_end_at_question_and_exclamation_marks()
    {
        var score = Readability.Measure("Haben Sie Fragen? Rufen Sie an! Wir helfen gern.");

        Assert.NotNull(score);
        Assert.Equal(3, score.Sentences);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n  ")]
    [InlineData("[1][2]")]
    [InlineData("https://www.stadt.de/ausweis")]
    [InlineData("- \n# \n---\n| --- | --- |")]
    [InlineData("buergeramt@stadt.de")]
    public void Text_without_words_gives_null(string text)
    {
        Assert.Null(Readability.Measure(text));
    }

    [Fact]
    public void Flesch_Amstad_is_clamped_to_0_to_100()
    {
        var easy = Readability.Measure("Ja. Nein. Gut. So.");
        var hard = Readability.Measure(Official);

        Assert.NotNull(easy);
        Assert.NotNull(hard);
        Assert.Equal(100, easy.FleschAmstad);
        Assert.Equal(0, hard.FleschAmstad);
    }

    [Theory]
    [InlineData(100, "sehr leicht")]
    [InlineData(90, "sehr leicht")]
    [InlineData(85, "leicht")]
    [InlineData(75, "mittelleicht")]
    [InlineData(65, "mittel")]
    [InlineData(55, "mittelschwer")]
    [InlineData(40, "schwer")]
    [InlineData(29.9, "sehr schwer")]
    [InlineData(0, "sehr schwer")]
    public void Describe_gives_the_german_band(double fleschAmstad, string expected)
    {
        Assert.Equal(expected, Readability.Describe(fleschAmstad));
    }

    [Fact]
    public void Plain_rewrite_of_an_official_answer_is_easier()
    {
        var official = Readability.Measure(
            "Für die Ausstellung eines Personalausweises ist die persönliche Vorsprache der antragstellenden Person "
            + "erforderlich [1]. Die Gebühr beträgt für Antragstellerinnen und Antragsteller ab Vollendung des "
            + "24. Lebensjahres 37,00 Euro [2].");
        var plain = Readability.Measure(
            "Sie wollen einen neuen Ausweis? Dann kommen Sie selbst ins Bürgeramt [1]. Der Ausweis kostet 37 Euro. "
            + "Das gilt ab 24 Jahren [2].");

        Assert.NotNull(official);
        Assert.NotNull(plain);
        Assert.True(plain.FleschAmstad - official.FleschAmstad > 30, $"{plain.FleschAmstad} vs {official.FleschAmstad}");
        Assert.True(plain.WienerSachtextformel < official.WienerSachtextformel);
        Assert.Equal(2, official.Sentences);
        Assert.Equal(4, plain.Sentences);
    }
}
