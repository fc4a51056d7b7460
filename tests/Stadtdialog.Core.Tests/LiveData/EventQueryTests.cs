using System.Globalization;
using Stadtdialog.LiveData;
using Stadtdialog.LiveData.Events;
using Xunit;

namespace Stadtdialog.Tests.LiveData;

/// <summary><see cref="EventQuery"/>: time phrases, topics and topic matching.</summary>
public sealed class EventQueryTests
{
    private static readonly DateOnly Monday = new(2026, 11, 23);
    private static readonly DateOnly Saturday = new(2026, 11, 28);
    private static readonly DateOnly Sunday = new(2026, 11, 29);

    private static DateOnly D(string date) => DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("Was ist heute los?", "2026-11-23", "2026-11-23", "heute (Mo., 23.11.2026)")]
    [InlineData("Was ist heute Abend los?", "2026-11-23", "2026-11-23", "heute Abend (Mo., 23.11.2026)")]
    [InlineData("Was gibt es morgen?", "2026-11-24", "2026-11-24", "morgen (Di., 24.11.2026)")]
    [InlineData("Und übermorgen?", "2026-11-25", "2026-11-25", "übermorgen (Mi., 25.11.2026)")]
    [InlineData("Was ist am Wochenende los?", "2026-11-28", "2026-11-29", "am Wochenende (28.–29.11.2026)")]
    [InlineData("was geht dieses wochenende", "2026-11-28", "2026-11-29", "am Wochenende (28.–29.11.2026)")]
    [InlineData("Was ist los am WOCHENENDE?!", "2026-11-28", "2026-11-29", "am Wochenende (28.–29.11.2026)")]
    [InlineData("Und nächstes Wochenende?", "2026-12-05", "2026-12-06", "nächstes Wochenende (5.–6.12.2026)")]
    [InlineData("Was ist kommendes Wochenende los?", "2026-12-05", "2026-12-06", "nächstes Wochenende (5.–6.12.2026)")]
    [InlineData("Was läuft diese Woche?", "2026-11-23", "2026-11-29", "diese Woche (23.–29.11.2026)")]
    [InlineData("Termine nächste Woche", "2026-11-30", "2026-12-06", "nächste Woche (30.11.–6.12.2026)")]
    [InlineData("Was ist in der kommenden Woche geplant?", "2026-11-30", "2026-12-06", "nächste Woche (30.11.–6.12.2026)")]
    [InlineData("Was ist am Samstag los?", "2026-11-28", "2026-11-28", "am Samstag (28.11.2026)")]
    [InlineData("Gibt es diesen Samstag etwas?", "2026-11-28", "2026-11-28", "am Samstag (28.11.2026)")]
    [InlineData("Was ist am Montag los?", "2026-11-23", "2026-11-23", "am Montag (23.11.2026)")]
    [InlineData("Was ist nächsten Montag los?", "2026-11-30", "2026-11-30", "nächsten Montag (30.11.2026)")]
    [InlineData("Was ist nächsten Samstag los?", "2026-11-28", "2026-11-28", "nächsten Samstag (28.11.2026)")]
    [InlineData("Was ist in den nächsten 3 Tagen los?", "2026-11-23", "2026-11-25", "in den nächsten 3 Tagen")]
    [InlineData("Veranstaltungen die nächsten zehn Tage", "2026-11-23", "2026-12-02", "in den nächsten 10 Tagen")]
    [InlineData("Was gibt es in den nächsten zwei Wochen?", "2026-11-23", "2026-12-06", "in den nächsten 2 Wochen")]
    [InlineData("Was ist im Dezember los?", "2026-12-01", "2026-12-31", "im Dezember (1.–31.12.2026)")]
    [InlineData("Was ist im Januar los?", "2027-01-01", "2027-01-31", "im Januar (1.–31.1.2027)")]
    [InlineData("Was ist im November noch los?", "2026-11-23", "2026-11-30", "im November (23.–30.11.2026)")]
    [InlineData("Was ist am 24.12. los?", "2026-12-24", "2026-12-24", "am Do., 24.12.2026")]
    [InlineData("Termine 24.12.2026", "2026-12-24", "2026-12-24", "am Do., 24.12.2026")]
    [InlineData("Was ist am 1.1. los?", "2027-01-01", "2027-01-01", "am Fr., 1.1.2027")]
    [InlineData("Was ist am 6. Dezember los?", "2026-12-06", "2026-12-06", "am So., 6.12.2026")]
    [InlineData("Was ist vom 1. bis 5. Dezember los?", "2026-12-01", "2026-12-05", "vom 1.–5.12.2026")]
    [InlineData("Veranstaltungen vom 28.12. bis 3.1.", "2026-12-28", "2027-01-03", "vom 28.12.2026–3.1.2027")]
    [InlineData("Was ist bis Freitag los?", "2026-11-23", "2026-11-27", "bis Fr., 27.11.2026")]
    [InlineData("Was ist bis zum 2.12. los?", "2026-11-23", "2026-12-02", "bis Mi., 2.12.2026")]
    [InlineData("What's on today?", "2026-11-23", "2026-11-23", "heute (Mo., 23.11.2026)")]
    [InlineData("events tomorrow", "2026-11-24", "2026-11-24", "morgen (Di., 24.11.2026)")]
    [InlineData("What's on this weekend?", "2026-11-28", "2026-11-29", "am Wochenende (28.–29.11.2026)")]
    [InlineData("Events next week", "2026-11-30", "2026-12-06", "nächste Woche (30.11.–6.12.2026)")]
    public void Time_phrases_on_a_monday(string question, string from, string to, string label)
    {
        var request = EventQuery.Parse(question, Monday, 7);

        Assert.Equal((D(from), D(to), label, true), (request.From, request.To, request.RangeLabel, request.RangeFromQuestion));
    }

    [Theory]
    [InlineData("Was ist am Wochenende los?", "2026-11-29", "2026-11-29", "am Wochenende (29.11.2026)")]
    [InlineData("Was ist nächstes Wochenende los?", "2026-12-05", "2026-12-06", "nächstes Wochenende (5.–6.12.2026)")]
    [InlineData("Was ist diese Woche los?", "2026-11-29", "2026-11-29", "diese Woche (29.11.2026)")]
    [InlineData("Was ist nächste Woche los?", "2026-11-30", "2026-12-06", "nächste Woche (30.11.–6.12.2026)")]
    [InlineData("Was ist am Sonntag los?", "2026-11-29", "2026-11-29", "am Sonntag (29.11.2026)")]
    [InlineData("Was ist nächsten Sonntag los?", "2026-12-06", "2026-12-06", "nächsten Sonntag (6.12.2026)")]
    [InlineData("Was ist heute los?", "2026-11-29", "2026-11-29", "heute (So., 29.11.2026)")]
    [InlineData("Was ist morgen los?", "2026-11-30", "2026-11-30", "morgen (Mo., 30.11.2026)")]
    public void Time_phrases_on_a_sunday(string question, string from, string to, string label)
    {
        var request = EventQuery.Parse(question, Sunday, 7);

        Assert.Equal((D(from), D(to), label, true), (request.From, request.To, request.RangeLabel, request.RangeFromQuestion));
    }

    [Fact]
    public void Weekend_on_a_saturday_is_today_and_tomorrow()
    {
        Assert.Equal((Saturday, Sunday), Range(EventQuery.Parse("Was ist am Wochenende los?", Saturday, 7)));
        Assert.Equal((D("2026-12-05"), D("2026-12-06")), Range(EventQuery.Parse("Was ist nächstes Wochenende los?", Saturday, 7)));
    }

    [Fact]
    public void Without_a_time_phrase_the_default_range_applies()
    {
        var request = EventQuery.Parse("Welche Konzerte gibt es?", Monday, 7);

        Assert.Equal(new EventRequest(Monday, D("2026-11-29"), "Konzerte", "in den nächsten 7 Tagen", false), request);
        Assert.Equal("heute (Mo., 23.11.2026)", EventQuery.Parse("Konzerte?", Monday, 1).RangeLabel);
    }

    [Fact]
    public void Topic_and_range_together()
    {
        var request = EventQuery.Parse("Welche Veranstaltungen für Kinder gibt es nächste Woche?", Monday, 7);

        Assert.Equal(new EventRequest(D("2026-11-30"), D("2026-12-06"), "Kinder", "nächste Woche (30.11.–6.12.2026)", true), request);
    }

    [Theory]
    [InlineData("Was ist am Wochenende los?", null)]
    [InlineData("Welche Termine gibt es diese Woche?", null)]
    [InlineData("Was gibt es für Veranstaltungen am Wochenende?", null)]
    [InlineData("Was ist heute Abend los?", null)]
    [InlineData("Was gibt es für Familien am Wochenende?", "Familien")]
    [InlineData("Veranstaltungen für Senioren im Dezember", "Senioren")]
    [InlineData("Gibt es am Samstag Konzerte?", "Konzerte")]
    [InlineData("Wann ist das nächste Konzert?", "Konzert")]
    [InlineData("Wann ist der nächste Flohmarkt?", "Flohmarkt")]
    [InlineData("gibt es heute einen flohmarkt", "Flohmarkt")]
    [InlineData("Was ist für kinder los?", "Kinder")]
    [InlineData("What's on this weekend for kids?", "Kids")]
    public void Topics(string question, string? topic) => Assert.Equal(topic, EventQuery.Parse(question, Monday, 7).Topic);

    private static LiveEvent Event(string title, string? location = null, string? description = null, params string[] categories) =>
        new(title, new DateTimeOffset(2026, 11, 25, 16, 0, 0, TimeSpan.FromHours(1)), null, false, location, null, categories, description);

    public static TheoryData<string, string, bool> MatchCases => new()
    {
        { "Vorlesestunde in der Stadtbibliothek", "Kinder", false },
        { "Kindertheater: Der Räuber Hotzenplotz", "Kinder", true },
        { "Konzert im Stadtpark", "Konzerte", true },
        { "Konzerte im Stadtpark", "Konzert", true },
        { "Weihnachtskonzert des Stadtorchesters", "Konzert", true },
        { "Flohmarkt auf dem Schulhof", "Flohmarkt", true },
        { "Kinderflohmarkt", "Flohmarkt", true },
        { "Wochenmarkt auf dem Marktplatz", "Konzerte", false },
        { "Öffentliche Sitzung des Stadtrats", "Kinder", false },
        { "Repair-Café", "Flohmarkt", false },
        { "Seniorennachmittag mit Kaffee und Kuchen", "Senioren", true },
    };

    [Theory]
    [MemberData(nameof(MatchCases))]
    public void Matches_titles(string title, string topic, bool expected) => Assert.Equal(expected, EventQuery.Matches(Event(title), topic));

    [Fact]
    public void Matches_location_categories_and_description()
    {
        Assert.True(EventQuery.Matches(Event("Vorlesestunde", location: "Stadtbibliothek, Kinderbibliothek"), "Kinder"));
        Assert.True(EventQuery.Matches(Event("Adventsbasar", categories: "Familie"), "Familien"));
        Assert.True(EventQuery.Matches(Event("Adventsbasar", description: "Mit Programm für Kinder und Jugendliche."), "Kinder"));
        Assert.False(EventQuery.Matches(Event("Adventsbasar", location: "Rathaus", description: "Kunsthandwerk und Glühwein.", categories: "Markt"), "Kinder"));
        Assert.True(EventQuery.Matches(Event("Jazzkonzert"), "Flohmarkt Konzerte"));
        Assert.True(EventQuery.Matches(Event("Irgendwas"), "  "));
    }

    [Fact]
    public void Sample_calendar_filtered_for_children()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Samples, "musterstadt", "veranstaltungen", "veranstaltungen.ics"));
        var request = EventQuery.Parse("Was gibt es diese Woche für Kinder?", Monday, 7);
        var berlin = TimeSpan.FromHours(1);
        var events = ICalendarClient.Occurrences(text,
            new DateTimeOffset(request.From, TimeOnly.MinValue, berlin), new DateTimeOffset(request.To.AddDays(1), TimeOnly.MinValue, berlin));

        var titles = events.Where(e => EventQuery.Matches(e, request.Topic!)).Select(e => e.Title).Distinct().ToList();

        Assert.Equal(["Vorlesestunde für Kinder in der Stadtbibliothek", "Musterstädter Weihnachtsmarkt"], titles);
        Assert.Contains(events, e => e.Title.StartsWith("Wochenmarkt", StringComparison.Ordinal));
    }

    private static (DateOnly, DateOnly) Range(EventRequest request) => (request.From, request.To);
}
