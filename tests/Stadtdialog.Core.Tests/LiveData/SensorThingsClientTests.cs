using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Stadtdialog.LiveData;
using Stadtdialog.LiveData.SensorThings;
using Xunit;

namespace Stadtdialog.Tests.LiveData;

/// <summary>
/// <see cref="SensorThingsClient"/> against a real HTTP server (Kestrel on loopback) that serves the shared
/// SensorThings fixtures at FROST-Server paths and records what was asked.
/// </summary>
public sealed partial class SensorThingsClientTests : IAsyncLifetime
{
    private const string FixtureOrigin = "https://udp.musterstadt.example";
    private const string Root = "/FROST-Server/v1.1/";

    private readonly HttpClient _http = new();
    private LoopbackSite _site = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private SensorThingsClient Client => new(_http, _site.Url(Root));

    public async ValueTask InitializeAsync()
    {
        _site = await LoopbackSite.StartAsync(cancellationToken: Token);
        _site.Map(Root + "Things", context => JsonAsync(context, UrbanFixture("sensorthings-things-expanded.json")));
        _site.Map(Root + "Datastreams", ServeDatastreamsAsync);
        for (var id = 101; id <= 109; id++)
        {
            var datastream = id;
            _site.Map($"{Root}Datastreams({datastream})/Observations", context => ServeObservationsAsync(context, datastream));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _site.DisposeAsync();
    }

    [Fact]
    public async Task Things_with_locations_and_datastreams_are_parsed()
    {
        var things = await Client.GetThingsAsync(cancellationToken: Token);

        Assert.Equal(["1", "2", "3", "11", "12"], things.Select(t => t.Id));
        var bahnhof = things[0];
        Assert.Equal("Parkhaus Am Bahnhof", bahnhof.Name);
        Assert.Equal("Parkhaus mit 400 Stellplätzen", bahnhof.Description);
        Assert.Equal(400, bahnhof.Properties!["capacity"]!.GetValue<int>());
        var location = Assert.Single(bahnhof.Locations);
        Assert.Equal("Parkhaus Am Bahnhof", location.Name);
        Assert.Equal(11.5862, location.Longitude);
        Assert.Equal(50.9251, location.Latitude);
        var free = Assert.Single(bahnhof.Datastreams);
        Assert.Equal("101", free.Id);
        Assert.Equal("Parkhaus Am Bahnhof – freie Stellplätze", free.Name);
        Assert.Equal("Anzahl", free.UnitOfMeasurement!.Name);

        var westring = things[4];
        Assert.Equal(["107", "108", "109"], westring.Datastreams.Select(d => d.Id));
        Assert.All(westring.Datastreams, d => Assert.Equal("µg/m³", d.UnitOfMeasurement!.Symbol));
        Assert.Equal(11.5712, Assert.Single(westring.Locations).Longitude);

        var request = Assert.Single(_site.Requests);
        Assert.Equal(Root + "Things", request.Path);
        var query = QueryHelpers.ParseQuery(request.Query);
        Assert.Equal("Locations,Datastreams/ObservedProperty", query["$expand"].ToString());
        Assert.Equal("100", query["$top"].ToString());
        Assert.False(query.ContainsKey("$filter"));
    }

    [Fact]
    public async Task Things_follow_next_links_up_to_the_page_limit()
    {
        // Every page links to the next one, forever: the client stops after MaxPages.
        _site.Map(Root + "Things", context =>
        {
            _ = int.TryParse(context.Request.Query["page"].ToString(), System.Globalization.CultureInfo.InvariantCulture, out var page);
            return JsonAsync(context, $$"""
                {"@iot.nextLink": "Things?page={{page + 1}}", "value": [{"@iot.id": "thing-{{page}}", "name": "Thing {{page}}"}]}
                """);
        });

        var client = new SensorThingsClient(_http, _site.Url(Root)) { MaxPages = 3 };
        var things = await client.GetThingsAsync(filter: "name eq 'x'", expand: null, top: 1, cancellationToken: Token);

        Assert.Equal(["thing-0", "thing-1", "thing-2"], things.Select(t => t.Id));
        Assert.Equal(3, _site.RequestCount(Root + "Things"));
        var first = QueryHelpers.ParseQuery(_site.Requests[0].Query);
        Assert.Equal("name eq 'x'", first["$filter"].ToString());
        Assert.False(first.ContainsKey("$expand"));
        Assert.Equal("?page=2", _site.Requests[2].Query);
    }

    [Fact]
    public async Task Datastreams_are_found_by_observed_property_and_thing_name()
    {
        var found = await Client.FindDatastreamsAsync("PM10", "Westring", Token);

        var datastream = Assert.Single(found);
        Assert.Equal("107", datastream.Id);
        Assert.Equal("Luftmessstation Westring", datastream.ThingName);
        Assert.Equal("PM10", datastream.ObservedProperty!.Name);
        Assert.Equal("µg/m³", datastream.UnitOfMeasurement!.Symbol);

        var request = Assert.Single(_site.Requests);
        Assert.Equal(Root + "Datastreams", request.Path);
        var query = QueryHelpers.ParseQuery(request.Query);
        Assert.Equal("substringof('PM10', ObservedProperty/name) and substringof('Westring', Thing/name)", query["$filter"].ToString());
        Assert.Equal("Thing,ObservedProperty", query["$expand"].ToString());
    }

    [Fact]
    public async Task Datastreams_by_observed_property_only()
    {
        var found = await Client.FindDatastreamsAsync("freie Stellplätze", null, Token);

        Assert.Equal(["101", "102", "103"], found.Select(d => d.Id));
        Assert.Equal("substringof('freie Stellplätze', ObservedProperty/name)",
            QueryHelpers.ParseQuery(Assert.Single(_site.Requests).Query)["$filter"].ToString());
    }

    [Fact]
    public async Task Quotes_in_a_thing_name_are_escaped_in_the_filter()
    {
        var found = await Client.FindDatastreamsAsync(null, "Bürgerhaus 'Alte Mühle') or (1 eq 1", Token);

        Assert.Empty(found);
        var request = Assert.Single(_site.Requests);
        Assert.DoesNotContain("'", request.Query, StringComparison.Ordinal);
        Assert.DoesNotContain(" ", request.Query, StringComparison.Ordinal);
        Assert.Equal("substringof('Bürgerhaus ''Alte Mühle'') or (1 eq 1', Thing/name)",
            QueryHelpers.ParseQuery(request.Query)["$filter"].ToString());
        Assert.Equal("'O''Brien'", SensorThingsClient.ODataString("O'Brien"));
        Assert.Null(SensorThingsClient.BuildDatastreamFilter(" ", null));
    }

    [Fact]
    public async Task Latest_observation_is_the_newest()
    {
        var latest = await Client.GetLatestObservationAsync("101", Token);

        Assert.NotNull(latest);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.Zero), latest.Time);
        Assert.Equal(59, latest.Value);
        Assert.Null(latest.Text);
        var request = Assert.Single(_site.Requests);
        Assert.Equal(Root + "Datastreams(101)/Observations", request.Path);
        var query = QueryHelpers.ParseQuery(request.Query);
        Assert.Equal("phenomenonTime desc", query["$orderby"].ToString());
        Assert.Equal("1", query["$top"].ToString());
    }

    [Fact]
    public async Task A_time_range_is_read_over_two_pages_in_ascending_order()
    {
        var from = new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
        var to = new DateTimeOffset(2026, 11, 24, 0, 59, 59, TimeSpan.FromHours(1));

        var points = await Client.GetObservationsAsync("104", from, to, 1000, Token);

        Assert.Equal(24, points.Count);
        Assert.Equal(points.OrderBy(p => p.Time).Select(p => p.Time), points.Select(p => p.Time));
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 14, 0, 0, TimeSpan.Zero), points[0].Time);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.Zero), points[^1].Time);
        Assert.All(points, p => Assert.NotNull(p.Value));

        Assert.Equal(2, _site.Requests.Count);
        var first = QueryHelpers.ParseQuery(_site.Requests[0].Query);
        Assert.Equal("phenomenonTime ge 2026-11-22T00:00:00.000Z and phenomenonTime le 2026-11-23T23:59:59.000Z", first["$filter"].ToString());
        Assert.Equal("phenomenonTime asc", first["$orderby"].ToString());
        Assert.Equal("1000", first["$top"].ToString());
        Assert.Equal(Root + "Datastreams(104)/Observations", _site.Requests[1].Path);
        Assert.Equal("12", QueryHelpers.ParseQuery(_site.Requests[1].Query)["$skip"].ToString());
    }

    [Fact]
    public async Task Values_of_the_fixture_pages_arrive_unchanged()
    {
        var points = await Client.GetObservationsAsync("101", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 100, Token);

        Assert.Equal(88, points[0].Value);
        Assert.Equal(59, points[^1].Value);
    }

    [Fact]
    public async Task MaxPoints_stops_paging()
    {
        var points = await Client.GetObservationsAsync("102", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 10, Token);

        Assert.Equal(10, points.Count);
        var request = Assert.Single(_site.Requests);
        Assert.Equal("10", QueryHelpers.ParseQuery(request.Query)["$top"].ToString());

        _site.ClearRequests();
        var fifteen = await Client.GetObservationsAsync("102", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 15, Token);

        Assert.Equal(15, fifteen.Count);
        Assert.Equal(2, _site.Requests.Count);
    }

    [Fact]
    public async Task Next_links_relative_to_the_service_root_the_origin_and_the_request_are_followed()
    {
        const string path = Root + "Datastreams('ampel-''7')/Observations";
        _site.Map(path, context => JsonAsync(context, context.Request.Query["$skip"].ToString() switch
        {
            "" => """
                {"@iot.nextLink": "Datastreams('ampel-''7')/Observations?$skip=2",
                 "value": [
                  {"phenomenonTime": "2026-11-23T10:00:00Z/2026-11-23T10:05:00Z", "result": "grün"},
                  {"phenomenonTime": "2026-11-23T10:05:00Z", "result": true}]}
                """,
            "2" => """
                {"@iot.nextLink": "/FROST-Server/v1.1/Datastreams('ampel-''7')/Observations?$skip=4",
                 "value": [
                  {"phenomenonTime": "2026-11-23T10:10:00+01:00", "result": {"state": "rot", "seconds": 30}},
                  {"phenomenonTime": "2026-11-23T10:15:00Z", "result": 2.5}]}
                """,
            "4" => """
                {"@iot.nextLink": "?$skip=6",
                 "value": [{"resultTime": "2026-11-23T10:20:00Z", "result": null}, {"result": 1}]}
                """,
            _ => """{"value": [{"phenomenonTime": "2026-11-23T10:25:00Z", "result": false}]}""",
        }));

        var points = await Client.GetObservationsAsync("ampel-'7", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 100, Token);

        Assert.Equal(
        [
            new Observation(new DateTimeOffset(2026, 11, 23, 9, 10, 0, TimeSpan.Zero), null, """{"state": "rot", "seconds": 30}"""),
            new Observation(new DateTimeOffset(2026, 11, 23, 10, 5, 0, TimeSpan.Zero), null, "grün"),
            new Observation(new DateTimeOffset(2026, 11, 23, 10, 5, 0, TimeSpan.Zero), null, "true"),
            new Observation(new DateTimeOffset(2026, 11, 23, 10, 15, 0, TimeSpan.Zero), 2.5),
            new Observation(new DateTimeOffset(2026, 11, 23, 10, 20, 0, TimeSpan.Zero), null),
            new Observation(new DateTimeOffset(2026, 11, 23, 10, 25, 0, TimeSpan.Zero), null, "false"),
        ], points);
        Assert.Equal(4, _site.RequestCount(path));
        Assert.Equal("?$skip=6", _site.Requests[3].Query);
    }

    [Fact]
    public async Task Next_links_on_the_servers_internal_host_are_rebased_onto_the_service_root()
    {
        _site.Map(Root + "Datastreams(105)/Observations", context => ServeObservationsAsync(context, 105, rewriteOrigin: false));

        var points = await Client.GetObservationsAsync("105", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 100, Token);

        Assert.Equal(24, points.Count);
        Assert.Equal(Root + "Datastreams(105)/Observations", _site.Requests[1].Path);
    }

    [Fact]
    public async Task Next_links_to_another_server_are_not_followed()
    {
        _site.Map(Root + "Datastreams(106)/Observations", context => JsonAsync(context,
            """{"@iot.nextLink": "https://elsewhere.example/steal?page=2", "value": [{"phenomenonTime": "2026-11-23T10:00:00Z", "result": 1}]}"""));

        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(() =>
            Client.GetObservationsAsync("106", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 100, Token));

        Assert.Contains("elsewhere.example", error.Message, StringComparison.Ordinal);
        Assert.Single(_site.Requests);
    }

    [Fact]
    public async Task An_empty_result_is_empty()
    {
        _site.Map(Root + "Datastreams(107)/Observations", context => JsonAsync(context, """{"value":[]}"""));

        Assert.Empty(await Client.GetObservationsAsync("107", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 100, Token));
        Assert.Null(await Client.GetLatestObservationAsync("107", Token));
    }

    [Theory]
    [InlineData("{\"value\": [")]
    [InlineData("<html><body>Wartungsarbeiten</body></html>")]
    [InlineData("{\"error\": \"no value here\"}")]
    public async Task Malformed_json_is_unavailable_data(string body)
    {
        _site.Map(Root + "Datastreams(108)/Observations", context => JsonAsync(context, body));

        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(() => Client.GetLatestObservationAsync("108", Token));

        Assert.Contains(Root + "Datastreams(108)/Observations", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(404)]
    public async Task Error_statuses_are_unavailable_data_with_the_status_and_no_query(int status)
    {
        _site.SetStatus(Root + "Datastreams(109)/Observations", status);

        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(() =>
            Client.GetObservationsAsync("109", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 100, Token));

        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Contains(Root + "Datastreams(109)/Observations", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("?", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("phenomenonTime", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_is_unavailable_data()
    {
        var port = _site.BaseUrl.Port;
        await _site.DisposeAsync();
        _site = await LoopbackSite.StartAsync(cancellationToken: Token);

        var client = new SensorThingsClient(_http, new Uri($"http://127.0.0.1:{port}/FROST-Server/v1.1"));
        await Assert.ThrowsAsync<LiveDataUnavailableException>(() => client.GetThingsAsync(cancellationToken: Token));
    }

    [Fact]
    public async Task A_hanging_server_is_cancelled_by_the_callers_token()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _site.Map(Root + "Things", async context =>
        {
            arrived.TrySetResult();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up, as it should.
            }
        });
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var call = Client.GetThingsAsync(cancellationToken: cancellation.Token);
        await arrived.Task.WaitAsync(Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task The_real_Hamburg_thing_parses()
    {
        _site.Map("/v1.1/Things(7648)", context => JsonAsync(context, RealFixture("hamburg_iot_Thing_7648_expanded.json")));
        var client = new SensorThingsClient(_http, _site.Url("/v1.1/"));

        var thing = await client.GetThingAsync("7648", "Datastreams", Token);

        Assert.Equal("7648", thing.Id);
        Assert.Equal("Zählfeld J_52.1_1_I", thing.Name);
        Assert.Equal("J_52.1_1_I", thing.Properties!["assetID"]!.GetValue<string>());
        Assert.Empty(thing.Locations);
        Assert.NotEmpty(thing.Datastreams);
        var bikes = thing.Datastreams[0];
        Assert.Equal("16183", bikes.Id);
        Assert.Equal("Fahrradaufkommen an Zählfeld J_52.1_1_I im 5-Min-Intervall", bikes.Name);
        Assert.Equal(new UnitOfMeasurement("Anzahl", null, null), bikes.UnitOfMeasurement);
        Assert.All(thing.Datastreams, d => Assert.False(string.IsNullOrEmpty(d.Id)));
        Assert.Equal("Datastreams", QueryHelpers.ParseQuery(Assert.Single(_site.Requests).Query)["$expand"].ToString());
    }

    [Fact]
    public async Task The_FROST_default_entities_parse()
    {
        _site.Map(Root + "Things", context => JsonAsync(context, $$"""{"value": [{{RealFixture("FROST_entitiesDefault.json")}}]}"""));

        var thing = Assert.Single(await Client.GetThingsAsync(cancellationToken: Token));

        Assert.Equal("", thing.Id);
        Assert.Equal("thing name 1", thing.Name);
        var location = Assert.Single(thing.Locations);
        Assert.Equal((-117.05, 51.05), (location.Longitude!.Value, location.Latitude!.Value));
        var datastream = thing.Datastreams[0];
        Assert.Equal(new UnitOfMeasurement("Lumen", "lm", "http://www.qudt.org/qudt/owl/1.0.0/unit/Instances.html/Lumen"), datastream.UnitOfMeasurement);
        Assert.Equal("Luminous Flux", datastream.ObservedProperty!.Name);
    }

    [Fact]
    public async Task The_FROST_batch_entities_parse()
    {
        var batch = JsonNode.Parse(RealFixture("FROST_dataBatchPost.json"))!["requests"]!.AsArray();
        JsonArray Bodies(string url) => [.. batch.Where(r => (string?)r!["url"] == url).Select(r => r!["body"]!.DeepClone())];
        var datastreams = Bodies("Datastreams");
        _site.Map(Root + "Things", context => JsonAsync(context, new JsonObject { ["value"] = Bodies("Things") }.ToJsonString()));
        _site.Map(Root + "Datastreams", context => JsonAsync(context, new JsonObject { ["value"] = datastreams.DeepClone() }.ToJsonString()));
        _site.Map(Root + "Datastreams(1)/Observations", context =>
            JsonAsync(context, new JsonObject { ["value"] = datastreams[0]!["Observations"]!.DeepClone() }.ToJsonString()));

        var things = await Client.GetThingsAsync(cancellationToken: Token);
        var found = await Client.FindDatastreamsAsync(null, null, Token);
        var points = await Client.GetObservationsAsync("1", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 100, Token);

        Assert.Equal(4, things.Count);
        Assert.All(things, t => Assert.False(string.IsNullOrEmpty(t.Name)));
        Assert.Equal(datastreams.Count, found.Count);
        Assert.Equal("Temperature of Thing 1", found[0].Name);
        Assert.Equal("°C", found[0].UnitOfMeasurement!.Symbol);
        Assert.Null(found[0].ThingName);
        Assert.Equal([1.0, 2.0, 3.0, 4.0], points.Select(p => p.Value!.Value));
        Assert.False(QueryHelpers.ParseQuery(_site.Requests[1].Query).ContainsKey("$filter"));
    }

    private static string UrbanFixture(string name) =>
        File.ReadAllText(Path.Combine(RepositoryPaths.SharedData, "urban-data", name));

    private static string RealFixture(string name) =>
        File.ReadAllText(Path.Combine(RepositoryPaths.SharedData, "real", "sensorthings", name));

    private string Origin => _site.BaseUrl.GetLeftPart(UriPartial.Authority);

    private static Task JsonAsync(HttpContext context, string json)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(json, context.RequestAborted);
    }

    /// <summary>
    /// The fixture pages of one datastream: page 2 for <c>$skip=12</c>, else page 1; <c>$top</c> below a page's size
    /// cuts the page (the next link stays, as FROST does). The fixtures' links point at this server unless told not to.
    /// </summary>
    private Task ServeObservationsAsync(HttpContext context, int datastream, bool rewriteOrigin = true)
    {
        var page = context.Request.Query["$skip"].ToString() == "12" ? 2 : 1;
        var json = UrbanFixture($"sensorthings-datastream-{datastream}-observations-page{page}.json");
        if (rewriteOrigin)
        {
            json = json.Replace(FixtureOrigin, Origin, StringComparison.Ordinal);
        }

        var document = JsonNode.Parse(json)!.AsObject();
        if (int.TryParse(context.Request.Query["$top"].ToString(), System.Globalization.CultureInfo.InvariantCulture, out var top)
            && document["value"]!.AsArray() is { } values && top < values.Count)
        {
            document["value"] = new JsonArray([.. values.Take(top).Select(v => v!.DeepClone())]);
        }

        return JsonAsync(context, document.ToJsonString());
    }

    /// <summary>
    /// The datastreams of the things fixture with Thing and ObservedProperty expanded (the property is the part of
    /// the name after the dash), filtered by the <c>substringof</c> conditions of the request as FROST would.
    /// </summary>
    private Task ServeDatastreamsAsync(HttpContext context)
    {
        var conditions = SubstringOf().Matches(context.Request.Query["$filter"].ToString())
            .Select(m => (Text: m.Groups["text"].Value.Replace("''", "'", StringComparison.Ordinal), Field: m.Groups["field"].Value))
            .ToList();
        var things = JsonNode.Parse(UrbanFixture("sensorthings-things-expanded.json"))!["value"]!.AsArray();
        var result = new JsonArray();
        foreach (var thing in things)
        {
            foreach (var datastream in thing!["Datastreams"]!.AsArray())
            {
                var name = (string)datastream!["name"]!;
                var property = name[(name.IndexOf(" – ", StringComparison.Ordinal) + 3)..];
                var thingName = (string)thing["name"]!;
                if (conditions.All(c => (c.Field == "Thing" ? thingName : property).Contains(c.Text, StringComparison.Ordinal)))
                {
                    var expanded = datastream.DeepClone().AsObject();
                    expanded["Thing"] = new JsonObject { ["@iot.id"] = thing["@iot.id"]!.DeepClone(), ["name"] = thingName };
                    expanded["ObservedProperty"] = new JsonObject { ["name"] = property, ["definition"] = "https://example.org/" + property };
                    result.Add(expanded);
                }
            }
        }

        return JsonAsync(context, new JsonObject { ["value"] = result }.ToJsonString());
    }

    [GeneratedRegex(@"substringof\('(?<text>(?:[^']|'')*)', (?<field>ObservedProperty|Thing)/name\)")]
    private static partial Regex SubstringOf();
}
