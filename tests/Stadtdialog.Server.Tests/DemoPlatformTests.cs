using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Stadtdialog.Knowledge.Readers;
using Stadtdialog.LiveData;
using Stadtdialog.LiveData.NgsiLd;
using Stadtdialog.LiveData.SensorThings;
using Stadtdialog.Server.Tests.Infrastructure;
using Xunit;

namespace Stadtdialog.Server.Tests;

/// <summary>The demo server with a clock that is not on the hour (the demo data are shifted to it).</summary>
public sealed class DemoPlatformFixture : IAsyncDisposable
{
    public DemoPlatformFixture()
    {
        Factory = new StadtdialogFactory
        {
            ConfigureTestServices = services => services.AddSingleton<TimeProvider>(Clock),
        };
    }

    public TestClock Clock { get; } = new(new DateTimeOffset(2027, 3, 15, 9, 37, 12, TimeSpan.Zero));

    public StadtdialogFactory Factory { get; }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

/// <summary>
/// The demo urban data platform (/demo/platform/), read with the product's own connectors over HTTP exactly as a
/// FROST-Server and an NGSI-LD broker would be.
/// </summary>
public sealed class DemoPlatformTests(DemoPlatformFixture fixture) : IClassFixture<DemoPlatformFixture>
{
    private static readonly string[] Garages = ["Parkhaus Altstadt", "Parkhaus Am Bahnhof", "Tiefgarage Marktplatz"];
    private static readonly string[] NearBahnhof = ["Parkhaus Am Bahnhof", "Tiefgarage Marktplatz"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DateTimeOffset Now => fixture.Clock.GetUtcNow();

    private SensorThingsClient SensorThings() =>
        new(fixture.Factory.CreateClient(), new Uri("http://localhost/demo/platform/sensorthings/v1.1/"));

    private NgsiLdClient NgsiLd(int pageSize = 100) =>
        new(fixture.Factory.CreateClient(), new Uri("http://localhost/demo/platform/"), new NgsiLdClientOptions { PageSize = pageSize });

    [Fact]
    public async Task Things_are_the_five_demo_things_with_locations_and_datastreams()
    {
        var things = await SensorThings().GetThingsAsync(cancellationToken: Ct);

        Assert.Equal(5, things.Count);
        Assert.All(things, t =>
        {
            Assert.NotEmpty(t.Locations);
            Assert.NotNull(t.Locations[0].Longitude);
            Assert.NotEmpty(t.Datastreams);
            Assert.All(t.Datastreams, d => Assert.False(string.IsNullOrEmpty(d.ObservedProperty?.Name)));
            Assert.Contains("Demodaten", t.Description, StringComparison.Ordinal);
        });
        var bahnhof = Assert.Single(things, t => t.Name == "Parkhaus Am Bahnhof");
        Assert.Equal(400, bahnhof.Properties?["capacity"]?.GetValue<int>());
        Assert.Equal("freie Stellplätze", Assert.Single(bahnhof.Datastreams).ObservedProperty?.Name);
        var westring = Assert.Single(things, t => t.Name == "Luftmessstation Westring");
        Assert.Equal(["NO2", "PM10", "PM2.5"], westring.Datastreams.Select(d => d.ObservedProperty!.Name).Order(StringComparer.Ordinal));
        Assert.All(westring.Datastreams, d => Assert.Equal("µg/m³", d.UnitOfMeasurement?.Symbol));
    }

    [Fact]
    public async Task Things_can_be_filtered_and_read_one_by_one()
    {
        var client = SensorThings();

        var parking = await client.GetThingsAsync(filter: "properties/category eq 'parking'", cancellationToken: Ct);
        var one = await client.GetThingAsync(parking[0].Id, cancellationToken: Ct);

        Assert.Equal(Garages, parking.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal(parking[0].Name, one.Name);
        Assert.Single(one.Datastreams);
    }

    [Fact]
    public async Task Datastreams_are_found_by_observed_property_and_thing_name()
    {
        var client = SensorThings();

        var free = await client.FindDatastreamsAsync("freie Stellplätze", null, Ct);
        var pm10 = await client.FindDatastreamsAsync("PM10", "Westring", Ct);

        Assert.Equal(Garages, free.Select(d => d.ThingName).Order(StringComparer.Ordinal));
        var westring = Assert.Single(pm10);
        Assert.Equal("Luftmessstation Westring", westring.ThingName);
        Assert.Equal("µg/m³", westring.UnitOfMeasurement?.Symbol);
    }

    [Fact]
    public async Task Latest_observation_is_from_the_current_hour()
    {
        var client = SensorThings();
        var datastream = (await client.FindDatastreamsAsync("freie Stellplätze", "Am Bahnhof", Ct))[0];

        var latest = await client.GetLatestObservationAsync(datastream.Id, Ct);

        Assert.NotNull(latest);
        Assert.InRange(latest.Time, Now.AddHours(-1), Now);
        Assert.InRange(latest.Value ?? -1, 0, 400);
    }

    [Fact]
    public async Task Observations_of_the_last_day_come_in_pages_and_never_from_the_future()
    {
        var client = SensorThings();
        var datastream = (await client.FindDatastreamsAsync("PM2.5", "Stadtpark", Ct))[0];
        var from = Now.AddHours(-24);

        var points = await client.GetObservationsAsync(datastream.Id, from, Now, 1000, Ct);

        Assert.InRange(points.Count, 24, 25);
        Assert.All(points, p => Assert.InRange(p.Time, from, Now));
        Assert.Equal(points.OrderBy(p => p.Time), points);

        // The demo's maxTop is small, so the client has to follow @iot.nextLink.
        using var http = fixture.Factory.CreateClient();
        using var page = await http.GetAsync(
            $"/demo/platform/sensorthings/v1.1/Datastreams({datastream.Id})/Observations?$orderby=phenomenonTime%20asc&$top=1000", Ct);
        await page.EnsureSuccessWithBodyAsync();
        using var json = JsonDocument.Parse(await page.Content.ReadAsStringAsync(Ct));
        Assert.True(json.RootElement.TryGetProperty("@iot.nextLink", out _));
        Assert.True(json.RootElement.GetProperty("value").GetArrayLength() < points.Count);
    }

    [Fact]
    public async Task Ngsi_ld_parking_entities_are_current()
    {
        var entities = await NgsiLd(pageSize: 2).QueryEntitiesAsync("OffStreetParking", cancellationToken: Ct);

        Assert.Equal(Garages, entities.Select(e => e.Text("name")).Order(StringComparer.Ordinal));
        Assert.All(entities, e =>
        {
            Assert.NotNull(e.Number("availableSpotNumber"));
            Assert.InRange(e.Property("availableSpotNumber")!.ObservedAt!.Value, Now.AddHours(-1), Now);
            Assert.NotNull(e.Location);
            Assert.Contains("Demodaten", e.Text("description"), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Ngsi_ld_near_query_returns_only_the_closer_garages()
    {
        var client = NgsiLd();

        var near = await client.QueryEntitiesAsync("OffStreetParking", near: new NearPoint(11.5862, 50.9251, 300), cancellationToken: Ct);
        var free = await client.QueryEntitiesAsync("OffStreetParking", q: "totalSpotNumber>200", cancellationToken: Ct);
        var air = await client.QueryEntitiesAsync("AirQualityObserved", cancellationToken: Ct);

        Assert.Equal(NearBahnhof, near.Select(e => e.Text("name")).Order(StringComparer.Ordinal));
        Assert.Equal(2, free.Count);
        Assert.Equal(2, air.Count);
        Assert.All(air, e => Assert.Equal("GQ", e.Property("pm10")?.UnitCode));
    }

    [Fact]
    public async Task Ngsi_ld_temporal_api_returns_the_hourly_series()
    {
        var client = NgsiLd();

        var series = await client.GetTemporalAsync("urn:ngsi-ld:OffStreetParking:musterstadt-1", "availableSpotNumber", Now.AddHours(-6), Now, Ct);
        var pm10 = await client.GetTemporalAsync("urn:ngsi-ld:AirQualityObserved:musterstadt-12", "pm10", Now.AddHours(-48), Now, Ct);

        Assert.NotNull(series);
        Assert.InRange(series.Points.Count, 6, 7);
        Assert.All(series.Points, p => Assert.InRange(p.Time, Now.AddHours(-6), Now));
        Assert.NotNull(pm10);
        Assert.Equal("GQ", pm10.Unit);
        Assert.InRange(pm10.Points.Count, 48, 49);
        await Assert.ThrowsAsync<LiveDataUnavailableException>(() =>
            client.GetTemporalAsync("urn:ngsi-ld:OffStreetParking:unknown", "availableSpotNumber", Now.AddHours(-1), Now, Ct));
    }

    [Fact]
    public async Task Calendar_feed_is_icalendar()
    {
        using var http = fixture.Factory.CreateClient();

        using var response = await http.GetAsync("/demo/platform/events/veranstaltungen.ics", Ct);

        await response.EnsureSuccessWithBodyAsync();
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        var events = EventCalendarReader.Read(await response.Content.ReadAsStringAsync(Ct), "/demo/platform/events/veranstaltungen.ics",
            new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(366));
        Assert.NotEmpty(events);
    }

    [Theory]
    [InlineData("/demo/platform/sensorthings/v1.1/Things")]
    [InlineData("/demo/platform/sensorthings/v1.1/Datastreams(101)/Observations?$top=1")]
    [InlineData("/demo/platform/ngsi-ld/v1/entities?type=OffStreetParking&options=keyValues")]
    [InlineData("/demo/platform/ngsi-ld/v1/temporal/entities?type=AirQualityObserved&timerel=after&timeAt=2027-03-15T00:00:00Z")]
    [InlineData("/demo/platform/events/veranstaltungen.ics")]
    public async Task Every_answer_is_labelled_as_demo_data(string url)
    {
        using var http = fixture.Factory.CreateClient();

        using var response = await http.GetAsync(url, Ct);

        await response.EnsureSuccessWithBodyAsync();
        Assert.Equal("true", Assert.Single(response.Headers.GetValues("X-Demo-Data")));
    }

    [Theory]
    [InlineData("Things?$filter=name%20has%20'x'")]
    [InlineData("Things?$filter=geo.distance(location,%20'x')%20lt%201")]
    [InlineData("Datastreams?$filter=substringof('PM10'")]
    [InlineData("Things?$select=name")]
    [InlineData("Things?$expand=Sensors")]
    public async Task Unsupported_queries_are_refused_like_frost(string query)
    {
        using var http = fixture.Factory.CreateClient();

        using var response = await http.GetAsync("/demo/platform/sensorthings/v1.1/" + query, Ct);

        await response.ShouldHaveStatusAsync(HttpStatusCode.BadRequest);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(400, json.RootElement.GetProperty("code").GetInt32());
        Assert.Equal("true", Assert.Single(response.Headers.GetValues("X-Demo-Data")));
    }

    [Fact]
    public async Task Without_recorded_data_the_platform_answers_503_and_the_server_still_runs()
    {
        var empty = Path.Combine(Path.GetTempPath(), "stadtdialog-tests", "no-samples-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(empty);
        try
        {
            await using var server = new StadtdialogFactory
            {
                Settings = new Dictionary<string, string?> { ["Stadtdialog:Demo:SamplesPath"] = empty },
            };
            using var http = server.CreateClient();

            using var live = await http.GetAsync("/health/live", Ct);
            using var response = await http.GetAsync("/demo/platform/sensorthings/v1.1/Things", Ct);

            await live.EnsureSuccessWithBodyAsync();
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Contains("Demo", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }
}
