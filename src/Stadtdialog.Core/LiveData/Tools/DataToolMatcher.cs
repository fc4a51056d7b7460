using System.Collections.Concurrent;
using Stadtdialog.Retrieval;

namespace Stadtdialog.LiveData.Tools;

/// <summary>A question matched to a data tool without a language model.</summary>
public sealed record DataToolMatch(DataTool Tool, double Score, string Reason);

/// <summary>
/// Maps a question to a data tool by the tool's intent patterns, German-aware (stems and compound parts: "Parkhäuser"
/// matches the keyword "Parkhaus", "Feinstaubwerte" matches "Feinstaub"):
/// <list type="bullet">
/// <item>a keyword (word or phrase) matches when the question contains all its words;</item>
/// <item>an example question matches when the question shares at least half of the words of both (Jaccard ≥ 0.5);</item>
/// <item>an excluded keyword rules the tool out ("Was kostet das Parkhaus?" is about fees, not free spaces).</item>
/// </list>
/// The best tool wins; more matching keywords beat fewer, so "Luftqualität in den letzten 24 Stunden" picks the
/// time-series tool over the current-values tool.
/// </summary>
public sealed class DataToolMatcher(GermanTextAnalysis german)
{
    /// <summary>Lowest score that answers with a tool.</summary>
    public const double Threshold = 0.6;

    private const double ExampleThreshold = 0.5;

    private readonly ConcurrentDictionary<(Guid, DateTimeOffset), Patterns> _patterns = new();

    private sealed record Patterns(
        IReadOnlyList<(string Phrase, HashSet<string> Terms)> Keywords,
        IReadOnlyList<HashSet<string>> Examples,
        IReadOnlyList<HashSet<string>> Excluded,
        HashSet<string> AllTerms);

    /// <summary>The best tool for <paramref name="question"/>, or null when none matches well enough.</summary>
    public DataToolMatch? Match(string question, IReadOnlyList<DataTool> tools)
    {
        var terms = german.Terms(question);
        if (terms.Count == 0)
        {
            return null;
        }

        DataToolMatch? best = null;
        foreach (var tool in tools)
        {
            var patterns = PatternsOf(tool);
            if (patterns.Excluded.Any(e => e.Count > 0 && e.IsSubsetOf(terms)))
            {
                continue;
            }

            var hits = patterns.Keywords.Where(k => k.Terms.Count > 0 && k.Terms.IsSubsetOf(terms)).ToList();
            var keywordScore = hits.Count == 0 ? 0 : 0.6 + 0.1 * Math.Min(hits.Sum(h => h.Terms.Count) - 1, 3);
            var exampleScore = patterns.Examples.Select(e => Jaccard(terms, e)).DefaultIfEmpty(0).Max();
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
    /// Whether the question shares any word with a tool's keywords or examples: worth asking a language model
    /// whether a tool fits, although no pattern matched.
    /// </summary>
    public bool Mentions(string question, IReadOnlyList<DataTool> tools)
    {
        var terms = german.Terms(question);
        return tools.Any(t => PatternsOf(t).AllTerms.Overlaps(terms));
    }

    private Patterns PatternsOf(DataTool tool) => _patterns.GetOrAdd((tool.Id, tool.UpdatedAt), _ =>
    {
        var keywords = tool.Intents.Keywords.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => (k.Trim(), german.Terms(k))).ToList();
        var examples = tool.Intents.Examples.Where(e => !string.IsNullOrWhiteSpace(e)).Select(german.Terms).ToList();
        var excluded = tool.Intents.ExcludedKeywords.Where(e => !string.IsNullOrWhiteSpace(e)).Select(german.Terms).ToList();
        var all = new HashSet<string>(StringComparer.Ordinal);
        foreach (var set in keywords.Select(k => k.Item2).Concat(examples))
        {
            all.UnionWith(set);
        }

        return new Patterns(keywords, examples, excluded, all);
    });

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
