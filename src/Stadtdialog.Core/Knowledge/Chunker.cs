using System.Text;

namespace Stadtdialog.Knowledge;

/// <summary>One passage produced by the <see cref="Chunker"/>.</summary>
public sealed record ChunkDraft(int Ordinal, string Section, string? Anchor, string Text);

/// <summary>
/// Splits a document along its headings: one chunk per section (the heading path kept as the section), long
/// sections split at block boundaries with the last line repeated as overlap, long tables split by rows with the
/// header repeated in every part. Chunk text is line-based: paragraphs as lines, list items as <c>- item</c>,
/// tables as Markdown pipe tables (<c>| a | b |</c>, header followed by <c>|---|</c>).
/// </summary>
public sealed class Chunker(int maxChars = 1400)
{
    public const string SectionSeparator = " › ";

    public IReadOnlyList<ChunkDraft> Split(ExtractedDocument document)
    {
        var chunks = new List<ChunkDraft>();
        var path = new List<(int Level, string Text)>();
        string? anchor = null;
        var page = 0;
        var lines = new List<(string Text, int Page)>();

        void Flush()
        {
            if (lines.Count > 0)
            {
                var section = string.Join(SectionSeparator, path.Select(p => p.Text));
                foreach (var (text, startPage) in Pack(lines))
                {
                    // Paged documents (PDF) cite the page the passage starts on: viewers open …pdf#page=3 there.
                    chunks.Add(new ChunkDraft(chunks.Count, section, startPage > 0 ? $"page={startPage}" : anchor, text));
                }
            }

            lines.Clear();
        }

        void Add(IEnumerable<string> texts) => lines.AddRange(texts.Select(t => (t, page)));

        foreach (var block in document.Blocks)
        {
            switch (block)
            {
                case HeadingBlock heading when heading.Level == 1 && path.Count == 0 && lines.Count == 0:
                    // The page title: not part of the section path.
                    break;
                case HeadingBlock heading:
                    Flush();
                    path.RemoveAll(p => p.Level >= heading.Level);
                    path.Add((heading.Level, heading.Text));
                    anchor = heading.Anchor;
                    break;
                case ParagraphBlock paragraph:
                    Add(Explode(paragraph.Text));
                    break;
                case ListBlock list:
                    Add(list.Items.SelectMany(i => Explode("- " + i)));
                    break;
                case TableBlock table:
                    Add(TableLines(table));
                    break;
                case PageBlock pageBlock:
                    page = pageBlock.Number;
                    break;
                default:
                    break;
            }
        }

        Flush();
        return chunks;
    }

    private static IEnumerable<string> TableLines(TableBlock table)
    {
        // The header travels with every row so that splitting never separates a row from its meaning.
        var header = table.Header.Count > 0
            ? Row(table.Header) + "\n|" + string.Concat(Enumerable.Repeat("---|", table.Header.Count))
            : null;
        foreach (var row in table.Rows)
        {
            yield return header is null ? Row(row) : header + "\n" + Row(row);
        }
    }

    private static string Row(IEnumerable<string> cells) =>
        "| " + string.Join(" | ", cells.Select(c => c.Replace("|", "/", StringComparison.Ordinal))) + " |";

    private IEnumerable<(string Text, int StartPage)> Pack(List<(string Text, int Page)> lines)
    {
        var builder = new StringBuilder();
        string? lastHeader = null;
        string? previousLine = null;
        var startPage = lines[0].Page;
        foreach (var (raw, linePage) in lines)
        {
            var line = raw;
            string? header = null;
            if (line.StartsWith('|') && line.Contains('\n', StringComparison.Ordinal))
            {
                var split = line.LastIndexOf('\n');
                header = line[..split];
                line = line[(split + 1)..];
            }

            var needed = line.Length + 1 + (header is not null && header != lastHeader ? header.Length + 1 : 0);
            if (builder.Length > 0 && builder.Length + needed > maxChars)
            {
                yield return (builder.ToString().TrimEnd(), startPage);
                builder.Clear();
                lastHeader = null;
                startPage = linePage;
                if (previousLine is { Length: < 240 } && !previousLine.StartsWith('|'))
                {
                    builder.Append(previousLine).Append('\n');
                }
            }

            if (header is not null && header != lastHeader)
            {
                builder.Append(header).Append('\n');
                lastHeader = header;
            }
            else if (header is null)
            {
                lastHeader = null;
            }

            builder.Append(line).Append('\n');
            previousLine = line;
        }

        if (builder.Length > 0)
        {
            yield return (builder.ToString().TrimEnd(), startPage);
        }
    }

    /// <summary>Breaks an over-long paragraph into sentence groups that fit a chunk; nothing is dropped.</summary>
    private IEnumerable<string> Explode(string line)
    {
        if (line.Length <= maxChars)
        {
            yield return line;
            yield break;
        }

        var builder = new StringBuilder();
        foreach (var sentence in SentenceSplitter.Split(line))
        {
            if (builder.Length > 0 && builder.Length + sentence.Length + 1 > maxChars)
            {
                yield return builder.ToString();
                builder.Clear();
            }

            for (var offset = 0; offset < sentence.Length; offset += maxChars)
            {
                var piece = sentence.Substring(offset, Math.Min(maxChars, sentence.Length - offset));
                if (builder.Length > 0)
                {
                    builder.Append(' ');
                }

                builder.Append(piece);
                if (builder.Length >= maxChars)
                {
                    yield return builder.ToString();
                    builder.Clear();
                }
            }
        }

        if (builder.Length > 0)
        {
            yield return builder.ToString();
        }
    }
}
