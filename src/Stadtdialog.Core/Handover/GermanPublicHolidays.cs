namespace Stadtdialog.Handover;

/// <summary>
/// German public holidays, nationwide and per federal state (state-wide holidays only: holidays of single
/// municipalities, such as Fronleichnam in parts of Saxony and Thuringia or the Augsburger Friedensfest, are left out).
/// </summary>
public static class GermanPublicHolidays
{
    /// <summary>Code for "nationwide holidays only".</summary>
    public const string Nationwide = "DE";

    /// <summary>The accepted codes: <c>DE</c> and the 16 states' ISO 3166-2 suffixes.</summary>
    public static IReadOnlyList<string> Codes { get; } =
        [Nationwide, "BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH"];

    public static bool IsKnown(string? code) =>
        code is not null && Codes.Contains(code.Trim(), StringComparer.OrdinalIgnoreCase);

    /// <summary>Easter Sunday of a Gregorian year (anonymous Gregorian algorithm by Gauss, Meeus/Jones/Butcher).</summary>
    public static DateOnly EasterSunday(int year)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1583);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9999);
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }

    /// <summary>The public holidays of a year in a state (or <c>DE</c>), by date, with their German names.</summary>
    public static IReadOnlyDictionary<DateOnly, string> For(int year, string code)
    {
        if (!IsKnown(code))
        {
            throw new ArgumentException($"Unknown German state code '{code}'.", nameof(code));
        }

        var state = code.Trim().ToUpperInvariant();
        bool In(params string[] states) => states.Contains(state, StringComparer.Ordinal);

        var easter = EasterSunday(year);
        var days = new SortedDictionary<DateOnly, string>
        {
            [new DateOnly(year, 1, 1)] = "Neujahr",
            [easter.AddDays(-2)] = "Karfreitag",
            [easter.AddDays(1)] = "Ostermontag",
            [new DateOnly(year, 5, 1)] = "Tag der Arbeit",
            [easter.AddDays(39)] = "Christi Himmelfahrt",
            [easter.AddDays(50)] = "Pfingstmontag",
            [new DateOnly(year, 10, 3)] = "Tag der Deutschen Einheit",
            [new DateOnly(year, 12, 25)] = "1. Weihnachtstag",
            [new DateOnly(year, 12, 26)] = "2. Weihnachtstag",
        };

        void Add(DateOnly day, string name) => days.TryAdd(day, name);

        if (In("BW", "BY", "ST"))
        {
            Add(new DateOnly(year, 1, 6), "Heilige Drei Könige");
        }

        if ((In("BE") && year >= 2019) || (In("MV") && year >= 2023))
        {
            Add(new DateOnly(year, 3, 8), "Internationaler Frauentag");
        }

        if (In("BB"))
        {
            Add(easter, "Ostersonntag");
            Add(easter.AddDays(49), "Pfingstsonntag");
        }

        if (In("BW", "BY", "HE", "NW", "RP", "SL"))
        {
            Add(easter.AddDays(60), "Fronleichnam");
        }

        if (In("SL"))
        {
            Add(new DateOnly(year, 8, 15), "Mariä Himmelfahrt");
        }

        if (In("TH") && year >= 2019)
        {
            Add(new DateOnly(year, 9, 20), "Weltkindertag");
        }

        // Reformationstag: always in the eastern states, since 2018 in the northern ones, nationwide in 2017.
        if (In("BB", "MV", "SN", "ST", "TH") || (In("HB", "HH", "NI", "SH") && year >= 2018) || year == 2017)
        {
            Add(new DateOnly(year, 10, 31), "Reformationstag");
        }

        if (In("BW", "BY", "NW", "RP", "SL"))
        {
            Add(new DateOnly(year, 11, 1), "Allerheiligen");
        }

        if (In("SN"))
        {
            // The Wednesday before 23 November.
            var day = new DateOnly(year, 11, 22);
            while (day.DayOfWeek != DayOfWeek.Wednesday)
            {
                day = day.AddDays(-1);
            }

            Add(day, "Buß- und Bettag");
        }

        return days;
    }
}
