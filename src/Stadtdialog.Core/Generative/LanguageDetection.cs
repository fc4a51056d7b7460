using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Lingua;

namespace Stadtdialog.Generative;

/// <summary>
/// The language a citizen wrote in, restricted to what the tenant offers.
/// </summary>
/// <param name="Language">The language to answer in (ISO 639-1), always one of the allowed ones or the fallback.</param>
/// <param name="Confidence">The detector's confidence (0..1) in <paramref name="Detected"/>; 0 when nothing was detected.</param>
/// <param name="IsFallback">True when <paramref name="Language"/> is the fallback rather than what the text is written in.</param>
/// <param name="Detected">
/// The language the text is written in (ISO 639-1) when the detector is sure enough, even when it is not allowed;
/// null when it is not sure. <c>Detected != Language</c> is the cue for "Ich antworte auf Deutsch".
/// </param>
public sealed record LanguageGuess(string Language, double Confidence, bool IsFallback, string? Detected = null);

/// <summary>
/// Detects the language of a citizen's message with Lingua, leaning towards German for short or ambiguous
/// messages ("Perso beantragen", "Wo ist das Open Data Portal?"). Thread-safe; use <see cref="Instance"/>.
/// </summary>
/// <remarks>
/// Lingua runs in high-accuracy mode (all n-gram sizes): citizen questions are short, and low-accuracy mode
/// (trigrams only) takes short German for French or Turkish ("Perso beantragen" → fr 0.70, "Baby Kita anmelden"
/// → tr 0.88). Models are loaded lazily (Lingua's default), not preloaded. Measured once (Release, .NET 10, a shared
/// 2-core machine, the 18 languages below; times tripled while the machine was busy): preloading all costs 7.3 s and
/// +555–610 MiB managed heap (+1.0–1.25 GiB working set) at start-up; lazily, the first Latin-script message loads the
/// Latin-script models in 4.3 s (+310 MiB managed, +0.5 GiB working set), the first Cyrillic and Arabic ones add about
/// 2 s and 180 MiB (≈ 500 MiB managed in all), and Greek needs no model (its alphabet decides). So a tenant whose
/// citizens never write Cyrillic or Arabic never pays for those models, and start-up stays fast. Afterwards a
/// detection takes about 0.5–2 ms. Lingua keeps models in static, thread-safe caches shared by all detectors.
/// Lingua has no model for Kurdish or Pashto; Albanian, Tigrinya, Somali and Amharic would be available.
/// </remarks>
public sealed partial class LanguageDetection
{
    /// <summary>Below this many words a message is "short" and German-leaning.</summary>
    public const int MinimumWords = 3;

    /// <summary>Below this confidence a longer message is ambiguous and German-leaning.</summary>
    public const double MinimumConfidence = 0.5;

    /// <summary>German wins an ambiguous message when its confidence is at most this far below the best one.</summary>
    public const double GermanMargin = 0.25;

    /// <summary>A short message is taken as non-German only with at least this confidence (e.g. a unique script).</summary>
    public const double ShortTextConfidence = 0.9;

    private const string German = "de";
    private const int MaxCharacters = 2000;

    private static readonly Lazy<LanguageDetection> Shared = new(() => new LanguageDetection());

    /// <summary>Croatian, Bosnian and Serbian are mutually intelligible; one stands in for another when allowed.</summary>
    private static readonly FrozenSet<string> SerboCroatian = FrozenSet.Create(StringComparer.Ordinal, "hr", "bs", "sr");

    private static readonly Language[] MunicipalLanguages =
    [
        Lingua.Language.German, Lingua.Language.English, Lingua.Language.Turkish, Lingua.Language.Arabic,
        Lingua.Language.Russian, Lingua.Language.Ukrainian, Lingua.Language.Polish, Lingua.Language.Romanian,
        Lingua.Language.French, Lingua.Language.Spanish, Lingua.Language.Italian, Lingua.Language.Persian,
        Lingua.Language.Vietnamese, Lingua.Language.Croatian, Lingua.Language.Serbian, Lingua.Language.Bosnian,
        Lingua.Language.Greek, Lingua.Language.Bulgarian,
    ];

    private static readonly FrozenDictionary<string, (string German, string English)> Names =
        new Dictionary<string, (string German, string English)>(StringComparer.Ordinal)
        {
            ["de"] = ("Deutsch", "German"),
            ["en"] = ("Englisch", "English"),
            ["tr"] = ("Türkisch", "Turkish"),
            ["ar"] = ("Arabisch", "Arabic"),
            ["ru"] = ("Russisch", "Russian"),
            ["uk"] = ("Ukrainisch", "Ukrainian"),
            ["pl"] = ("Polnisch", "Polish"),
            ["ro"] = ("Rumänisch", "Romanian"),
            ["fr"] = ("Französisch", "French"),
            ["es"] = ("Spanisch", "Spanish"),
            ["it"] = ("Italienisch", "Italian"),
            ["fa"] = ("Persisch", "Persian"),
            ["vi"] = ("Vietnamesisch", "Vietnamese"),
            ["hr"] = ("Kroatisch", "Croatian"),
            ["sr"] = ("Serbisch", "Serbian"),
            ["bs"] = ("Bosnisch", "Bosnian"),
            ["el"] = ("Griechisch", "Greek"),
            ["bg"] = ("Bulgarisch", "Bulgarian"),
            ["ku"] = ("Kurdisch", "Kurdish"),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly LanguageDetector _detector;

    private LanguageDetection()
    {
        _detector = LanguageDetectorBuilder.FromLanguages(MunicipalLanguages).Build();
    }

    /// <summary>The one detector of the process (built on first use; models load lazily, see remarks).</summary>
    public static LanguageDetection Instance => Shared.Value;

    /// <summary>ISO 639-1 codes of the languages the detector can tell apart.</summary>
    public static IReadOnlyList<string> SupportedLanguages { get; } =
        [.. MunicipalLanguages.Select(IsoCode)];

    /// <summary>
    /// Detects the language of <paramref name="text"/>. The result is restricted to <paramref name="allowed"/>
    /// (ISO 639-1 codes, case-insensitive, "de-DE" counts as "de"; empty allows only the fallback): a detected
    /// language that is not allowed gives the fallback, with <see cref="LanguageGuess.Detected"/> still set.
    /// Messages under <see cref="MinimumWords"/> words or under <see cref="MinimumConfidence"/> lean German: German
    /// (when allowed) wins if it is within <see cref="GermanMargin"/> of the best language; otherwise a short message
    /// needs <see cref="ShortTextConfidence"/>, else the answer is the fallback and nothing counts as detected.
    /// </summary>
    public LanguageGuess Detect(string text, IReadOnlyCollection<string> allowed, string fallback = German)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(allowed);
        ArgumentException.ThrowIfNullOrWhiteSpace(fallback);

        var fallbackIso = Normalize(fallback);
        var allowedIsos = allowed.Select(Normalize).ToHashSet(StringComparer.Ordinal);

        var prose = Clean(text);
        if (prose.Length == 0)
        {
            return new LanguageGuess(fallbackIso, 0, IsFallback: true);
        }

        // Most questions are plainly German: two German function words decide without loading any model.
        if (allowedIsos.Contains(German) && IsPlainlyGerman(prose))
        {
            return new LanguageGuess(German, 1, IsFallback: false, German);
        }

        var ranked = Rank(prose);
        if (ranked.Count == 0 || ranked[0].Confidence <= 0)
        {
            return new LanguageGuess(fallbackIso, 0, IsFallback: true);
        }

        var (best, confidence) = ranked[0];
        var words = WordToken().Count(prose);
        var isShort = words < MinimumWords;
        if (isShort || confidence < MinimumConfidence)
        {
            var german = ranked.FirstOrDefault(r => r.Language == German).Confidence;
            if (allowedIsos.Contains(German) && german >= confidence - GermanMargin)
            {
                return new LanguageGuess(German, german, IsFallback: false, German);
            }

            if (confidence < (isShort ? ShortTextConfidence : MinimumConfidence))
            {
                return new LanguageGuess(fallbackIso, 0, IsFallback: true);
            }
        }

        if (allowedIsos.Contains(best))
        {
            return new LanguageGuess(best, confidence, IsFallback: false, best);
        }

        if (SerboCroatian.Contains(best) && SerboCroatian.FirstOrDefault(allowedIsos.Contains) is { } sibling)
        {
            return new LanguageGuess(sibling, confidence, IsFallback: false, best);
        }

        return new LanguageGuess(fallbackIso, confidence, IsFallback: true, best);
    }

    /// <summary>
    /// The name of the language <paramref name="iso"/> in German (<paramref name="inLanguage"/> "de") or English
    /// (any other value), e.g. "Türkisch"/"Turkish"; the code itself for a language we have no name for.
    /// </summary>
    public static string DisplayName(string iso, string inLanguage)
    {
        ArgumentNullException.ThrowIfNull(iso);
        ArgumentNullException.ThrowIfNull(inLanguage);

        return Names.TryGetValue(Normalize(iso), out var names)
            ? Normalize(inLanguage) == German ? names.German : names.English
            : iso;
    }

    /// <summary>
    /// At least two distinct words that are German function words and not words of English or another common
    /// language ("die", "was", "in", "man" are left out on purpose).
    /// </summary>
    internal static bool IsPlainlyGerman(string prose)
    {
        var hits = 0;
        string? first = null;
        foreach (var match in WordToken().EnumerateMatches(prose))
        {
            var word = prose.Substring(match.Index, match.Length).ToLowerInvariant();
            if (GermanFunctionWords.Contains(word) && word != first && ++hits == 1)
            {
                first = word;
            }

            if (hits >= 2)
            {
                return true;
            }
        }

        return false;
    }

    private static readonly FrozenSet<string> GermanFunctionWords = FrozenSet.Create(StringComparer.Ordinal,
        "ich", "und", "der", "das", "ist", "wie", "wo", "wann", "welche", "welcher", "welches", "einen", "eine", "einem",
        "einer", "mein", "meine", "meinen", "kann", "muss", "bei", "mit", "für", "nicht", "auch", "oder", "bitte",
        "gibt", "habe", "möchte", "brauche", "warum", "wer", "wieviel", "dem", "den", "des", "zum", "zur",
        "wir", "uns", "ihr", "können", "müssen", "beantrage", "beantragen", "wohin", "woher", "sind", "noch");

    /// <summary>Languages by confidence, best first; Croatian, Bosnian and Serbian pooled under the best of them.</summary>
    private List<(string Language, double Confidence)> Rank(string prose)
    {
        var values = _detector.ComputeLanguageConfidenceValues(prose);
        var ranked = new List<(string Language, double Confidence)>(values.Count);
        var pooled = -1;
        foreach (var (language, value) in values.OrderByDescending(v => v.Value))
        {
            var iso = IsoCode(language);
            if (SerboCroatian.Contains(iso))
            {
                if (pooled >= 0)
                {
                    ranked[pooled] = (ranked[pooled].Language, ranked[pooled].Confidence + value);
                    continue;
                }

                pooled = ranked.Count;
            }

            ranked.Add((iso, value));
        }

        ranked.Sort((a, b) => b.Confidence.CompareTo(a.Confidence));
        return ranked;
    }

    /// <summary>URLs and e-mail addresses are no language (and would pull towards English); long text is cut.</summary>
    private static string Clean(string text)
    {
        var cleaned = UrlOrEmail().Replace(text.Length > MaxCharacters ? text[..MaxCharacters] : text, " ").Trim();
        return cleaned.Any(char.IsLetter) ? cleaned : "";
    }

    private static string IsoCode(Language language) =>
        LanguageInfo.IsoCode6391(language).ToString().ToLowerInvariant();

    private static string Normalize(string iso)
    {
        var trimmed = iso.Trim();
        var cut = trimmed.IndexOfAny(['-', '_']);
        return (cut > 0 ? trimmed[..cut] : trimmed).ToLowerInvariant();
    }

    [GeneratedRegex(@"(?:\b(?:https?|ftp)://|\bwww\.)\S+|[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+", RegexOptions.IgnoreCase)]
    private static partial Regex UrlOrEmail();

    [GeneratedRegex(@"\p{L}[\p{L}\p{M}'’-]*")]
    private static partial Regex WordToken();
}
