using System.Text.RegularExpressions;

namespace Stadtdialog.Generative;

/// <summary>
/// Checks a generated answer against the sources it was given: it must cite at least one of them by number
/// (<c>[n]</c>), never a number that was not offered, and every number it states (fees, dates, phone numbers,
/// deadlines) must occur in the sources or the question. The agreed marker <see cref="NoAnswerMarker"/> means the
/// sources do not answer the question.
/// </summary>
public static partial class GroundingCheck
{
    /// <summary>What the model answers when the sources do not contain the answer (see the answer prompt).</summary>
    public const string NoAnswerMarker = "[KEINE_ANTWORT]";

    public static GroundingVerdict Verify(string? answer, int sourceCount, IReadOnlyList<string>? evidence = null)
    {
        var text = answer?.Trim() ?? "";
        if (text.Length == 0)
        {
            return new GroundingVerdict(GroundingStatus.Empty, [], "empty answer");
        }

        if (text.Contains("KEINE_ANTWORT", StringComparison.OrdinalIgnoreCase))
        {
            return new GroundingVerdict(GroundingStatus.NoAnswer, []);
        }

        var cited = Citations(text);
        var wrong = cited.Where(n => n < 1 || n > sourceCount).ToList();
        if (wrong.Count > 0)
        {
            return new GroundingVerdict(GroundingStatus.WrongCitation, cited, $"cites [{string.Join("], [", wrong)}] of {sourceCount} sources");
        }

        if (cited.Count == 0)
        {
            return new GroundingVerdict(GroundingStatus.Uncited, cited, "no source cited");
        }

        if (evidence is { Count: > 0 } && UnsupportedNumber(text, evidence) is { } number)
        {
            return new GroundingVerdict(GroundingStatus.UnsupportedNumber, cited, $"the number {number} occurs in no source");
        }

        return new GroundingVerdict(GroundingStatus.Grounded, cited);
    }

    /// <summary>The source numbers cited, in order of first citation: <c>[1]</c>, <c>[1, 2]</c>, <c>[1][3]</c>, <c>[Quelle 2]</c>.</summary>
    public static IReadOnlyList<int> Citations(string text)
    {
        var cited = new List<int>();
        foreach (Match group in CitationGroup().Matches(text))
        {
            foreach (Match number in Number().Matches(group.Groups["list"].Value))
            {
                if (int.TryParse(number.Value, out var n) && !cited.Contains(n))
                {
                    cited.Add(n);
                }
            }
        }

        return cited;
    }

    /// <summary>The answer without citation markers (for readability scores and plain-text channels).</summary>
    public static string StripCitations(string text) => WhitespaceBeforePunctuation().Replace(CitationGroup().Replace(text, ""), "$1");

    private static string? UnsupportedNumber(string text, IReadOnlyList<string> evidence)
    {
        var withoutCitations = CitationGroup().Replace(text, " ");
        HashSet<string>? known = null;
        foreach (Match match in Number().Matches(withoutCitations))
        {
            // Single digits ("1 Foto", "2 Wochen") are too often written as words in sources to check reliably.
            if (match.Value.Length < 2)
            {
                continue;
            }

            known ??= [.. evidence.SelectMany(e => Number().Matches(e).Select(m => m.Value))];
            if (!known.Contains(match.Value) && !known.Contains(match.Value.TrimStart('0')))
            {
                return match.Value;
            }
        }

        return null;
    }

    [GeneratedRegex(@"\[(?:Quelle\s*|Source\s*)?(?<list>\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CitationGroup();

    [GeneratedRegex(@"\d+", RegexOptions.CultureInvariant)]
    private static partial Regex Number();

    [GeneratedRegex(@"[ \t]+([.,;:!?])")]
    private static partial Regex WhitespaceBeforePunctuation();
}
