using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Evaluation;

namespace Stadtdialog.Knowledge.Readers;

/// <summary>
/// Reads an iCalendar feed (RFC 5545) into one document per event (per UID) that still has an occurrence in the
/// window: ending after <c>now</c> and starting before <c>now + window</c>. Recurrences (RRULE, RDATE, EXDATE) are
/// expanded with Ical.Net; a RECURRENCE-ID override replaces the occurrence it names (or removes it when it is
/// cancelled). <see cref="ExtractedDocument.ValidFrom"/> is the start of the first occurrence in the window,
/// <see cref="ExtractedDocument.ExpiresAt"/> the end of the last one.
/// </summary>
/// <remarks>
/// <para>
/// Dates and times are rendered in German (<c>Samstag, 28. November 2026, 10:00–11:30 Uhr</c>) in the event's
/// own time zone (the TZID of its DTSTART). Times given in UTC, floating times and all-day dates are rendered in
/// the calendar's <c>X-WR-TIMEZONE</c>, else in Europe/Berlin, which is also the zone used to turn floating times
/// and dates into instants. A TZID that neither the IANA nor the Windows zone database knows (Outlook writes
/// names such as "(UTC+01:00) Amsterdam, Berlin, …", which Ical.Net would read as UTC) is read as that default
/// zone.
/// </para>
/// <para>
/// Cancelled events produce no document; an event that cannot be evaluated (a bad date or rule) is skipped, a
/// file that cannot be parsed at all is a <see cref="DocumentReadException"/>. A timed event without DTEND and
/// DURATION lasts until the end of its day.
/// </para>
/// </remarks>
public static partial class EventCalendarReader
{
    private const string DefaultTimeZone = "Europe/Berlin";

    /// <summary>Occurrences listed per event; the rest are counted.</summary>
    private const int MaxListed = 20;

    /// <summary>Guards against rules that produce absurd numbers of occurrences (FREQ=MINUTELY).</summary>
    private const int MaxOccurrences = 2000;

    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    public static IReadOnlyList<ExtractedDocument> Read(string text, string url, DateTimeOffset now, TimeSpan window)
    {
        var calendar = Parse(text);
        var documents = new List<ExtractedDocument>();
        var subKeys = new HashSet<string>(StringComparer.Ordinal);
        // Ical.Net invents the current time as DTSTAMP where the feed has none: only values that occur in the
        // text count.
        var stamps = Values(StampProperty(), calendar.Unfolded);
        foreach (var (subKey, events) in calendar.Groups)
        {
            ExtractedDocument? document;
            try
            {
                document = ToDocument(subKey, events, stamps, url, now, now + window, calendar.DefaultZone);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One broken event (an unparsable date, an unevaluable rule) must not cost the whole feed.
                continue;
            }

            if (document is not null && subKeys.Add(subKey))
            {
                documents.Add(document);
            }
        }

        return documents;
    }

    /// <summary>A parsed feed: its events grouped by UID, the zone for floating times and dates, the unfolded text.</summary>
    internal sealed record ParsedCalendar(
        IReadOnlyList<(string SubKey, List<CalendarEvent> Events)> Groups, string DefaultZone, string Unfolded);

    /// <summary>
    /// Parses a feed (unknown TZIDs read as the default zone) and groups its events by UID; a text that cannot be
    /// parsed or holds no VCALENDAR is a <see cref="DocumentReadException"/>.
    /// </summary>
    internal static ParsedCalendar Parse(string text)
    {
        var unfolded = Folding().Replace(text, "");
        var defaultZone = DefaultZone(unfolded);
        CalendarCollection calendars;
        try
        {
            calendars = CalendarCollection.Load(MapUnknownTimeZones(unfolded, defaultZone));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new DocumentReadException($"The calendar could not be read: {e.Message}", e);
        }

        if (calendars.Count == 0)
        {
            throw new DocumentReadException("The calendar could not be read: the file holds no VCALENDAR.");
        }

        // Ical.Net invents a random UID where the feed has none: only values that occur in the text count.
        var uids = Values(UidProperty(), unfolded);
        return new ParsedCalendar(Group(calendars.SelectMany(c => c.Events), uids), defaultZone, unfolded);
    }

    /// <summary>
    /// Events by UID: the master and its RECURRENCE-ID overrides. An event without UID in the feed is keyed by a
    /// hash of its summary and start.
    /// </summary>
    private static List<(string SubKey, List<CalendarEvent> Events)> Group(IEnumerable<CalendarEvent> events, HashSet<string> uids)
    {
        var groups = new List<(string SubKey, List<CalendarEvent> Events)>();
        var byUid = new Dictionary<string, List<CalendarEvent>>(StringComparer.Ordinal);
        foreach (var calendarEvent in events)
        {
            if (calendarEvent.Uid is { Length: > 0 } uid && uids.Contains(uid))
            {
                if (!byUid.TryGetValue(uid, out var group))
                {
                    byUid[uid] = group = [];
                    groups.Add((uid, group));
                }

                group.Add(calendarEvent);
            }
            else
            {
                var identity = string.Create(
                    CultureInfo.InvariantCulture, $"{calendarEvent.Summary}\n{calendarEvent.DtStart?.Value:s} {calendarEvent.DtStart?.TzId}");
                groups.Add((Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..12], [calendarEvent]));
            }
        }

        return groups;
    }

    private static ExtractedDocument? ToDocument(
        string subKey, List<CalendarEvent> events, HashSet<string> stamps, string url, DateTimeOffset now, DateTimeOffset windowEnd, string defaultZone)
    {
        if (Expand(events, now, windowEnd, defaultZone, MaxOccurrences) is not { } series)
        {
            return null;
        }

        var (main, zone, occurrences, more) = series;

        var title = TextNormalizer.Clean(main.Summary);
        var location = TextNormalizer.Clean(main.Location);
        var categories = main.Categories.Select(c => TextNormalizer.Clean(c)).Where(c => c.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();

        var recurring = occurrences.Count > 1;
        var when = recurring
            ? Capitalize(SeriesSummary(occurrences, more, zone) ?? "Nächster Termin: " + Format(occurrences[0], zone))
            : Format(occurrences[0], zone);
        var whenWhere = location.Length > 0 ? $"{when}, {location}" : when;

        var blocks = new List<ContentBlock> { new ParagraphBlock(whenWhere) };
        blocks.AddRange((main.Description ?? "").ReplaceLineEndings("\n").Split('\n')
            .Select(line => TextNormalizer.Clean(line)).Where(line => line.Length > 0)
            .Select(line => new ParagraphBlock(line)));
        if (location.Length > 0)
        {
            blocks.Add(new ParagraphBlock($"Ort: {location}"));
        }

        if (categories.Count > 0)
        {
            blocks.Add(new ParagraphBlock($"Kategorie: {string.Join(", ", categories)}"));
        }

        if (recurring)
        {
            var items = occurrences.Take(MaxListed).Select(o => Format(o, zone)).ToList();
            if (occurrences.Count > MaxListed)
            {
                items.Add($"… und {occurrences.Count - MaxListed} weitere Termine");
            }

            blocks.Add(new ParagraphBlock("Termine:"));
            blocks.Add(new ListBlock(items));
        }

        var modified = main.LastModified
            ?? (main.DtStamp is { IsUtc: true } stamp && stamps.Contains(stamp.AsUtc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)) ? stamp : null);
        return new ExtractedDocument(
            FaqTableReader.IsHttpUrl(main.Url?.OriginalString) ? main.Url!.OriginalString : $"{url}#{Uri.EscapeDataString(subKey)}",
            title.Length > 0 ? title : "Veranstaltung",
            whenWhere,
            "de",
            modified is null ? null : Instant(modified, defaultZone),
            blocks)
        {
            SubKey = subKey,
            Kind = DocumentKind.Event,
            Keywords = categories,
            ValidFrom = occurrences[0].StartsAt,
            ExpiresAt = occurrences.Max(o => o.EndsAt),
        };
    }

    /// <summary>The first active event of a group, the zone its times are shown in, its occurrences and whether the series goes on.</summary>
    internal sealed record EventSeries(CalendarEvent Main, string Zone, List<Occurrence> Occurrences, bool More);

    /// <summary>
    /// The occurrences of one UID's events (master revisions and RECURRENCE-ID overrides) that overlap
    /// [<paramref name="from"/>, <paramref name="to"/>), in order; null when the event is cancelled or has none there.
    /// At most <paramref name="maxOccurrences"/> occurrences per master are evaluated.
    /// </summary>
    internal static EventSeries? Expand(List<CalendarEvent> events, DateTimeOffset from, DateTimeOffset to, string defaultZone, int maxOccurrences)
    {
        // Several events without RECURRENCE-ID under one UID: the latest revision (SEQUENCE), or, in feeds that
        // reuse one UID for every date of a series, all of them, read as one event with several dates.
        var masters = events.Where(e => e.RecurrenceIdentifier is null).ToList();
        var revision = masters.Count > 0 ? masters.Max(m => m.Sequence) : 0;
        masters = [.. masters.Where(e => e.Sequence == revision)];
        var overrides = events.Where(e => e.RecurrenceIdentifier is not null).ToList();
        var active = (masters.Count > 0 ? masters : overrides).Where(e => !IsCancelled(e) && e.DtStart is not null).ToList();
        if (active.Count == 0)
        {
            return null;
        }

        var main = active[0];
        var zone = main.DtStart!.TzId is { } tzId && !main.DtStart.IsUtc ? tzId : defaultZone;
        var (occurrences, more) = Occurrences(masters.Count > 0 ? active : [], overrides, from, to, defaultZone, maxOccurrences);
        return occurrences.Count == 0 ? null : new EventSeries(main, zone, occurrences, more);
    }

    internal sealed record Occurrence(CalDateTime Start, CalDateTime End, bool HasEnd, DateTimeOffset StartsAt, DateTimeOffset EndsAt);

    /// <summary>The occurrences in the window, in order; <c>more</c> when the series goes on after the window.</summary>
    private static (List<Occurrence> Occurrences, bool More) Occurrences(
        List<CalendarEvent> masters, List<CalendarEvent> overrides, DateTimeOffset now, DateTimeOffset windowEnd, string zone, int maxOccurrences)
    {
        var result = new List<Occurrence>();
        var distinct = new HashSet<(DateTimeOffset, DateTimeOffset)>();
        var more = false;
        var unmatched = overrides.ToList();

        void Add(CalDateTime start, CalDateTime? end)
        {
            var occurrence = Create(start, end, zone);
            if (occurrence.EndsAt > now && occurrence.StartsAt < windowEnd && distinct.Add((occurrence.StartsAt, occurrence.EndsAt)))
            {
                result.Add(occurrence);
            }
        }

        foreach (var master in masters)
        {
            // Ical.Net returns the occurrences that overlap the start; the margin covers floating times, which it
            // compares as UTC, and overrides that move an occurrence.
            var duration = master.Duration ?? (master.DtEnd is { } dtEnd ? dtEnd.Subtract(master.DtStart!) : Duration.Zero);
            var from = now - duration.ToTimeSpanUnspecified().Duration() - TimeSpan.FromDays(2);
            var options = new EvaluationOptions { MaxUnmatchedIncrementsLimit = 10_000 };
            var seen = 0;
            foreach (var occurrence in master.GetOccurrences(new CalDateTime(from.UtcDateTime, CalDateTime.UtcTzId), options))
            {
                var start = occurrence.Period.StartTime;
                if (Instant(start, zone) >= windowEnd || ++seen > maxOccurrences)
                {
                    more = true;
                    break;
                }

                var replacement = unmatched.Find(o => Instant(o.RecurrenceIdentifier!.StartTime, zone) == Instant(start, zone));
                if (replacement is not null)
                {
                    unmatched.Remove(replacement);
                    if (!IsCancelled(replacement) && replacement.DtStart is not null)
                    {
                        Add(replacement.DtStart, EndOf(replacement, replacement.DtStart));
                    }
                }
                else
                {
                    var end = master.DtEnd is null && master.Duration is null && start.HasTime ? null : occurrence.Period.EffectiveEndTime;
                    Add(start, end);
                }
            }
        }

        // Overrides of occurrences outside the evaluated range, or without a master in the feed.
        foreach (var single in unmatched.Where(o => !IsCancelled(o) && o.DtStart is not null))
        {
            Add(single.DtStart!, EndOf(single, single.DtStart!));
        }

        result.Sort((a, b) => a.StartsAt.CompareTo(b.StartsAt));
        return (result, more);
    }

    private static CalDateTime? EndOf(CalendarEvent calendarEvent, CalDateTime start) =>
        calendarEvent.DtEnd ?? (calendarEvent.Duration is { } duration ? start.Add(duration) : start.HasTime ? null : start.AddDays(1));

    /// <summary>An occurrence; a missing end is the end of the start's day (in the zone the start is shown in).</summary>
    private static Occurrence Create(CalDateTime start, CalDateTime? end, string zone)
    {
        var hasEnd = end is not null && end > start;
        if (!hasEnd)
        {
            var startZone = ZoneOf(start, zone);
            end = start.HasTime
                ? new CalDateTime(DateOnly.FromDateTime(Local(start, startZone)).AddDays(1), TimeOnly.MinValue, start.IsFloating ? null : startZone)
                : start.AddDays(1);
        }

        return new Occurrence(start, end!, hasEnd, Instant(start, zone), Instant(end!, zone));
    }

    /// <summary>The instant of a calendar time; floating times and dates are read in the default zone.</summary>
    internal static DateTimeOffset Instant(CalDateTime value, string zone) =>
        new(DateTime.SpecifyKind((value.IsFloating ? value.ToTimeZone(zone) : value).AsUtc, DateTimeKind.Utc));

    internal static string ZoneOf(CalDateTime value, string zone) => value.TzId is { } tzId && !value.IsUtc ? tzId : zone;

    /// <summary>The wall-clock time of a value in the zone it is shown in.</summary>
    private static DateTime Local(CalDateTime value, string zone) =>
        !value.HasTime || value.IsFloating || value.TzId == zone ? value.Value : value.ToTimeZone(zone).Value;

    private static string Format(Occurrence occurrence, string zone)
    {
        var start = Local(occurrence.Start, zone);
        if (!occurrence.Start.HasTime)
        {
            var last = DateOnly.FromDateTime(Local(occurrence.End, zone)).AddDays(-1);
            var first = DateOnly.FromDateTime(start);
            return last > first ? $"{Day(first)} bis {Day(last)}" : $"{Day(first)}, ganztägig";
        }

        if (!occurrence.HasEnd)
        {
            return $"{Day(DateOnly.FromDateTime(start))}, {Time(start)} Uhr";
        }

        var end = Local(occurrence.End, zone);
        if (end.Date == start.Date || (end.Date == start.Date.AddDays(1) && end.TimeOfDay == TimeSpan.Zero))
        {
            return $"{Day(DateOnly.FromDateTime(start))}, {TimeRange(start, end)}";
        }

        return $"{Day(DateOnly.FromDateTime(start))}, {Time(start)} Uhr bis {Day(DateOnly.FromDateTime(end))}, {Time(end)} Uhr";
    }

    /// <summary>
    /// "täglich vom 26. November bis 23. Dezember 2026, 11:00–21:00 Uhr" or "jeden Samstag ab …" when all
    /// occurrences are a day or a week apart at the same times; null when the series is not that regular.
    /// </summary>
    private static string? SeriesSummary(List<Occurrence> occurrences, bool more, string zone)
    {
        var starts = occurrences.Select(o => Local(o.Start, zone)).ToList();
        var ends = occurrences.Select(o => Local(o.End, zone)).ToList();
        var allDay = !occurrences[0].Start.HasTime;
        var hasEnd = occurrences[0].HasEnd;
        if (occurrences.Any(o => o.Start.HasTime == allDay || o.HasEnd != hasEnd)
            || starts.Any(s => s.TimeOfDay != starts[0].TimeOfDay))
        {
            return null;
        }

        // Every occurrence one day (all-day) or within one day at the same times.
        var length = ends[0] - starts[0];
        if ((allDay || hasEnd) && (ends.Zip(starts).Any(p => p.First - p.Second != length)
            || (allDay ? length != TimeSpan.FromDays(1) : ends[0].Date != starts[0].Date)))
        {
            return null;
        }

        var step = (starts[1].Date - starts[0].Date).Days;
        if (step is not (1 or 7) || starts.Zip(starts.Skip(1)).Any(p => (p.Second.Date - p.First.Date).Days != step))
        {
            return null;
        }

        var first = DateOnly.FromDateTime(starts[0]);
        var last = DateOnly.FromDateTime(starts[^1]);
        var rhythm = step == 1 ? "täglich" : $"jeden {first.ToString("dddd", German)}";
        var range = more
            ? $"ab {first.ToString("d. MMMM yyyy", German)}"
            : first.Year == last.Year
                ? $"vom {first.ToString("d. MMMM", German)} bis {last.ToString("d. MMMM yyyy", German)}"
                : $"vom {first.ToString("d. MMMM yyyy", German)} bis {last.ToString("d. MMMM yyyy", German)}";
        var times = allDay ? "ganztägig"
            : hasEnd ? TimeRange(starts[0], ends[0])
            : $"{Time(starts[0])} Uhr";
        return $"{rhythm} {range}, {times}";
    }

    private static string Day(DateOnly date) => date.ToString("dddd, d. MMMM yyyy", German);

    private static string Time(DateTime time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static string TimeRange(DateTime start, DateTime end) =>
        $"{Time(start)}–{(end.Date > start.Date ? "24:00" : Time(end))} Uhr";

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpper(text[0], German) + text[1..];

    internal static bool IsCancelled(CalendarEvent calendarEvent) =>
        string.Equals(calendarEvent.Status, EventStatus.Cancelled, StringComparison.OrdinalIgnoreCase);

    private static HashSet<string> Values(Regex property, string text) =>
        [.. property.Matches(text).Select(m => m.Groups[1].Value.Trim())];

    private static string DefaultZone(string text) =>
        WrTimeZone().Match(text) is { Success: true } match && IsKnownZone(match.Groups[1].Value.Trim())
            ? match.Groups[1].Value.Trim()
            : DefaultTimeZone;

    /// <summary>Replaces TZID parameters that no zone database knows by the default zone.</summary>
    private static string MapUnknownTimeZones(string text, string defaultZone)
    {
        var known = new Dictionary<string, bool>(StringComparer.Ordinal);
        return TzIdParameter().Replace(text, match =>
        {
            var tzId = match.Groups[1].Value.Trim('"');
            if (!known.TryGetValue(tzId, out var isKnown))
            {
                known[tzId] = isKnown = IsKnownZone(tzId);
            }

            return isKnown ? match.Value : "TZID=" + defaultZone;
        });
    }

    /// <summary>
    /// Whether a TZID names a real zone: IANA or Windows ids, or what Ical.Net resolves otherwise (prefixed ids),
    /// except names with a UTC/GMT offset in them, which Ical.Net silently reads as UTC.
    /// </summary>
    private static bool IsKnownZone(string tzId)
    {
        if (NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(tzId) is not null || TimeZoneInfo.TryConvertWindowsIdToIanaId(tzId, out _))
        {
            return true;
        }

        if (tzId.Contains("UTC", StringComparison.OrdinalIgnoreCase) || tzId.Contains("GMT", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            _ = new CalDateTime(2026, 1, 1, 12, 0, 0, tzId).AsUtc;
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^UID(?:;[^:\r\n]*)?:([^\r\n]*)", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex UidProperty();

    [GeneratedRegex(@"^DTSTAMP(?:;[^:\r\n]*)?:([^\r\n]*)", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex StampProperty();

    [GeneratedRegex(@"\r?\n[ \t]")]
    private static partial Regex Folding();

    [GeneratedRegex(@"^X-WR-TIMEZONE(?:;[^:\r\n]*)?:([^\r\n]+)", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex WrTimeZone();

    [GeneratedRegex(@"TZID=(""[^""\r\n]*""|[^;:\r\n]*)", RegexOptions.IgnoreCase)]
    private static partial Regex TzIdParameter();
}
