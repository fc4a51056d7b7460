using Microsoft.Extensions.Caching.Memory;
using Stadtdialog.Data;
using Stadtdialog.Knowledge;
using Stadtdialog.Retrieval;

namespace Stadtdialog.Chat;

/// <summary>
/// Builds a short answer without a language model: the passages of the best documents are cut into units
/// (sentences, list items, table rows with their header), each unit is scored by how much of the question it
/// covers, and the best units are quoted in document order with their sources.
/// </summary>
public sealed class ExtractiveAnswerer(GermanTextAnalysis analysis) : IDisposable
{
    /// <summary>
    /// Analysed units per chunk. Chunk ids change whenever a document is re-ingested, so entries never go stale;
    /// the size limit bounds memory (popular pages stay, rarely asked ones are evicted).
    /// </summary>
    private readonly MemoryCache _units = new(new MemoryCacheOptions { SizeLimit = 20_000 });

    private const int MaxUnits = 3;
    private const int MaxAnswerChars = 480;
    private const double CompanionThreshold = 0.7;
    private const double AdjacencyBonus = 0.25;
    private const int MaxTableChars = 700;

    public TurnAnswer Answer(SearchResult result, int maxCitations)
    {
        if (result.Hits[0].Kind == DocumentKind.Faq)
        {
            return Curated(result);
        }

        var plan = result.Plan;
        var candidates = new List<Unit>();
        var topCoverage = result.Hits[0].Coverage;

        // The best document and any close competitors (a question can span two pages).
        var documents = result.Hits.Take(3)
            .Where((h, i) => i == 0 || h.Coverage >= topCoverage * 0.9)
            .ToList();
        for (var rank = 0; rank < documents.Count; rank++)
        {
            var hit = documents[rank];
            var titleTerms = analysis.Terms(hit.Title);

            // When the title alone covers the question ("Personalausweis beantragen"), the page's lead is the answer.
            var leadBonus = 0.3 * Math.Max(0, (plan.Coverage(titleTerms) - 0.7) / 0.3);
            foreach (var chunk in hit.Chunks)
            {
                var sectionTerms = analysis.Terms(chunk.Section);
                sectionTerms.UnionWith(titleTerms);
                var units = AnalysedUnits(chunk);
                for (var u = 0; u < units.Length; u++)
                {
                    var terms = units[u].Terms;
                    var own = plan.Coverage(terms);
                    var withContext = plan.Coverage(t => terms.Contains(t) || sectionTerms.Contains(t));
                    var isLead = chunk.Ordinal == 0 && chunk.Section.Length == 0 && u == 0;
                    var score = (0.3 * own) + (0.6 * withContext) + (rank == 0 ? 0.1 : 0) + (isLead ? leadBonus : 0)
                        + (0.02 * chunk.Score / Math.Max(1e-6, result.Hits[0].Score));
                    candidates.Add(new Unit(hit, chunk, u, units[u].Text, score, own, units[u].Table));
                }
            }
        }

        var best = candidates.OrderByDescending(c => c.Score).First();
        List<Unit> chosen = [best];
        var length = best.Text.Length;

        // A question answered by a table row or list item (fees, opening hours, documents to bring) is best
        // answered by the whole table or list.
        if (best.Table >= 0)
        {
            var rows = candidates.Where(c => c.Chunk == best.Chunk && c.Table == best.Table).OrderBy(c => c.Position).ToList();
            if (rows.Count > 1 && rows.Sum(r => r.Text.Length) <= MaxTableChars)
            {
                chosen = rows;
                length = rows.Sum(r => r.Text.Length);
            }
        }

        // What directly follows the best unit in the same passage usually continues its thought.
        double Continuity(Unit u) => u.Chunk == best.Chunk && u.Position - best.Position is 1 or 2 ? AdjacencyBonus : 0;
        foreach (var unit in candidates.Where(c => c != best).OrderByDescending(c => c.Score + Continuity(c)))
        {
            if (chosen.Count >= MaxUnits || chosen.Count > 1 && best.Table >= 0 || unit.Score + Continuity(unit) < best.Score * CompanionThreshold)
            {
                break;
            }

            // Companions come from the best unit's own passage: a sentence quoted out of its section can mislead
            // ("dieselben Gebühren" under "Verlust" is about a replacement, not a first application).
            if (length + unit.Text.Length > MaxAnswerChars || unit.Chunk != best.Chunk)
            {
                continue;
            }

            chosen.Add(unit);
            length += unit.Text.Length;
        }

        // Quote in reading order: document rank, then position within the document.
        var ordered = chosen
            .OrderBy(c => documents.IndexOf(c.Hit))
            .ThenBy(c => c.Chunk.Ordinal)
            .ThenBy(c => c.Position)
            .ToList();

        var citations = new List<Citation>();
        foreach (var unit in ordered.Where(u => citations.All(c => c.DocumentId != u.Hit.DocumentId)))
        {
            if (citations.Count >= Math.Clamp(maxCitations, 1, 3))
            {
                break;
            }

            citations.Add(new Citation
            {
                Index = citations.Count + 1,
                Title = unit.Hit.Title,
                Url = unit.Chunk.Anchor is { Length: > 0 } anchor && !unit.Hit.Url.Contains('#', StringComparison.Ordinal)
                    ? $"{unit.Hit.Url}#{anchor}"
                    : unit.Hit.Url,
                Section = unit.Chunk.Section.Length > 0 ? unit.Chunk.Section : null,
                DocumentId = unit.Hit.DocumentId,
            });
        }

        var text = string.Join("\n", ordered.Select(u => u.Text));
        return new TurnAnswer(text, AnswerTypes.Retrieval, result.Confidence, citations, FollowUps(result, ordered));
    }

    /// <summary>An editor's curated answer (FAQ row) is given verbatim, citing the page the row points to.</summary>
    private static TurnAnswer Curated(SearchResult result)
    {
        // FAQ questions that cover the content words equally are told apart by the small words search ignores
        // ("Kann jemand anderes meinen Ausweis abholen?" vs. "Brauche ich für die Abholung … einen Termin?").
        var asked = Words(result.Question);
        var hit = result.Hits
            .Where(h => h.Kind == DocumentKind.Faq && h.Coverage >= result.Hits[0].Coverage - 1e-9)
            .OrderByDescending(h => Overlap(asked, Words(h.Title)))
            .First();
        var text = string.Join("\n", hit.Chunks.OrderBy(c => c.Ordinal).Select(c => c.Text).Distinct(StringComparer.Ordinal));
        Citation citation = new()
        {
            Index = 1, Title = hit.Title, Url = hit.Url, Section = "Häufige Fragen", DocumentId = hit.DocumentId,
        };
        var followUps = result.Hits.Where(h => h != hit && h.Coverage >= 0.5).Select(h => h.Title).Distinct().Take(2).ToList();
        return new TurnAnswer(text, AnswerTypes.Curated, result.Confidence, [citation], followUps);
    }

    private static HashSet<string> Words(string text) =>
        [.. text.ToLowerInvariant().Split((char[])[' ', ',', '.', '?', '!', ';', ':', '(', ')', '"', '-'], StringSplitOptions.RemoveEmptyEntries)];

    private static double Overlap(HashSet<string> a, HashSet<string> b) =>
        a.Count == 0 || b.Count == 0 ? 0 : (double)a.Intersect(b).Count() / a.Union(b).Count();

    /// <summary>Other sections of the best page and related pages, phrased as things to ask next.</summary>
    private static List<string> FollowUps(SearchResult result, List<Unit> used)
    {
        var followUps = new List<string>();
        var top = result.Hits[0];
        foreach (var chunk in top.Chunks)
        {
            if (chunk.Section.Length > 0 && used.All(u => u.Chunk.Section != chunk.Section))
            {
                followUps.Add($"{top.Title}: {chunk.Section.Split(Chunker.SectionSeparator)[0]}");
            }
        }

        followUps.AddRange(result.Hits.Skip(1).Where(h => h.Coverage >= 0.5).Select(h => h.Title));
        return followUps.Distinct(StringComparer.OrdinalIgnoreCase).Take(3).ToList();
    }

    /// <summary>Cuts chunk text into quotable units: sentences, list items, table rows (with the header's labels).</summary>
    internal static List<(string Text, int Table)> Units(string chunkText)
    {
        var units = new List<(string, int)>();
        string[]? header = null;
        var table = -1;
        var tables = 0;
        var lines = chunkText.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("|-", StringComparison.Ordinal))
            {
                continue;
            }

            if (line.StartsWith('|'))
            {
                var cells = line.Trim('|').Split('|', StringSplitOptions.TrimEntries);
                if (table < 0 || !lines[i - 1].StartsWith('|'))
                {
                    table = tables++;
                }

                if (i + 1 < lines.Length && lines[i + 1].StartsWith("|-", StringComparison.Ordinal))
                {
                    header = cells;
                    continue;
                }

                units.Add((header is not null && header.Length == cells.Length
                    ? string.Join(" – ", cells.Select((c, k) => header[k].Length > 0 ? $"{header[k]}: {c}" : c))
                    : string.Join(" – ", cells), table));
                continue;
            }

            header = null;
            if (line.StartsWith("- ", StringComparison.Ordinal))
            {
                // Consecutive list items form one group, like the rows of a table.
                if (table < 0 || i == 0 || !lines[i - 1].StartsWith("- ", StringComparison.Ordinal))
                {
                    table = tables++;
                }

                units.Add((line[2..], table));
                continue;
            }

            table = -1;
            units.AddRange(SentenceSplitter.Split(line).Select(sentence => (sentence, -1)));
        }

        return units;
    }

    private AnalysedUnit[] AnalysedUnits(ChunkHit chunk) =>
        _units.GetOrCreate(chunk.ChunkId, entry =>
        {
            entry.Size = 1;
            return Units(chunk.Text).Select(u => new AnalysedUnit(u.Text, u.Table, analysis.Terms(u.Text))).ToArray();
        })!;

    public void Dispose() => _units.Dispose();

    private sealed record AnalysedUnit(string Text, int Table, HashSet<string> Terms);

    private sealed record Unit(SearchHit Hit, ChunkHit Chunk, int Position, string Text, double Score, double Own, int Table);
}
