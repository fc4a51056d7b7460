using Stadtdialog.Retrieval;

namespace Stadtdialog.LiveData.Tools;

/// <summary>
/// Picks the items (garages, stations, properties) a question or a tool argument is about, German-aware: "im
/// Parkhaus am Bahnhof" picks "Parkhaus Am Bahnhof", "Feinstaub PM10 im Westring" picks the Westring station. Only the
/// words that tell the items apart count (not "Parkhaus", which all garages share).
/// </summary>
public static class ItemSelector
{
    /// <summary>
    /// The items named by <paramref name="requested"/> (an explicit name: from a language model or the API) or, without
    /// it, by <paramref name="question"/>; all items when nothing names one. <c>Matched</c> is false when an explicit
    /// name matched nothing. Terms in <paramref name="ignore"/> (the tool's own topic words, e.g. "Parkhaus") never
    /// pick an item.
    /// </summary>
    public static (IReadOnlyList<T> Items, bool Matched) Select<T>(
        IReadOnlyList<T> items, Func<T, string?> name, string? requested, string? question, GermanTextAnalysis german,
        IReadOnlySet<string>? ignore = null)
    {
        if (items.Count <= 1 || (string.IsNullOrWhiteSpace(requested) && string.IsNullOrWhiteSpace(question)))
        {
            return (items, true);
        }

        if (!string.IsNullOrWhiteSpace(requested))
        {
            var exact = items.Where(i => name(i) is { } n && n.Contains(requested.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
            if (exact.Count > 0)
            {
                return (exact, true);
            }
        }

        var termsOf = items.Select(i => german.Terms(name(i) ?? "")).ToList();
        var shared = termsOf.Skip(1).Aggregate(new HashSet<string>(termsOf[0], StringComparer.Ordinal), (acc, t) =>
        {
            acc.IntersectWith(t);
            return acc;
        });
        var wanted = german.Terms(requested ?? question!);
        if (ignore is not null)
        {
            wanted.ExceptWith(ignore);
        }

        var scored = items.Select((item, i) =>
            {
                var distinctive = termsOf[i].Where(t => !shared.Contains(t)).ToList();
                var hits = distinctive.Count(wanted.Contains);
                return (Item: item, Score: distinctive.Count == 0 ? 0 : hits / (double)distinctive.Count, Hits: hits);
            })
            .Where(s => s.Hits > 0)
            .ToList();
        if (scored.Count == 0)
        {
            return (items, string.IsNullOrWhiteSpace(requested));
        }

        var best = scored.Max(s => s.Score);
        return (scored.Where(s => s.Score >= best - 1e-9).Select(s => s.Item).ToList(), true);
    }
}
