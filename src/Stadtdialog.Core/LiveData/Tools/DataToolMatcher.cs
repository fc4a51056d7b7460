using System.Collections.Concurrent;
using Stadtdialog.Retrieval;

namespace Stadtdialog.LiveData.Tools;

/// <summary>A question matched to a data tool without a language model.</summary>
public sealed record DataToolMatch(DataTool Tool, double Score, string Reason);

/// <summary>
/// Maps a question to a data tool by the tool's intent patterns, German-aware (stems and compound parts: "Parkhäuser"
/// matches the keyword "Parkhaus", "Feinstaubwerte" matches "Feinstaub"):
/// <list type="bullet">
/// <item>a keyword (word or phrase) matches when the question contains all its words; a word also matches as the start
/// or the end of a compound ("Parkhaus" in "Parkhausbelegung", "Verlauf" in "Tagesverlauf") and in another form
/// ("kosten" and "kostet");</item>
/// <item>an example question matches when it and the question share most of their words (Jaccard ≥ 0.6);</item>
/// <item>an excluded keyword rules the tool out ("Was kostet das Parkhaus?" is about fees, not free spaces).</item>
/// </list>
/// The best tool wins; more matching keywords beat fewer, so "Luftqualität in den letzten 24 Stunden" picks the
/// time-series tool over the current-values tool.
/// </summary>
public sealed class DataToolMatcher(GermanTextAnalysis german)
{
    /// <summary>Lowest score that answers with a tool.</summary>
    public const double Threshold = 0.6;

    private const double ExampleThreshold = 0.6;

    private readonly ConcurrentDictionary<(Guid, DateTimeOffset), Patterns> _patterns = new();

    private sealed record Patterns(
        IReadOnlyList<(string Phrase, IReadOnlyList<string> Words)> Keywords,
        IReadOnlyList<HashSet<string>> Examples,
        IReadOnlyList<IReadOnlyList<string>> Excluded,
        HashSet<string> AllTerms);

    /// <summary>The best tool for <paramref name="question"/>, or null when none matches well enough.</summary>
    public DataToolMatch? Match(string question, IReadOnlyList<DataTool> tools)
    {
        var terms = german.Terms(question);
        if (terms.Count == 0)
        {
            return null;
        }

        var words = Words(question);
        DataToolMatch? best = null;
        foreach (var tool in tools)
        {
            var patterns = PatternsOf(tool);
            if (patterns.Excluded.Any(e => Contains(terms, e)))
            {
                continue;
            }

            var hits = patterns.Keywords.Where(k => Contains(terms, k.Words)).ToList();
            var keywordScore = hits.Count == 0 ? 0 : 0.6 + 0.1 * Math.Min(hits.Max(h => h.Words.Count) - 1 + (hits.Count - 1), 3);
            var exampleScore = patterns.Examples.Select(e => Jaccard(words, e)).DefaultIfEmpty(0).Max();
            if (exampleScore < ExampleThreshold)
            {
                exampleScore = 0;
            }

            var score = Math.Max(keywordScore, exampleScore) + (keywordScore > 0 && exampleScore > 0 ? 0.05 : 0);
            if (score >= Threshold && (best is null || score > best.Score))
            {
                var reason = hits.Count > 0
                    ? "Stichwörter: " + string.Join(", ", hits.Select(h => h.Phrase))
                    : $"ähnlich einer Beispielfrage ({exampleScore:0.00})";
                best = new DataToolMatch(tool, score, reason);
            }
        }

        return best;
    }

    /// <summary>
    /// Whether the question shares a word with a tool's keywords or examples (the whole word, or a compound starting
    /// with it: "Parkhausbelegung" for "Parkhaus"): worth asking a language model whether a tool fits, although no
    /// pattern matched.
    /// </summary>
    public bool Mentions(string question, IReadOnlyList<DataTool> tools)
    {
        var words = Words(question);
        return tools.Any(t => PatternsOf(t).AllTerms.Any(w => words.Contains(w)
            || (w.Length >= 5 && words.Any(q => q.StartsWith(w, StringComparison.Ordinal)))));
    }

    private Patterns PatternsOf(DataTool tool) => _patterns.GetOrAdd((tool.Id, tool.UpdatedAt), _ =>
    {
        var keywords = tool.Intents.Keywords.Where(k => !string.IsNullOrWhiteSpace(k))
            .Select(k => (k.Trim(), (IReadOnlyList<string>)[.. Words(k)])).Where(k => k.Item2.Count > 0).ToList();
        var examples = tool.Intents.Examples.Where(e => !string.IsNullOrWhiteSpace(e)).Select(Words).Where(e => e.Count > 0).ToList();
        var excluded = tool.Intents.ExcludedKeywords.Where(e => !string.IsNullOrWhiteSpace(e))
            .Select(e => (IReadOnlyList<string>)[.. Words(e)]).Where(e => e.Count > 0).ToList();
        var all = new HashSet<string>(StringComparer.Ordinal);
        foreach (var set in keywords.Select(k => (IEnumerable<string>)k.Item2).Concat(examples))
        {
            all.UnionWith(set.Where(t => t.Length >= 4));
        }

        return new Patterns(keywords, examples, excluded, all);
    });

    /// <summary>One stem per word (the whole word's, not its compound parts); stop words drop out.</summary>
    private HashSet<string> Words(string text)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in text.Split((char[])[' ', '\t', '\n', ',', '.', '?', '!', ';', ':', '(', ')', '"', '„', '“'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (german.Terms(word).MaxBy(t => t.Length) is { } stem)
            {
                words.Add(stem);
            }
        }

        return words;
    }

    /// <summary>All <paramref name="words"/> occur among the question's terms (see <see cref="Same"/>).</summary>
    private static bool Contains(HashSet<string> terms, IReadOnlyList<string> words) =>
        words.Count > 0 && words.All(w => terms.Contains(w) || terms.Any(t => Same(w, t)));

    /// <summary>
    /// A keyword stem and a question term name the same thing: the keyword starts or ends a compound ("parkhaus" in
    /// "parkhausbeleg", "verlauf" in "tagesverlauf"), or the stemmer cut two forms differently ("kost" and "kostet").
    /// </summary>
    private static bool Same(string keyword, string term) =>
        (keyword.Length >= 4 && term.StartsWith(keyword, StringComparison.Ordinal))
        || (term.Length >= 4 && keyword.StartsWith(term, StringComparison.Ordinal) && keyword.Length - term.Length <= 2)
        || (keyword.Length >= 5 && term.EndsWith(keyword, StringComparison.Ordinal));

    private static double Jaccard(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }

        var shared = a.Count(b.Contains);
        return shared / (double)(a.Count + b.Count - shared);
    }
}
