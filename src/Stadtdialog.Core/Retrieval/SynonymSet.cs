namespace Stadtdialog.Retrieval;

/// <summary>Terms a synonym rule adds to a query, and which query words triggered it.</summary>
public sealed record QueryExpansion(IReadOnlyList<int> WordIndexes, IReadOnlyList<QueryWord> Words);

/// <summary>
/// Synonym rules for colloquial and regional terms, matched on analysed stems so that inflected forms match too.
/// <c>a, b, c</c> makes the terms equivalent; <c>a =&gt; b c</c> adds "b c" to queries containing "a".
/// </summary>
public sealed class SynonymSet
{
    private readonly List<(string[] Left, IReadOnlyList<QueryWord> Right)> _rules = [];

    /// <summary>Rules by the first term of their left side: a question only looks at rules it can trigger.</summary>
    private readonly Dictionary<string, List<(string[] Left, IReadOnlyList<QueryWord> Right)>> _byFirstTerm = new(StringComparer.Ordinal);

    public SynonymSet(GermanTextAnalysis analysis, IEnumerable<string> rules)
    {
        foreach (var rule in rules)
        {
            var line = rule.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var arrow = line.IndexOf("=>", StringComparison.Ordinal);
            if (arrow >= 0)
            {
                Add(analysis, line[..arrow], line[(arrow + 2)..]);
                continue;
            }

            var members = line.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var left in members)
            {
                foreach (var right in members.Where(m => m != left))
                {
                    Add(analysis, left, right);
                }
            }
        }
    }

    public int Count => _rules.Count;

    /// <summary>The built-in German municipal rules plus the tenant's own.</summary>
    public static SynonymSet WithDefaults(GermanTextAnalysis analysis, IEnumerable<string> tenantRules) =>
        new(analysis, GermanTextAnalysis.ReadLines("german-municipal-synonyms.txt").Concat(tenantRules));

    /// <summary>Validates rule syntax; returns the lines that cannot be used.</summary>
    public static IReadOnlyList<string> Invalid(IEnumerable<string> rules) =>
        rules.Where(r =>
        {
            var line = r.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                return false;
            }

            var arrow = line.IndexOf("=>", StringComparison.Ordinal);
            return arrow >= 0
                ? line[..arrow].Trim().Length == 0 || line[(arrow + 2)..].Trim().Length == 0
                : line.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length < 2;
        }).ToList();

    private void Add(GermanTextAnalysis analysis, string left, string right)
    {
        var leftTerms = analysis.Words(left).Select(analysis.AnalyzeWord).OfType<QueryWord>().Select(w => w.Primary).ToArray();
        var rightWords = analysis.Words(right).Select(analysis.AnalyzeWord).OfType<QueryWord>().ToList();
        if (leftTerms.Length > 0 && rightWords.Count > 0)
        {
            _rules.Add((leftTerms, rightWords));
            if (!_byFirstTerm.TryGetValue(leftTerms[0], out var list))
            {
                _byFirstTerm[leftTerms[0]] = list = [];
            }

            list.Add((leftTerms, rightWords));
        }
    }

    public IReadOnlyList<QueryExpansion> Expand(IReadOnlyList<QueryWord> query)
    {
        var expansions = new List<QueryExpansion>();
        var candidates = query.Select(w => w.Primary).Distinct(StringComparer.Ordinal)
            .SelectMany(t => _byFirstTerm.TryGetValue(t, out var rules) ? rules : []);
        foreach (var (left, right) in candidates)
        {
            var indexes = new List<int>(left.Length);
            foreach (var term in left)
            {
                var index = -1;
                for (var i = 0; i < query.Count; i++)
                {
                    if (query[i].Primary == term)
                    {
                        index = i;
                        break;
                    }
                }

                if (index < 0)
                {
                    break;
                }

                indexes.Add(index);
            }

            if (indexes.Count == left.Length)
            {
                expansions.Add(new QueryExpansion(indexes, right));
            }
        }

        return expansions;
    }
}
