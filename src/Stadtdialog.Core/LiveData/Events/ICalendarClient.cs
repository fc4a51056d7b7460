using System.Globalization;
using System.Text;
using Stadtdialog.Knowledge;
using Stadtdialog.Knowledge.Readers;

namespace Stadtdialog.LiveData.Events;

/// <summary>
/// Reads the occurrences of an iCalendar feed (RFC 5545) in a time range: the feed is fetched with a size limit,
/// parsed and expanded like <see cref="EventCalendarReader"/> does for the knowledge base (RRULE, RDATE, EXDATE,
/// RECURRENCE-ID overrides, all-day dates, TZID with VTIMEZONE; floating times and dates in the calendar's
/// X-WR-TIMEZONE, else Europe/Berlin). Cancelled events and occurrences are left out.
/// </summary>
/// <remarks>
/// Every failure (unreachable feed, HTTP error, an answer over <see cref="MaxResponseBytes"/>, a body that is no
/// calendar) is a <see cref="LiveDataUnavailableException"/> with a German message that can be shown to the user;
/// the caller's cancellation passes through.
/// </remarks>
public sealed class ICalendarClient(HttpClient http, Uri feedUrl)
{
    /// <summary>Largest feed read.</summary>
    public const long MaxResponseBytes = 8 * 1024 * 1024;

    /// <summary>The most occurrences returned (the earliest); also the most evaluated per recurring event.</summary>
    public const int MaxOccurrences = 500;

    /// <summary>Descriptions are cut to about this many characters (at a word boundary).</summary>
    public const int MaxDescriptionLength = 300;

    private readonly HttpClient _http = http ?? throw new ArgumentNullException(nameof(http));
    private readonly Uri _feedUrl = feedUrl ?? throw new ArgumentNullException(nameof(feedUrl));

    /// <summary>The occurrences of the feed that overlap [<paramref name="from"/>, <paramref name="to"/>), sorted by start.</summary>
    public async Task<IReadOnlyList<LiveEvent>> GetEventsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        LiveHttp.Response response;
        try
        {
            response = await LiveHttp.GetAsync(_http, _feedUrl, MaxResponseBytes, "calendar feed", cancellationToken).ConfigureAwait(false);
        }
        // LiveHttp says so in English; the size limit is worth its own message.
        catch (LiveDataUnavailableException e) when (e.Message.Contains("larger than the limit", StringComparison.Ordinal))
        {
            throw new LiveDataUnavailableException(
                $"Der Veranstaltungskalender unter {LiveHttp.Display(_feedUrl)} ist größer als {MaxResponseBytes / (1024 * 1024)} MB und wurde nicht gelesen.", e);
        }
        catch (LiveDataUnavailableException e)
        {
            throw new LiveDataUnavailableException(
                $"Der Veranstaltungskalender unter {LiveHttp.Display(_feedUrl)} ist zurzeit nicht erreichbar.", e);
        }

        if (!response.IsSuccess)
        {
            throw new LiveDataUnavailableException(string.Create(CultureInfo.InvariantCulture,
                $"Der Veranstaltungskalender unter {LiveHttp.Display(_feedUrl)} ist zurzeit nicht verfügbar (HTTP {(int)response.Status})."));
        }

        return Occurrences(Decode(response), from, to, _feedUrl);
    }

    /// <summary>
    /// The occurrences of the calendar <paramref name="icsText"/> that overlap [<paramref name="from"/>,
    /// <paramref name="to"/>), sorted by start, at most <see cref="MaxOccurrences"/>. Only absolute http(s) URLs
    /// of events are kept.
    /// </summary>
    public static IReadOnlyList<LiveEvent> Occurrences(string icsText, DateTimeOffset from, DateTimeOffset to) =>
        Occurrences(icsText, from, to, null);

    /// <summary>As <see cref="Occurrences(string, DateTimeOffset, DateTimeOffset)"/>; relative event URLs are resolved against <paramref name="baseUrl"/>.</summary>
    internal static IReadOnlyList<LiveEvent> Occurrences(string icsText, DateTimeOffset from, DateTimeOffset to, Uri? baseUrl)
    {
        ArgumentNullException.ThrowIfNull(icsText);
        if (to <= from)
        {
            return [];
        }

        if (!icsText.Contains("BEGIN:VCALENDAR", StringComparison.OrdinalIgnoreCase))
        {
            throw new LiveDataUnavailableException("Die Kalenderquelle liefert keinen Kalender im iCalendar-Format.");
        }

        EventCalendarReader.ParsedCalendar calendar;
        try
        {
            calendar = EventCalendarReader.Parse(icsText);
        }
        catch (DocumentReadException e)
        {
            throw new LiveDataUnavailableException("Der Veranstaltungskalender ist fehlerhaft und konnte nicht gelesen werden.", e);
        }

        var events = new List<LiveEvent>();
        // The same event published twice (under two UIDs) is listed once; events that differ in anything are kept.
        var seen = new HashSet<(string, DateTimeOffset, string?, string?)>();
        foreach (var (_, group) in calendar.Groups)
        {
            EventCalendarReader.EventSeries? series;
            try
            {
                series = EventCalendarReader.Expand(group, from, to, calendar.DefaultZone, MaxOccurrences);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One broken event (an unparsable date, an unevaluable rule) must not cost the whole feed.
                continue;
            }

            if (series is null)
            {
                continue;
            }

            var main = series.Main;
            var title = TextNormalizer.Clean(main.Summary) is { Length: > 0 } summary ? summary : "Veranstaltung";
            var location = TextNormalizer.Clean(main.Location) is { Length: > 0 } place ? place : null;
            var url = Link(main.Url, baseUrl);
            var categories = main.Categories.Select(c => TextNormalizer.Clean(c)).Where(c => c.Length > 0)
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var description = Shorten(main.Description);
            foreach (var occurrence in series.Occurrences)
            {
                if (!seen.Add((title, occurrence.StartsAt, location, description)))
                {
                    continue;
                }

                var allDay = !occurrence.Start.HasTime;
                var zone = EventCalendarReader.ZoneOf(occurrence.Start, calendar.DefaultZone);
                events.Add(new LiveEvent(
                    title,
                    InZone(occurrence.StartsAt, zone),
                    occurrence.HasEnd || allDay ? InZone(occurrence.EndsAt, zone) : null,
                    allDay,
                    location,
                    url,
                    categories,
                    description));
            }
        }

        return [.. events.OrderBy(e => e.Start).ThenBy(e => e.Title, StringComparer.Ordinal).Take(MaxOccurrences)];
    }

    private static string Decode(LiveHttp.Response response)
    {
        var encoding = Encoding.UTF8;
        if (response.Charset is { Length: > 0 } charset)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"'));
            }
            catch (ArgumentException)
            {
                // Unknown charset: iCalendar's default, UTF-8.
            }
        }

        var text = encoding.GetString(response.Body);
        return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
    }

    /// <summary>The instant in the zone the event is shown in (UTC where the zone is unknown).</summary>
    private static DateTimeOffset InZone(DateTimeOffset instant, string zone) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var timeZone) ? TimeZoneInfo.ConvertTime(instant, timeZone) : instant;

    private static string? Link(Uri? url, Uri? baseUrl)
    {
        if (url is null)
        {
            return null;
        }

        if (!url.IsAbsoluteUri)
        {
            if (baseUrl is null || !Uri.TryCreate(baseUrl, url.OriginalString, out var resolved))
            {
                return null;
            }

            url = resolved;
        }

        return url.Scheme is "http" or "https" ? url.AbsoluteUri : null;
    }

    /// <summary>The description as one paragraph, cut at a word boundary after about <see cref="MaxDescriptionLength"/> characters.</summary>
    internal static string? Shorten(string? description)
    {
        var lines = (description ?? "").ReplaceLineEndings("\n").Split('\n').Select(line => TextNormalizer.Clean(line)).Where(line => line.Length > 0);
        var text = string.Join(" ", lines);
        if (text.Length == 0)
        {
            return null;
        }

        if (text.Length <= MaxDescriptionLength)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', MaxDescriptionLength);
        return text[..(cut > MaxDescriptionLength / 2 ? cut : MaxDescriptionLength)].TrimEnd(' ', ',', ';', ':', '-') + " …";
    }
}
