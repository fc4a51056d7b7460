using Stadtdialog.Knowledge;
using Stadtdialog.Knowledge.Readers;
using Stadtdialog.Tests;
using Xunit;

namespace Stadtdialog.Core.Tests.Readers;

public sealed class EventCalendarReaderTests
{
    private const string FeedUrl = "https://www.musterstadt.example/veranstaltungen.ics";
    private static readonly TimeSpan HalfYear = TimeSpan.FromDays(180);
    private static readonly TimeSpan Cet = TimeSpan.FromHours(1);
    private static readonly TimeSpan Cest = TimeSpan.FromHours(2);

    private static string SharedFeed() => File.ReadAllText(Path.Combine(RepositoryPaths.SharedData, "events", "veranstaltungen.ics"));

    private static IReadOnlyList<ExtractedDocument> ReadShared(DateTimeOffset now, TimeSpan? window = null) =>
        EventCalendarReader.Read(SharedFeed(), FeedUrl, now, window ?? HalfYear);

    private static string Calendar(string events) =>
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//DE\r\n" + events.ReplaceLineEndings("\r\n").Trim() + "\r\nEND:VCALENDAR\r\n";

    private static List<string> Texts(ExtractedDocument document) =>
        [.. document.Blocks.SelectMany(b => b switch
        {
            ParagraphBlock p => [p.Text],
            ListBlock l => l.Items,
            _ => Array.Empty<string>(),
        })];

    [Fact]
    public void Before_the_season_every_event_is_read_once()
    {
        var documents = ReadShared(new DateTimeOffset(2026, 11, 20, 12, 0, 0, Cet));

        Assert.Equal(6, documents.Count);
        Assert.All(documents, d =>
        {
            Assert.Equal(DocumentKind.Event, d.Kind);
            Assert.Equal("de", d.Language);
            Assert.Equal(new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero), d.LastModified);
        });
        Assert.Equal(
            ["weihnachtsmarkt-2026@musterstadt.example", "lesung-kinder-20261128@musterstadt.example", "puppentheater-20261202@musterstadt.example",
             "stadtrat-20261210@musterstadt.example", "schwimmkurs-20261205@musterstadt.example", "repaircafe-20261212@musterstadt.example"],
            documents.Select(d => d.SubKey));
    }

    [Fact]
    public void A_single_event_gives_date_time_and_place_in_german()
    {
        var reading = Assert.Single(ReadShared(new DateTimeOffset(2026, 11, 20, 12, 0, 0, Cet)), d => d.SubKey!.StartsWith("lesung", StringComparison.Ordinal));

        Assert.Equal("Vorlesestunde für Kinder ab 4 Jahren", reading.Title);
        Assert.Equal($"{FeedUrl}#lesung-kinder-20261128%40musterstadt.example", reading.Url);
        Assert.Equal(["Kinder", "Bibliothek"], reading.Keywords);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 10, 0, 0, Cet), reading.ValidFrom);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 11, 30, 0, Cet), reading.ExpiresAt);
        Assert.Equal(
            [
                "Samstag, 28. November 2026, 10:00–11:30 Uhr, Stadtbibliothek, Kinderbereich",
                "Wir lesen Wintergeschichten vor und basteln danach. Eintritt frei, ohne Anmeldung.",
                "Ort: Stadtbibliothek, Kinderbereich",
                "Kategorie: Kinder, Bibliothek",
            ],
            Texts(reading));
    }

    [Fact]
    public void The_daily_christmas_market_is_expanded_and_summarised()
    {
        var market = ReadShared(new DateTimeOffset(2026, 11, 20, 12, 0, 0, Cet))[0];

        Assert.Equal("Musterstädter Weihnachtsmarkt", market.Title);
        Assert.Equal("https://www.musterstadt.example/aktuelles/weihnachtsmarkt-2026", market.Url);
        Assert.Equal(["Markt", "Familie"], market.Keywords);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 11, 0, 0, Cet), market.ValidFrom);
        Assert.Equal(new DateTimeOffset(2026, 12, 23, 21, 0, 0, Cet), market.ExpiresAt);
        Assert.Equal(
            "Täglich vom 26. November bis 23. Dezember 2026, 11:00–21:00 Uhr, Marktplatz, 12345 Musterstadt",
            Assert.IsType<ParagraphBlock>(market.Blocks[0]).Text);

        var dates = Assert.IsType<ListBlock>(market.Blocks[^1]);
        Assert.Equal("Termine:", Assert.IsType<ParagraphBlock>(market.Blocks[^2]).Text);
        Assert.Equal(21, dates.Items.Count);
        Assert.Equal("Donnerstag, 26. November 2026, 11:00–21:00 Uhr", dates.Items[0]);
        Assert.Equal("Dienstag, 15. Dezember 2026, 11:00–21:00 Uhr", dates.Items[19]);
        Assert.Equal("… und 8 weitere Termine", dates.Items[20]);
    }

    [Fact]
    public void During_the_season_past_events_are_gone_and_running_occurrences_stay()
    {
        var documents = ReadShared(new DateTimeOffset(2026, 12, 10, 12, 0, 0, Cet));

        Assert.Equal(
            ["weihnachtsmarkt-2026@musterstadt.example", "stadtrat-20261210@musterstadt.example",
             "schwimmkurs-20261205@musterstadt.example", "repaircafe-20261212@musterstadt.example"],
            documents.Select(d => d.SubKey));

        var market = documents[0];
        Assert.Equal(new DateTimeOffset(2026, 12, 10, 11, 0, 0, Cet), market.ValidFrom);
        Assert.Equal(new DateTimeOffset(2026, 12, 23, 21, 0, 0, Cet), market.ExpiresAt);
        Assert.StartsWith("Täglich vom 10. Dezember bis 23. Dezember 2026, 11:00–21:00 Uhr", ((ParagraphBlock)market.Blocks[0]).Text, StringComparison.Ordinal);
        Assert.Equal(14, ((ListBlock)market.Blocks[^1]).Items.Count);

        var course = documents[2];
        Assert.Equal(new DateTimeOffset(2026, 12, 12, 9, 0, 0, Cet), course.ValidFrom);
        Assert.Equal(7, ((ListBlock)course.Blocks[^1]).Items.Count);
    }

    [Fact]
    public void A_weekly_count_rule_ends_after_its_last_occurrence()
    {
        var course = Assert.Single(ReadShared(new DateTimeOffset(2026, 11, 20, 12, 0, 0, Cet)), d => d.SubKey!.StartsWith("schwimmkurs", StringComparison.Ordinal));

        Assert.Equal(new DateTimeOffset(2026, 12, 5, 9, 0, 0, Cet), course.ValidFrom);
        Assert.Equal(new DateTimeOffset(2027, 1, 23, 10, 0, 0, Cet), course.ExpiresAt);
        Assert.Equal(
            "Jeden Samstag vom 5. Dezember 2026 bis 23. Januar 2027, 09:00–10:00 Uhr, Hallenbad am Stadtpark",
            ((ParagraphBlock)course.Blocks[0]).Text);
        var dates = ((ListBlock)course.Blocks[^1]).Items;
        Assert.Equal(8, dates.Count);
        Assert.Equal("Samstag, 23. Januar 2027, 09:00–10:00 Uhr", dates[^1]);
    }

    [Fact]
    public void After_christmas_only_the_swimming_course_is_left_and_later_nothing()
    {
        var documents = ReadShared(new DateTimeOffset(2026, 12, 24, 8, 0, 0, Cet));

        var course = Assert.Single(documents);
        Assert.Equal("schwimmkurs-20261205@musterstadt.example", course.SubKey);
        Assert.Equal(new DateTimeOffset(2026, 12, 26, 9, 0, 0, Cet), course.ValidFrom);
        Assert.Empty(ReadShared(new DateTimeOffset(2027, 2, 1, 0, 0, 0, Cet)));
    }

    [Fact]
    public void The_window_limits_the_occurrences_and_an_unfinished_series_is_open_ended()
    {
        var documents = ReadShared(new DateTimeOffset(2026, 11, 20, 12, 0, 0, Cet), TimeSpan.FromDays(7));

        var market = Assert.Single(documents);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 21, 0, 0, Cet), market.ExpiresAt);
        Assert.StartsWith("Täglich ab 26. November 2026, 11:00–21:00 Uhr", ((ParagraphBlock)market.Blocks[0]).Text, StringComparison.Ordinal);
        Assert.Equal(2, ((ListBlock)market.Blocks[^1]).Items.Count);
    }

    [Fact]
    public void Times_follow_summer_and_winter_time_in_europe_berlin()
    {
        var text = Calendar("""
            BEGIN:VEVENT
            UID:fuehrung@test
            DTSTAMP:20260101T000000Z
            DTSTART;TZID=Europe/Berlin:20261017T100000
            DTEND;TZID=Europe/Berlin:20261017T113000
            RRULE:FREQ=WEEKLY;COUNT=3
            SUMMARY:Stadtführung
            END:VEVENT
            BEGIN:VEVENT
            UID:utc@test
            DTSTAMP:20260101T000000Z
            DTSTART:20260704T080000Z
            DTEND:20260704T100000Z
            SUMMARY:Sommerfest
            END:VEVENT
            """);

        var documents = EventCalendarReader.Read(text, FeedUrl, new DateTimeOffset(2026, 6, 1, 0, 0, 0, Cest), HalfYear);

        var tour = documents[0];
        Assert.Equal(new DateTimeOffset(2026, 10, 17, 8, 0, 0, TimeSpan.Zero), tour.ValidFrom);
        Assert.Equal(new DateTimeOffset(2026, 10, 31, 10, 30, 0, TimeSpan.Zero), tour.ExpiresAt);
        Assert.Equal(
            ["Samstag, 17. Oktober 2026, 10:00–11:30 Uhr", "Samstag, 24. Oktober 2026, 10:00–11:30 Uhr", "Samstag, 31. Oktober 2026, 10:00–11:30 Uhr"],
            ((ListBlock)tour.Blocks[^1]).Items);

        var party = documents[1];
        Assert.Equal(new DateTimeOffset(2026, 7, 4, 10, 0, 0, Cest), party.ValidFrom);
        Assert.Equal("Samstag, 4. Juli 2026, 10:00–12:00 Uhr", ((ParagraphBlock)party.Blocks[0]).Text);
    }

    [Fact]
    public void Cancelled_events_produce_no_document()
    {
        var text = Calendar("""
            BEGIN:VEVENT
            UID:abgesagt@test
            DTSTART;TZID=Europe/Berlin:20261205T100000
            DTEND;TZID=Europe/Berlin:20261205T120000
            SUMMARY:Konzert (abgesagt)
            STATUS:CANCELLED
            END:VEVENT
            BEGIN:VEVENT
            UID:findet-statt@test
            DTSTART;TZID=Europe/Berlin:20261205T100000
            DTEND;TZID=Europe/Berlin:20261205T120000
            SUMMARY:Lesung
            STATUS:CONFIRMED
            END:VEVENT
            """);

        var document = Assert.Single(EventCalendarReader.Read(text, FeedUrl, new DateTimeOffset(2026, 12, 1, 0, 0, 0, Cet), HalfYear));

        Assert.Equal("Lesung", document.Title);
    }

    [Fact]
    public void All_day_events_last_the_whole_day_in_berlin()
    {
        var text = Calendar("""
            BEGIN:VEVENT
            UID:sperrmuell@test
            DTSTART;VALUE=DATE:20261205
            DTEND;VALUE=DATE:20261206
            SUMMARY:Sperrmüllabfuhr
            LOCATION:Nordstadt
            END:VEVENT
            BEGIN:VEVENT
            UID:messe@test
            DTSTART;VALUE=DATE:20261210
            DTEND;VALUE=DATE:20261213
            SUMMARY:Ausbildungsmesse
            END:VEVENT
            BEGIN:VEVENT
            UID:ohne-ende@test
            DTSTART;VALUE=DATE:20261220
            SUMMARY:Wintersonnenwende
            END:VEVENT
            """);

        var documents = EventCalendarReader.Read(text, FeedUrl, new DateTimeOffset(2026, 12, 1, 0, 0, 0, Cet), HalfYear);

        Assert.Equal(3, documents.Count);
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 0, 0, 0, Cet), documents[0].ValidFrom);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 0, 0, 0, Cet), documents[0].ExpiresAt);
        Assert.Equal("Samstag, 5. Dezember 2026, ganztägig, Nordstadt", ((ParagraphBlock)documents[0].Blocks[0]).Text);
        Assert.Equal("Donnerstag, 10. Dezember 2026 bis Samstag, 12. Dezember 2026", ((ParagraphBlock)documents[1].Blocks[0]).Text);
        Assert.Equal(new DateTimeOffset(2026, 12, 13, 0, 0, 0, Cet), documents[1].ExpiresAt);
        Assert.Equal(new DateTimeOffset(2026, 12, 21, 0, 0, 0, Cet), documents[2].ExpiresAt);

        // Still offered during its day, gone the next.
        Assert.Single(EventCalendarReader.Read(text, FeedUrl, new DateTimeOffset(2026, 12, 5, 23, 30, 0, Cet), HalfYear), d => d.SubKey == "sperrmuell@test");
        Assert.DoesNotContain(EventCalendarReader.Read(text, FeedUrl, new DateTimeOffset(2026, 12, 6, 0, 30, 0, Cet), HalfYear), d => d.SubKey == "sperrmuell@test");
    }

    [Fact]
    public void A_missing_end_is_taken_from_the_duration_or_the_end_of_the_day()
    {
        var text = Calendar("""
            BEGIN:VEVENT
            UID:dauer@test
            DTSTART;TZID=Europe/Berlin:20261205T100000
            DURATION:PT90M
            SUMMARY:Führung
            END:VEVENT
            BEGIN:VEVENT
            UID:offen@test
            DTSTART;TZID=Europe/Berlin:20261206T140000
            SUMMARY:Offenes Singen
            END:VEVENT
            """);

        var documents = EventCalendarReader.Read(text, FeedUrl, new DateTimeOffset(2026, 12, 1, 0, 0, 0, Cet), HalfYear);

        Assert.Equal(new DateTimeOffset(2026, 12, 5, 11, 30, 0, Cet), documents[0].ExpiresAt);
        Assert.Equal("Samstag, 5. Dezember 2026, 10:00–11:30 Uhr", ((ParagraphBlock)documents[0].Blocks[0]).Text);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 0, 0, 0, Cet), documents[1].ExpiresAt);
        Assert.Equal("Sonntag, 6. Dezember 2026, 14:00 Uhr", ((ParagraphBlock)documents[1].Blocks[0]).Text);
        Assert.Null(documents[1].LastModified);
    }

    [Fact]
    public void Overrides_exception_dates_and_extra_dates_change_the_occurrences_of_one_document()
    {
        var text = Calendar("""
            BEGIN:VEVENT
            UID:sprechstunde@test
            DTSTAMP:20261101T000000Z
            LAST-MODIFIED:20261115T093000Z
            DTSTART;TZID=Europe/Berlin:20261207T160000
            DTEND;TZID=Europe/Berlin:20261207T180000
            RRULE:FREQ=WEEKLY;COUNT=4
            EXDATE;TZID=Europe/Berlin:20261221T160000
            RDATE;TZID=Europe/Berlin:20261230T160000
            SUMMARY:Bürgersprechstunde
            END:VEVENT
            BEGIN:VEVENT
            UID:sprechstunde@test
            RECURRENCE-ID;TZID=Europe/Berlin:20261214T160000
            DTSTART;TZID=Europe/Berlin:20261215T170000
            DTEND;TZID=Europe/Berlin:20261215T190000
            SUMMARY:Bürgersprechstunde (verschoben)
            END:VEVENT
            BEGIN:VEVENT
            UID:sprechstunde@test
            RECURRENCE-ID;TZID=Europe/Berlin:20261228T160000
            DTSTART;TZID=Europe/Berlin:20261228T160000
            DTEND;TZID=Europe/Berlin:20261228T180000
            SUMMARY:Bürgersprechstunde
            STATUS:CANCELLED
            END:VEVENT
            """);

        var document = Assert.Single(EventCalendarReader.Read(text, FeedUrl, new DateTimeOffset(2026, 12, 1, 0, 0, 0, Cet), HalfYear));

        Assert.Equal("Bürgersprechstunde", document.Title);
        Assert.Equal(new DateTimeOffset(2026, 11, 15, 9, 30, 0, TimeSpan.Zero), document.LastModified);
        Assert.Equal(
            ["Montag, 7. Dezember 2026, 16:00–18:00 Uhr", "Dienstag, 15. Dezember 2026, 17:00–19:00 Uhr", "Mittwoch, 30. Dezember 2026, 16:00–18:00 Uhr"],
            ((ListBlock)document.Blocks[^1]).Items);
        Assert.StartsWith("Nächster Termin: Montag, 7. Dezember 2026, 16:00–18:00 Uhr", ((ParagraphBlock)document.Blocks[0]).Text, StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2026, 12, 30, 18, 0, 0, Cet), document.ExpiresAt);
    }

    [Fact]
    public void A_uid_reused_for_every_date_of_a_series_gives_one_event_with_all_dates()
    {
        var text = Calendar("""
            BEGIN:VEVENT
            UID:restmuell-nord@test
            DTSTART;VALUE=DATE:20261204
            SUMMARY:Restmüll Nordstadt
            END:VEVENT
            BEGIN:VEVENT
            UID:restmuell-nord@test
            DTSTART;VALUE=DATE:20261218
            SUMMARY:Restmüll Nordstadt
            END:VEVENT
            BEGIN:VEVENT
            UID:restmuell-nord@test
            DTSTART;VALUE=DATE:20261218
            SUMMARY:Restmüll Nordstadt
            END:VEVENT
            BEGIN:VEVENT
            UID:fest@test
            SEQUENCE:0
            DTSTART;TZID=Europe/Berlin:20261205T100000
            SUMMARY:Fest (alt)
            END:VEVENT
            BEGIN:VEVENT
            UID:fest@test
            SEQUENCE:1
            DTSTART;TZID=Europe/Berlin:20261206T100000
            SUMMARY:Fest
            END:VEVENT
            """);

        var documents = EventCalendarReader.Read(text, FeedUrl, new DateTimeOffset(2026, 12, 1, 0, 0, 0, Cet), HalfYear);

        Assert.Equal(2, documents.Count);
        Assert.Equal(["Freitag, 4. Dezember 2026, ganztägig", "Freitag, 18. Dezember 2026, ganztägig"], ((ListBlock)documents[0].Blocks[^1]).Items);
        Assert.Equal(new DateTimeOffset(2026, 12, 19, 0, 0, 0, Cet), documents[0].ExpiresAt);
        Assert.Equal("Fest", documents[1].Title);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 10, 0, 0, Cet), documents[1].ValidFrom);
    }

    [Fact]
    public void Events_without_uid_get_a_stable_identity()
    {
        var text = Calendar("""
            BEGIN:VEVENT
            DTSTART;TZID=Europe/Berlin:20261205T100000
            SUMMARY:Flohmarkt
            END:VEVENT
            """);
        var now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, Cet);

        var first = Assert.Single(EventCalendarReader.Read(text, FeedUrl, now, HalfYear));
        var second = Assert.Single(EventCalendarReader.Read(text, FeedUrl, now, HalfYear));

        Assert.Matches("^[0-9a-f]{12}$", first.SubKey);
        Assert.Equal(first.SubKey, second.SubKey);
        Assert.Equal($"{FeedUrl}#{first.SubKey}", first.Url);
        Assert.Null(first.LastModified);
    }

    [Fact]
    public void Unknown_time_zone_names_are_read_as_berlin_time()
    {
        var text = Calendar("""
            BEGIN:VEVENT
            UID:outlook@test
            DTSTART;TZID="(UTC+01:00) Amsterdam, Berlin, Bern, Rom, Stockholm, Wien":20261205T100000
            DTEND;TZID="(UTC+01:00) Amsterdam, Berlin, Bern, Rom, Stockholm, Wien":20261205T110000
            SUMMARY:Sitzung Bauausschuss
            END:VEVENT
            """);

        var document = Assert.Single(EventCalendarReader.Read(text, FeedUrl, new DateTimeOffset(2026, 12, 1, 0, 0, 0, Cet), HalfYear));

        Assert.Equal(new DateTimeOffset(2026, 12, 5, 10, 0, 0, Cet), document.ValidFrom);
        Assert.Equal("Samstag, 5. Dezember 2026, 10:00–11:00 Uhr", ((ParagraphBlock)document.Blocks[0]).Text);
    }

    [Fact]
    public void An_invalid_event_is_skipped_and_the_others_are_read()
    {
        var text = Calendar("""
            BEGIN:VEVENT
            UID:kaputt@test
            DTSTART:nicht-ein-datum
            SUMMARY:Kaputt
            END:VEVENT
            BEGIN:VEVENT
            UID:ok@test
            DTSTART;TZID=Europe/Berlin:20261205T100000
            DTEND;TZID=Europe/Berlin:20261205T110000
            SUMMARY:In Ordnung
            END:VEVENT
            """);

        var document = Assert.Single(EventCalendarReader.Read(text, FeedUrl, new DateTimeOffset(2026, 12, 1, 0, 0, 0, Cet), HalfYear));

        Assert.Equal("ok@test", document.SubKey);
    }

    [Theory]
    [InlineData("Das ist kein Kalender.")]
    [InlineData("")]
    [InlineData("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:offen\r\n")]
    public void Garbage_is_an_error(string text)
    {
        var error = Assert.Throws<DocumentReadException>(() => EventCalendarReader.Read(text, FeedUrl, DateTimeOffset.UnixEpoch, HalfYear));

        Assert.StartsWith("The calendar could not be read: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abfall_birkenfeld_enzkreis_alle.ics", 101)]
    [InlineData("abfall_birkenfeld_enzkreis_recyclinghof.ics", 53)]
    public void Real_waste_collection_feeds_are_read(string file, int events)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.SharedData, "real", "ical", file));

        var documents = EventCalendarReader.Read(text, "https://www.birkenfeld-enzkreis.de/abfallkalender.ics", new DateTimeOffset(2026, 8, 1, 0, 0, 0, Cest), HalfYear);

        Assert.Equal(events, documents.Count);
        Assert.All(documents, d =>
        {
            Assert.Equal(DocumentKind.Event, d.Kind);
            Assert.Equal("https://www.birkenfeld-enzkreis.de/abfallkalender/", d.Url);
            Assert.Equal(["Abfallentsorgung"], d.Keywords);
            Assert.EndsWith(", ganztägig", ((ParagraphBlock)d.Blocks[0]).Text, StringComparison.Ordinal);
            Assert.InRange((d.ExpiresAt - d.ValidFrom)!.Value, TimeSpan.FromHours(23), TimeSpan.FromHours(25)); // one day in Berlin
        });

        var first = documents.MinBy(d => d.ValidFrom)!;
        Assert.Equal(new DateTimeOffset(2026, 8, 22, 0, 0, 0, Cest), first.ValidFrom);
        Assert.Contains(first.Blocks, b => b is ParagraphBlock { Text: "Abfuhrart: Recyclinghof" });

        // Half a year later only the December dates are left.
        var later = EventCalendarReader.Read(text, "https://x.example/a.ics", new DateTimeOffset(2026, 12, 1, 0, 0, 0, Cet), HalfYear);
        Assert.All(later, d => Assert.True(d.ValidFrom >= new DateTimeOffset(2026, 12, 1, 0, 0, 0, Cet)));
        Assert.InRange(later.Count, 1, events - 1);
    }
}
