using System.Globalization;
using System.Text;

namespace Stadtdialog.Handover;

/// <summary>One line of a weekly schedule: on these days, open from <see cref="From"/> until <see cref="To"/>.</summary>
/// <remarks>Days are "Mon".."Sun" (German "Mo".."So" is accepted too); times are "HH:mm" in the schedule's time zone,
/// "24:00" is allowed as an end.</remarks>
public sealed record OfficeHoursEntry
{
    public IReadOnlyList<string> Days { get; init; } = [];
    public string From { get; init; } = "";
    public string To { get; init; } = "";
}

/// <summary>A closed period, both days inclusive (e.g. "Betriebsferien" between Christmas and New Year).</summary>
public sealed record ClosedPeriod
{
    public DateOnly From { get; init; }
    public DateOnly To { get; init; }
    public string? Name { get; init; }
}

/// <summary>
/// Office hours of a tenant or a handover queue: a weekly schedule in a time zone, minus German public holidays,
/// explicit closing days and closed periods. Stored as JSON (System.Text.Json web defaults).
/// </summary>
public sealed record OfficeHours
{
    public const string DefaultTimeZone = "Europe/Berlin";

    /// <summary>How far <see cref="NextOpening"/> looks ahead.</summary>
    public const int LookAheadDays = 60;

    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    private static readonly string[] GermanDayNames = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"];

    /// <summary>IANA time zone id.</summary>
    public string TimeZone { get; init; } = DefaultTimeZone;

    /// <summary>Weekly schedule; several entries per day are allowed (e.g. morning and afternoon).</summary>
    public IReadOnlyList<OfficeHoursEntry> Weekly { get; init; } = [];

    /// <summary>Explicit closing days, e.g. 2026-12-24.</summary>
    public IReadOnlyList<DateOnly> Holidays { get; init; } = [];

    /// <summary>Closed periods, both ends inclusive.</summary>
    public IReadOnlyList<ClosedPeriod> ClosedPeriods { get; init; } = [];

    /// <summary>German state code ("TH", "SH", ...) or "DE" for nationwide holidays only; <c>null</c>: none.</summary>
    public string? PublicHolidays { get; init; }

    /// <summary>Whether the office is open at an instant.</summary>
    public bool IsOpen(DateTimeOffset instant)
    {
        var zone = ResolveZone();
        var local = TimeZoneInfo.ConvertTime(instant, zone).DateTime;
        var day = DateOnly.FromDateTime(local);
        if (HolidayName(day) is not null)
        {
            return false;
        }

        var time = local.TimeOfDay;
        return Intervals(day.DayOfWeek).Any(i => i.From <= time && time < i.To);
    }

    /// <summary>
    /// The next instant at which the office opens, within <see cref="LookAheadDays"/> days; the instant itself when
    /// the office is open; <c>null</c> when it does not open in that time.
    /// </summary>
    public DateTimeOffset? NextOpening(DateTimeOffset instant)
    {
        if (IsOpen(instant))
        {
            return instant;
        }

        var zone = ResolveZone();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
        for (var offset = 0; offset <= LookAheadDays; offset++)
        {
            var day = today.AddDays(offset);
            if (HolidayName(day) is not null)
            {
                continue;
            }

            foreach (var (from, _) in Intervals(day.DayOfWeek).OrderBy(i => i.From))
            {
                var opening = ToInstant(day.ToDateTime(TimeOnly.MinValue).Add(from), zone);
                if (opening > instant)
                {
                    return opening;
                }
            }
        }

        return null;
    }

    /// <summary>Why the office is closed on a day: a public holiday's name, a closed period's name, or "Schließtag".</summary>
    public string? HolidayName(DateOnly day)
    {
        if (Holidays.Contains(day))
        {
            return "Schließtag";
        }

        if (ClosedPeriods.FirstOrDefault(p => p.From <= day && day <= p.To) is { } period)
        {
            return string.IsNullOrWhiteSpace(period.Name) ? "Schließzeit" : period.Name;
        }

        if (GermanPublicHolidays.IsKnown(PublicHolidays) && day.Year is >= 1583 and <= 9999
            && GermanPublicHolidays.For(day.Year, PublicHolidays!).TryGetValue(day, out var name))
        {
            return name;
        }

        return null;
    }

    /// <summary>The weekly schedule in German, e.g. "Mo–Fr 8–12 Uhr, Di und Do 14–18 Uhr".</summary>
    public string Describe()
    {
        var groups = new List<(IReadOnlyList<int> Days, List<string> Times)>();
        foreach (var entry in Weekly)
        {
            var days = entry.Days.Select(ParseDay).OfType<int>().Distinct().Order().ToList();
            if (days.Count == 0 || ParseTime(entry.From) is not { } from || ParseTime(entry.To) is not { } to)
            {
                continue;
            }

            var time = $"{FormatTime(from)}–{FormatTime(to)}";
            var group = groups.FindIndex(g => g.Days.SequenceEqual(days));
            if (group >= 0)
            {
                groups[group].Times.Add(time);
            }
            else
            {
                groups.Add((days, [time]));
            }
        }

        if (groups.Count == 0)
        {
            return "keine festen Öffnungszeiten";
        }

        return string.Join(", ", groups.Select(g => $"{DescribeDays(g.Days)} {JoinGerman(g.Times)} Uhr"));
    }

    /// <summary>Problems with the configuration, in German; empty when it is valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return $"Unbekannte Zeitzone „{TimeZone}“ (erwartet z. B. „{DefaultTimeZone}“).";
        }

        if (PublicHolidays is not null && !GermanPublicHolidays.IsKnown(PublicHolidays))
        {
            yield return $"Unbekanntes Bundesland „{PublicHolidays}“ für Feiertage (erlaubt: {string.Join(", ", GermanPublicHolidays.Codes)}).";
        }

        for (var index = 0; index < Weekly.Count; index++)
        {
            var entry = Weekly[index];
            var line = $"Öffnungszeit {index + 1}";
            if (entry.Days is null || entry.Days.Count == 0)
            {
                yield return $"{line}: keine Wochentage angegeben.";
            }
            else
            {
                foreach (var day in entry.Days.Where(d => ParseDay(d) is null))
                {
                    yield return $"{line}: unbekannter Wochentag „{day}“ (erwartet Mon, Tue, Wed, Thu, Fri, Sat, Sun).";
                }
            }

            var from = ParseTime(entry.From);
            var to = ParseTime(entry.To);
            if (from is null || from == TimeSpan.FromHours(24))
            {
                yield return $"{line}: ungültige Anfangszeit „{entry.From}“ (erwartet HH:mm).";
            }

            if (to is null)
            {
                yield return $"{line}: ungültige Endzeit „{entry.To}“ (erwartet HH:mm).";
            }

            if (from is { } f && to is { } t && f >= t)
            {
                yield return $"{line}: Beginn {entry.From} liegt nicht vor dem Ende {entry.To}.";
            }
        }

        foreach (var period in ClosedPeriods.Where(p => p.From > p.To))
        {
            yield return $"Schließzeit „{period.Name}“: Beginn {period.From:yyyy-MM-dd} liegt nach dem Ende {period.To:yyyy-MM-dd}.";
        }
    }

    private TimeZoneInfo ResolveZone() =>
        TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var zone)
            ? zone
            : throw new InvalidOperationException($"Unknown time zone '{TimeZone}' in office hours; run Validate() before use.");

    /// <summary>The valid opening intervals on a weekday, as times of day.</summary>
    private IEnumerable<(TimeSpan From, TimeSpan To)> Intervals(DayOfWeek dayOfWeek)
    {
        var index = ((int)dayOfWeek + 6) % 7;
        foreach (var entry in Weekly)
        {
            if (entry.Days.Any(d => ParseDay(d) == index) && ParseTime(entry.From) is { } from && ParseTime(entry.To) is { } to
                && from < to)
            {
                yield return (from, to);
            }
        }
    }

    /// <summary>A local wall-clock time as an instant: in a DST gap the first valid minute after it, when the clock
    /// is turned back the first occurrence.</summary>
    private static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        for (var guard = 0; zone.IsInvalidTime(local) && guard < 24 * 60; guard++)
        {
            local = local.AddMinutes(1);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    /// <summary>Monday = 0 .. Sunday = 6; English and German abbreviations.</summary>
    private static int? ParseDay(string? day) => day?.Trim().ToLowerInvariant() switch
    {
        "mon" or "mo" or "monday" or "montag" => 0,
        "tue" or "di" or "tuesday" or "dienstag" => 1,
        "wed" or "mi" or "wednesday" or "mittwoch" => 2,
        "thu" or "do" or "thursday" or "donnerstag" => 3,
        "fri" or "fr" or "friday" or "freitag" => 4,
        "sat" or "sa" or "saturday" or "samstag" => 5,
        "sun" or "so" or "sunday" or "sonntag" => 6,
        _ => null,
    };

    /// <summary>"HH:mm" (also "H:mm") to a time of day; "24:00" is the end of the day.</summary>
    private static TimeSpan? ParseTime(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var trimmed = text.Trim();
        if (trimmed == "24:00")
        {
            return TimeSpan.FromHours(24);
        }

        return TimeOnly.TryParseExact(trimmed, ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time.ToTimeSpan()
            : null;
    }

    private static string FormatTime(TimeSpan time) =>
        time.Minutes == 0
            ? ((int)time.TotalHours).ToString(German)
            : $"{(int)time.TotalHours}:{time.Minutes.ToString("00", German)}";

    /// <summary>Runs of three or more consecutive days as "Mo–Fr", others listed: "Mo, Mi und Fr".</summary>
    private static string DescribeDays(IReadOnlyList<int> days)
    {
        var parts = new List<string>();
        var start = 0;
        while (start < days.Count)
        {
            var end = start;
            while (end + 1 < days.Count && days[end + 1] == days[end] + 1)
            {
                end++;
            }

            if (end - start >= 2)
            {
                parts.Add($"{GermanDayNames[days[start]]}–{GermanDayNames[days[end]]}");
            }
            else
            {
                for (var i = start; i <= end; i++)
                {
                    parts.Add(GermanDayNames[days[i]]);
                }
            }

            start = end + 1;
        }

        return JoinGerman(parts);
    }

    private static string JoinGerman(List<string> items)
    {
        if (items.Count <= 1)
        {
            return items.Count == 0 ? "" : items[0];
        }

        var text = new StringBuilder(string.Join(", ", items.Take(items.Count - 1)));
        return text.Append(" und ").Append(items[^1]).ToString();
    }
}
