using System.Text.Json;
using Stadtdialog.Handover;
using Xunit;

namespace Stadtdialog.Core.Tests.Handover;

public sealed class OfficeHoursTests
{
    private static readonly TimeSpan Winter = TimeSpan.FromHours(1);
    private static readonly TimeSpan Summer = TimeSpan.FromHours(2);

    /// <summary>Mo–Fr 8–12, Tue and Thu also 14–18, Thuringia's holidays.</summary>
    private static OfficeHours Rathaus(params DateOnly[] closed) => new()
    {
        Weekly =
        [
            new() { Days = ["Mon", "Tue", "Wed", "Thu", "Fri"], From = "08:00", To = "12:00" },
            new() { Days = ["Tue", "Thu"], From = "14:00", To = "18:00" },
        ],
        Holidays = closed,
        PublicHolidays = "TH",
    };

    private static DateTimeOffset At(int year, int month, int day, int hour, int minute, TimeSpan offset) =>
        new(year, month, day, hour, minute, 0, offset);

    [Theory]
    [InlineData(2026, 4, 5)]
    [InlineData(2027, 3, 28)]
    [InlineData(2028, 4, 16)]
    [InlineData(2019, 4, 21)]
    [InlineData(2038, 4, 25)]
    public void Easter_sunday_follows_the_gregorian_computus(int year, int month, int day) =>
        Assert.Equal(new DateOnly(year, month, day), GermanPublicHolidays.EasterSunday(year));

    [Fact]
    public void Thuringia_2026_has_weltkindertag_and_reformationstag_but_no_fronleichnam()
    {
        var holidays = GermanPublicHolidays.For(2026, "TH");

        Assert.Equal("Weltkindertag", holidays[new DateOnly(2026, 9, 20)]);
        Assert.Equal("Reformationstag", holidays[new DateOnly(2026, 10, 31)]);
        Assert.Equal("Karfreitag", holidays[new DateOnly(2026, 4, 3)]);
        Assert.Equal("Ostermontag", holidays[new DateOnly(2026, 4, 6)]);
        Assert.Equal("Christi Himmelfahrt", holidays[new DateOnly(2026, 5, 14)]);
        Assert.Equal("Pfingstmontag", holidays[new DateOnly(2026, 5, 25)]);
        Assert.False(holidays.ContainsKey(new DateOnly(2026, 6, 4)));
        Assert.Equal(11, holidays.Count);
    }

    [Fact]
    public void Schleswig_holstein_2026_has_reformationstag_but_no_fronleichnam_and_no_weltkindertag()
    {
        var hours = new OfficeHours { PublicHolidays = "SH" };

        Assert.Null(hours.HolidayName(new DateOnly(2026, 6, 4)));
        Assert.Null(hours.HolidayName(new DateOnly(2026, 9, 20)));
        Assert.Equal("Reformationstag", hours.HolidayName(new DateOnly(2026, 10, 31)));
        Assert.Equal("Tag der Deutschen Einheit", hours.HolidayName(new DateOnly(2026, 10, 3)));
        Assert.Equal(10, GermanPublicHolidays.For(2026, "SH").Count);
    }

    [Fact]
    public void State_holidays_are_only_in_their_states()
    {
        Assert.Equal("Fronleichnam", GermanPublicHolidays.For(2026, "BY")[new DateOnly(2026, 6, 4)]);
        Assert.Equal("Allerheiligen", GermanPublicHolidays.For(2026, "NW")[new DateOnly(2026, 11, 1)]);
        Assert.Equal("Buß- und Bettag", GermanPublicHolidays.For(2026, "SN")[new DateOnly(2026, 11, 18)]);
        Assert.Equal("Ostersonntag", GermanPublicHolidays.For(2026, "BB")[new DateOnly(2026, 4, 5)]);
        Assert.Equal("Pfingstsonntag", GermanPublicHolidays.For(2026, "BB")[new DateOnly(2026, 5, 24)]);
        Assert.Equal("Mariä Himmelfahrt", GermanPublicHolidays.For(2026, "SL")[new DateOnly(2026, 8, 15)]);
        Assert.Equal("Internationaler Frauentag", GermanPublicHolidays.For(2026, "BE")[new DateOnly(2026, 3, 8)]);
        Assert.Equal("Heilige Drei Könige", GermanPublicHolidays.For(2026, "ST")[new DateOnly(2026, 1, 6)]);

        var nationwide = GermanPublicHolidays.For(2026, "DE");
        Assert.Equal(9, nationwide.Count);
        Assert.False(nationwide.ContainsKey(new DateOnly(2026, 10, 31)));
        Assert.False(nationwide.ContainsKey(new DateOnly(2026, 11, 18)));
    }

    [Fact]
    public void Open_on_a_monday_morning_and_closed_at_lunch_on_saturday_and_at_christmas()
    {
        var hours = Rathaus();

        Assert.True(hours.IsOpen(At(2026, 3, 2, 10, 0, Winter)));
        Assert.True(hours.IsOpen(At(2026, 3, 2, 9, 0, TimeSpan.Zero)));       // 10:00 in Berlin, given in UTC
        Assert.False(hours.IsOpen(At(2026, 3, 2, 12, 30, Winter)));
        Assert.False(hours.IsOpen(At(2026, 3, 2, 12, 0, Winter)));            // the end is exclusive
        Assert.True(hours.IsOpen(At(2026, 3, 3, 15, 0, Winter)));             // Tuesday afternoon
        Assert.False(hours.IsOpen(At(2026, 3, 2, 15, 0, Winter)));            // but not Monday afternoon
        Assert.False(hours.IsOpen(At(2026, 3, 7, 10, 0, Winter)));            // Saturday
        Assert.False(hours.IsOpen(At(2026, 12, 25, 10, 0, Winter)));          // 1. Weihnachtstag, a Friday
        Assert.False(hours.IsOpen(At(2026, 4, 3, 10, 0, Summer)));            // Karfreitag
    }

    [Fact]
    public void Utc_offsets_are_right_on_the_monday_after_the_spring_dst_switch()
    {
        var hours = Rathaus();

        // 2026-03-29 clocks go forward: on Monday 30 March, 08:00 in Berlin is 06:00 UTC.
        Assert.False(hours.IsOpen(At(2026, 3, 30, 5, 59, TimeSpan.Zero)));
        Assert.True(hours.IsOpen(At(2026, 3, 30, 6, 0, TimeSpan.Zero)));
        Assert.Equal(
            At(2026, 3, 30, 8, 0, Summer),
            hours.NextOpening(At(2026, 3, 27, 17, 0, Winter)));
        Assert.Equal(Summer, hours.NextOpening(At(2026, 3, 27, 17, 0, Winter))!.Value.Offset);
    }

    [Fact]
    public void Utc_offsets_are_right_on_the_monday_after_the_autumn_dst_switch()
    {
        var hours = Rathaus();

        // 2026-10-25 clocks go back: on Monday 26 October, 08:00 in Berlin is 07:00 UTC.
        Assert.False(hours.IsOpen(At(2026, 10, 26, 6, 59, TimeSpan.Zero)));
        Assert.True(hours.IsOpen(At(2026, 10, 26, 7, 0, TimeSpan.Zero)));
        var next = hours.NextOpening(At(2026, 10, 23, 17, 0, Summer));
        Assert.Equal(At(2026, 10, 26, 8, 0, Winter), next);
        Assert.Equal(Winter, next!.Value.Offset);
    }

    [Fact]
    public void Next_opening_from_friday_evening_is_monday_at_eight_local_time()
    {
        var next = Rathaus().NextOpening(At(2026, 3, 6, 17, 0, Winter));

        Assert.Equal(At(2026, 3, 9, 8, 0, Winter), next);
    }

    [Fact]
    public void Next_opening_skips_christmas_eve_and_the_christmas_holidays()
    {
        var hours = Rathaus(new DateOnly(2026, 12, 24));

        Assert.Equal("Schließtag", hours.HolidayName(new DateOnly(2026, 12, 24)));
        Assert.Equal("1. Weihnachtstag", hours.HolidayName(new DateOnly(2026, 12, 25)));
        Assert.Equal("2. Weihnachtstag", hours.HolidayName(new DateOnly(2026, 12, 26)));
        Assert.Equal(At(2026, 12, 28, 8, 0, Winter), hours.NextOpening(At(2026, 12, 23, 19, 0, Winter)));
    }

    [Fact]
    public void Next_opening_within_a_day_and_while_open()
    {
        var hours = Rathaus();

        Assert.Equal(At(2026, 3, 3, 14, 0, Winter), hours.NextOpening(At(2026, 3, 3, 12, 30, Winter)));
        Assert.Equal(At(2026, 3, 4, 8, 0, Winter), hours.NextOpening(At(2026, 3, 3, 18, 0, Winter)));
        Assert.Equal(At(2026, 3, 2, 10, 0, Winter), hours.NextOpening(At(2026, 3, 2, 10, 0, Winter)));
    }

    [Fact]
    public void Closed_periods_close_and_no_opening_within_sixty_days_gives_null()
    {
        var hours = Rathaus() with
        {
            ClosedPeriods = [new() { From = new DateOnly(2026, 7, 1), To = new DateOnly(2026, 8, 31), Name = "Sommerpause" }],
        };

        Assert.Equal("Sommerpause", hours.HolidayName(new DateOnly(2026, 8, 3)));
        Assert.False(hours.IsOpen(At(2026, 8, 3, 10, 0, Summer)));
        Assert.Null(hours.NextOpening(At(2026, 6, 30, 18, 0, Summer)));
        Assert.Equal(At(2026, 9, 1, 8, 0, Summer), hours.NextOpening(At(2026, 7, 15, 10, 0, Summer)));
        Assert.Null(new OfficeHours().NextOpening(At(2026, 3, 2, 10, 0, Winter)));
    }

    [Fact]
    public void Describe_groups_days_and_times_in_german()
    {
        Assert.Equal("Mo–Fr 8–12 Uhr, Di und Do 14–18 Uhr", Rathaus().Describe());

        var split = new OfficeHours
        {
            Weekly =
            [
                new() { Days = ["Mon", "Wed", "Fri"], From = "08:30", To = "12:00" },
                new() { Days = ["Fri", "Mon", "Wed"], From = "13:00", To = "15:30" },
                new() { Days = ["Mon", "Tue", "Wed", "Sat"], From = "07:00", To = "09:00" },
            ],
        };
        Assert.Equal("Mo, Mi und Fr 8:30–12 und 13–15:30 Uhr, Mo–Mi und Sa 7–9 Uhr", split.Describe());
        Assert.Equal("keine festen Öffnungszeiten", new OfficeHours().Describe());
    }

    [Fact]
    public void Validate_accepts_a_good_configuration_and_names_each_problem()
    {
        Assert.Empty(Rathaus().Validate());

        var bad = new OfficeHours
        {
            TimeZone = "Mars/Olympus_Mons",
            PublicHolidays = "XX",
            Weekly =
            [
                new() { Days = ["Mon", "Funday"], From = "25:00", To = "12:00" },
                new() { Days = ["Tue"], From = "14:00", To = "09:00" },
                new() { Days = [], From = "08:00", To = "8 Uhr" },
            ],
            ClosedPeriods = [new() { From = new DateOnly(2026, 8, 31), To = new DateOnly(2026, 7, 1), Name = "Sommerpause" }],
        };
        var problems = bad.Validate().ToList();

        Assert.Contains(problems, p => p.Contains("Zeitzone „Mars/Olympus_Mons“", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Bundesland „XX“", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Öffnungszeit 1: unbekannter Wochentag „Funday“", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Öffnungszeit 1: ungültige Anfangszeit „25:00“", StringComparison.Ordinal));
        Assert.Contains("Öffnungszeit 2: Beginn 14:00 liegt nicht vor dem Ende 09:00.", problems);
        Assert.Contains("Öffnungszeit 3: keine Wochentage angegeben.", problems);
        Assert.Contains(problems, p => p.StartsWith("Öffnungszeit 3: ungültige Endzeit „8 Uhr“", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Schließzeit „Sommerpause“", StringComparison.Ordinal));
        Assert.Equal(8, problems.Count);
    }

    [Fact]
    public void Round_trips_through_json_with_web_defaults()
    {
        const string json = """
            {
              "timeZone": "Europe/Berlin",
              "weekly": [
                { "days": ["Mon","Tue","Wed","Thu","Fri"], "from": "08:00", "to": "12:00" },
                { "days": ["Tue","Thu"], "from": "14:00", "to": "18:00" }
              ],
              "holidays": ["2026-12-24"],
              "closedPeriods": [ { "from": "2026-12-28", "to": "2026-12-31", "name": "Betriebsferien" } ],
              "publicHolidays": "TH"
            }
            """;
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);

        var hours = JsonSerializer.Deserialize<OfficeHours>(json, web)!;
        var again = JsonSerializer.Deserialize<OfficeHours>(JsonSerializer.Serialize(hours, web), web)!;

        Assert.Equal("Mo–Fr 8–12 Uhr, Di und Do 14–18 Uhr", again.Describe());
        Assert.Equal("Schließtag", again.HolidayName(new DateOnly(2026, 12, 24)));
        Assert.Equal("Betriebsferien", again.HolidayName(new DateOnly(2026, 12, 29)));
        Assert.Equal("Weltkindertag", again.HolidayName(new DateOnly(2026, 9, 20)));
        Assert.Equal(At(2027, 1, 4, 8, 0, Winter), again.NextOpening(At(2026, 12, 23, 19, 0, Winter)));
        Assert.Contains("\"weekly\":[{\"days\":[\"Mon\"", JsonSerializer.Serialize(hours, web), StringComparison.Ordinal);
    }
}
