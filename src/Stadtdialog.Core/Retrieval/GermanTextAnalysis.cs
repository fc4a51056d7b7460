using System.Reflection;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Compound;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Snowball;
using Lucene.Net.Tartarus.Snowball.Ext;
using Lucene.Net.Analysis.De;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace Stadtdialog.Retrieval;

/// <summary>One word of a question after analysis.</summary>
/// <param name="Surface">The word as typed (lower case).</param>
/// <param name="Primary">The word's own normalised stem (e.g. <c>personalausweisantrag</c>).</param>
/// <param name="Parts">Stems of the compound's parts (e.g. <c>personal</c>, <c>ausweis</c>, <c>antrag</c>).</param>
/// <param name="IsNoun">Whether the word is likely a noun (capitalised in a question that uses capitals).</param>
public sealed record QueryWord(string Surface, string Primary, IReadOnlyList<string> Parts, bool IsNoun = true);

/// <summary>
/// German text analysis shared by indexing and querying: standard tokenisation, lower case, compound splitting
/// against a dictionary of word parts, German stop words, umlaut/ß folding and light stemming. Thread-safe.
/// </summary>
public sealed class GermanTextAnalysis
{
    internal const LuceneVersion Version = LuceneVersion.LUCENE_48;
    private const int MinCompoundWordSize = 6;
    private const int MinSubwordSize = 4;
    private const int MaxSubwordSize = 24;

    private readonly CharArraySet _compoundParts;
    private readonly HashSet<string> _fillers;

    public GermanTextAnalysis(IEnumerable<string>? extraCompoundParts = null)
    {
        var parts = ReadWords("german-compound-parts.txt")
            .Concat(extraCompoundParts ?? [])
            .Select(w => w.ToLowerInvariant())
            .Where(w => w.Length >= MinSubwordSize)
            .Distinct()
            .ToList();
        _compoundParts = new CharArraySet(Version, parts, ignoreCase: true);
        _fillers = new HashSet<string>(ReadWords("query-fillers.txt"), StringComparer.OrdinalIgnoreCase);
        Analyzer = new MunicipalGermanAnalyzer(_compoundParts);
        WordAnalyzer = new WordSplittingAnalyzer();
    }

    /// <summary>The analyzer for indexing and term queries.</summary>
    public Analyzer Analyzer { get; }

    /// <summary>Tokenises into words only (no lower-casing, no stemming), to see what the user typed.</summary>
    private Analyzer WordAnalyzer { get; }

    public static GermanTextAnalysis Default { get; } = new();

    /// <summary>All index terms of a text (stems and compound parts).</summary>
    public HashSet<string> Terms(string text)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        using var stream = Analyzer.GetTokenStream("body", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            terms.Add(term.ToString());
        }

        stream.End();
        return terms;
    }

    /// <summary>Analyses a question word by word, dropping stop words and question fillers.</summary>
    public IReadOnlyList<QueryWord> AnalyzeQuery(string text)
    {
        var words = new List<QueryWord>();
        var tokens = Tokens(text);

        // Casing carries meaning only when the writer uses capitals beyond the first word.
        var usesCase = tokens.Skip(1).Any(t => char.IsUpper(t.Text[0]));
        foreach (var token in tokens)
        {
            var surface = token.Text.ToLowerInvariant();
            if (_fillers.Contains(surface))
            {
                continue;
            }

            if (AnalyzeWord(surface) is { } word)
            {
                // A question's first word is mostly a verb ("Zahlt die Stadt ...?"); without capitals, assume nouns.
                var isNoun = !usesCase || (!token.SentenceStart && (char.IsUpper(token.Text[0]) || char.IsDigit(token.Text[0])));
                words.Add(word with { IsNoun = isNoun });
            }
        }

        return words;
    }

    /// <summary>Analysed words; the vocabulary of questions is small, so this stays bounded in practice.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, QueryWord?> _words = new(StringComparer.Ordinal);
    private const int MaxCachedWords = 100_000;

    /// <summary>Analyses one word; <c>null</c> for stop words.</summary>
    public QueryWord? AnalyzeWord(string surface)
    {
        if (_words.TryGetValue(surface, out var cached))
        {
            return cached;
        }

        if (_words.Count >= MaxCachedWords)
        {
            _words.Clear();
        }

        return _words[surface] = AnalyzeWordUncached(surface);
    }

    private QueryWord? AnalyzeWordUncached(string surface)
    {
        string? primary = null;
        var parts = new List<string>();
        using var stream = Analyzer.GetTokenStream("body", surface);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var increment = stream.AddAttribute<IPositionIncrementAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            var value = term.ToString();
            if (primary is null && increment.PositionIncrement > 0)
            {
                primary = value;
            }
            else if (value != primary && !parts.Contains(value))
            {
                parts.Add(value);
            }
        }

        stream.End();
        return primary is null ? null : new QueryWord(surface, primary, parts);
    }

    /// <summary>The lower-case words of a text, as the tokenizer sees them.</summary>
    public IReadOnlyList<string> Words(string text) => Tokens(text).Select(t => t.Text.ToLowerInvariant()).ToList();

    /// <summary>The words of a text as typed, and whether each starts a sentence.</summary>
    private List<(string Text, bool SentenceStart)> Tokens(string text)
    {
        var words = new List<(string, bool)>();
        using var stream = WordAnalyzer.GetTokenStream("body", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        stream.Reset();
        var previousEnd = 0;
        while (stream.IncrementToken())
        {
            var gap = text.AsSpan(previousEnd, offset.StartOffset - previousEnd);
            var sentenceStart = words.Count == 0 || gap.IndexOfAny(".!?:") >= 0;
            words.Add((term.ToString(), sentenceStart));
            previousEnd = offset.EndOffset;
        }

        stream.End();
        return words;
    }

    internal static IEnumerable<string> ReadWords(string resource) =>
        ReadLines(resource).SelectMany(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    internal static IEnumerable<string> ReadLines(string resource)
    {
        var assembly = typeof(GermanTextAnalysis).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(resource, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Resource {resource} is missing.");
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0 && !trimmed.StartsWith('#'))
            {
                lines.Add(trimmed);
            }
        }

        return lines;
    }

    private sealed class MunicipalGermanAnalyzer(CharArraySet compoundParts) : Analyzer
    {
        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
        {
            var source = new StandardTokenizer(Version, reader);
            TokenStream stream = new LowerCaseFilter(Version, source);
            stream = new DictionaryCompoundWordTokenFilter(Version, stream, compoundParts,
                MinCompoundWordSize, MinSubwordSize, MaxSubwordSize, onlyLongestMatch: false);
            stream = new StopFilter(Version, stream, GermanAnalyzer.DefaultStopSet);
            stream = new GermanNormalizationFilter(stream);
            stream = new SnowballFilter(stream, new German2Stemmer());
            return new TokenStreamComponents(source, stream);
        }
    }

    private sealed class WordSplittingAnalyzer : Analyzer
    {
        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
        {
            var source = new StandardTokenizer(Version, reader);
            return new TokenStreamComponents(source);
        }
    }
}

/// <summary>Marker so tests and tools can find the embedded language resources.</summary>
public static class LanguageResources
{
    public static Assembly Assembly => typeof(GermanTextAnalysis).Assembly;
}
