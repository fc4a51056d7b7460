using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Stadtdialog.LiveData;
using Stadtdialog.LiveData.NgsiLd;
using Stadtdialog.Tests;
using Xunit;

namespace Stadtdialog.Core.Tests.LiveData;

public sealed class NgsiLdClientTests : IAsyncLifetime
{
    private const string EntitiesPath = "/ngsi-ld/v1/entities";
    private const string Parking1 = "urn:ngsi-ld:OffStreetParking:musterstadt-1";
    private static readonly DateTimeOffset At13 = new(2026, 11, 23, 13, 0, 0, TimeSpan.Zero);

    private readonly ConcurrentQueue<Recorded> _requests = new();
    private readonly HttpClient _http = new();
    private LoopbackSite _site = null!;

    private sealed record Recorded(string Path, string RawTarget, string Query, IReadOnlyDictionary<string, string> Headers);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string UrbanData(string file) => Path.Combine(RepositoryPaths.SharedData, "urban-data", file);

    private static string RealExample(string file) => Path.Combine(RepositoryPaths.SharedData, "real", "ngsi-ld", file);

    public static TheoryData<string> RealExamples() =>
        [.. Directory.GetFiles(Path.Combine(RepositoryPaths.SharedData, "real", "ngsi-ld"), "*example*.jsonld").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    public async ValueTask InitializeAsync()
    {
        _site = await LoopbackSite.StartAsync(cancellationToken: Token);
        var fixtures = new Dictionary<string, JsonArray>(StringComparer.Ordinal)
        {
            ["OffStreetParking"] = (JsonArray)JsonNode.Parse(await File.ReadAllTextAsync(UrbanData("ngsi-ld-offstreetparking.json"), Token))!,
            ["AirQualityObserved"] = (JsonArray)JsonNode.Parse(await File.ReadAllTextAsync(UrbanData("ngsi-ld-airqualityobserved.json"), Token))!,
        };

        // A broker in miniature: entities by type, with offset and limit.
        _site.Map(EntitiesPath, context =>
        {
            var query = context.Request.Query;
            var all = fixtures.TryGetValue(query["type"].ToString(), out var list) ? list : [];
            var offset = int.Parse(query["offset"].ToString() is { Length: > 0 } o ? o : "0", System.Globalization.CultureInfo.InvariantCulture);
            var limit = int.Parse(query["limit"].ToString() is { Length: > 0 } l ? l : "20", System.Globalization.CultureInfo.InvariantCulture);
            var page = new JsonArray([.. all.Skip(offset).Take(limit).Select(e => e!.DeepClone())]);
            return Json(context, page.ToJsonString());
        });
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _site.DisposeAsync();
    }

    [Fact]
    public async Task Query_by_type_returns_the_parking_garages_with_free_and_total_spaces()
    {
        var parking = await Client().QueryEntitiesAsync("OffStreetParking", cancellationToken: Token);

        Assert.Equal(3, parking.Count);
        var first = parking[0];
        Assert.Equal(Parking1, first.Id);
        Assert.Equal("OffStreetParking", first.Type);
        Assert.Equal("Parkhaus Am Bahnhof", first.Text("name"));
        Assert.Equal(59, first.Number("availableSpotNumber"));
        Assert.Equal(400, first.Number("totalSpotNumber"));
        Assert.Equal(At13, first.Property("availableSpotNumber")!.ObservedAt);
        Assert.Null(first.Property("totalSpotNumber")!.ObservedAt);
        Assert.Equal(new NgsiLdPoint(11.5862, 50.9251), first.Location);
        Assert.Equal("open", first.Property("status")!.Value!.AsArray()[0]!.GetValue<string>());
        Assert.Equal([59.0, 35.0, 32.0], parking.Select(p => p.Number("availableSpotNumber")!.Value));
        Assert.Equal("/ngsi-ld/v1/entities", Assert.Single(_requests).Path);
    }

    [Fact]
    public async Task Air_quality_has_pollutant_values_with_units_and_times()
    {
        var stations = await Client().QueryEntitiesAsync("AirQualityObserved", cancellationToken: Token);

        Assert.Equal(2, stations.Count);
        var park = stations[0];
        Assert.Equal("Luftmessstation Stadtpark", park.Text("name"));
        Assert.Equal(new NgsiLdProperty(park.Property("pm10")!.Value, 24.3, null, At13, "GQ"), park.Property("pm10"));
        Assert.Equal(14.1, park.Number("pm25"));
        Assert.Equal("GQ", park.Property("no2")!.UnitCode);
        Assert.Equal(31.0, park.Number("no2"));
        Assert.Equal(2, park.Number("airQualityIndex"));
        Assert.Equal("2026-11-23T13:00:00Z", park.Text("dateObserved"));
        Assert.Equal(new NgsiLdPoint(11.5801, 50.9302), park.Location);
    }

    [Fact]
    public async Task Tenant_link_and_accept_headers_are_sent()
    {
        var client = Client(new NgsiLdClientOptions
        {
            Tenant = "musterstadt",
            ContextLink = new Uri("https://smartdatamodels.org/context.jsonld"),
        });

        await client.QueryEntitiesAsync("OffStreetParking", cancellationToken: Token);

        var headers = Assert.Single(_requests).Headers;
        Assert.Equal("musterstadt", headers["NGSILD-Tenant"]);
        Assert.Equal(
            "<https://smartdatamodels.org/context.jsonld>; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\"",
            headers["Link"]);
        Assert.StartsWith("application/ld+json", headers["Accept"], StringComparison.Ordinal);
        Assert.Contains("application/json", headers["Accept"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_options_no_tenant_or_link_header_is_sent()
    {
        await Client().QueryEntitiesAsync("OffStreetParking", cancellationToken: Token);

        var headers = Assert.Single(_requests).Headers;
        Assert.False(headers.ContainsKey("NGSILD-Tenant"));
        Assert.False(headers.ContainsKey("Link"));
    }

    [Fact]
    public async Task Near_query_string_is_exact_and_values_are_escaped()
    {
        await Client().QueryEntitiesAsync("OffStreetParking", near: new NearPoint(11.5862, 50.9251, 500), cancellationToken: Token);
        await Client().QueryEntitiesAsync("OffStreetParking", q: "availableSpotNumber>10;name==\"Parkhaus & Co\"",
            attrs: "availableSpotNumber,location", cancellationToken: Token);

        var requests = _requests.ToArray();
        Assert.Equal(
            "?type=OffStreetParking&georel=near%3BmaxDistance%3D%3D500&geometry=Point&coordinates=%5B11.5862%2C50.9251%5D&offset=0&limit=100",
            requests[0].Query);
        Assert.Equal(
            "?type=OffStreetParking&q=availableSpotNumber%3E10%3Bname%3D%3D%22Parkhaus%20%26%20Co%22&attrs=availableSpotNumber%2Clocation&offset=0&limit=100",
            requests[1].Query);
    }

    [Fact]
    public async Task Paging_follows_offset_until_a_short_page()
    {
        var parking = await Client(new NgsiLdClientOptions { PageSize = 2 }).QueryEntitiesAsync("OffStreetParking", cancellationToken: Token);

        Assert.Equal(["musterstadt-1", "musterstadt-2", "musterstadt-3"], parking.Select(p => p.Id.Split(':')[^1]));
        Assert.Equal(["?type=OffStreetParking&offset=0&limit=2", "?type=OffStreetParking&offset=2&limit=2"], _requests.Select(r => r.Query));
    }

    [Fact]
    public async Task Paging_stops_at_the_limit_even_when_the_broker_ignores_the_offset()
    {
        var full = await File.ReadAllTextAsync(UrbanData("ngsi-ld-offstreetparking.json"), Token);
        _site.Map(EntitiesPath, context => Json(context, full));

        var parking = await Client(new NgsiLdClientOptions { PageSize = 3 }).QueryEntitiesAsync("OffStreetParking", limit: 7, cancellationToken: Token);

        Assert.Equal(7, parking.Count);
        Assert.Equal(["offset=0&limit=3", "offset=3&limit=3", "offset=6&limit=1"], _requests.Select(r => r.Query.Split('&', 2)[1]));
    }

    [Fact]
    public async Task Unknown_type_is_an_empty_list()
    {
        Assert.Empty(await Client().QueryEntitiesAsync("BikeHireDockingStation", cancellationToken: Token));
    }

    [Theory]
    [MemberData(nameof(RealExamples))]
    public void Every_real_smart_data_model_example_parses(string file)
    {
        var json = JsonNode.Parse(File.ReadAllText(RealExample(file)));
        var entity = NgsiLdParser.ParseEntity(json);

        // Not every example has a URN id (WeatherForecast's is "Spain-WeatherForecast-…"): the id is kept as it is.
        Assert.Equal(json!["id"]!.GetValue<string>(), entity.Id);
        Assert.Equal(file.Split("__")[0], entity.Type);
        Assert.NotEmpty(entity.Properties);
        Assert.DoesNotContain("@context", entity.Properties.Keys);
        Assert.DoesNotContain("id", entity.Properties.Keys);
        Assert.DoesNotContain("type", entity.Properties.Keys);
    }

    [Fact]
    public async Task Real_off_street_parking_reads_the_same_in_keyValues_and_normalized_form()
    {
        var keyValues = await ServeAndGetAsync("OffStreetParking__example.jsonld");
        var normalized = await ServeAndGetAsync("OffStreetParking__example-normalized.jsonld");

        foreach (var entity in new[] { keyValues, normalized })
        {
            Assert.Equal("urn:ngsi-ld:OffStreetParking:porto-ParkingLot-23889", entity.Id);
            Assert.Equal(132, entity.Number("availableSpotNumber"));
            Assert.Equal(414, entity.Number("totalSpotNumber"));
            Assert.Equal(0.68, entity.Number("occupancy"));
            Assert.Equal("Parque de estacionamento Trindade", entity.Text("name"));
            Assert.Equal("PT8H", entity.Text("maximumParkingDuration"));
            Assert.Equal(new NgsiLdPoint(-8.60961198807, 41.150691773), entity.Location);
            Assert.Equal(25, entity.Property("fourWheelerSlots")!.Value!["availableSpotNumber"]!.GetValue<int>());
        }

        Assert.Equal(new DateTimeOffset(2018, 9, 21, 12, 0, 0, TimeSpan.Zero), normalized.Property("availableSpotNumber")!.ObservedAt);
        Assert.Null(keyValues.Property("availableSpotNumber")!.ObservedAt);
        Assert.Equal("2018-09-21T12:00:00Z", normalized.Text("accessModified"));
        Assert.Equal("2018-09-21T12:00:00Z", keyValues.Text("accessModified"));
    }

    [Fact]
    public void Real_examples_keep_relationships_units_and_weather_values()
    {
        var spot = Parse("ParkingSpot__example-normalized.jsonld");
        Assert.Equal("urn:ngsi-ld:ParkingSite:santander:daoiz_velarde_1_5", spot.Relationships["refParkingSite"]);
        Assert.Equal("free", spot.Text("status"));
        Assert.False(spot.Properties.ContainsKey("refParkingSite"));

        var air = Parse("AirQualityObserved__example-normalized.jsonld");
        Assert.Equal(new NgsiLdProperty(air.Property("no2")!.Value, 69, null, null, "GQ"), air.Property("no2"));
        Assert.Equal("GP", air.Property("co")!.UnitCode);
        Assert.Equal("urn:ngsi-ld:PointOfInterest:28079004-Pza.deEspanya", air.Relationships["refPointOfInterest"]);

        var weather = Parse("WeatherObserved__example.jsonld");
        Assert.Equal(3.3, weather.Number("temperature"));
        Assert.Equal(938.9, weather.Number("atmosphericPressure"));
        Assert.Equal("urn:ngsi-ld:Device:device-0A3478", weather.Relationships["refDevice"]);
        Assert.Equal(new NgsiLdPoint(-4.754444444, 41.640833333), weather.Location);
        Assert.Equal(weather.Number("temperature"), Parse("WeatherObserved__example-normalized.jsonld").Number("temperature"));
    }

    [Fact]
    public async Task Expanded_attribute_names_become_short_names()
    {
        const string Expanded = """
            {
              "id": "urn:ngsi-ld:OffStreetParking:expanded",
              "type": "https://smartdatamodels.org/dataModel.Parking/OffStreetParking",
              "https://smartdatamodels.org/dataModel.Parking/availableSpotNumber": {
                "type": "Property", "value": 12, "https://uri.etsi.org/ngsi-ld/observedAt": "2026-11-23T13:00:00Z" },
              "https://smartdatamodels.org/name": { "type": "Property", "value": "Parkhaus Nord" },
              "https://smartdatamodels.org/dataModel.Parking/refParkingSite": { "type": "Relationship", "object": "urn:ngsi-ld:ParkingSite:nord" },
              "https://uri.etsi.org/ngsi-ld/location": { "type": "GeoProperty", "value": { "type": "Point", "coordinates": [11.6, 50.9] } }
            }
            """;
        _site.Map(EntitiesPath + "/urn:ngsi-ld:OffStreetParking:expanded", context => Json(context, Expanded));

        var entity = await Client().GetEntityAsync("urn:ngsi-ld:OffStreetParking:expanded", Token);

        Assert.Equal("OffStreetParking", entity.Type);
        Assert.Equal(12, entity.Number("availableSpotNumber"));
        Assert.Equal(At13, entity.Property("availableSpotNumber")!.ObservedAt);
        Assert.Equal("Parkhaus Nord", entity.Text("name"));
        Assert.Equal("urn:ngsi-ld:ParkingSite:nord", entity.Relationships["refParkingSite"]);
        Assert.Equal(new NgsiLdPoint(11.6, 50.9), entity.Location);
        Assert.Equal("/ngsi-ld/v1/entities/urn%3Angsi-ld%3AOffStreetParking%3Aexpanded", RawPath(entity.Id));
    }

    [Fact]
    public async Task Temporal_instances_become_a_series_in_time_order()
    {
        const string History = """
            {
              "id": "urn:ngsi-ld:OffStreetParking:musterstadt-1",
              "type": "OffStreetParking",
              "availableSpotNumber": [
                { "type": "Property", "value": 59, "observedAt": "2026-11-23T13:00:00Z", "unitCode": "C62" },
                { "type": "Property", "value": 120, "observedAt": "2026-11-23T11:00:00Z", "unitCode": "C62" },
                { "type": "Property", "value": 80, "observedAt": "2026-11-23T12:00:00+01:00", "unitCode": "C62" }
              ]
            }
            """;
        _site.Map("/ngsi-ld/v1/temporal/entities/" + Parking1, context => Json(context, History));

        var series = await Client().GetTemporalAsync(Parking1, "availableSpotNumber", At13.AddHours(-3), At13, Token);

        Assert.NotNull(series);
        Assert.Equal("C62", series.Unit);
        Assert.Contains("availableSpotNumber", series.Name, StringComparison.Ordinal);
        Assert.Equal(
            [new Observation(At13.AddHours(-2), 120), new Observation(At13.AddHours(-2), 80), new Observation(At13, 59)],
            series.Points.OrderBy(p => p.Time).ThenByDescending(p => p.Value));
        Assert.Equal(
            "?attrs=availableSpotNumber&timerel=between&timeAt=2026-11-23T10%3A00%3A00Z&endTimeAt=2026-11-23T13%3A00%3A00Z",
            Assert.Single(_requests).Query);
    }

    [Fact]
    public async Task Simplified_temporal_values_become_a_series()
    {
        const string Simplified = """
            [{
              "id": "urn:ngsi-ld:AirQualityObserved:musterstadt-11",
              "type": "AirQualityObserved",
              "pm10": { "type": "Property", "unitCode": "GQ",
                "values": [[21.5, "2026-11-23T12:00:00Z"], [24.3, "2026-11-23T13:00:00Z"], [19.0, "2026-11-23T11:00:00Z"]] }
            }]
            """;
        _site.Map("/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:AirQualityObserved:musterstadt-11", context => Json(context, Simplified));

        var series = await Client().GetTemporalAsync("urn:ngsi-ld:AirQualityObserved:musterstadt-11", "pm10", At13.AddHours(-2), At13, Token);

        Assert.NotNull(series);
        Assert.Equal("GQ", series.Unit);
        Assert.Equal([19.0, 21.5, 24.3], series.Points.Select(p => p.Value!.Value));
        Assert.Equal(At13, series.Points[^1].Time);
    }

    [Fact]
    public async Task A_broker_without_temporal_api_gives_null()
    {
        var client = Client();

        // An unknown route (plain 404, no NGSI-LD problem).
        Assert.Null(await client.GetTemporalAsync(Parking1, "availableSpotNumber", At13.AddHours(-1), At13, Token));

        _site.Map("/ngsi-ld/v1/temporal/entities/" + Parking1, context => Problem(context, StatusCodes.Status501NotImplemented,
            "https://uri.etsi.org/ngsi-ld/errors/OperationNotSupported", "Not implemented", "TRoE is off"));
        Assert.Null(await client.GetTemporalAsync(Parking1, "availableSpotNumber", At13.AddHours(-1), At13, Token));

        _site.Map("/ngsi-ld/v1/temporal/entities/" + Parking1, context => Problem(context, StatusCodes.Status400BadRequest,
            "https://uri.etsi.org/ngsi-ld/errors/OperationNotSupported", "Operation not supported", null));
        Assert.Null(await client.GetTemporalAsync(Parking1, "availableSpotNumber", At13.AddHours(-1), At13, Token));
    }

    [Fact]
    public async Task Temporal_history_of_an_unknown_entity_is_unavailable()
    {
        _site.Map("/ngsi-ld/v1/temporal/entities/" + Parking1, context => Problem(context, StatusCodes.Status404NotFound,
            "https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound", "Entity not found", Parking1));

        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(
            () => Client().GetTemporalAsync(Parking1, "availableSpotNumber", At13.AddHours(-1), At13, Token));

        Assert.Contains("404", error.Message, StringComparison.Ordinal);
        Assert.Contains("Entity not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_json_is_unavailable_with_a_message()
    {
        _site.Map(EntitiesPath, context => Json(context, "[{\"id\": \"urn:ngsi-ld:OffStreetParking:1\", \"type\": "));

        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(
            () => Client().QueryEntitiesAsync("OffStreetParking", cancellationToken: Token));

        Assert.Contains("malformed JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_that_is_no_entity_list_is_unavailable()
    {
        _site.Map(EntitiesPath, context => Json(context, "[{\"type\": \"OffStreetParking\"}]"));
        var noId = await Assert.ThrowsAsync<LiveDataUnavailableException>(
            () => Client().QueryEntitiesAsync("OffStreetParking", cancellationToken: Token));
        Assert.Contains("no id", noId.Message, StringComparison.Ordinal);

        _site.Map(EntitiesPath, context => Json(context, "{\"hello\": 1}"));
        await Assert.ThrowsAsync<LiveDataUnavailableException>(() => Client().QueryEntitiesAsync("OffStreetParking", cancellationToken: Token));
    }

    [Fact]
    public async Task Server_error_with_problem_details_is_unavailable_with_title_and_detail()
    {
        _site.Map(EntitiesPath, context => Problem(context, StatusCodes.Status500InternalServerError,
            "https://uri.etsi.org/ngsi-ld/errors/InternalError", "Internal error", "database connection lost"));

        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(
            () => Client().QueryEntitiesAsync("OffStreetParking", cancellationToken: Token));

        Assert.Contains("500", error.Message, StringComparison.Ordinal);
        Assert.Contains("Internal error", error.Message, StringComparison.Ordinal);
        Assert.Contains("database connection lost", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_entity_is_unavailable_with_a_message()
    {
        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(
            () => Client().GetEntityAsync("urn:ngsi-ld:OffStreetParking:gibt-es-nicht", Token));

        Assert.Contains("404", error.Message, StringComparison.Ordinal);
        Assert.Contains("Not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_broker_is_unavailable()
    {
        var closed = await LoopbackSite.StartAsync(cancellationToken: Token);
        var url = closed.BaseUrl;
        await closed.DisposeAsync();

        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(
            () => new NgsiLdClient(_http, url).QueryEntitiesAsync("OffStreetParking", cancellationToken: Token));

        Assert.Contains("could not be reached", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broker_that_does_not_answer_in_time_is_unavailable()
    {
        _site.Map(EntitiesPath, Hang);
        using var impatient = new HttpClient { Timeout = TimeSpan.FromMilliseconds(200) };

        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(
            () => new NgsiLdClient(impatient, _site.BaseUrl).QueryEntitiesAsync("OffStreetParking", cancellationToken: Token));

        Assert.Contains("did not answer in time", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_answer_is_unavailable()
    {
        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(() => Client(new NgsiLdClientOptions { MaxResponseBytes = 100 })
            .QueryEntitiesAsync("OffStreetParking", cancellationToken: Token));

        Assert.Contains("larger than the limit of 100 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_passes_through()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _site.Map(EntitiesPath, async context =>
        {
            arrived.TrySetResult();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up: what the test wants.
            }
        });
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var query = Client().QueryEntitiesAsync("OffStreetParking", cancellationToken: cancel.Token);
        await arrived.Task.WaitAsync(Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => query);
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client().GetEntityAsync(Parking1, canceled.Token));
    }

    private static async Task Hang(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up: what the test wants.
        }
    }

    private NgsiLdClient Client(NgsiLdClientOptions? options = null) => new(_http, _site.BaseUrl, options);

    private static NgsiLdEntity Parse(string file) => NgsiLdParser.ParseEntity(JsonNode.Parse(File.ReadAllText(RealExample(file))));

    private async Task<NgsiLdEntity> ServeAndGetAsync(string file)
    {
        var json = await File.ReadAllTextAsync(RealExample(file), Token);
        var id = JsonNode.Parse(json)!["id"]!.GetValue<string>();
        _site.Map(EntitiesPath + "/" + id, context => Json(context, json));
        return await Client().GetEntityAsync(id, Token);
    }

    private string RawPath(string id) => _requests.Last(r => r.Path.EndsWith(id, StringComparison.Ordinal)).RawTarget;

    private Task Json(HttpContext context, string json)
    {
        Record(context);
        context.Response.ContentType = "application/ld+json";
        return context.Response.WriteAsync(json, context.RequestAborted);
    }

    private Task Problem(HttpContext context, int status, string type, string title, string? detail)
    {
        Record(context);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var problem = new JsonObject { ["type"] = type, ["title"] = title };
        if (detail is not null)
        {
            problem["detail"] = detail;
        }

        return context.Response.WriteAsync(problem.ToJsonString(), context.RequestAborted);
    }

    private void Record(HttpContext context) => _requests.Enqueue(new Recorded(
        context.Request.Path.Value ?? "",
        context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "",
        context.Request.QueryString.Value ?? "",
        context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
}
