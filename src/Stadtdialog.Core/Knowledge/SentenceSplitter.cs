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
        "etc", "nr", "str", "tel", "fax", "jan", "feb", "mär", "apr",
        "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dez", "abs", "art", "bzgl", "dr", "prof", "hr",
        "std", "min", "max", "mind", "zzgl", "gem", "lt", "allg", "einschl", "geb", "verh", "stk", "ff", "f", "st",
        "e", "v", "i", "eur", "ct", "bspw", "sog", "ggü", "zb", "ua", "dh",
    };

    /// <summary>Weekday abbreviations count only capitalised: "Mo." is Monday, "so." is the word "so".</summary>
    private static readonly HashSet<string> Weekdays = new(StringComparer.Ordinal) { "Mo", "Di", "Mi", "Do", "Fr", "Sa", "So" };

    /// <summary>Words that typically open a sentence; after "Marktplatz 1." they show the number ended one.</summary>
    private static readonly HashSet<string> SentenceStarters = new(StringComparer.Ordinal)
    {
        "Der", "Die", "Das", "Den", "Dem", "Des", "Ein", "Eine", "Einen", "Sie", "Er", "Es", "Wir", "Ich", "Ihr",
        "Ihre", "Ihren", "Bitte", "Im", "In", "Am", "An", "Bei", "Für", "Mit", "Nach", "Wenn", "Auch", "Dann",
        "Danach", "Zum", "Zur", "Diese", "Dieser", "Dieses", "Hier", "Dort", "So", "Wer", "Was", "Wie", "Wo", "Wann",
        "Ab", "Bis", "Um", "Zusätzlich", "Außerdem", "Beachten", "Bringen", "Melden", "Kommen", "Online",
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
            // "am 3. Werktag" is an ordinal; "Marktplatz 1. Der Antrag …" ends a sentence.
            var next = NextWord(text, punctuation + 1);
            return word.Length <= 2 && (OrdinalNouns.Contains(next) || !SentenceStarters.Contains(next));
        }

        return Abbreviations.Contains(word)
            || Weekdays.Contains(word)
            || word.EndsWith("str", StringComparison.OrdinalIgnoreCase) // "Goethestr. 12"
            || (word.Length == 1 && char.IsUpper(word[0]));
    }

    // Sentence-ending punctuation followed by whitespace and an upper-case letter, digit or quote.
    [GeneratedRegex(@"[.!?…](?=\s+[\p{Lu}\d„""(])\s+")]
    private static partial Regex Boundary();
}
