namespace Stadtdialog.Retrieval;

/// <summary>
/// A question analysed for retrieval: its content words, the synonym expansions they triggered, and each word's
/// weight (inverse document frequency; words the index has never seen weigh most). Coverage — the weighted share of
/// the question's words that a passage contains — is the confidence signal of the retrieval tier.
/// </summary>
public sealed class QueryPlan
{
    /// <summary>
    /// How much a word that the tenant's content uses elsewhere, but the passage lacks, counts against coverage.
    /// Such words are usually different wording ("beglaubigen" vs "Beglaubigung"); words the whole content never
    /// uses ("Mond", "Weltmeisterschaft") count fully: they show the question is about something else.
    /// </summary>
    private const double KnownWordPenalty = 0.3;

    internal QueryPlan(IReadOnlyList<QueryWord> words, IReadOnlyList<QueryExpansion> expansions,
        IReadOnlyList<double> weights, IReadOnlyList<bool> known, IReadOnlyList<bool> inIndex)
    {
        InIndex = inIndex;
        Words = words;
        Expansions = expansions;
        Weights = weights;
        Known = known;
    }

    /// <summary>Whether the index holds the word itself (not only its compound parts).</summary>
    public IReadOnlyList<bool> InIndex { get; }

    /// <summary>Whether the tenant's content uses the word (or one of its synonyms) at all.</summary>
    public IReadOnlyList<bool> Known { get; }

    public IReadOnlyList<QueryWord> Words { get; }

    public IReadOnlyList<QueryExpansion> Expansions { get; }

    public IReadOnlyList<double> Weights { get; }

    public bool IsEmpty => Words.Count == 0;

    /// <summary>Weighted share (0..1) of the question's words present in <paramref name="terms"/>.</summary>
    public double Coverage(IReadOnlySet<string> terms) => Coverage(terms.Contains, out _);

    /// <summary>Weighted share (0..1) of the question's words for which <paramref name="contains"/> holds.</summary>
    public double Coverage(Func<string, bool> contains) => Coverage(contains, out _);

    public double Coverage(Func<string, bool> contains, out bool[] coveredWords)
    {
        var covered = new bool[Words.Count];
        coveredWords = covered;
        for (var i = 0; i < Words.Count; i++)
        {
            var word = Words[i];
            covered[i] = contains(word.Primary) || (word.Parts.Count > 0 && word.Parts.All(contains));
        }

        foreach (var expansion in Expansions)
        {
            if (expansion.WordIndexes.Any(i => !covered[i])
                && expansion.Words.All(w => contains(w.Primary) || (w.Parts.Count > 0 && w.Parts.All(contains))))
            {
                foreach (var index in expansion.WordIndexes)
                {
                    covered[index] = true;
                }
            }
        }

        double total = 0, matched = 0;
        for (var i = 0; i < Words.Count; i++)
        {
            if (covered[i])
            {
                matched += Weights[i];
                total += Weights[i];
            }
            else
            {
                total += Known[i] ? Weights[i] * KnownWordPenalty : Weights[i];
            }
        }

        return total <= 0 ? 0 : matched / total;
    }
}
