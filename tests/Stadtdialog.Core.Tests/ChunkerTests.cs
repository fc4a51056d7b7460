using Stadtdialog.Knowledge;
using Xunit;

namespace Stadtdialog.Core.Tests;

public sealed class ChunkerTests
{
    [Fact]
    public void One_chunk_per_section_with_the_heading_path_as_section_name()
    {
        var chunks = new Chunker().Split(Document(
            new HeadingBlock(1, "Personalausweis beantragen", null),
            new ParagraphBlock("Einen Personalausweis beantragen Sie im Bürgerbüro."),
            new HeadingBlock(2, "Unterlagen", "unterlagen"),
            new ParagraphBlock("Bringen Sie ein Passfoto mit."),
            new HeadingBlock(3, "Für Kinder", "fuer-kinder"),
            new ParagraphBlock("Kinder brauchen die Zustimmung der Eltern."),
            new HeadingBlock(2, "Gebühren", "gebuehren"),
            new ParagraphBlock("Der Ausweis kostet 37 Euro.")));

        Assert.Equal(
        [
            new ChunkDraft(0, "", null, "Einen Personalausweis beantragen Sie im Bürgerbüro."),
            new ChunkDraft(1, "Unterlagen", "unterlagen", "Bringen Sie ein Passfoto mit."),
            new ChunkDraft(2, "Unterlagen › Für Kinder", "fuer-kinder", "Kinder brauchen die Zustimmung der Eltern."),
            new ChunkDraft(3, "Gebühren", "gebuehren", "Der Ausweis kostet 37 Euro."),
        ], chunks);
    }

    [Fact]
    public void Heading_without_content_produces_no_chunk_but_stays_in_the_path()
    {
        var chunks = new Chunker().Split(Document(
            new HeadingBlock(2, "Unterlagen", "unterlagen"),
            new HeadingBlock(3, "Für Erwachsene", "erwachsene"),
            new ParagraphBlock("Der alte Ausweis.")));

        var chunk = Assert.Single(chunks);
        Assert.Equal("Unterlagen › Für Erwachsene", chunk.Section);
        Assert.Equal("erwachsene", chunk.Anchor);
    }

    [Fact]
    public void A_second_h1_after_content_is_a_section()
    {
        var chunks = new Chunker().Split(Document(
            new HeadingBlock(1, "Titel", null),
            new ParagraphBlock("Einleitung."),
            new HeadingBlock(1, "Zweiter Teil", "zweiter-teil"),
            new ParagraphBlock("Mehr Text.")));

        Assert.Equal(["", "Zweiter Teil"], chunks.Select(c => c.Section));
    }

    [Fact]
    public void Lists_become_dash_items_and_tables_pipe_rows_with_header()
    {
        var chunk = Assert.Single(new Chunker().Split(Document(
            new ListBlock(["Passfoto", "alter Ausweis"]),
            new TableBlock(["Alter", "Gebühr"], [["ab 24", "37,00 Euro"], ["unter 24", "22,80 Euro"]]))));

        Assert.Equal(
            "- Passfoto\n- alter Ausweis\n| Alter | Gebühr |\n|---|---|\n| ab 24 | 37,00 Euro |\n| unter 24 | 22,80 Euro |",
            chunk.Text);
    }

    [Fact]
    public void Pipes_inside_table_cells_do_not_break_the_table()
    {
        var chunk = Assert.Single(new Chunker().Split(Document(
            new TableBlock(["Leistung", "Ort"], [["Ausweis", "Zimmer 1 | 2"]]))));

        Assert.EndsWith("| Ausweis | Zimmer 1 / 2 |", chunk.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_table_is_split_by_rows_with_the_header_repeated_in_every_part()
    {
        var rows = Enumerable.Range(1, 60)
            .Select(i => (IReadOnlyList<string>)[$"Leistung Nummer {i}", $"{i},00 Euro"]).ToList();
        var chunks = new Chunker(maxChars: 300).Split(Document(
            new HeadingBlock(2, "Gebühren", "gebuehren"),
            new TableBlock(["Leistung", "Gebühr"], rows)));

        Assert.True(chunks.Count > 3, $"expected the table to be split, got {chunks.Count} chunk(s)");
        Assert.All(chunks, c =>
        {
            Assert.StartsWith("| Leistung | Gebühr |\n|---|---|\n", c.Text, StringComparison.Ordinal);
            Assert.Equal("Gebühren", c.Section);
            Assert.Equal("gebuehren", c.Anchor);
            Assert.True(c.Text.Length <= 300, $"chunk of {c.Text.Length} chars");
        });

        var dataRows = chunks.SelectMany(c => c.Text.Split('\n').Skip(2)).ToList();
        Assert.Equal(rows.Select(r => $"| {r[0]} | {r[1]} |"), dataRows);
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Ordinal));
    }

    [Fact]
    public void Long_section_is_split_at_block_boundaries_without_losing_text()
    {
        var paragraphs = Enumerable.Range(1, 20)
            .Select(i => $"Absatz {i} erklärt einen weiteren Schritt des Antrags für den Personalausweis im Bürgerbüro.")
            .ToList();
        var chunks = new Chunker(maxChars: 400).Split(Document(
            [new HeadingBlock(2, "Ablauf", "ablauf"), .. paragraphs.Select(p => new ParagraphBlock(p))]));

        Assert.True(chunks.Count > 1);
        Assert.All(chunks, c => Assert.Equal("Ablauf", c.Section));
        var lines = chunks.SelectMany(c => c.Text.Split('\n')).Distinct().ToList();
        Assert.Equal(paragraphs, lines);
    }

    [Fact]
    public void Parts_of_a_split_section_overlap_by_the_previous_line()
    {
        var paragraphs = Enumerable.Range(1, 10).Select(i => $"Schritt {i}: " + new string('x', 80) + ".").ToList();
        var chunks = new Chunker(maxChars: 300).Split(Document([.. paragraphs.Select(p => new ParagraphBlock(p))]));

        for (var i = 1; i < chunks.Count; i++)
        {
            var lastOfPrevious = chunks[i - 1].Text.Split('\n')[^1];
            Assert.Equal(lastOfPrevious, chunks[i].Text.Split('\n')[0]);
        }
    }

    [Fact]
    public void Over_long_paragraph_is_cut_at_sentences_and_nothing_is_dropped()
    {
        var sentences = Enumerable.Range(1, 30).Select(i => $"Dies ist der Satz Nummer {i} über die Hundesteuer in Musterstadt.").ToList();
        var chunks = new Chunker(maxChars: 250).Split(Document(new ParagraphBlock(string.Join(" ", sentences))));

        Assert.True(chunks.Count > 1);
        var rejoined = chunks.SelectMany(c => c.Text.Split('\n')).Distinct().SelectMany(SentenceSplitter.Split).ToList();
        Assert.Equal(sentences, rejoined);
    }

    [Fact]
    public void Sentence_longer_than_a_chunk_is_cut_into_pieces_that_fit()
    {
        var monster = "Wort " + string.Concat(Enumerable.Repeat("ohne Punkt ", 100)).Trim() + ".";
        var chunks = new Chunker(maxChars: 200).Split(Document(new ParagraphBlock(monster)));

        Assert.True(chunks.Count >= 5);
        Assert.All(chunks, c => Assert.True(c.Text.Length <= 200 + 240, $"chunk of {c.Text.Length} chars"));
        // Parts after the first start with the previous piece as overlap; what is new in each must add up to the whole.
        var pieces = chunks.SelectMany(c => c.Text.Split('\n')).Select(l => l.Trim()).Distinct();
        Assert.Equal(monster.Replace(" ", "", StringComparison.Ordinal), string.Concat(pieces).Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Document_without_blocks_has_no_chunks()
    {
        Assert.Empty(new Chunker().Split(Document()));
    }

    private static ExtractedDocument Document(params ContentBlock[] blocks) =>
        new("https://www.musterstadt.de/x", "Titel", null, "de", null, blocks);
}
