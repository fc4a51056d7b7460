using Stadtdialog.Generative;
using Xunit;

namespace Stadtdialog.Core.Tests.Generative;

public sealed class GroundingCheckTests
{
    private static readonly string[] Evidence =
    [
        "Der Personalausweis kostet 37,00 Euro, für Personen unter 24 Jahren 22,80 Euro. Bearbeitungszeit etwa drei Wochen.",
        "Bürgerbüro, Marktplatz 1, Telefon 03641 49-0.",
    ];

    [Theory]
    [InlineData("Der Ausweis kostet 37,00 Euro [1].", new[] { 1 })]
    [InlineData("Sie erreichen das Bürgerbüro unter 03641 49-0 [2]. Kosten: 37,00 Euro [1].", new[] { 2, 1 })]
    [InlineData("Unter 24 Jahren zahlen Sie 22,80 Euro [1][2].", new[] { 1, 2 })]
    [InlineData("Unter 24 Jahren zahlen Sie 22,80 Euro [1, 2].", new[] { 1, 2 })]
    [InlineData("Das kostet 37,00 Euro [Quelle 1].", new[] { 1 })]
    public void Cited_answer_with_supported_numbers_is_grounded(string answer, int[] cited)
    {
        var verdict = GroundingCheck.Verify(answer, 2, Evidence);

        Assert.Equal(GroundingStatus.Grounded, verdict.Status);
        Assert.True(verdict.Passed);
        Assert.Equal(cited, verdict.CitedSources);
    }

    [Fact]
    public void Answer_without_any_citation_is_rejected()
    {
        var verdict = GroundingCheck.Verify("Der Personalausweis kostet 37,00 Euro.", 2, Evidence);

        Assert.Equal(GroundingStatus.Uncited, verdict.Status);
        Assert.False(verdict.Passed);
    }

    [Theory]
    [InlineData("Das kostet 37,00 Euro [3].")]
    [InlineData("Das kostet 37,00 Euro [1][0].")]
    [InlineData("Das kostet 37,00 Euro [1, 7].")]
    public void Citing_a_source_that_was_not_offered_is_rejected(string answer)
    {
        Assert.Equal(GroundingStatus.WrongCitation, GroundingCheck.Verify(answer, 2, Evidence).Status);
    }

    [Theory]
    [InlineData("Der Personalausweis kostet 45,00 Euro [1].", "45")]
    [InlineData("Rufen Sie 0800 1234567 an [2].", "0800")]
    [InlineData("Die Bearbeitung dauert 14 Tage [1].", "14")]
    public void A_number_that_occurs_in_no_source_is_rejected(string answer, string number)
    {
        var verdict = GroundingCheck.Verify(answer, 2, Evidence);

        Assert.Equal(GroundingStatus.UnsupportedNumber, verdict.Status);
        Assert.Contains(number, verdict.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[KEINE_ANTWORT]")]
    [InlineData("  [KEINE_ANTWORT]  ")]
    [InlineData("KEINE_ANTWORT")]
    [InlineData("[keine_antwort] Dazu steht nichts in den Quellen.")]
    public void The_agreed_marker_means_no_answer(string answer)
    {
        Assert.Equal(GroundingStatus.NoAnswer, GroundingCheck.Verify(answer, 2, Evidence).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Empty_output_is_rejected(string? answer)
    {
        Assert.Equal(GroundingStatus.Empty, GroundingCheck.Verify(answer, 2, Evidence).Status);
    }

    [Fact]
    public void Single_digits_and_citation_numbers_are_not_checked_against_sources()
    {
        var verdict = GroundingCheck.Verify("Bringen Sie 1 Foto mit [1]. Es dauert etwa 3 Wochen [1].", 2, Evidence);

        Assert.Equal(GroundingStatus.Grounded, verdict.Status);
    }

    [Fact]
    public void Citations_are_stripped_for_plain_text_channels()
    {
        Assert.Equal("Das kostet 37,00 Euro. Mehr im Bürgerbüro.",
            GroundingCheck.StripCitations("Das kostet 37,00 Euro [1]. Mehr im Bürgerbüro [2][3]."));
    }
}
