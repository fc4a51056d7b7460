using System.Globalization;
using System.Text;
using Stadtdialog.Knowledge;
using Stadtdialog.Knowledge.Readers;
using Stadtdialog.Retrieval;

namespace Stadtdialog.Bench.Retrieval;

/// <summary>One page as it goes into the index: all its chunks.</summary>
internal sealed record CorpusDocument(Guid DocumentId, string Url, IReadOnlyList<IndexedChunk> Chunks);

/// <summary>
/// A deterministic German municipal corpus: the demo tenant's real pages (read and chunked with the production
/// <see cref="MarkdownDocumentReader"/> and <see cref="Chunker"/>) plus synthetic service pages built from a municipal
/// vocabulary until the requested number of chunks is reached. Synthetic chunks are 60–150 words in the chunker's
/// line format (paragraph lines, <c>- item</c> lists, pipe tables), with a title and section headings, and they use the
/// same everyday words as the real pages ("Personalausweis", "Termin", "Gebühr" …), so posting lists grow the way they
/// would in a large tenant.
/// </summary>
internal static class GermanCorpus
{
    public const int DefaultSeed = 20261123;

    /// <summary>The demo tenant's pages, embedded from <c>samples/musterstadt/content</c>.</summary>
    public static IReadOnlyList<CorpusDocument> SamplePages()
    {
        var assembly = typeof(GermanCorpus).Assembly;
        var chunker = new Chunker();
        var pages = new List<CorpusDocument>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("samples/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var document = MarkdownDocumentReader.Read(reader.ReadToEnd(), "/" + name);
            var documentId = StableGuid(name);
            var chunks = chunker.Split(document)
                .Select(c => new IndexedChunk(StableGuid(name + "#" + c.Ordinal.ToString(CultureInfo.InvariantCulture)), documentId,
                    document.Url, name, document.Title, c.Section, c.Anchor, c.Text, c.Ordinal))
                .ToList();
            pages.Add(new CorpusDocument(documentId, document.Url, chunks));
        }

        return pages;
    }

    /// <summary>The real pages followed by synthetic pages, <paramref name="chunkCount"/> chunks in all.</summary>
    public static IEnumerable<CorpusDocument> Generate(int chunkCount, int seed = DefaultSeed)
    {
        var remaining = chunkCount;
        foreach (var page in SamplePages())
        {
            if (remaining <= 0)
            {
                yield break;
            }

            yield return page;
            remaining -= page.Chunks.Count;
        }

        var generator = new Generator(new Random(seed));
        var number = 0;
        while (remaining > 0)
        {
            var page = generator.Page(number++, Math.Min(remaining, generator.ChunksPerPage()));
            remaining -= page.Chunks.Count;
            yield return page;
        }
    }

    /// <summary>Short everyday questions built from the same vocabulary (a long tail that hits many different pages).</summary>
    public static IReadOnlyList<string> LongTailQuestions(int count, int seed = DefaultSeed + 1)
    {
        var random = new Random(seed);
        var questions = new List<string>(count);
        string[] forms =
        [
            "Wie kann ich {0} {1}?", "{0} {1}", "Was kostet es, {0} zu {1}?", "Welche Unterlagen brauche ich, um {0} zu {1}?",
            "Wo kann ich {0} {1} und wie lange dauert das?", "{0} {1} {2}", "Wer ist zuständig für {0} im Ortsteil {3}?",
        ];
        for (var i = 0; i < count; i++)
        {
            var (topic, verbs) = Vocabulary.Topics[random.Next(Vocabulary.Topics.Length)];
            questions.Add(string.Format(CultureInfo.InvariantCulture, forms[random.Next(forms.Length)],
                topic, verbs[random.Next(verbs.Length)], Vocabulary.Sections[random.Next(Vocabulary.Sections.Length)].ToLowerInvariant(),
                Vocabulary.Districts[random.Next(Vocabulary.Districts.Length)]));
        }

        return questions;
    }

    private static Guid StableGuid(string text)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return new Guid(hash.AsSpan(0, 16));
    }

    private sealed class Generator(Random random)
    {
        public int ChunksPerPage() => random.Next(3, 9);

        public CorpusDocument Page(int number, int chunkCount)
        {
            var (topic, verbs) = Pick(Vocabulary.Topics);
            var verb = Pick(verbs);
            var qualifier = random.Next(3) switch
            {
                0 => "",
                1 => " für " + Pick(Vocabulary.Groups),
                _ => " im Ortsteil " + Pick(Vocabulary.Districts),
            };
            var title = $"{topic} {verb}{qualifier}";
            var office = Pick(Vocabulary.Offices);
            var slug = Slug(title) + "-" + number.ToString(CultureInfo.InvariantCulture);
            var url = $"/synthetisch/{Slug(office)}/{slug}";
            var documentId = NewGuid();
            var sections = Vocabulary.Sections.OrderBy(_ => random.Next()).Take(chunkCount - 1).ToList();
            var chunks = new List<IndexedChunk>(chunkCount);
            for (var c = 0; c < chunkCount; c++)
            {
                var section = c == 0 ? "" : sections[c - 1];
                var anchor = c == 0 ? null : Slug(section);
                var context = new SlotContext(topic, verb, office, Pick(Vocabulary.Districts));
                chunks.Add(new IndexedChunk(NewGuid(), documentId, url, "synthetisch/" + slug + ".md", title, section, anchor,
                    ChunkText(section, context), c));
            }

            return new CorpusDocument(documentId, url, chunks);
        }

        private string ChunkText(string section, SlotContext context)
        {
            var target = random.Next(60, 151);
            var lines = new List<string>();
            var words = 0;
            void Add(string line)
            {
                lines.Add(line);
                words += line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            }

            if (section == "Benötigte Unterlagen")
            {
                foreach (var document in Vocabulary.Documents.OrderBy(_ => random.Next()).Take(random.Next(3, 7)))
                {
                    Add("- " + document);
                }
            }
            else if (section == "Gebühren" && random.Next(2) == 0)
            {
                Add("| Leistung | Gebühr | Hinweis |");
                lines.Add("|---|---|---|");
                for (var row = random.Next(2, 6); row > 0; row--)
                {
                    Add($"| {Pick(Vocabulary.FeeItems)} | {Amount()} Euro | {Pick(Vocabulary.FeeNotes)} |");
                }
            }

            var paragraph = new StringBuilder();
            while (words < target)
            {
                // About one sentence in four is service boilerplate; the rest carry page-specific vocabulary.
                var sentence = Fill(random.Next(4) == 0 ? Pick(Vocabulary.Sentences) : Pick(Vocabulary.Frames), context);
                if (paragraph.Length > 0)
                {
                    paragraph.Append(' ');
                }

                paragraph.Append(sentence);
                words += sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
                if (random.Next(4) == 0)
                {
                    lines.Add(paragraph.ToString());
                    paragraph.Clear();
                }
            }

            if (paragraph.Length > 0)
            {
                lines.Add(paragraph.ToString());
            }

            return string.Join('\n', lines);
        }

        private string Fill(string template, SlotContext context)
        {
            var text = new StringBuilder(template)
                .Replace("{T}", context.Topic)
                .Replace("{V}", context.Verb)
                .Replace("{A}", context.Office)
                .Replace("{O}", context.District)
                .Replace("{W}", random.Next(1, 9).ToString(CultureInfo.InvariantCulture))
                .Replace("{N}", random.Next(2, 15).ToString(CultureInfo.InvariantCulture))
                .Replace("{M}", Amount())
                .Replace("{C}", Pick(Vocabulary.Channels))
                .Replace("{Z}", Pick(Vocabulary.Groups))
                .Replace("{F}", Pick(Vocabulary.Forms))
                .Replace("{D2}", Pick(Vocabulary.Documents))
                .Replace("{D}", Pick(Vocabulary.Documents))
                .Replace("{X}", Pick(Vocabulary.Topics).Topic)
                .Replace("{N3}", Pick(Vocabulary.Nouns))
                .Replace("{N2}", Pick(Vocabulary.Nouns))
                .Replace("{N}", Pick(Vocabulary.Nouns));
            return text.ToString();
        }

        private string Amount() =>
            (random.Next(5, 400) + (random.Next(4) * 0.25)).ToString("0.00", CultureInfo.GetCultureInfo("de-DE"));

        private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

        private Guid NewGuid()
        {
            Span<byte> bytes = stackalloc byte[16];
            random.NextBytes(bytes);
            return new Guid(bytes);
        }

        private static string Slug(string text) =>
            new string(text.ToLowerInvariant()
                .Replace("ä", "ae", StringComparison.Ordinal).Replace("ö", "oe", StringComparison.Ordinal)
                .Replace("ü", "ue", StringComparison.Ordinal).Replace("ß", "ss", StringComparison.Ordinal)
                .Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '-').ToArray()).Trim('-');
    }

    private sealed record SlotContext(string Topic, string Verb, string Office, string District);
}
