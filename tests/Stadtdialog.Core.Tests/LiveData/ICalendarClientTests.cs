using System.Globalization;
using Microsoft.AspNetCore.Http;
using Stadtdialog.LiveData;
using Stadtdialog.LiveData.Events;
using Xunit;

namespace Stadtdialog.Tests.LiveData;

/// <summary>
/// <see cref="ICalendarClient"/>: occurrences of the product's sample calendar, of real feeds and of small inline
/// calendars, and the HTTP path against a loopback server.
/// </summary>
public sealed class ICalendarClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Cet = TimeSpan.FromHours(1);
    private static readonly TimeSpan Cest = TimeSpan.FromHours(2);

    private readonly HttpClient _http = new();
    private LoopbackSite _site = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _site = await LoopbackSite.StartAsync(cancellationToken: Token);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _site.DisposeAsync();
    }

    private static string SampleFeed() =>
        File.ReadAllText(Path.Combine(RepositoryPaths.Samples, "musterstadt", "veranstaltungen", "veranstaltungen.ics"));

    private static string RealFeed(string name) => File.ReadAllText(Path.Combine(RepositoryPaths.SharedData, "real", "ical", name));

    private static string Calendar(string events) =>
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//DE\r\n" + events.ReplaceLineEndings("\r\n").Trim() + "\r\nEND:VCALENDAR\r\n";

    private static string Line(LiveEvent e) => e.Start.ToString("dd.MM. HH:mm ", CultureInfo.InvariantCulture) + e.Title;

    private static DateTimeOffset Local(int year, int month, int day, int hour = 0, int minute = 0) =>
        new(year, month, day, hour, minute, 0, month is >= 4 and <= 10 ? Cest : Cet);

    [Fact]
    public void Sample_weeks_list_weekly_monthly_and_daily_events_in_order()
    {
        var events = ICalendarClient.Occurrences(SampleFeed(), Local(2026, 11, 23), Local(2026, 11, 30));

        Assert.Equal(
            [
                "25.11. 16:00 Vorlesestunde für Kinder in der Stadtbibliothek",
                "27.11. 11:00 Musterstädter Weihnachtsmarkt",
                "28.11. 08:00 Wochenmarkt auf dem Marktplatz",
                "28.11. 11:00 Musterstädter Weihnachtsmarkt",
                "29.11. 11:00 Musterstädter Weihnachtsmarkt",
            ],
            events.Select(Line));
        Assert.Equal(events.OrderBy(e => e.Start), events);
    }

    [Fact]
    public void Berlin_time_is_converted_to_the_right_instant()
    {
        var events = ICalendarClient.Occurrences(SampleFeed(), Local(2026, 11, 25), Local(2026, 11, 26));

        var reading = Assert.Single(events, e => e.Title.StartsWith("Vorlesestunde", StringComparison.Ordinal));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 15, 0, 0, TimeSpan.Zero), reading.Start);
        Assert.Equal(Cet, reading.Start.Offset);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 16, 0, 0, TimeSpan.Zero), reading.End);
        Assert.False(reading.AllDay);
        Assert.Equal(["Familie", "Kultur"], reading.Categories);
        Assert.Equal("Stadtbibliothek Musterstadt, Kinderbibliothek, Am Kirchplatz 4, 12345 Musterstadt", reading.Location);
        Assert.StartsWith("Ehrenamtliche Vorlesepatinnen", reading.Description, StringComparison.Ordinal);

        // Summer time: the same wall-clock time is an hour earlier in UTC.
        var summer = ICalendarClient.Occurrences(SampleFeed(), Local(2026, 7, 1), Local(2026, 7, 2));
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 14, 0, 0, TimeSpan.Zero), Assert.Single(summer).Start);
    }

    [Fact]
    public void Exdates_remove_occurrences()
    {
        var events = ICalendarClient.Occurrences(SampleFeed(), Local(2026, 12, 19), Local(2027, 1, 3));

        var markets = events.Where(e => e.Title == "Wochenmarkt auf dem Marktplatz").Select(e => DateOnly.FromDateTime(e.Start.DateTime)).ToList();
        Assert.Equal([new DateOnly(2026, 12, 19), new DateOnly(2027, 1, 2)], markets);

        var october = ICalendarClient.Occurrences(SampleFeed(), Local(2026, 10, 3), Local(2026, 10, 4));
        Assert.DoesNotContain(october, e => e.Title.StartsWith("Wochenmarkt", StringComparison.Ordinal));
        Assert.DoesNotContain(october, e => e.Title.StartsWith("Repair-Café", StringComparison.Ordinal));
    }

    [Fact]
    public void Occurrences_overlapping_the_start_are_included_and_the_end_is_exclusive()
    {
        // The market runs 08:00–13:00; a range starting at 12:00 still overlaps it, one ending at 08:00 does not.
        var events = ICalendarClient.Occurrences(SampleFeed(), Local(2026, 11, 28, 12), Local(2026, 11, 28, 12, 30));
        Assert.Contains(events, e => e.Title.StartsWith("Wochenmarkt", StringComparison.Ordinal));

        var before = ICalendarClient.Occurrences(SampleFeed(), Local(2026, 11, 28, 6), Local(2026, 11, 28, 8));
        Assert.DoesNotContain(before, e => e.Title.StartsWith("Wochenmarkt", StringComparison.Ordinal));
        Assert.Empty(ICalendarClient.Occurrences(SampleFeed(), Local(2026, 11, 28), Local(2026, 11, 28)));
    }

    [Fact]
    public void Relative_urls_are_kept_only_when_a_feed_url_resolves_them()
    {
        var events = ICalendarClient.Occurrences(SampleFeed(), Local(2027, 1, 16), Local(2027, 1, 17));
        Assert.Null(Assert.Single(events, e => e.Title.StartsWith("Kita-Infotag", StringComparison.Ordinal)).Url);

        var resolved = ICalendarClient.Occurrences(SampleFeed(), Local(2027, 1, 16), Local(2027, 1, 17), new Uri("https://www.musterstadt.example/kalender.ics"));
        Assert.Equal("https://www.musterstadt.example/demo/familie/kita-platz",
            Assert.Single(resolved, e => e.Title.StartsWith("Kita-Infotag", StringComparison.Ordinal)).Url);
    }

    [Fact]
    public void Real_waste_feed_gives_all_day_events_with_url_and_category()
    {
        var all = ICalendarClient.Occurrences(RealFeed("abfall_birkenfeld_enzkreis_alle.ics"), Local(2026, 1, 1), Local(2027, 6, 1));
        Assert.Equal(101, all.Count);
        Assert.All(all, e =>
        {
            Assert.True(e.AllDay);
            Assert.Equal(["Abfallentsorgung"], e.Categories);
            Assert.Equal("https://www.birkenfeld-enzkreis.de/abfallkalender/", e.Url);
        });
        Assert.Equal(all.OrderBy(e => e.Start), all);

        // Two collections of the same kind on one day in different areas are both listed.
        var day = ICalendarClient.Occurrences(RealFeed("abfall_birkenfeld_enzkreis_alle.ics"), Local(2026, 8, 27), Local(2026, 8, 28));
        Assert.Equal(2, day.Count(e => e.Title == "Papier"));
        var paper = day.First(e => e.Title == "Papier");
        Assert.Equal(Local(2026, 8, 27), paper.Start);
        Assert.Equal(Local(2026, 8, 28), paper.End);
        Assert.Contains("Gebiet:", paper.Description, StringComparison.Ordinal);

        var recycling = ICalendarClient.Occurrences(RealFeed("abfall_birkenfeld_enzkreis_recyclinghof.ics"), Local(2026, 8, 22), Local(2026, 8, 29));
        Assert.NotEmpty(recycling);
        Assert.All(recycling, e => Assert.Equal("Recyclinghof", e.Title));
    }

    [Fact]
    public void Cancelled_events_and_occurrences_are_left_out_rdates_added_all_day_events_kept()
    {
        var text = Calendar("""
            BEGIN:VTIMEZONE
            TZID:Europe/Berlin
            BEGIN:STANDARD
            TZOFFSETFROM:+0200
            TZOFFSETTO:+0100
            DTSTART:19701025T030000
            RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
            END:STANDARD
            BEGIN:DAYLIGHT
            TZOFFSETFROM:+0100
            TZOFFSETTO:+0200
            DTSTART:19700329T020000
            RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
            END:DAYLIGHT
            END:VTIMEZONE
            BEGIN:VEVENT
            UID:konzert@test
            DTSTART;TZID=Europe/Berlin:20261201T190000
            DTEND;TZID=Europe/Berlin:20261201T210000
            RRULE:FREQ=WEEKLY;COUNT=3
            RDATE;TZID=Europe/Berlin:20261204T190000
            SUMMARY:Adventskonzert
            URL:https://www.musterstadt.example/konzert
            END:VEVENT
            BEGIN:VEVENT
            UID:konzert@test
            RECURRENCE-ID;TZID=Europe/Berlin:20261208T190000
            DTSTART;TZID=Europe/Berlin:20261208T190000
            DTEND;TZID=Europe/Berlin:20261208T210000
            SUMMARY:Adventskonzert
            STATUS:CANCELLED
            END:VEVENT
            BEGIN:VEVENT
            UID:abgesagt@test
            DTSTART;TZID=Europe/Berlin:20261202T100000
            SUMMARY:Abgesagter Flohmarkt
            STATUS:CANCELLED
            END:VEVENT
            BEGIN:VEVENT
            UID:ganztags@test
            DTSTART;VALUE=DATE:20261205
            DTEND;VALUE=DATE:20261207
            SUMMARY:Adventsbasar
            END:VEVENT
            """);

        var events = ICalendarClient.Occurrences(text, Local(2026, 11, 30), Local(2026, 12, 31));

        Assert.Equal(
            ["01.12. 19:00 Adventskonzert", "04.12. 19:00 Adventskonzert", "05.12. 00:00 Adventsbasar", "15.12. 19:00 Adventskonzert"],
            events.Select(Line));
        var bazaar = events[2];
        Assert.True(bazaar.AllDay);
        Assert.Equal(Local(2026, 12, 7), bazaar.End);
        Assert.Equal("https://www.musterstadt.example/konzert", events[0].Url);
    }

    [Fact]
    public void Expansion_is_capped_and_long_descriptions_are_shortened()
    {
        var text = Calendar($"""
            BEGIN:VEVENT
            UID:minutlich@test
            DTSTART:20261201T000000Z
            DURATION:PT1M
            RRULE:FREQ=MINUTELY
            SUMMARY:Zu oft
            DESCRIPTION:{string.Join(' ', Enumerable.Repeat("Wort", 200))}
            END:VEVENT
            """);

        var events = ICalendarClient.Occurrences(text, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 31, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(ICalendarClient.MaxOccurrences, events.Count);
        Assert.InRange(events[0].Description!.Length, 150, ICalendarClient.MaxDescriptionLength + 2);
        Assert.EndsWith(" …", events[0].Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<html><body>Nicht gefunden</body></html>")]
    [InlineData("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:kaputt\r\nEND:VCALENDAR")]
    public void Text_that_is_no_calendar_is_unavailable(string text)
    {
        var e = Assert.Throws<LiveDataUnavailableException>(() => ICalendarClient.Occurrences(text, Local(2026, 1, 1), Local(2027, 1, 1)));
        Assert.Contains("kalender", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Feed_is_fetched_over_http()
    {
        _site.SetPage("/kalender.ics", SampleFeed(), "text/calendar; charset=utf-8");
        var client = new ICalendarClient(_http, _site.Url("/kalender.ics"));

        var events = await client.GetEventsAsync(Local(2027, 1, 16), Local(2027, 1, 17), Token);

        var kita = Assert.Single(events, e => e.Title.StartsWith("Kita-Infotag", StringComparison.Ordinal));
        Assert.Equal(_site.Url("/demo/familie/kita-platz").AbsoluteUri, kita.Url);
        Assert.Equal(1, _site.RequestCount("/kalender.ics"));
    }

    [Fact]
    public async Task Http_error_is_unavailable_in_german()
    {
        _site.SetStatus("/fehlt.ics", StatusCodes.Status404NotFound);
        var client = new ICalendarClient(_http, _site.Url("/fehlt.ics"));

        var e = await Assert.ThrowsAsync<LiveDataUnavailableException>(() => client.GetEventsAsync(Local(2026, 1, 1), Local(2027, 1, 1), Token));
        Assert.Contains("nicht verfügbar (HTTP 404)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_body_is_unavailable_in_german()
    {
        _site.SetPage("/seite.ics", "<!doctype html><html><body>Wartungsarbeiten</body></html>");
        var client = new ICalendarClient(_http, _site.Url("/seite.ics"));

        var e = await Assert.ThrowsAsync<LiveDataUnavailableException>(() => client.GetEventsAsync(Local(2026, 1, 1), Local(2027, 1, 1), Token));
        Assert.Contains("keinen Kalender", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Too_large_feed_is_not_read(bool withContentLength)
    {
        _site.SetHuge("/riesig.ics", ICalendarClient.MaxResponseBytes + 1024 * 1024, withContentLength);
        var client = new ICalendarClient(_http, _site.Url("/riesig.ics"));

        var e = await Assert.ThrowsAsync<LiveDataUnavailableException>(() => client.GetEventsAsync(Local(2026, 1, 1), Local(2027, 1, 1), Token));
        Assert.Contains("größer als 8 MB", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_feed_is_unavailable_in_german()
    {
        var url = _site.Url("/weg.ics");
        await _site.DisposeAsync();
        _site = await LoopbackSite.StartAsync(cancellationToken: Token);
        var client = new ICalendarClient(_http, url);

        var e = await Assert.ThrowsAsync<LiveDataUnavailableException>(() => client.GetEventsAsync(Local(2026, 1, 1), Local(2027, 1, 1), Token));
        Assert.Contains("Veranstaltungskalender", e.Message, StringComparison.Ordinal);
    }
}
