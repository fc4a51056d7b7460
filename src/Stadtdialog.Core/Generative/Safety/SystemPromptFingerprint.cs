using System.Globalization;

namespace Stadtdialog.Generative.Safety;

/// <summary>
/// What a leaked system prompt looks like: the hashes of all runs of <c>n</c> consecutive words of the prompt
/// (normalised: lower case, punctuation dropped) and its canaries (letters and digits only, lower case). Built once
/// per call; <see cref="NewScanner"/> checks an answer against it incrementally.
/// </summary>
internal sealed class SystemPromptFingerprint
{
    /// <summary>Letters and digits a scanner holds back at least (covers the longest canary pattern with margin).</summary>
    internal const int CanaryWindow = 20;

    /// <summary>The normalised fixed part of every canary (<c>SD-CANARY-</c>).</summary>
    private const string CanaryFormat = "sdcanary";

    private SystemPromptFingerprint(HashSet<ulong> shingles, HashSet<ulong>[] runStarts, string[] canaryPatterns, string[] canaryPrefixes, int shingleWords)
    {
        Shingles = shingles;
        RunStarts = runStarts;
        CanaryPatterns = canaryPatterns;
        CanaryPrefixes = canaryPrefixes;
        ShingleWords = shingleWords;
    }

    public HashSet<ulong> Shingles { get; }

    /// <summary>
    /// <c>RunStarts[k]</c> (1 ≤ k &lt; n): hashes of every run of k consecutive prompt words. Only an answer that
    /// ends in such a run can still grow into a leak, so only those words are held back while streaming.
    /// </summary>
    public HashSet<ulong>[] RunStarts { get; }

    /// <summary>Normalised strings whose appearance is a leak: the start of a canary's secret part, alone or after "sdcanary".</summary>
    public string[] CanaryPatterns { get; }

    /// <summary>Normalised strings that, at the very end of an answer, are an incomplete leak.</summary>
    public string[] CanaryPrefixes { get; }

    public int ShingleWords { get; }

    /// <summary>The fingerprint of <paramref name="systemPrompt"/>, or null when there is nothing to recognise.</summary>
    public static SystemPromptFingerprint? Create(string systemPrompt, IEnumerable<string> allowedPhrases, int shingleWords)
    {
        var shingles = ShinglesOf(systemPrompt, shingleWords);
        foreach (var phrase in allowedPhrases)
        {
            shingles.ExceptWith(ShinglesOf(phrase, shingleWords));
        }

        var patterns = new List<string>();
        var prefixes = new List<string>();
        foreach (var canary in PromptGuard.FindCanaries(systemPrompt))
        {
            // The secret part is what must never be shown; "SD-CANARY-" alone is a public format (a page may
            // mention it), so it counts only together with the start of the secret.
            var secret = Normalize(canary)[CanaryFormat.Length..];
            patterns.Add(secret[..6]);
            patterns.Add(CanaryFormat + secret[..2]);
            prefixes.Add(secret[..5]);
            prefixes.Add(CanaryFormat + secret[..1]);
            prefixes.Add(CanaryFormat);
        }

        var runStarts = new HashSet<ulong>[shingleWords];
        runStarts[0] = [];
        for (var k = 1; k < shingleWords; k++)
        {
            runStarts[k] = ShinglesOf(systemPrompt, k);
        }

        return shingles.Count == 0 && patterns.Count == 0
            ? null
            : new SystemPromptFingerprint(shingles, runStarts, [.. patterns], [.. prefixes], shingleWords);
    }

    public SystemPromptLeakScanner NewScanner() => new(this);

    /// <summary>Whether a complete text reveals the prompt.</summary>
    public bool Leaks(string text)
    {
        var scanner = NewScanner();
        return scanner.Feed(text) || scanner.Complete();
    }

    /// <summary>Case folding shared by prompt and answers; full-width forms (ＳＤ) count as their ASCII letters.</summary>
    internal static char Fold(char c)
    {
        if (c is >= '\uFF01' and <= '\uFF5E')
        {
            c = (char)(c - 0xFEE0);
        }

        return char.ToLowerInvariant(c);
    }

    /// <summary>Format characters (zero-width and the like) are skipped, so they cannot split words.</summary>
    internal static bool IsIgnorable(char c) => char.GetUnicodeCategory(c) == UnicodeCategory.Format;

    internal static ulong HashWord(ulong hash, char folded) => (hash ^ folded) * 1099511628211UL;

    internal const ulong EmptyWordHash = 14695981039346656037UL;

    internal static ulong HashShingle(ReadOnlySpan<ulong> words)
    {
        var hash = 0x9E3779B97F4A7C15UL;
        foreach (var word in words)
        {
            hash = (hash ^ word) * 0x100000001B3UL;
            hash ^= hash >> 29;
        }

        return hash;
    }

    private static string Normalize(string text)
    {
        var chars = new List<char>(text.Length);
        foreach (var c in text)
        {
            var folded = Fold(c);
            if (char.IsLetterOrDigit(folded))
            {
                chars.Add(folded);
            }
        }

        return new string([.. chars]);
    }

    private static HashSet<ulong> ShinglesOf(string text, int shingleWords)
    {
        var words = new List<ulong>();
        var hash = EmptyWordHash;
        var inWord = false;
        foreach (var c in text)
        {
            if (IsIgnorable(c))
            {
                continue;
            }

            var folded = Fold(c);
            if (char.IsLetterOrDigit(folded))
            {
                hash = HashWord(inWord ? hash : EmptyWordHash, folded);
                inWord = true;
            }
            else if (inWord)
            {
                words.Add(hash);
                inWord = false;
            }
        }

        if (inWord)
        {
            words.Add(hash);
        }

        var shingles = new HashSet<ulong>();
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(words);
        for (var i = 0; i + shingleWords <= span.Length; i++)
        {
            shingles.Add(HashShingle(span.Slice(i, shingleWords)));
        }

        return shingles;
    }
}

/// <summary>
/// Checks an answer as it streams in, in one pass (constant work per character): each completed word closes a
/// run of <c>n</c> words whose hash is looked up in the prompt's set; the letters and digits are matched against the
/// canary patterns. <see cref="SafeOffset"/> says how much of the text can be shown without ever showing a word of
/// a run that may still turn out to be a leak, or any part of a canary.
/// </summary>
internal sealed class SystemPromptLeakScanner
{
    private readonly SystemPromptFingerprint _fingerprint;
    private readonly ulong[] _recentWords;
    private readonly long[] _recentWordStarts;
    private readonly long[] _recentAlnumWordStarts;
    private readonly char[] _recentAlnum;
    private long _offset;
    private long _words;
    private long _wordStarts;
    private long _alnum;
    private long _currentWordStart;
    private ulong _currentWord = SystemPromptFingerprint.EmptyWordHash;
    private bool _inWord;

    internal SystemPromptLeakScanner(SystemPromptFingerprint fingerprint)
    {
        _fingerprint = fingerprint;
        _recentWords = new ulong[fingerprint.ShingleWords];
        _recentWordStarts = new long[fingerprint.ShingleWords];
        _recentAlnumWordStarts = new long[SystemPromptFingerprint.CanaryWindow];
        _recentAlnum = new char[SystemPromptFingerprint.CanaryWindow];
    }

    public bool Leaked { get; private set; }

    /// <summary>
    /// Text before this offset (counted over everything fed so far) can be released. Held back is only what could
    /// still become a leak: the longest tail of two or more completed words that is a run of prompt words (it may
    /// grow into <c>n</c>; the word being written after it waits too), and the longest tail of letters and digits
    /// that begins a canary pattern. Ordinary answers share few runs with the prompt, so text flows without delay.
    /// </summary>
    public long SafeOffset
    {
        get
        {
            if (Leaked)
            {
                return 0;
            }

            // A word on its own is shown at once (the prompt's words are everyday German); from two words on, a
            // tail that is a run of the prompt waits. A leak can so show at most its first word.
            var hold = _offset;
            var n = _recentWords.Length;
            Span<ulong> run = stackalloc ulong[n];
            for (var k = (int)Math.Min(n - 1, _words); k >= 2; k--)
            {
                for (var i = 0; i < k; i++)
                {
                    run[i] = _recentWords[(_words - k + i) % n];
                }

                if (_fingerprint.RunStarts[k].Contains(SystemPromptFingerprint.HashShingle(run[..k])))
                {
                    hold = Math.Min(hold, _recentWordStarts[(_words - k) % n]);
                    break;
                }
            }

            var window = _recentAlnum.Length;
            for (var length = (int)Math.Min(window, _alnum); length >= 1; length--)
            {
                if (TailStartsCanary(length))
                {
                    hold = Math.Min(hold, _recentAlnumWordStarts[(_alnum - length) % window]);
                    break;
                }
            }

            return hold;
        }
    }

    /// <summary>Whether the last <paramref name="length"/> letters and digits are the beginning of a canary pattern.</summary>
    private bool TailStartsCanary(int length)
    {
        foreach (var pattern in _fingerprint.CanaryPatterns)
        {
            if (length > pattern.Length)
            {
                continue;
            }

            var matches = true;
            for (var i = 0; i < length && matches; i++)
            {
                matches = _recentAlnum[(_alnum - length + i) % _recentAlnum.Length] == pattern[i];
            }

            if (matches)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Feeds the next piece of the answer; true once it revealed the prompt.</summary>
    public bool Feed(ReadOnlySpan<char> text)
    {
        if (Leaked)
        {
            return true;
        }

        foreach (var c in text)
        {
            var offset = _offset++;
            if (SystemPromptFingerprint.IsIgnorable(c))
            {
                continue;
            }

            var folded = SystemPromptFingerprint.Fold(c);
            if (char.IsLetterOrDigit(folded))
            {
                if (!_inWord)
                {
                    _inWord = true;
                    _currentWord = SystemPromptFingerprint.EmptyWordHash;
                    _currentWordStart = offset;
                    _recentWordStarts[_wordStarts++ % _recentWordStarts.Length] = offset;
                }

                _currentWord = SystemPromptFingerprint.HashWord(_currentWord, folded);
                _recentAlnum[_alnum % _recentAlnum.Length] = folded;
                _recentAlnumWordStarts[_alnum % _recentAlnum.Length] = _currentWordStart;
                _alnum++;
                if (EndsWithCanaryPattern())
                {
                    return Leaked = true;
                }
            }
            else if (_inWord && CompleteWord())
            {
                return Leaked = true;
            }
        }

        return false;
    }

    /// <summary>The answer is complete: closes the last word; true if the answer revealed the prompt.</summary>
    public bool Complete()
    {
        if (Leaked)
        {
            return true;
        }

        if (_inWord && CompleteWord())
        {
            return Leaked = true;
        }

        foreach (var prefix in _fingerprint.CanaryPrefixes)
        {
            if (RecentEndsWith(prefix))
            {
                return Leaked = true;
            }
        }

        return false;
    }

    private bool CompleteWord()
    {
        _inWord = false;
        var n = _recentWords.Length;
        _recentWords[_words++ % n] = _currentWord;
        if (_words < n || _fingerprint.Shingles.Count == 0)
        {
            return false;
        }

        Span<ulong> run = stackalloc ulong[n];
        for (var i = 0; i < n; i++)
        {
            run[i] = _recentWords[(_words + i) % n];
        }

        return _fingerprint.Shingles.Contains(SystemPromptFingerprint.HashShingle(run));
    }

    private bool EndsWithCanaryPattern()
    {
        foreach (var pattern in _fingerprint.CanaryPatterns)
        {
            if (RecentEndsWith(pattern))
            {
                return true;
            }
        }

        return false;
    }

    private bool RecentEndsWith(string pattern)
    {
        if (pattern.Length > _alnum || pattern.Length > _recentAlnum.Length)
        {
            return false;
        }

        for (var i = 0; i < pattern.Length; i++)
        {
            var index = (_alnum - pattern.Length + i) % _recentAlnum.Length;
            if (_recentAlnum[index] != pattern[i])
            {
                return false;
            }
        }

        return true;
    }
}
