using System.Text.RegularExpressions;

namespace Stadtdialog.Knowledge;

/// <summary>
/// Splits German prose into sentences. Knows common administrative abbreviations ("z. B.", "ggf.", "Nr."),
/// ordinals and dates ("1. Januar", "31.12.2026") so that it does not cut in the middle of a sentence.
/// </summary>
public static partial class SentenceSplitter
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "z", "b", "bzw", "ca", "d", "h", "u", "a", "o", "ä", "s", "v", "vgl", "ggf", "evtl", "inkl", "exkl", "usw",
        "etc", "nr", "str", "tel", "fax", "mo", "di", "mi", "do", "fr", "sa", "so", "jan", "feb", "mär", "apr",
        "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dez", "abs", "art", "bzgl", "dr", "prof", "hr", "fr",
        "std", "min", "max", "mind", "zzgl", "gem", "lt", "allg", "einschl", "geb", "verh", "stk", "ff", "f", "st",
        "e", "v", "i", "eur", "ct", "bspw", "sog", "ggü", "zb", "ua", "dh",
    };

    private static readonly HashSet<string> OrdinalNouns = new(StringComparer.OrdinalIgnoreCase)
    {
        "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November",
        "Dezember", "Jan", "Feb", "Mär", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Okt", "Nov", "Dez", "Stock",
        "Etage", "Obergeschoss", "Untergeschoss", "OG", "UG", "Klasse", "Quartal", "Halbjahr", "Lebensjahr",
        "Geburtstag", "Advent", "Adventssonntag", "Mahnung", "Woche", "Tag", "Monat", "Jahrhundert", "Platz",
        "Stufe", "Runde", "Reihe", "Bauabschnitt", "Ehe", "Kind", "Hund", "Wohnsitz",
    };

    private static string NextWord(string text, int from)
    {
        var start = from;
        while (start < text.Length && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        var end = start;
        while (end < text.Length && char.IsLetter(text[end]))
        {
            end++;
        }

        return text[start..end];
    }

    public static IReadOnlyList<string> Split(string text)
    {
        var sentences = new List<string>();
        var start = 0;
        foreach (Match match in Boundary().Matches(text))
        {
            var end = match.Index + 1;
            if (IsFalseBoundary(text, match.Index))
            {
                continue;
            }

            Add(text[start..end]);
            start = match.Index + match.Length;
        }

        Add(text[start..]);
        return sentences;

        void Add(string sentence)
        {
            var trimmed = sentence.Trim();
            if (trimmed.Length > 0)
            {
                sentences.Add(trimmed);
            }
        }
    }

    private static bool IsFalseBoundary(string text, int punctuation)
    {
        if (text[punctuation] != '.')
        {
            return false;
        }

        // The word right before the dot.
        var wordStart = punctuation;
        while (wordStart > 0 && char.IsLetterOrDigit(text[wordStart - 1]))
        {
            wordStart--;
        }

        var word = text[wordStart..punctuation];
        if (word.Length == 0)
        {
            return false;
        }

        if (word.All(char.IsDigit))
        {
            // "1. Januar", "3. Stock", "18. Lebensjahr" are ordinals; "Marktplatz 1. Der ..." ends a sentence.
            return word.Length <= 2 && OrdinalNouns.Contains(NextWord(text, punctuation + 1));
        }

        return Abbreviations.Contains(word) || (word.Length == 1 && char.IsUpper(word[0]));
    }

    // Sentence-ending punctuation followed by whitespace and an upper-case letter, digit or quote.
    [GeneratedRegex(@"[.!?…](?=\s+[\p{Lu}\d„""(])\s+")]
    private static partial Regex Boundary();
}
