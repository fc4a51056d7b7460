using System.Text.RegularExpressions;

namespace Stadtdialog.Handover;

/// <summary>
/// A queue of human agents for one department or topic ("Bürgerbüro", "Ordnungsamt"). The first queue of a tenant
/// is its default. Stored as JSON (System.Text.Json web defaults).
/// </summary>
public sealed partial record HandoverQueue
{
    public const int DefaultMaxConversationsPerAgent = 3;

    /// <summary>Slug, e.g. "buergerbuero".</summary>
    public required string Id { get; init; }

    /// <summary>Display name, e.g. "Bürgerbüro".</summary>
    public required string Name { get; init; }

    /// <summary>Topics; matched German-aware (stems and compound parts: "Ausweis" matches "Personalausweise").</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];

    /// <summary>URL path parts, e.g. "/buergerservice/": a question whose retrieved sources lie there belongs here.</summary>
    public IReadOnlyList<string> SourcePathPrefixes { get; init; } = [];

    /// <summary>Department address for case notifications.</summary>
    public string? Email { get; init; }

    /// <summary>The queue's own office hours; <c>null</c>: the tenant's.</summary>
    public OfficeHours? OfficeHours { get; init; }

    public int MaxConversationsPerAgent { get; init; } = DefaultMaxConversationsPerAgent;

    /// <summary>Problems with the configuration, in German; empty when it is valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Id) || !SlugPattern().IsMatch(Id))
        {
            yield return $"Ungültige Kennung „{Id}“ (nur Kleinbuchstaben, Ziffern und Bindestriche).";
        }

        if (string.IsNullOrWhiteSpace(Name))
        {
            yield return $"Warteschlange „{Id}“: Name fehlt.";
        }

        if (MaxConversationsPerAgent < 1)
        {
            yield return $"Warteschlange „{Id}“: höchstens gleichzeitige Gespräche je Person muss mindestens 1 sein.";
        }

        if (Email is not null && !EmailPattern().IsMatch(Email))
        {
            yield return $"Warteschlange „{Id}“: ungültige E-Mail-Adresse „{Email}“.";
        }

        foreach (var problem in OfficeHours?.Validate() ?? [])
        {
            yield return $"Warteschlange „{Id}“: {problem}";
        }
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}

/// <summary>The queue a question was routed to, and why (shown to the agent).</summary>
public sealed record QueueRouting(HandoverQueue Queue, string Reason);

/// <summary>Picks the queue for a handover: by the retrieved sources' URLs first, then by keywords, else the default.</summary>
public static class QueueRouter
{
    public static QueueRouting Route(
        IReadOnlyList<HandoverQueue> queues, string question, IReadOnlyList<string> sourceUrls, Retrieval.GermanTextAnalysis german)
    {
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(sourceUrls);
        ArgumentNullException.ThrowIfNull(german);
        if (queues.Count == 0)
        {
            throw new ArgumentException("At least one queue (the default) is required.", nameof(queues));
        }

        if (BySource(queues, sourceUrls) is { } bySource)
        {
            return bySource;
        }

        if (ByKeyword(queues, question ?? "", german) is { } byKeyword)
        {
            return byKeyword;
        }

        return new QueueRouting(queues[0], "Kein Thema erkannt – Standard-Warteschlange");
    }

    /// <summary>Each source counts for the queue with its longest matching prefix, weighted by its rank.</summary>
    private static QueueRouting? BySource(IReadOnlyList<HandoverQueue> queues, IReadOnlyList<string> sourceUrls)
    {
        var scores = new double[queues.Count];
        var hits = new int[queues.Count];
        var firstPrefix = new string?[queues.Count];
        for (var rank = 0; rank < sourceUrls.Count; rank++)
        {
            var path = PathOf(sourceUrls[rank]);
            var best = -1;
            string? bestPrefix = null;
            for (var q = 0; q < queues.Count; q++)
            {
                foreach (var prefix in queues[q].SourcePathPrefixes)
                {
                    if (!string.IsNullOrWhiteSpace(prefix) && path.Contains(prefix.Trim(), StringComparison.OrdinalIgnoreCase)
                        && (bestPrefix is null || prefix.Trim().Length > bestPrefix.Length))
                    {
                        best = q;
                        bestPrefix = prefix.Trim();
                    }
                }
            }

            if (best >= 0)
            {
                scores[best] += 1.0 / (rank + 1);
                hits[best]++;
                firstPrefix[best] ??= bestPrefix;
            }
        }

        var winner = ArgMax(scores);
        return winner < 0
            ? null
            : new QueueRouting(
                queues[winner],
                $"Quellen unter „{firstPrefix[winner]}“ ({hits[winner]} von {sourceUrls.Count} Quellen)");
    }

    private static QueueRouting? ByKeyword(IReadOnlyList<HandoverQueue> queues, string question, Retrieval.GermanTextAnalysis german)
    {
        var words = german.AnalyzeQuery(question);
        if (words.Count == 0)
        {
            return null;
        }

        var scores = new double[queues.Count];
        var matched = new List<string>[queues.Count];
        for (var q = 0; q < queues.Count; q++)
        {
            matched[q] = [];
            foreach (var keyword in queues[q].Keywords.Where(k => !string.IsNullOrWhiteSpace(k)))
            {
                var keywordWords = german.AnalyzeQuery(keyword);

                // A keyword of several words matches when each of its words is in the question. Longer stems are
                // more specific ("Parkausweis" beats "Ausweis" for "Anwohnerparkausweis").
                if (keywordWords.Count > 0 && keywordWords.All(k => words.Any(w => Matches(w, k.Primary))))
                {
                    scores[q] += keywordWords.Sum(k => k.Primary.Length);
                    matched[q].Add(keyword.Trim());
                }
            }
        }

        var winner = ArgMax(scores);
        return winner < 0
            ? null
            : new QueueRouting(queues[winner], $"Stichwort {string.Join(", ", matched[winner].Select(k => $"„{k}“"))} im Anliegen");
    }

    /// <summary>The word itself, one of its compound parts, or the head of a compound ("anwohnerparkausweis" ends
    /// with "parkausweis").</summary>
    private static bool Matches(Retrieval.QueryWord word, string keywordStem) =>
        word.Primary == keywordStem
        || word.Parts.Contains(keywordStem)
        || (keywordStem.Length >= 4 && word.Primary.EndsWith(keywordStem, StringComparison.Ordinal));

    /// <summary>Index of the highest positive score; ties go to the earlier queue; -1 when none scores.</summary>
    private static int ArgMax(double[] scores)
    {
        var best = -1;
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i] > 0 && (best < 0 || scores[i] > scores[best]))
            {
                best = i;
            }
        }

        return best;
    }

    private static string PathOf(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsAbsoluteUri && !uri.IsFile
            ? Uri.UnescapeDataString(uri.AbsolutePath)
            : url ?? "";
}

/// <summary>Capacity of a queue's agents.</summary>
public static class AgentCapacity
{
    /// <summary>Whether an online agent has fewer than <paramref name="max"/> active conversations.</summary>
    public static bool HasFreeAgent(IReadOnlyList<(Guid AgentId, bool Online, int Active)> agents, int max)
    {
        ArgumentNullException.ThrowIfNull(agents);
        return agents.Any(a => a.Online && a.Active < max);
    }

    /// <summary>
    /// The least loaded online agent below capacity; ties go to the one idle longest (never assigned first), then
    /// to the lower id so that the choice is stable. <c>null</c> when everyone is offline or full.
    /// </summary>
    public static Guid? PickAgent(
        IReadOnlyList<(Guid AgentId, bool Online, int Active, DateTimeOffset? LastAssignedAt)> agents, int max)
    {
        ArgumentNullException.ThrowIfNull(agents);
        var free = agents.Where(a => a.Online && a.Active < max).ToList();
        if (free.Count == 0)
        {
            return null;
        }

        return free
            .OrderBy(a => a.Active)
            .ThenBy(a => a.LastAssignedAt ?? DateTimeOffset.MinValue)
            .ThenBy(a => a.AgentId)
            .First()
            .AgentId;
    }
}
