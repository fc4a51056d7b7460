using System.Text;
using System.Text.RegularExpressions;
using Stadtdialog.Knowledge;

namespace Stadtdialog.Generative;

/// <summary>
/// Readability of a German text.
/// </summary>
/// <param name="FleschAmstad">Flesch reading ease adapted to German by Amstad, clamped to 0..100; higher is easier.</param>
/// <param name="WienerSachtextformel">First Wiener Sachtextformel (Bamberger/Vanecek); roughly a school grade, lower is easier.</param>
/// <param name="Sentences">Sentences with at least one word.</param>
/// <param name="Words">Words, numbers included.</param>
/// <param name="Syllables">Syllables of all words (a number counts as one).</param>
/// <param name="WordsPerSentence">Average sentence length.</param>
/// <param name="SyllablesPerWord">Average word length in syllables.</param>
public sealed record ReadabilityScore(
    double FleschAmstad,
    double WienerSachtextformel,
    int Sentences,
    int Words,
    int Syllables,
    double WordsPerSentence,
    double SyllablesPerWord);

/// <summary>
/// German readability scores for answers, so that editors see the effect of "Einfache Sprache". Pure and
/// deterministic: no dictionaries, a syllable heuristic over vowel groups.
/// </summary>
/// <remarks>
/// Before measuring, everything that is not prose is removed: citation markers ("[1]", "[2][3]"), URLs, e-mail
/// addresses and markdown (emphasis, headings, list bullets, links, tables). Every line (so every list item and
/// heading) ends a sentence; inside a line <see cref="SentenceSplitter"/> finds sentence ends and knows German
/// abbreviations and ordinals. Numbers ("37", "1.1.2025", "12,50") are words of one syllable each: spelled out
/// they would be longer, but a reader takes in a number at a glance, and counting "2025" as "zweitausendfünfundzwanzig"
/// (7 syllables) would punish answers for giving exact dates and amounts. Abbreviations ("z. B.", "bzw.", "Nr.")
/// are one word of one syllable for the same reason, and so is a word without vowels ("Kfz").
/// </remarks>
public static partial class Readability
{
    /// <summary>Measures <paramref name="text"/>; null when it holds no words.</summary>
    public static ReadabilityScore? Measure(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        var sentences = 0;
        var words = 0;
        var syllables = 0;
        var polysyllabic = 0; // ≥ 3 syllables
        var monosyllabic = 0;
        var longWords = 0; // > 6 letters

        foreach (var line in StripNonProse(text).Split('\n'))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            foreach (var sentence in SentenceSplitter.Split(line))
            {
                var wordsInSentence = 0;
                foreach (Match word in Word().Matches(JoinLetterAbbreviations(sentence)))
                {
                    var count = CountWordSyllables(word.Value);
                    wordsInSentence++;
                    syllables += count;
                    polysyllabic += count >= 3 ? 1 : 0;
                    monosyllabic += count == 1 ? 1 : 0;
                    longWords += CountLetters(word.Value) > 6 ? 1 : 0;
                }

                if (wordsInSentence > 0)
                {
                    sentences++;
                    words += wordsInSentence;
                }
            }
        }

        if (words == 0)
        {
            return null;
        }

        var wordsPerSentence = (double)words / sentences;
        var syllablesPerWord = (double)syllables / words;
        var fleschAmstad = Math.Clamp(180 - wordsPerSentence - (58.5 * syllablesPerWord), 0, 100);
        var ms = 100.0 * polysyllabic / words;
        var iw = 100.0 * longWords / words;
        var es = 100.0 * monosyllabic / words;
        var wstf = (0.1935 * ms) + (0.1672 * wordsPerSentence) + (0.1297 * iw) - (0.0327 * es) - 0.875;

        return new ReadabilityScore(fleschAmstad, wstf, sentences, words, syllables, wordsPerSentence, syllablesPerWord);
    }

    /// <summary>The German band of a Flesch–Amstad value, from "sehr leicht" (90+) to "sehr schwer" (below 30).</summary>
    public static string Describe(double fleschAmstad) => fleschAmstad switch
    {
        >= 90 => "sehr leicht",
        >= 80 => "leicht",
        >= 70 => "mittelleicht",
        >= 60 => "mittel",
        >= 50 => "mittelschwer",
        >= 30 => "schwer",
        _ => "sehr schwer",
    };

    /// <summary>
    /// Syllables of one word (a token as <see cref="Measure"/> sees it: hyphenated parts are counted each,
    /// a number is one syllable, a word without vowels is one syllable).
    /// </summary>
    internal static int CountWordSyllables(string word)
    {
        var total = 0;
        foreach (var part in word.Split(['-', '\'', '’', ':', '_'], StringSplitOptions.RemoveEmptyEntries))
        {
            total += part.Any(char.IsLetter) ? Math.Max(1, CountSyllables(part)) : 1;
        }

        return Math.Max(1, total);
    }

    /// <summary>
    /// German syllable heuristic: counts vowel groups over a, e, i, o, u, ä, ö, ü, y. Inside a group, the
    /// diphthongs and long vowels ai, au, ay, ei, ey, eu, äu, ie, aa, ee, oo, ou (and "eau") are one nucleus; any
    /// other pair is a hiatus of two ("The-a-ter", "Na-ti-on", "ak-tu-ell"). Corrections for frequent cases:
    /// "-ie" after l, or after n/d not preceded by o, ends in two syllables ("Fa-mi-li-e", "Li-ni-e", but
    /// "Har-mo-nie", "Ener-gie"); "-ien" before a consonant or at the end is two ("Fe-ri-en", "Fa-mi-li-en-kas-se")
    /// except in "dienst"/"dient"; "-eum"/"-äum" is two ("Mu-se-um", "Ju-bi-lä-um"); "-een" is two ("I-de-en");
    /// "be"/"ge" before "e" and two consonants is a prefix ("be-en-den", "ge-ehrt"). "u" after "q" and a leading
    /// "y" before a vowel are consonants. Known misses: English loanwords with silent e ("Online"), "Serie".
    /// </summary>
    internal static int CountSyllables(string word)
    {
        var w = FoldAccents(word.ToLowerInvariant());
        var count = 0;
        var i = 0;
        while (i < w.Length)
        {
            if (!IsVowel(w, i))
            {
                i++;
                continue;
            }

            var end = i;
            while (end < w.Length && IsVowel(w, end))
            {
                end++;
            }

            count += CountCluster(w, i, end, hasEarlierNucleus: count > 0);
            i = end;
        }

        return count;
    }

    private static readonly string[] OneNucleus = ["ai", "au", "ay", "ei", "ey", "eu", "äu", "ie", "aa", "ee", "oo", "ou"];

    private static int CountCluster(string w, int start, int end, bool hasEarlierNucleus)
    {
        // Prefix "be"/"ge" before a vowel-initial stem: "be-en-den", "be-er-di-gen", "ge-ehrt" (but "Bee-re", "Beet").
        if (start == 1 && end - start == 2 && (w[0] == 'b' || w[0] == 'g') && w[1] == 'e' && w[2] == 'e'
            && end + 1 < w.Length && !IsVowel(w, end) && !IsVowel(w, end + 1))
        {
            return 2;
        }

        var nuclei = 0;
        var last = "";
        var p = start;
        while (p < end)
        {
            var length = 1;
            if (p + 3 <= end && string.CompareOrdinal(w, p, "eau", 0, 3) == 0)
            {
                length = 3;
            }
            else if (p + 2 <= end && Array.IndexOf(OneNucleus, w.Substring(p, 2)) >= 0)
            {
                length = 2;
            }

            last = w.Substring(p, length);
            nuclei++;
            p += length;
        }

        var earlier = hasEarlierNucleus || nuclei > 1;
        if (!earlier || last.Length != 2)
        {
            return nuclei;
        }

        var lastStart = end - 2;
        var atEnd = end == w.Length;
        var next = atEnd ? '\0' : w[end];
        var afterNextIsConsonantOrEnd = end + 1 >= w.Length || !IsVowel(w, end + 1);

        switch (last)
        {
            case "ie" when atEnd && lastStart >= 2:
                {
                    var before = w[lastStart - 1];
                    var beforeThat = w[lastStart - 2];
                    return before == 'l' || ((before == 'n' || before == 'd') && beforeThat != 'o') ? nuclei + 1 : nuclei;
                }

            case "ie" when next == 'n' && afterNextIsConsonantOrEnd:
                {
                    var dienst = lastStart >= 1 && w[lastStart - 1] == 'd' && end + 1 < w.Length && (w[end + 1] == 's' || w[end + 1] == 't');
                    return dienst ? nuclei : nuclei + 1;
                }

            case "eu" or "äu" when next == 'm' && (end + 1 == w.Length || w[end + 1] == 's'):
                return nuclei + 1;

            case "ee" when next == 'n' && afterNextIsConsonantOrEnd:
                return nuclei + 1;

            default:
                return nuclei;
        }
    }

    private static bool IsVowel(string w, int i)
    {
        var c = w[i];
        return c switch
        {
            'a' or 'e' or 'i' or 'o' or 'ä' or 'ö' or 'ü' => true,
            'u' => i == 0 || w[i - 1] != 'q',
            'y' => !(i == 0 && w.Length > 1 && IsVowel(w, 1)),
            _ => false,
        };
    }

    private static string FoldAccents(string word)
    {
        if (word.All(c => c < 0x80 || c is 'ä' or 'ö' or 'ü' or 'ß'))
        {
            return word;
        }

        var builder = new StringBuilder(word.Length);
        foreach (var c in word)
        {
            builder.Append(c switch
            {
                'á' or 'à' or 'â' => 'a',
                'é' or 'è' or 'ê' or 'ë' => 'e',
                'í' or 'ì' or 'î' or 'ï' => 'i',
                'ó' or 'ò' or 'ô' => 'o',
                'ú' or 'ù' or 'û' => 'u',
                _ => c,
            });
        }

        return builder.ToString();
    }

    private static int CountLetters(string word) => word.Count(char.IsLetter);

    private static readonly string[] Months =
    [
        "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember",
    ];

    /// <summary>Removes what a reader does not read as prose; keeps one line per sentence-ending line.</summary>
    internal static string StripNonProse(string text)
    {
        var s = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        s = MarkdownImage().Replace(s, " ");
        s = MarkdownLink().Replace(s, "$1");
        s = Url().Replace(s, " ");
        s = Email().Replace(s, " ");
        s = Citation().Replace(s, "");
        s = s.Replace('|', '\n'); // table cells read like list items
        s = Emphasis().Replace(s, "");

        var lines = s.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = LineMarker().Replace(lines[i], "");
            var numbered = NumberedItem().Match(line);
            if (numbered.Success && !Months.Any(m => line.AsSpan(numbered.Length).StartsWith(m, StringComparison.Ordinal)))
            {
                line = line[numbered.Length..];
            }

            lines[i] = line;
        }

        return string.Join('\n', lines);
    }

    /// <summary>"z. B.", "u. a.", "d. h.", "i. d. R." become one token ("zB") so that they count as one word.</summary>
    private static string JoinLetterAbbreviations(string sentence) =>
        LetterAbbreviation().Replace(sentence, m => string.Concat(m.Value.Where(char.IsLetter)) + " ");

    [GeneratedRegex(@"!\[[^\]]*\]\([^)]*\)")]
    private static partial Regex MarkdownImage();

    [GeneratedRegex(@"\[([^\]]+)\]\([^)]*\)")]
    private static partial Regex MarkdownLink();

    // Stops before trailing punctuation so that "… unter https://stadt.de/pass." keeps its full stop.
    [GeneratedRegex(@"(?:\b(?:https?|ftp)://|\bwww\.|\bmailto:)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'""“”„]", RegexOptions.IgnoreCase)]
    private static partial Regex Url();

    [GeneratedRegex(@"[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+")]
    private static partial Regex Email();

    // [1], [2, 3], [4-6], markdown footnotes [^1].
    [GeneratedRegex(@"\[\^?\d+(?:\s*[,;–-]\s*\d+)*\]")]
    private static partial Regex Citation();

    [GeneratedRegex(@"\*+|~~|`+|(?<![\p{L}\p{N}])_+|_+(?![\p{L}\p{N}])")]
    private static partial Regex Emphasis();

    // Headings, block quotes and bullets at the start of a line.
    [GeneratedRegex(@"^\s*(?:#{1,6}\s+|>\s*|[-+•–]\s+)+")]
    private static partial Regex LineMarker();

    [GeneratedRegex(@"^\s*\d{1,3}[.)]\s+")]
    private static partial Regex NumberedItem();

    [GeneratedRegex(@"(?<![\p{L}\p{N}])(?:\p{L}\.\s?){2,}")]
    private static partial Regex LetterAbbreviation();

    // A word: letters/digits, joined by hyphens or apostrophes, by . , : between digits ("1.1.2025", "12,50", "8:30")
    // and by the gender colon or underscore ("Bürger:innen", "Bürger_innen").
    [GeneratedRegex(@"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:(?:[-'’]|(?<=\p{N})[.,:](?=\p{N})|(?<=\p{L})[:_](?=in(?:nen)?\b))[\p{L}\p{M}\p{N}]+)*")]
    private static partial Regex Word();
}
