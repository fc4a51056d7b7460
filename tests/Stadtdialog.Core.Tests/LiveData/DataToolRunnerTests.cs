using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Stadtdialog.LiveData;
using Stadtdialog.LiveData.Tools;
using Stadtdialog.Retrieval;
using Xunit;

namespace Stadtdialog.Tests.LiveData;

/// <summary>
/// <see cref="DataToolRunner"/> end to end against loopback platforms replaying the shared fixtures: NGSI-LD latest
/// values and series, iCalendar events, CKAN datasets, caching (never of failures, one request for concurrent askers),
/// and the pieces around it (<see cref="DataToolFunctions"/>, <see cref="DataToolTexts"/>, <see cref="ItemSelector"/>).
/// The SensorThings path is covered end to end by the server's LiveDataTierTests.
/// </summary>
public sealed class DataToolRunnerTests : IAsyncLifetime
{
    private const string EntitiesPath = "/ngsi-ld/v1/entities";
    private const string TemporalPath = "/ngsi-ld/v1/temporal/entities/";
    private const string Westring = "urn:ngsi-ld:AirQualityObserved:musterstadt-12";
    private const string PackageSearch = "/api/3/action/package_search";
    private const string CsvPath = "/dataset/baumkataster/baeume.csv";

    /// <summary>13:20 UTC, 14:20 in Berlin: the fixtures' values (13:00 UTC, 14:00 Uhr) are 20 minutes old.</summary>
    private static readonly DateTimeOffset Recent = new(2026, 11, 23, 13, 20, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset Version = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Recent);
    private readonly Dictionary<string, string> _entities = new(StringComparer.Ordinal);
    private LoopbackSite _site = null!;
    private MemoryCache _cache = null!;
    private DataPlatformClients _clients = null!;
    private DataToolRunner _runner = null!;
    private int _entityRequests;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string UrbanData(string file) => Path.Combine(RepositoryPaths.SharedData, "urban-data", file);

    public async ValueTask InitializeAsync()
    {
        _site = await LoopbackSite.StartAsync(cancellationToken: Token);
        _entities["AirQualityObserved"] = await File.ReadAllTextAsync(UrbanData("ngsi-ld-airqualityobserved.json"), Token);
        _entities["OffStreetParking"] = await File.ReadAllTextAsync(UrbanData("ngsi-ld-offstreetparking.json"), Token);
        ServeEntities();

        var options = Options.Create(new LiveDataOptions { AllowPrivateNetworks = true }); // the test platform is on loopback
        _cache = new MemoryCache(new MemoryCacheOptions { Clock = new CacheClock(_clock) });
        _clients = new DataPlatformClients(new EphemeralDataProtectionProvider(), new NoLocalPlatform(), options, _clock);
        _runner = new DataToolRunner(_clients, new DataToolTexts(), _cache, GermanTextAnalysis.Default, options, _clock,
            NullLogger<DataToolRunner>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        _clients.Dispose();
        _cache.Dispose();
        await _site.DisposeAsync();
    }

    /// <summary>The cache's expiry clock follows the test's clock, as the runner's own times do.</summary>
    private sealed class CacheClock(TimeProvider time) : ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }

    // ---- Builders -------------------------------------------------------------------------------------------------

    private DataConnection Connection(DataPlatformKind kind, string? path = null, int cacheSeconds = 60) => new()
    {
        Id = Guid.NewGuid(),
        TenantId = "musterstadt",
        Slug = "plattform",
        Name = "Urbane Datenplattform",
        Kind = kind,
        BaseUrl = path is null ? _site.BaseUrl.ToString() : _site.Url(path).ToString(),
        CacheSeconds = cacheSeconds,
        Retries = 0,
        TimeoutSeconds = 30,
        UpdatedAt = Version,
    };

    private static DataTool Tool(DataConnection connection, DataToolKind kind, DataToolQuery query, string template = "", params string[] keywords) => new()
    {
        Id = Guid.NewGuid(),
        TenantId = connection.TenantId,
        Slug = "werkzeug",
        Name = "Luftqualität",
        Kind = kind,
        Connection = connection,
        ConnectionId = connection.Id,
        Query = query,
        Intents = new DataToolIntents { Keywords = [.. keywords] },
        AnswerTemplate = template,
        StaleAfterMinutes = 60,
        UpdatedAt = Version,
    };

    private DataTool AirQuality(DataToolKind kind = DataToolKind.Latest, string template = "", int cacheSeconds = 60, params string[] attributes) =>
        Tool(Connection(DataPlatformKind.NgsiLd, cacheSeconds: cacheSeconds), kind, new DataToolQuery
        {
            EntityType = "AirQualityObserved",
            Attributes = attributes.Length == 0 ? ["pm10", "pm25", "no2"] : [.. attributes],
            ItemLabel = "Messstation",
        }, template, "Feinstaub", "Luftqualität");

    private DataTool Parking(string template = "", int cacheSeconds = 60)
    {
        var tool = Tool(Connection(DataPlatformKind.NgsiLd, cacheSeconds: cacheSeconds), DataToolKind.Latest, new DataToolQuery
        {
            EntityType = "OffStreetParking",
            Attributes = ["availableSpotNumber"],
            CapacityAttribute = "totalSpotNumber",
            ItemLabel = "Parkhaus",
        }, template, "Parkhaus", "freie Plätze");
        tool.Name = "Parkhausbelegung";
        return tool;
    }

    private Task<DataToolResult> Run(DataTool tool, DataToolArguments? arguments = null) =>
        _runner.RunAsync(tool, arguments ?? DataToolArguments.None, Token);

    private static string[] Lines(DataToolResult result) => result.Text.Split('\n');

    // ---- Loopback platform ----------------------------------------------------------------------------------------

    /// <summary>A broker in miniature: the fixture of the requested type, counted.</summary>
    private void ServeEntities(TimeSpan? delay = null) => _site.Map(EntitiesPath, async context =>
    {
        Interlocked.Increment(ref _entityRequests);
        if (delay is { } wait)
        {
            await Task.Delay(wait, TimeProvider.System, context.RequestAborted);
        }

        await Json(context, _entities.GetValueOrDefault(context.Request.Query["type"].ToString()) ?? "[]");
    });

    private static Task Json(HttpContext context, string json, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/ld+json";
        return context.Response.WriteAsync(json, context.RequestAborted);
    }

    private int Requests(string path) => _site.Requests.Count(r => r.Path == path);

    // ---- 1. NGSI-LD Latest: air quality -----------------------------------------------------------------------------

    [Fact]
    public async Task Air_quality_lists_every_station_and_pollutant_in_german_format_and_berlin_time()
    {
        var result = await Run(AirQuality());

        Assert.False(result.Unavailable);
        Assert.False(result.Stale);
        Assert.Equal(6, result.Values.Count);
        Assert.Equal(
            [
                "- Luftmessstation Stadtpark – PM10: 24,3 µg/m³ (Stand: 14:00 Uhr)",
                "- Luftmessstation Stadtpark – PM2.5: 14,1 µg/m³ (Stand: 14:00 Uhr)",
                "- Luftmessstation Stadtpark – NO2: 31 µg/m³ (Stand: 14:00 Uhr)",
                "- Luftmessstation Westring – PM10: 24,3 µg/m³ (Stand: 14:00 Uhr)",
                "- Luftmessstation Westring – PM2.5: 14,1 µg/m³ (Stand: 14:00 Uhr)",
                "- Luftmessstation Westring – NO2: 31 µg/m³ (Stand: 14:00 Uhr)",
            ],
            Lines(result));
        Assert.All(result.Values, v => Assert.Equal("µg/m³", v.Unit));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.Zero), result.Values[0].Time);
        Assert.Equal("/ngsi-ld/v1/entities?type=AirQualityObserved", new Uri(result.SourceUrl!).PathAndQuery);
        Assert.Equal("Luftqualität – Urbane Datenplattform", result.SourceTitle);
    }

    [Fact]
    public async Task A_question_naming_one_station_selects_only_that_station()
    {
        var result = await Run(AirQuality(), new DataToolArguments { Question = "Wie hoch ist der Feinstaub am Westring?" });

        Assert.Equal(3, result.Values.Count);
        Assert.All(result.Values, v => Assert.Equal("Luftmessstation Westring", v.Name));
        Assert.DoesNotContain("Stadtpark", result.Text, StringComparison.Ordinal);
        Assert.Equal(["PM10", "PM2.5", "NO2"], result.Values.Select(v => v.Property));
    }

    [Fact]
    public async Task An_explicit_property_selects_one_pollutant_and_a_name_one_station()
    {
        var pm10 = await Run(AirQuality(), new DataToolArguments { Property = "pm10" });
        var one = await Run(AirQuality(), new DataToolArguments { Name = "Westring", Property = "PM10", Question = "Feinstaub?" });

        Assert.Equal(["PM10", "PM10"], pm10.Values.Select(v => v.Property));
        Assert.Equal(["Luftmessstation Stadtpark", "Luftmessstation Westring"], pm10.Values.Select(v => v.Name));
        Assert.Equal("Luftmessstation Westring – PM10: 24,3 µg/m³ (Stand: 14:00 Uhr)", one.Text);
    }

    [Fact]
    public async Task An_explicit_name_that_matches_nothing_says_so_and_lists_all()
    {
        var result = await Run(AirQuality(attributes: "pm10"), new DataToolArguments { Name = "Nordpol" });

        Assert.StartsWith("Zu „Nordpol“ habe ich keine Daten gefunden. ", result.Text, StringComparison.Ordinal);
        Assert.Equal(2, result.Values.Count);
    }

    [Fact]
    public async Task Old_values_carry_a_warning()
    {
        _clock.SetUtcNow(new DateTimeOffset(2026, 11, 23, 18, 0, 0, TimeSpan.Zero));

        var result = await Run(AirQuality(attributes: "pm10"), new DataToolArguments { Name = "Westring" });

        Assert.True(result.Stale);
        Assert.Equal(
            "Luftmessstation Westring: 24,3 µg/m³ (Stand: 14:00 Uhr) Achtung: Dieser Wert ist älter als 60 Minuten und möglicherweise nicht mehr aktuell.",
            result.Text);
    }

    [Fact]
    public async Task A_value_from_another_day_shows_its_date()
    {
        _clock.SetUtcNow(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        var westring = new DataToolArguments { Name = "Westring" };

        var withTime = await Run(AirQuality(attributes: "pm10"), westring);
        var withoutTime = await Run(AirQuality(template: "{{ name }}: {{ value }} {{ unit }}", attributes: "pm10"), westring);

        Assert.StartsWith("Luftmessstation Westring: 24,3 µg/m³ (Stand: 14:00 Uhr) (am 23.11.2026) Achtung:", withTime.Text, StringComparison.Ordinal);
        Assert.StartsWith("Luftmessstation Westring: 24,3 µg/m³ (Stand: 23.11.2026, 14:00 Uhr) Achtung:", withoutTime.Text, StringComparison.Ordinal);
    }

    // ---- 2. NGSI-LD Latest: parking with capacity -------------------------------------------------------------------

    [Fact]
    public async Task Parking_renders_capacity_and_percent_in_a_custom_template()
    {
        var tool = Parking("Im {{ name }} sind {{ value }} von {{ capacity }} Plätzen frei ({{ percent }} %), Stand {{ time }} Uhr.");

        var all = await Run(tool);
        var one = await Run(tool, new DataToolArguments { Question = "Wie viele Plätze sind im Parkhaus am Bahnhof frei?" });

        Assert.Equal(
            [
                "- Im Parkhaus Am Bahnhof sind 59 von 400 Plätzen frei (15 %), Stand 14:00 Uhr.",
                "- Im Parkhaus Altstadt sind 35 von 220 Plätzen frei (16 %), Stand 14:00 Uhr.",
                "- Im Tiefgarage Marktplatz sind 32 von 150 Plätzen frei (21 %), Stand 14:00 Uhr.",
            ],
            Lines(all));
        Assert.Equal([400.0, 220.0, 150.0], all.Values.Select(v => v.Capacity!.Value));
        Assert.All(all.Values, v => Assert.Null(v.Property));
        Assert.Equal("Im Parkhaus Am Bahnhof sind 59 von 400 Plätzen frei (15 %), Stand 14:00 Uhr.", one.Text);
        Assert.EndsWith("/ngsi-ld/v1/entities/urn%3Angsi-ld%3AOffStreetParking%3Amusterstadt-1", one.SourceUrl, StringComparison.Ordinal);
    }

    // ---- 3. NGSI-LD Series ------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(StatusCodes.Status404NotFound, null)]
    [InlineData(StatusCodes.Status501NotImplemented, "https://uri.etsi.org/ngsi-ld/errors/OperationNotSupported")]
    public async Task A_broker_without_temporal_api_gives_the_current_value(int status, string? problemType)
    {
        var body = problemType is null ? "Cannot GET" : new JsonObject { ["type"] = problemType, ["title"] = "Not implemented" }.ToJsonString();
        _site.Map(TemporalPath + Westring, context => Json(context, body, status));

        var result = await Run(AirQuality(DataToolKind.Series, attributes: "pm10"), new DataToolArguments { Name = "Westring" });

        Assert.False(result.Unavailable);
        Assert.Equal(
            "Luftmessstation Westring in den letzten 24 Stunden: zwischen 24,3 und 24,3 µg/m³, zuletzt 24,3 µg/m³ (14:00 Uhr).",
            result.Text);
        var series = Assert.Single(result.Chart!.Series);
        Assert.Equal([new ChartPoint(new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.Zero), 24.3)], series.Points);
        Assert.Equal(1, Requests(TemporalPath + Westring));
    }

    [Fact]
    public async Task A_temporal_answer_becomes_a_chart_in_time_order_with_the_text_as_summary()
    {
        const string History = """
            {
              "id": "urn:ngsi-ld:AirQualityObserved:musterstadt-12",
              "type": "AirQualityObserved",
              "pm10": [
                { "type": "Property", "value": 30.0, "observedAt": "2026-11-23T12:00:00Z", "unitCode": "GQ" },
                { "type": "Property", "value": 24.3, "observedAt": "2026-11-23T13:00:00Z", "unitCode": "GQ" },
                { "type": "Property", "value": 18.04, "observedAt": "2026-11-23T10:00:00Z", "unitCode": "GQ" }
              ]
            }
            """;
        _site.Map(TemporalPath + Westring, context => Json(context, History));

        var result = await Run(AirQuality(DataToolKind.Series, attributes: "pm10"),
            new DataToolArguments { Question = "Wie war der Feinstaub am Westring?", Hours = 6 });

        Assert.Equal(
            "Luftmessstation Westring in den letzten 6 Stunden: zwischen 18 und 30 µg/m³, zuletzt 24,3 µg/m³ (14:00 Uhr).",
            result.Text);
        var chart = result.Chart!;
        Assert.Equal(result.Text, chart.Summary);
        Assert.Equal("µg/m³", chart.Unit);
        Assert.Equal("Luftqualität – letzte 6 Stunden", chart.Title);
        var series = Assert.Single(chart.Series);
        Assert.Equal("Luftmessstation Westring", series.Name);
        Assert.Equal([18.04, 30.0, 24.3], series.Points.Select(p => p.Value));
        Assert.Equal(series.Points.OrderBy(p => p.Time).ToList(), series.Points);
        var query = Assert.Single(_site.Requests, r => r.Path == TemporalPath + Westring).Query;
        Assert.Contains("timeAt=2026-11-23T07%3A20%3A00Z", query, StringComparison.Ordinal);
        Assert.Contains("endTimeAt=2026-11-23T13%3A20%3A00Z", query, StringComparison.Ordinal);
    }

    // ---- 4. Events --------------------------------------------------------------------------------------------------

    private DataTool Events()
    {
        var feed = File.ReadAllText(Path.Combine(RepositoryPaths.Samples, "musterstadt", "veranstaltungen", "veranstaltungen.ics"));
        _site.SetPage("/veranstaltungen.ics", feed, "text/calendar; charset=utf-8");
        var tool = Tool(Connection(DataPlatformKind.ICalendar, "veranstaltungen.ics"), DataToolKind.Events, new DataToolQuery { Days = 7 });
        tool.Name = "Veranstaltungen";
        return tool;
    }

    [Fact]
    public async Task Children_events_next_week_list_a_recurring_event_once()
    {
        // The clock stands on Monday, 23 November 2026.
        var result = await Run(Events(), new DataToolArguments { Question = "Welche Veranstaltungen für Kinder gibt es nächste Woche?" });

        var lines = Lines(result);
        Assert.StartsWith("Veranstaltungen zum Thema „Kinder“ nächste Woche", lines[0], StringComparison.Ordinal);
        Assert.Equal(3, lines.Length);
        Assert.Equal(
            "- Musterstädter Weihnachtsmarkt – Mo., 30.11., 11:00 Uhr, Schlossplatz, Schlossallee 1, 12345 Musterstadt (auch an 6 weiteren Tagen bis So., 06.12.)",
            lines[1]);
        Assert.StartsWith("- Vorlesestunde für Kinder in der Stadtbibliothek – ", lines[2], StringComparison.Ordinal);
        Assert.Contains("02.12., 16:00 Uhr", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain("(auch", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain("Wochenmarkt", result.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Repair", result.Text, StringComparison.Ordinal);
        Assert.Equal(8, result.Events.Count);
        Assert.All(result.Events, e => Assert.InRange(e.Start,
            new DateTimeOffset(2026, 11, 29, 23, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 6, 23, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public async Task Explicit_days_and_keyword_override_the_question()
    {
        var result = await Run(Events(), new DataToolArguments
        {
            Question = "Welche Veranstaltungen für Kinder gibt es nächste Woche?",
            From = new DateOnly(2026, 12, 5),
            To = new DateOnly(2026, 12, 5),
            Keyword = "Markt",
        });

        var lines = Lines(result);
        Assert.DoesNotContain("nächste Woche", result.Text, StringComparison.Ordinal);
        Assert.StartsWith("Veranstaltungen zum Thema „Markt“ am ", lines[0], StringComparison.Ordinal);
        Assert.Contains("05.12.2026", lines[0], StringComparison.Ordinal);
        Assert.Equal(3, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("- Wochenmarkt auf dem Marktplatz – ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("- Musterstädter Weihnachtsmarkt – ", StringComparison.Ordinal));
        Assert.DoesNotContain("(auch", result.Text, StringComparison.Ordinal);
        Assert.All(result.Events, e => Assert.Equal(new DateOnly(2026, 12, 5), DateOnly.FromDateTime(e.Start.DateTime)));
    }

    [Fact]
    public async Task An_empty_range_says_there_are_no_events()
    {
        var result = await Run(Events(), new DataToolArguments
        {
            From = new DateOnly(2027, 2, 1), To = new DateOnly(2027, 2, 2), Keyword = "Kinder",
        });

        Assert.False(result.Unavailable);
        Assert.Empty(result.Events);
        Assert.Equal("Im Veranstaltungskalender habe ich vom 01.02. bis 02.02.2027 keine Veranstaltungen zum Thema „Kinder“ gefunden.", result.Text);
    }

    // ---- 5. Dataset (CKAN) ------------------------------------------------------------------------------------------

    private DataTool Trees()
    {
        var search = File.ReadAllText(UrbanData("ckan-package_search.json"))
            .Replace("https://opendata.musterstadt.example/", _site.BaseUrl.ToString(), StringComparison.Ordinal);
        _site.SetPage(PackageSearch, search, "application/json; charset=utf-8");
        var csv = new StringBuilder("Baum-Nr;Art;Straße\n1;Linde;Hauptstraße\n2;Stieleiche;Westring\n3;Winterlinde;Parkweg\n");
        for (var i = 4; i <= 1234; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{i};Ahorn;Ringstraße\n");
        }

        _site.SetPage(CsvPath, csv.ToString(), "text/csv; charset=utf-8");
        var tool = Tool(Connection(DataPlatformKind.Ckan), DataToolKind.Dataset, new DataToolQuery { Dataset = "Bäume", LookupColumn = "Art" });
        tool.Name = "Baumkataster";
        return tool;
    }

    [Fact]
    public async Task A_dataset_count_uses_the_default_template_and_gives_its_date()
    {
        var result = await Run(Trees());

        Assert.False(result.Unavailable);
        Assert.Equal("Der Datensatz „Baumkataster Musterstadt“ enthält 1.234 Einträge. (Stand des Datensatzes: 02.10.2026)", result.Text);
        Assert.Equal(_site.Url("dataset/baumkataster").ToString(), result.SourceUrl);
        Assert.Equal(1, Requests(CsvPath));
    }

    [Fact]
    public async Task A_dataset_lookup_lists_the_rows_of_the_keyword()
    {
        var result = await Run(Trees(), new DataToolArguments { Keyword = "linde" });

        Assert.Equal(
            [
                "Im Datensatz „Baumkataster Musterstadt“ passen 2 Einträge zu „linde“:",
                "- Baum-Nr: 1, Art: Linde, Straße: Hauptstraße",
                "- Baum-Nr: 3, Art: Winterlinde, Straße: Parkweg (Stand des Datensatzes: 02.10.2026)",
            ],
            Lines(result));

        var none = await Run(Trees(), new DataToolArguments { Keyword = "Mammutbaum" });
        Assert.Equal("Im Datensatz „Baumkataster Musterstadt“ passen 0 Einträge zu „Mammutbaum“. (Stand des Datensatzes: 02.10.2026)", none.Text);
    }

    // ---- 6. Caching -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Answers_are_reused_for_the_cache_time_and_fetched_again_after_it()
    {
        var tool = Parking();

        var first = await Run(tool);
        var second = await Run(tool);
        _clock.Advance(TimeSpan.FromSeconds(30));
        var third = await Run(tool);
        _clock.Advance(TimeSpan.FromSeconds(31));
        var fourth = await Run(tool);

        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.True(third.FromCache);
        Assert.False(fourth.FromCache);
        Assert.Equal(2, _entityRequests);
        Assert.Equal(first.Text, second.Text);
    }

    [Fact]
    public async Task Without_cache_time_every_question_asks_the_platform()
    {
        var tool = Parking(cacheSeconds: 0);

        var first = await Run(tool);
        var second = await Run(tool);

        Assert.False(first.FromCache);
        Assert.False(second.FromCache);
        Assert.Equal(2, _entityRequests);
    }

    [Fact]
    public async Task A_failure_is_never_cached()
    {
        var tool = Parking();
        _site.Map(EntitiesPath, context =>
        {
            Interlocked.Increment(ref _entityRequests);
            return Json(context, """{"type":"https://uri.etsi.org/ngsi-ld/errors/InternalError","title":"Broker 42 down"}""", 500);
        });

        var failed = await Run(tool);
        ServeEntities();
        var recovered = await Run(tool);

        Assert.True(failed.Unavailable);
        Assert.Contains("gerade nicht erreichbar", failed.Text, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d", failed.Text);
        Assert.Empty(failed.Values);
        Assert.False(recovered.Unavailable);
        Assert.False(recovered.FromCache);
        Assert.Equal(3, recovered.Values.Count);
        Assert.Equal(2, _entityRequests);
    }

    [Fact]
    public async Task Concurrent_questions_on_a_cold_cache_share_one_request()
    {
        ServeEntities(TimeSpan.FromMilliseconds(100));
        var tool = Parking();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var askers = Enumerable.Range(0, 10).Select(async _ =>
        {
            await start.Task;
            return await Run(tool);
        }).ToList();

        start.SetResult(); // all ten continue at once, on the thread pool
        var results = await Task.WhenAll(askers);

        Assert.Equal(1, _entityRequests);
        Assert.All(results, r => Assert.False(r.Unavailable));
        Assert.All(results, r => Assert.Equal(results[0].Text, r.Text));
        Assert.Equal(1, results.Count(r => !r.FromCache));
    }

    [Fact]
    public async Task Without_the_operator_s_consent_an_internal_platform_is_not_contacted()
    {
        using var strictClients = new DataPlatformClients(new EphemeralDataProtectionProvider(), new NoLocalPlatform(),
            Options.Create(new LiveDataOptions()), _clock);
        var runner = new DataToolRunner(strictClients, new DataToolTexts(), _cache, GermanTextAnalysis.Default,
            Options.Create(new LiveDataOptions()), _clock, NullLogger<DataToolRunner>.Instance);
        var before = _site.Requests.Count;

        var result = await runner.RunAsync(Parking(), new DataToolArguments(), Token);

        Assert.True(result.Unavailable);
        Assert.Contains("Stadtdialog:LiveData:AllowPrivateNetworks", result.Problem, StringComparison.Ordinal);
        Assert.Equal(before, _site.Requests.Count);
    }

    [Fact]
    public async Task Two_askers_that_both_miss_the_cache_still_share_one_request()
    {
        // A cache that holds the first asker after its miss until a second one has missed too (or a while has
        // passed): the interleaving that a check-then-insert without a lock gets wrong.
        using var cache = new HoldingCache(new MemoryCache(new MemoryCacheOptions { Clock = new CacheClock(_clock) }));
        var options = Options.Create(new LiveDataOptions { AllowPrivateNetworks = true }); // the test platform is on loopback
        var runner = new DataToolRunner(_clients, new DataToolTexts(), cache, GermanTextAnalysis.Default, options, _clock,
            NullLogger<DataToolRunner>.Instance);
        var tool = Parking();

        var results = await Task.WhenAll(Task.Run(() => runner.RunAsync(tool, DataToolArguments.None, Token), Token),
            Task.Run(() => runner.RunAsync(tool, DataToolArguments.None, Token), Token));

        Assert.Equal(1, _entityRequests);
        Assert.All(results, r => Assert.Equal(3, r.Values.Count));
    }

    /// <summary>
    /// Holds each of the first two misses until both happened; at most 300 ms (a bound, not an assertion). The hold
    /// blocks on purpose: <see cref="IMemoryCache.TryGetValue"/> is synchronous, and holding a thread inside the
    /// runner's look-up is the interleaving under test (with the runner's lock the second asker cannot miss until the
    /// first has inserted, so the hold ends by its bound).
    /// </summary>
    private sealed class HoldingCache(MemoryCache inner) : IMemoryCache
    {
        private readonly CountdownEvent _misses = new(2);
        private int _missCount;

        public bool TryGetValue(object key, out object? value)
        {
            if (inner.TryGetValue(key, out value))
            {
                return true;
            }

            if (Interlocked.Increment(ref _missCount) <= 2)
            {
                _misses.Signal();
                _misses.Wait(TimeSpan.FromMilliseconds(300));
            }

            return false;
        }

        public ICacheEntry CreateEntry(object key) => inner.CreateEntry(key);

        public void Remove(object key) => inner.Remove(key);

        public void Dispose()
        {
            inner.Dispose();
            _misses.Dispose();
        }
    }

    // ---- 7. Malformed answers ---------------------------------------------------------------------------------------

    [Fact]
    public async Task Malformed_platform_json_is_an_unavailable_answer()
    {
        _site.Map(EntitiesPath, context => Json(context, "[{\"id\": \"urn:ngsi-ld:OffStreetParking:1\", \"type\": "));
        _site.SetPage(PackageSearch, "{\"success\": true, \"result\": {\"results\": [", "application/json");
        var catalogue = Tool(Connection(DataPlatformKind.Ckan), DataToolKind.Dataset, new DataToolQuery { Dataset = "Bäume" });

        var parking = await Run(Parking());
        var dataset = await Run(catalogue);

        Assert.True(parking.Unavailable);
        Assert.True(dataset.Unavailable);
        Assert.DoesNotMatch(@"\d", parking.Text);
        Assert.Contains("gerade nicht erreichbar", dataset.Text, StringComparison.Ordinal);
    }

    // ---- 8. DataToolFunctions ---------------------------------------------------------------------------------------

    private static DataTool Bare(DataToolKind kind, string? lookupColumn = null) => new()
    {
        Slug = "werkzeug",
        Name = "Werkzeug",
        Kind = kind,
        Query = new DataToolQuery { LookupColumn = lookupColumn, Hours = 12 },
    };

    private static string[] PropertyNames(JsonElement schema) =>
        [.. schema.GetProperty("properties").EnumerateObject().Select(p => p.Name)];

    [Fact]
    public void Schema_offers_the_parameters_of_each_kind()
    {
        var latest = DataToolFunctions.Schema(Bare(DataToolKind.Latest));
        var series = DataToolFunctions.Schema(Bare(DataToolKind.Series));
        var events = DataToolFunctions.Schema(Bare(DataToolKind.Events));
        var lookup = DataToolFunctions.Schema(Bare(DataToolKind.Dataset, "Art"));
        var count = DataToolFunctions.Schema(Bare(DataToolKind.Dataset));

        Assert.Equal(["name", "property"], PropertyNames(latest));
        Assert.Equal(["name", "property", "hours"], PropertyNames(series));
        var hours = series.GetProperty("properties").GetProperty("hours");
        Assert.Equal("integer", hours.GetProperty("type").GetString());
        Assert.Equal(1, hours.GetProperty("minimum").GetInt32());
        Assert.Equal(336, hours.GetProperty("maximum").GetInt32());
        Assert.Contains("Standard 12", hours.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(["from", "to", "keyword"], PropertyNames(events));
        Assert.Equal("date", events.GetProperty("properties").GetProperty("from").GetProperty("format").GetString());
        Assert.Equal(["keyword"], PropertyNames(lookup));
        Assert.Contains("„Art“", lookup.GetProperty("properties").GetProperty("keyword").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Empty(PropertyNames(count));
        foreach (var schema in new[] { latest, series, events, lookup, count })
        {
            Assert.Equal("object", schema.GetProperty("type").GetString());
            Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        }
    }

    private static Dictionary<string, object?> Values(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal);

    [Fact]
    public void Arguments_read_json_values_and_drop_what_is_malformed()
    {
        var series = DataToolFunctions.Arguments(Bare(DataToolKind.Series),
            Values("""{"name": " Westring ", "property": "PM10", "hours": 1000, "sql": "DROP TABLE"}"""), "Frage?");
        var low = DataToolFunctions.Arguments(Bare(DataToolKind.Series), Values("""{"hours": -5, "name": ""}"""), null);
        var text = DataToolFunctions.Arguments(Bare(DataToolKind.Series), Values("""{"hours": "48"}"""), null);
        var events = DataToolFunctions.Arguments(Bare(DataToolKind.Events),
            Values($$"""{"from": "morgen", "to": "2026-12-06", "keyword": "{{new string('x', 201)}}", "name": "Westring"}"""), "Was ist los?");
        var dataset = DataToolFunctions.Arguments(Bare(DataToolKind.Dataset, "Art"), Values("""{"keyword": "Linde", "hours": 3}"""), null);

        Assert.Equal(new DataToolArguments { Name = "Westring", Property = "PM10", Hours = 336, Question = "Frage?" }, series);
        Assert.Equal(new DataToolArguments { Hours = 1 }, low);
        Assert.Equal(48, text.Hours);
        Assert.Equal(new DataToolArguments { To = new DateOnly(2026, 12, 6), Question = "Was ist los?" }, events);
        Assert.Equal(new DataToolArguments { Keyword = "Linde" }, dataset);
        Assert.Equal(new DataToolArguments { Question = "q" }, DataToolFunctions.Arguments(Bare(DataToolKind.Latest), null, "q"));
    }

    // ---- 9. DataToolTexts -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(1234.0, "1.234")]
    [InlineData(12.34, "12,3")]
    [InlineData(0.04, "0")]
    [InlineData(1234.56, "1.234,6")]
    [InlineData(-3.0, "-3")]
    public void Numbers_read_the_german_way(double value, string expected) => Assert.Equal(expected, DataToolTexts.Number(value));

    [Fact]
    public void Validate_accepts_good_liquid_and_explains_bad()
    {
        Assert.Null(DataToolTexts.Validate(DataToolTexts.DefaultLatestTemplate));
        Assert.Null(DataToolTexts.Validate("Im {{ name }} sind {{ value }} frei."));
        Assert.Null(DataToolTexts.Validate(""));
        Assert.False(string.IsNullOrWhiteSpace(DataToolTexts.Validate("{% if %}")));
    }

    [Fact]
    public void With_time_adds_what_the_template_left_out()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var at = new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.Zero);
        var sameDay = at.AddMinutes(20);
        var nextDay = at.AddDays(1);
        LiveValue Value(DateTimeOffset? time, bool stale = false) => new("Parkhaus", null, 59, null, null, time, 400, stale);

        Assert.Equal("59 frei (Stand: 14:00 Uhr)", DataToolTexts.WithTime("59 frei", Value(at), sameDay, zone, 60));
        Assert.Equal("59 frei um 14:00 Uhr", DataToolTexts.WithTime("59 frei um 14:00 Uhr", Value(at), sameDay, zone, 60));
        Assert.Equal("59 frei (Stand: 23.11.2026, 14:00 Uhr)", DataToolTexts.WithTime("59 frei", Value(at), nextDay, zone, 60));
        Assert.Equal("59 frei um 14:00 Uhr (am 23.11.2026)", DataToolTexts.WithTime("59 frei um 14:00 Uhr", Value(at), nextDay, zone, 60));
        Assert.Equal("59 frei am 23.11.2026 um 14:00 Uhr", DataToolTexts.WithTime("59 frei am 23.11.2026 um 14:00 Uhr", Value(at), nextDay, zone, 60));
        Assert.Equal(
            "59 frei (Stand: 14:00 Uhr) Achtung: Dieser Wert ist älter als 2 Stunden und möglicherweise nicht mehr aktuell.",
            DataToolTexts.WithTime("59 frei", Value(at, stale: true), sameDay, zone, 120));
        Assert.Equal(
            "59 frei (Die Datenplattform nennt keinen Messzeitpunkt; der Wert ist möglicherweise nicht aktuell.)",
            DataToolTexts.WithTime("59 frei", Value(null, stale: true), sameDay, zone, 60));
    }

    // ---- 10. ItemSelector -------------------------------------------------------------------------------------------

    private static readonly string[] Garages = ["Parkhaus Am Bahnhof", "Parkhaus Altstadt", "Tiefgarage Marktplatz"];

    private static (IReadOnlyList<string> Items, bool Matched) SelectGarage(string? requested, string? question) =>
        ItemSelector.Select(Garages, g => g, requested, question, GermanTextAnalysis.Default, GermanTextAnalysis.Default.Terms("Parkhaus"));

    [Theory]
    [InlineData(null, "Wie viele Plätze sind im Parkhaus am Bahnhof frei?", true, "Parkhaus Am Bahnhof")]
    [InlineData(null, "Wie voll sind die Parkhäuser?", true, "Parkhaus Am Bahnhof", "Parkhaus Altstadt", "Tiefgarage Marktplatz")]
    [InlineData("altstadt", null, true, "Parkhaus Altstadt")]
    [InlineData(null, "Ist in der Tiefgarage noch was frei?", true, "Tiefgarage Marktplatz")]
    [InlineData("Nordpol", "Wie voll ist das Parkhaus am Bahnhof?", false, "Parkhaus Am Bahnhof", "Parkhaus Altstadt", "Tiefgarage Marktplatz")]
    [InlineData(null, null, true, "Parkhaus Am Bahnhof", "Parkhaus Altstadt", "Tiefgarage Marktplatz")]
    public void Item_selector_picks_what_the_question_or_argument_names(string? requested, string? question, bool matched, params string[] expected)
    {
        var (items, wasMatched) = SelectGarage(requested, question);

        Assert.Equal(expected, items);
        Assert.Equal(matched, wasMatched);
    }

}
