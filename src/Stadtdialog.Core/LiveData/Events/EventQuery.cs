using System.Globalization;
using System.Text.RegularExpressions;
using Stadtdialog.Retrieval;

namespace Stadtdialog.LiveData.Events;

/// <summary>The days (inclusive) and the subject an event question asks about.</summary>
/// <param name="From">First day (inclusive).</param>
/// <param name="To">Last day (inclusive).</param>
/// <param name="Topic">The audience or subject the question restricts to ("Kinder", "Konzerte"); null: any event.</param>
/// <param name="RangeLabel">The range in German, for the answer ("nächste Woche (30.11.–6.12.2026)").</param>
/// <param name="RangeFromQuestion">Whether the question named the range (false: the default range).</param>
public sealed record EventRequest(DateOnly From, DateOnly To, string? Topic, string RangeLabel, bool RangeFromQuestion);

/// <summary>
/// Reads an event question ("Welche Veranstaltungen für Kinder gibt es nächste Woche?"): the time range it names
/// and the topic it restricts to; and matches events against a topic, German-aware.
/// </summary>
/// <remarks>
/// <para>Time phrases (case-insensitive; German, some English). Weeks run Monday to Sunday.</para>
/// <list type="bullet">
/// <item>"heute", "heute Abend", "morgen", "übermorgen"; "today", "tonight", "tomorrow".</item>
/// <item>"am Wochenende", "dieses Wochenende", "this weekend": Saturday and Sunday of the current week; on a
/// Saturday that day and the next, on a Sunday only that Sunday (the part of the weekend that is left).</item>
/// <item>"nächstes/kommendes Wochenende", "next weekend": the weekend of next week (as "nächste Woche" is next
/// week), i.e. the weekend after the one "am Wochenende" means.</item>
/// <item>"diese Woche", "this week": today to Sunday. "nächste/kommende Woche", "next week": next Monday to Sunday.</item>
/// <item>"am Samstag", "diesen Samstag", "Samstag": the next Saturday, today included. "nächsten/kommenden
/// Samstag", "next Saturday": the next Saturday after today.</item>
/// <item>"in den nächsten N Tagen", "die nächsten N Tage" (N as digits or zwei…vierzehn), also "N Wochen".</item>
/// <item>"im Dezember": the whole month, this year, or next year when it is over; in the current month from today.</item>
/// <item>"am 24.12.", "24.12.2026", "am 24. Dezember": that day (next year when it is over and no year is given).</item>
/// <item>"vom 1. bis 5. Dezember", "vom 1.12. bis 5.12.2026", "bis Freitag", "bis zum 24.12.".</item>
/// </list>
/// <para>
/// Otherwise the range is today and the <c>defaultDays - 1</c> days after it. The topic is the word after "für"
/// ("für Kinder"), else the nouns of the question that are neither generic event words nor time words.
/// </para>
/// </remarks>
public static partial class EventQuery
{
    private static readonly string[] DayAbbreviations = ["So.", "Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa."];

    private static readonly string[] MonthNames =
        ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"];

    private static readonly Dictionary<string, DayOfWeek> Weekdays = new(StringComparer.Ordinal)
    {
        ["montag"] = DayOfWeek.Monday, ["dienstag"] = DayOfWeek.Tuesday, ["mittwoch"] = DayOfWeek.Wednesday,
        ["donnerstag"] = DayOfWeek.Thursday, ["freitag"] = DayOfWeek.Friday, ["samstag"] = DayOfWeek.Saturday,
        ["sonnabend"] = DayOfWeek.Saturday, ["sonntag"] = DayOfWeek.Sunday,
        ["monday"] = DayOfWeek.Monday, ["tuesday"] = DayOfWeek.Tuesday, ["wednesday"] = DayOfWeek.Wednesday,
        ["thursday"] = DayOfWeek.Thursday, ["friday"] = DayOfWeek.Friday, ["saturday"] = DayOfWeek.Saturday,
        ["sunday"] = DayOfWeek.Sunday,
    };

    private static readonly Dictionary<string, int> Months = new(StringComparer.Ordinal)
    {
        ["januar"] = 1, ["jänner"] = 1, ["jan"] = 1, ["februar"] = 2, ["feb"] = 2, ["märz"] = 3, ["maerz"] = 3, ["mär"] = 3,
        ["april"] = 4, ["apr"] = 4, ["mai"] = 5, ["juni"] = 6, ["jun"] = 6, ["juli"] = 7, ["jul"] = 7, ["august"] = 8,
        ["aug"] = 8, ["september"] = 9, ["sep"] = 9, ["sept"] = 9, ["oktober"] = 10, ["okt"] = 10, ["november"] = 11,
        ["nov"] = 11, ["dezember"] = 12, ["dez"] = 12,
        ["january"] = 1, ["february"] = 2, ["march"] = 3, ["may"] = 5, ["june"] = 6, ["july"] = 7, ["october"] = 10,
        ["december"] = 12,
    };

    private static readonly Dictionary<string, int> Numbers = new(StringComparer.Ordinal)
    {
        ["einen"] = 1, ["ein"] = 1, ["zwei"] = 2, ["drei"] = 3, ["vier"] = 4, ["fünf"] = 5, ["sechs"] = 6, ["sieben"] = 7,
        ["acht"] = 8, ["neun"] = 9, ["zehn"] = 10, ["elf"] = 11, ["zwölf"] = 12, ["dreizehn"] = 13, ["vierzehn"] = 14,
        ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7, ["eight"] = 8, ["nine"] = 9,
        ["ten"] = 10, ["fourteen"] = 14,
    };

    /// <summary>Words that say "event" or ask the question, and time words: never a topic.</summary>
    private static readonly HashSet<string> GenericWords = new(StringComparer.Ordinal)
    {
        // Events and the question around them.
        "veranstaltung", "veranstaltungen", "veranstaltungstipp", "veranstaltungstipps", "veranstaltungskalender",
        "termin", "termine", "terminen", "event", "events", "eventtipps", "kalender", "programm", "angebot", "angebote",
        "aktion", "aktionen", "tipp", "tipps", "highlights", "unternehmungen", "freizeitangebote", "was", "welche",
        "welcher", "welches", "wo", "wann", "wie", "gibt", "gibts", "gibt's", "was's", "es", "los", "ist", "sind", "steht",
        "stehen", "an", "findet", "finden", "statt", "stattfinden", "geplant", "kann", "können", "könnte", "man", "ich",
        "wir", "mir", "mich", "uns", "unternehmen", "machen", "tun", "etwas", "was", "irgendwas", "irgendwelche",
        "zeig", "zeige", "zeigen", "nenne", "nennen", "liste", "bitte", "gerne", "denn", "noch", "so", "da", "hier",
        "alle", "alles", "schon", "mal", "eigentlich", "interessantes", "interessante", "spannendes", "besonderes",
        "stadt", "ort", "umgebung", "nähe", "geht", "läuft", "passiert", "lohnt", "empfehlen", "empfiehlst", "empfehlenswert",
        // Articles, prepositions and the like.
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines", "und", "oder",
        "mit", "zu", "zum", "zur", "von", "vom", "bis", "in", "im", "am", "auf", "bei", "beim", "über", "übers", "für",
        "fürs", "ab", "um", "gegen", "kommt", "gehen",
        // Time words.
        "heute", "abend", "heute-abend", "morgen", "übermorgen", "nachmittag", "vormittag", "mittag", "wochenende",
        "woche", "wochen", "tag", "tage", "tagen", "monat", "monaten", "jahr", "nächste", "nächsten", "nächstes",
        "nächster", "kommende", "kommenden", "kommendes", "kommender", "diese", "diesen", "dieses", "dieser",
        "jetzt", "gerade", "bald", "demnächst", "zeit", "zeitraum", "datum", "uhr",
        // English.
        "what", "whats", "what's", "which", "is", "are", "there", "any", "on", "the", "a", "an", "for", "this", "next",
        "happening", "today", "tonight", "tomorrow", "weekend", "week", "days", "day", "in", "at", "of", "to",
    };

    /// <summary>Reads the range and topic of <paramref name="question"/>; <paramref name="today"/> is the local date.</summary>
    public static EventRequest Parse(string question, DateOnly today, int defaultDays)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(defaultDays);
        var text = Normalize(question);
        var range = Range(text, today);
        var topic = Topic(question);
        if (range is { } found)
        {
            return new EventRequest(found.From, found.To, topic, found.Label, true);
        }

        var to = today.AddDays(defaultDays - 1);
        var label = defaultDays == 1
            ? $"heute ({Day(today)})"
            : string.Create(CultureInfo.InvariantCulture, $"in den nächsten {defaultDays} Tagen");
        return new EventRequest(today, to, topic, label, false);
    }

    /// <summary>
    /// Whether <paramref name="e"/> is about <paramref name="topic"/>: any word of the topic matches a stem or
    /// compound part of its title, categories, description or location ("Kinder" matches "Kindertheater",
    /// "Konzerte" matches "Konzert"). An empty topic matches every event.
    /// </summary>
    public static bool Matches(LiveEvent e, string topic)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(topic);
        var analysis = GermanTextAnalysis.Default;
        var wanted = analysis.Words(topic).Select(analysis.AnalyzeWord).OfType<QueryWord>().ToList();
        if (wanted.Count == 0)
        {
            return true;
        }

        var text = string.Join("\n", new[] { e.Title, e.Location, e.Description }.Concat(e.Categories).Where(t => !string.IsNullOrWhiteSpace(t)));
        var terms = analysis.Terms(text);
        return wanted.Any(word => terms.Contains(word.Primary)
            // A compound topic ("Kindertheater") matches when all its parts occur.
            || (word.Parts.Count > 1 && word.Parts.All(terms.Contains))
            // Compounds the dictionary cannot split: the stem as the start of a word ("Kindertheater") or as its
            // head, the end of the word ("Weihnachtskonzert" is a Konzert).
            || terms.Any(t => t.Length > word.Primary.Length
                && ((word.Primary.Length >= 4 && t.StartsWith(word.Primary, StringComparison.Ordinal))
                    || (word.Primary.Length >= 5 && t.EndsWith(word.Primary, StringComparison.Ordinal)))));
    }

    private sealed record Found(DateOnly From, DateOnly To, string Label);

    private static Found? Range(string text, DateOnly today)
    {
        return FromTo(text, today)
            ?? Until(text, today)
            ?? NextDays(text, today)
            ?? SingleDate(text, today)
            ?? Month(text, today)
            ?? Weekend(text, today)
            ?? Week(text, today)
            ?? Weekday(text, today)
            ?? Relative(text, today);
    }

    /// <summary>"vom 1. bis 5. Dezember", "vom 1.12. bis 5.12.2026", "1.–5.12.".</summary>
    private static Found? FromTo(string text, DateOnly today)
    {
        if (FromToPattern().Match(text) is not { Success: true } match)
        {
            return null;
        }

        var end = DateOf(match, "2", today, null);
        if (end is null)
        {
            return null;
        }

        var start = DateOf(match, "1", today, end);
        if (start is null || start > end)
        {
            return null;
        }

        return new Found(start.Value, end.Value, $"vom {Span(start.Value, end.Value)}");
    }

    /// <summary>"bis Freitag", "bis zum 24.12.".</summary>
    private static Found? Until(string text, DateOnly today)
    {
        if (UntilWeekdayPattern().Match(text) is { Success: true } weekday)
        {
            var day = NextWeekday(today, Weekdays[weekday.Groups["wd"].Value], includeToday: true);
            return new Found(today, day, $"bis {Day(day)}");
        }

        if (UntilDatePattern().Match(text) is { Success: true } date && DateOf(date, "", today, null) is { } end && end >= today)
        {
            return new Found(today, end, $"bis {Day(end)}");
        }

        return null;
    }

    /// <summary>"in den nächsten 5 Tagen", "die nächsten zwei Wochen", "next 3 days".</summary>
    private static Found? NextDays(string text, DateOnly today)
    {
        if (NextDaysPattern().Match(text) is not { Success: true } match)
        {
            return null;
        }

        var word = match.Groups["n"].Value;
        var n = int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : Numbers.GetValueOrDefault(word);
        if (n is < 1 or > 366)
        {
            return null;
        }

        var weeks = match.Groups["unit"].Value.StartsWith('w');
        var days = weeks ? n * 7 : n;
        if (days > 366)
        {
            return null;
        }

        var label = weeks
            ? n == 1 ? "in der nächsten Woche" : string.Create(CultureInfo.InvariantCulture, $"in den nächsten {n} Wochen")
            : n == 1 ? $"heute ({Day(today)})" : string.Create(CultureInfo.InvariantCulture, $"in den nächsten {n} Tagen");
        return new Found(today, today.AddDays(days - 1), label);
    }

    /// <summary>"am 24.12.", "24.12.2026", "am 24. Dezember".</summary>
    private static Found? SingleDate(string text, DateOnly today)
    {
        foreach (Match match in DatePattern().Matches(text))
        {
            if (DateOf(match, "", today, null) is { } date)
            {
                return new Found(date, date, $"am {Day(date)}");
            }
        }

        return null;
    }

    /// <summary>"im Dezember", "in December".</summary>
    private static Found? Month(string text, DateOnly today)
    {
        if (MonthPattern().Match(text) is not { Success: true } match || !Months.TryGetValue(match.Groups["m"].Value, out var month))
        {
            return null;
        }

        var year = match.Groups["y"].Success
            ? int.Parse(match.Groups["y"].Value, CultureInfo.InvariantCulture)
            : month < today.Month ? today.Year + 1 : today.Year;
        var first = new DateOnly(year, month, 1);
        var last = first.AddMonths(1).AddDays(-1);
        if (last < today)
        {
            return null;
        }

        var from = first < today ? today : first;
        return new Found(from, last, $"im {MonthNames[month - 1]} ({Span(from, last)})");
    }

    private static Found? Weekend(string text, DateOnly today)
    {
        if (NextWeekendPattern().IsMatch(text))
        {
            var saturday = NextWeekday(today, DayOfWeek.Saturday, includeToday: true);
            if (today.DayOfWeek != DayOfWeek.Sunday)
            {
                saturday = saturday.AddDays(7);
            }
            else
            {
                saturday = today.AddDays(6);
            }

            return new Found(saturday, saturday.AddDays(1), $"nächstes Wochenende ({Span(saturday, saturday.AddDays(1))})");
        }

        if (!WeekendPattern().IsMatch(text))
        {
            return null;
        }

        if (today.DayOfWeek == DayOfWeek.Sunday)
        {
            return new Found(today, today, $"am Wochenende ({Span(today, today)})");
        }

        var start = NextWeekday(today, DayOfWeek.Saturday, includeToday: true);
        return new Found(start, start.AddDays(1), $"am Wochenende ({Span(start, start.AddDays(1))})");
    }

    private static Found? Week(string text, DateOnly today)
    {
        if (NextWeekPattern().IsMatch(text))
        {
            var monday = NextWeekday(today, DayOfWeek.Monday, includeToday: false);
            return new Found(monday, monday.AddDays(6), $"nächste Woche ({Span(monday, monday.AddDays(6))})");
        }

        if (ThisWeekPattern().IsMatch(text))
        {
            var sunday = NextWeekday(today, DayOfWeek.Sunday, includeToday: true);
            return new Found(today, sunday, $"diese Woche ({Span(today, sunday)})");
        }

        return null;
    }

    private static Found? Weekday(string text, DateOnly today)
    {
        if (WeekdayPattern().Match(text) is not { Success: true } match)
        {
            return null;
        }

        var name = match.Groups["wd"].Value;
        var next = match.Groups["next"].Success;
        var day = NextWeekday(today, Weekdays[name], includeToday: !next);
        var german = Capitalize(GermanWeekday(Weekdays[name]));
        var label = next ? $"nächsten {german} ({Date(day)})" : $"am {german} ({Date(day)})";
        return new Found(day, day, label);
    }

    private static Found? Relative(string text, DateOnly today)
    {
        if (Word("übermorgen").IsMatch(text) || Word("day after tomorrow").IsMatch(text))
        {
            var day = today.AddDays(2);
            return new Found(day, day, $"übermorgen ({Day(day)})");
        }

        if (Word("heute abend").IsMatch(text) || Word("tonight").IsMatch(text))
        {
            return new Found(today, today, $"heute Abend ({Day(today)})");
        }

        if (Word("heute").IsMatch(text) || Word("today").IsMatch(text))
        {
            return new Found(today, today, $"heute ({Day(today)})");
        }

        if (Word("morgen").IsMatch(text) || Word("tomorrow").IsMatch(text))
        {
            var day = today.AddDays(1);
            return new Found(day, day, $"morgen ({Day(day)})");
        }

        return null;
    }

    /// <summary>
    /// The date in groups <c>d{suffix}</c>, <c>m{suffix}</c> (number) or <c>mn{suffix}</c> (name) and
    /// <c>y{suffix}</c>; a missing month comes from <paramref name="end"/>, a missing year is this year, or next
    /// year when the date is over (or the end's year).
    /// </summary>
    private static DateOnly? DateOf(Match match, string suffix, DateOnly today, DateOnly? end)
    {
        if (!int.TryParse(match.Groups["d" + suffix].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var day))
        {
            return null;
        }

        int month;
        if (match.Groups["m" + suffix].Success)
        {
            month = int.Parse(match.Groups["m" + suffix].Value, CultureInfo.InvariantCulture);
        }
        else if (match.Groups["mn" + suffix].Success && Months.TryGetValue(match.Groups["mn" + suffix].Value, out var named))
        {
            month = named;
        }
        else if (end is not null)
        {
            month = end.Value.Month;
        }
        else
        {
            return null;
        }

        int year;
        var explicitYear = match.Groups["y" + suffix].Success;
        if (explicitYear)
        {
            year = int.Parse(match.Groups["y" + suffix].Value, CultureInfo.InvariantCulture);
            year = year < 100 ? 2000 + year : year;
        }
        else
        {
            year = end?.Year ?? today.Year;
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return null;
        }

        var date = new DateOnly(year, month, day);
        if (!explicitYear && end is null && date < today)
        {
            date = date.AddYears(1);
        }
        else if (!explicitYear && end is not null && date > end)
        {
            date = date.AddYears(-1);
        }

        return date;
    }

    /// <summary>The topic: the word after "für", else the remaining nouns; null when there is none.</summary>
    private static string? Topic(string question)
    {
        var tokens = TokenPattern().Matches(question).Select(m => m.Value).ToList();
        var lower = tokens.Select(t => t.ToLower(CultureInfo.GetCultureInfo("de-DE"))).ToList();
        for (var i = 0; i < tokens.Count - 1; i++)
        {
            if (lower[i] is "für" or "fuer" or "for" && IsTopicWord(lower[i + 1]))
            {
                return Capitalize(tokens[i + 1]);
            }
        }

        // With capitals beyond the first word, the writer's nouns are the capitalised words.
        var usesCase = tokens.Skip(1).Any(t => char.IsUpper(t[0]));
        var nouns = new List<string>();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!IsTopicWord(lower[i]) || (usesCase && (i == 0 || !char.IsUpper(tokens[i][0]))))
            {
                continue;
            }

            if (!nouns.Contains(tokens[i], StringComparer.OrdinalIgnoreCase))
            {
                nouns.Add(Capitalize(tokens[i]));
            }
        }

        return nouns.Count == 0 ? null : string.Join(" ", nouns);
    }

    private static bool IsTopicWord(string word) =>
        word.Length > 1
        && !GenericWords.Contains(word)
        && !Weekdays.ContainsKey(word)
        && !Months.ContainsKey(word)
        && !Numbers.ContainsKey(word)
        && !word.All(char.IsDigit)
        && !word.StartsWith("wochenend", StringComparison.Ordinal);

    private static string Normalize(string question)
    {
        var text = question.ToLower(CultureInfo.GetCultureInfo("de-DE")).Replace("naechst", "nächst", StringComparison.Ordinal)
            .Replace("uebermorgen", "übermorgen", StringComparison.Ordinal).Replace('–', '-').Replace('—', '-');
        // Punctuation other than the dots of dates and the dash of ranges becomes a space.
        return Spaces().Replace(Punctuation().Replace(text, " "), " ").Trim();
    }

    private static DateOnly NextWeekday(DateOnly today, DayOfWeek day, bool includeToday)
    {
        var days = ((int)day - (int)today.DayOfWeek + 7) % 7;
        return today.AddDays(days == 0 && !includeToday ? 7 : days);
    }

    private static string GermanWeekday(DayOfWeek day) => day switch
    {
        DayOfWeek.Monday => "montag",
        DayOfWeek.Tuesday => "dienstag",
        DayOfWeek.Wednesday => "mittwoch",
        DayOfWeek.Thursday => "donnerstag",
        DayOfWeek.Friday => "freitag",
        DayOfWeek.Saturday => "samstag",
        _ => "sonntag",
    };

    private static string Capitalize(string word) =>
        word.Length == 0 ? word : char.ToUpper(word[0], CultureInfo.GetCultureInfo("de-DE")) + word[1..];

    /// <summary>"Mo., 23.11.2026".</summary>
    private static string Day(DateOnly date) => $"{DayAbbreviations[(int)date.DayOfWeek]}, {Date(date)}";

    /// <summary>"23.11.2026".</summary>
    private static string Date(DateOnly date) => date.ToString("d.M.yyyy", CultureInfo.InvariantCulture);

    /// <summary>"28.–29.11.2026", "30.11.–6.12.2026", "28.12.2026–3.1.2027", or one date.</summary>
    private static string Span(DateOnly from, DateOnly to)
    {
        var invariant = CultureInfo.InvariantCulture;
        if (from == to)
        {
            return Date(from);
        }

        if (from.Year != to.Year)
        {
            return $"{Date(from)}–{Date(to)}";
        }

        return from.Month == to.Month
            ? $"{from.ToString("d.", invariant)}–{Date(to)}"
            : $"{from.ToString("d.M.", invariant)}–{Date(to)}";
    }

    private static Regex Word(string phrase) => new($@"(?<![\p{{L}}\d]){Regex.Escape(phrase).Replace(@"\ ", @"\s+", StringComparison.Ordinal)}(?![\p{{L}}\d])",
        RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private const string MonthNamePattern =
        "januar|jänner|februar|märz|maerz|april|mai|juni|juli|august|september|oktober|november|dezember|jan|feb|mär|apr|jun|jul|aug|sept|sep|okt|nov|dez";

    private const string WeekdayNamePattern =
        "montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag|monday|tuesday|wednesday|thursday|friday|saturday|sunday";

    [GeneratedRegex(@"(?<![\p{L}\d.])(?:vom\s+|von\s+|ab\s+|zwischen\s+(?:dem\s+)?)?(?<d1>\d{1,2})\.(?:\s*(?<m1>\d{1,2})\.(?<y1>\d{4}|\d{2}(?!\d))?|\s*(?<mn1>" + MonthNamePattern + @")\.?(?:\s+(?<y1>\d{4}))?)?\s*(?:bis(?:\s+(?:zum|einschließlich))?|-|und(?:\s+dem)?)\s*(?<d2>\d{1,2})\.(?:\s*(?<m2>\d{1,2})\.(?<y2>\d{4}|\d{2}(?!\d))?|\s*(?<mn2>" + MonthNamePattern + @")\.?(?:\s+(?<y2>\d{4}))?)",
        RegexOptions.CultureInvariant, 1000)]
    private static partial Regex FromToPattern();

    [GeneratedRegex(@"(?<![\p{L}\d.])(?<d>\d{1,2})\.(?:\s*(?<m>\d{1,2})\.(?<y>\d{4}|\d{2}(?!\d))?|\s*(?<mn>" + MonthNamePattern + @")(?![\p{L}])\.?(?:\s+(?<y>\d{4}))?)",
        RegexOptions.CultureInvariant, 1000)]
    private static partial Regex DatePattern();

    [GeneratedRegex(@"(?<![\p{L}])(?:bis|until|till)\s+(?:zum\s+|nächsten\s+|kommenden\s+|einschließlich\s+)?(?<wd>" + WeekdayNamePattern + @")(?![\p{L}])",
        RegexOptions.CultureInvariant, 1000)]
    private static partial Regex UntilWeekdayPattern();

    [GeneratedRegex(@"(?<![\p{L}])(?:bis|until)\s+(?:zum\s+|einschließlich\s+)?(?<d>\d{1,2})\.(?:\s*(?<m>\d{1,2})\.(?<y>\d{4}|\d{2}(?!\d))?|\s*(?<mn>" + MonthNamePattern + @")(?![\p{L}])\.?(?:\s+(?<y>\d{4}))?)",
        RegexOptions.CultureInvariant, 1000)]
    private static partial Regex UntilDatePattern();

    [GeneratedRegex(@"(?<![\p{L}])(?:(?:in\s+)?(?:den|die)\s+)?(?:nächsten|kommenden|next|coming)\s+(?<n>\d{1,3}|[\p{L}]+)\s+(?<unit>tage|tagen|days|wochen|weeks)(?![\p{L}])",
        RegexOptions.CultureInvariant, 1000)]
    private static partial Regex NextDaysPattern();

    [GeneratedRegex(@"(?<![\p{L}])(?:im|in|ende|anfang|mitte)\s+(?:monat\s+)?(?<m>" + MonthNamePattern + @"|january|february|march|may|june|july|october|december)(?![\p{L}])(?:\s+(?<y>\d{4}))?",
        RegexOptions.CultureInvariant, 1000)]
    private static partial Regex MonthPattern();

    [GeneratedRegex(@"(?<![\p{L}])(?:nächste[ns]?|kommende[ns]?|next|coming)\s+wochenende|(?<![\p{L}])next\s+weekend",
        RegexOptions.CultureInvariant, 1000)]
    private static partial Regex NextWeekendPattern();

    [GeneratedRegex(@"(?<![\p{L}])(?:wochenende|weekend)(?![\p{L}])", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex WeekendPattern();

    [GeneratedRegex(@"(?<![\p{L}])(?:(?:nächste[nr]?|kommende[nr]?)\s+woche|next\s+week)(?![\p{L}])", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex NextWeekPattern();

    [GeneratedRegex(@"(?<![\p{L}])(?:(?:diese[nr]?|laufende[nr]?)\s+woche|this\s+week|(?:in|unter)\s+der\s+woche)(?![\p{L}])", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex ThisWeekPattern();

    [GeneratedRegex(@"(?<![\p{L}])(?:(?<next>nächste[nr]?|kommende[nr]?|next)\s+)?(?:(?:am|diese[nr]?|this|on)\s+)?(?<wd>" + WeekdayNamePattern + @")(?![\p{L}])",
        RegexOptions.CultureInvariant, 1000)]
    private static partial Regex WeekdayPattern();

    [GeneratedRegex(@"[^\p{L}\d.\-\s]", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Punctuation();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Spaces();

    [GeneratedRegex(@"[\p{L}][\p{L}\-']*[\p{L}]|[\p{L}]|\d+", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex TokenPattern();
}
