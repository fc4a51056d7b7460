using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Stadtdialog.Data;
using Stadtdialog.Server.Tests.Infrastructure;
using Stadtdialog.Tenancy;
using Stadtdialog.Tests;
using Xunit;

namespace Stadtdialog.Server.Tests.Scenarios;

/// <summary>
/// The live-data tier end to end: an editor configures a connection and a tool through the API, citizens ask through
/// the chat API, a loopback SensorThings server answers (or fails), and a scripted OpenAI-compatible model picks tools
/// as functions.
/// </summary>
public sealed class LiveDataTierTests : IAsyncLifetime
{
    private const string Tenant = "stadt-live";
    private const string ApiKey = "platform-key-123";
    private static readonly string[] ParkingKeywords = ["freie Plätze", "Plätze frei"];
    private static readonly string[] ParkingExcluded = ["kostet"];
    private static readonly string[] SeriesKeywords = ["Parkhaus Verlauf"];
    private FakeSensorThings _platform = null!;
    private FakeOpenAiServer _model = null!;
    private StadtdialogFactory _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _platform = await FakeSensorThings.StartAsync();
        _model = await FakeOpenAiServer.StartAsync(Ct);
        _model.DefaultReply = Reply.Text("NEIN");
        _server = new StadtdialogFactory
        {
            Settings = new Dictionary<string, string?>
            {
                ["Stadtdialog:Llm:Endpoint"] = _model.BaseUrl.ToString(),
                ["Stadtdialog:Llm:Model"] = "test-chat",
                ["Stadtdialog:Llm:TimeoutSeconds"] = "5",
                ["Stadtdialog:LiveData:AllowPrivateNetworks"] = "true", // the test platform is on loopback
            },
        };
        await _server.CreateEmptyTenantAsync(Tenant, "Stadt Live", new ContactInfo { Phone = "0123 456" },
            new AssistantConfig { Id = "buergerservice", Name = "Bürgerservice" });
        using var admin = _server.CreateAdminClient();
        var connection = await admin.PutAsJsonAsync($"/api/tenants/{Tenant}/data/connections/sta", new
        {
            name = "Datenplattform Test", kind = "SensorThings", baseUrl = _platform.BaseUrl + "v1.1/", auth = "ApiKey", apiKey = ApiKey,
            timeoutSeconds = 2, retries = 0, cacheSeconds = 300,
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, connection.StatusCode);
        await PutToolAsync(admin, "parken", new
        {
            name = "Parkhausbelegung", connection = "sta", kind = "Latest", description = "Freie Plätze in den Parkhäusern",
            query = new { thingCategory = "parking", datastreamName = "freie", capacityProperty = "capacity", itemLabel = "Parkhaus" },
            intents = new { keywords = ParkingKeywords, excludedKeywords = ParkingExcluded },
            answerTemplate = "Im {{ name }} sind um {{ time }} Uhr {{ value }} von {{ capacity }} Plätzen frei.",
            staleAfterMinutes = 30,
        });
        await PutToolAsync(admin, "parkverlauf", new
        {
            name = "Parkhausverlauf", connection = "sta", kind = "Series",
            query = new { thingCategory = "parking", datastreamName = "freie", capacityProperty = "capacity", hours = 6 },
            intents = new { keywords = SeriesKeywords },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _model.DisposeAsync();
        await _platform.DisposeAsync();
    }

    private static async Task PutToolAsync(HttpClient admin, string id, object body)
    {
        var response = await admin.PutAsJsonAsync($"/api/tenants/{Tenant}/data/tools/{id}", body, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_parking_question_gets_the_templated_answer_with_time_and_source_and_the_second_comes_from_the_cache()
    {
        var (conversation, answer) = await _server.AskNewAsync(Tenant, "Wie viele Plätze sind im Parkhaus Nord frei?");

        Assert.Equal("livedata", answer.Done.AnswerType);
        Assert.Matches(@"^Im Parkhaus Nord sind um \d\d:\d\d Uhr 42 von 120 Plätzen frei\.$", answer.Text);
        var citation = Assert.Single(answer.Citations);
        Assert.Equal("Parkhausbelegung – Datenplattform Test", citation.Title);
        Assert.StartsWith(_platform.BaseUrl.ToString(), citation.Url, StringComparison.Ordinal);
        Assert.All(_platform.Requests, r => Assert.Equal(ApiKey, r.ApiKey));
        var stored = await _server.GetConversationAsync(Tenant, conversation);
        Assert.Equal(answer.Text, stored.Messages[^1].Content);
        Assert.Equal("livedata", stored.Messages[^1].AnswerType);
        Assert.Empty(_model.ChatRequests);

        var requests = _platform.Requests.Count;
        var (_, again) = await _server.AskNewAsync(Tenant, "Sind im Parkhaus Süd Plätze frei?");
        Assert.Contains("Parkhaus Süd", again.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Parkhaus Nord", again.Text, StringComparison.Ordinal);
        Assert.Equal(requests + 1, _platform.Requests.Count); // things cached; only Süd's latest observation is new
    }

    [Fact]
    public async Task A_failing_platform_gives_the_honest_answer_without_any_number_and_is_not_cached()
    {
        _platform.Fail = true;
        var (_, answer) = await _server.AskNewAsync(Tenant, "Sind im Parkhaus Nord Plätze frei?");

        Assert.Equal("livedata", answer.Done.AnswerType);
        Assert.Contains("gerade nicht erreichbar", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d", answer.Text);
        Assert.NotNull(answer.Done.Contact);

        _platform.Fail = false;
        var (_, recovered) = await _server.AskNewAsync(Tenant, "Sind im Parkhaus Nord Plätze frei?");
        Assert.Contains("42 von 120", recovered.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outdated_value_is_shown_with_its_date_and_a_warning()
    {
        _platform.Age = TimeSpan.FromDays(2);
        var (_, answer) = await _server.AskNewAsync(Tenant, "Sind im Parkhaus Nord Plätze frei?");

        Assert.Contains("42 von 120", answer.Text, StringComparison.Ordinal);
        Assert.Contains("Achtung: Dieser Wert ist älter als 30 Minuten", answer.Text, StringComparison.Ordinal);
        Assert.Matches(@"\d\d\.\d\d\.\d{4}", answer.Text);
    }

    [Fact]
    public async Task A_time_series_question_comes_with_a_chart_event_and_a_stored_chart()
    {
        var (conversation, answer) = await _server.AskNewAsync(Tenant, "Parkhaus Verlauf Nord");

        var chart = Assert.Single(answer.Events, e => e.Name == "chart");
        using var json = JsonDocument.Parse(chart.Data);
        var series = json.RootElement.GetProperty("series");
        Assert.Equal("Parkhaus Nord – freie Stellplätze", Assert.Single(series.EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(7, series[0].GetProperty("points").GetArrayLength());
        Assert.Contains("zwischen 42 und 48", json.RootElement.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains("zwischen 42 und 48", answer.Text, StringComparison.Ordinal);

        using var client = _server.CreateClient();
        var stored = JsonNode.Parse(await client.GetStringAsync($"/api/tenants/{Tenant}/conversations/{conversation}", Ct))!;
        Assert.Equal(7, stored["messages"]![1]!["chart"]!["series"]![0]!["points"]!.AsArray().Count);
    }

    [Fact]
    public async Task With_a_model_the_tool_is_offered_as_a_function_and_the_model_only_picks_and_fills_it()
    {
        _model.Respond(_ => Reply.ToolCall("parken", """{"name":"Süd"}"""));

        var (_, answer) = await _server.AskNewAsync(Tenant, "Kann ich heute in der Südstadt im Parkhaus parken?");

        Assert.Equal("livedata", answer.Done.AnswerType);
        Assert.Matches(@"^Im Parkhaus Süd sind um \d\d:\d\d Uhr 17 von 80 Plätzen frei\.$", answer.Text);
        var request = Assert.Single(_model.ChatRequests, r => r.Json?["tools"] is not null);
        var function = request.Json!["tools"]![0]!["function"]!;
        Assert.Equal("parken", function["name"]!.GetValue<string>());
        Assert.Equal("object", function["parameters"]!["type"]!.GetValue<string>());
        Assert.NotNull(function["parameters"]!["properties"]!["name"]);
    }

    [Fact]
    public async Task Without_a_tool_call_the_question_goes_on_to_the_knowledge_tiers()
    {
        var (_, answer) = await _server.AskNewAsync(Tenant, "Was kostet das Parken im Parkhaus?");

        Assert.NotEqual("livedata", answer.Done.AnswerType);
    }

    [Fact]
    public async Task Editors_see_connections_without_secrets_and_can_try_tools_and_patterns()
    {
        using var admin = _server.CreateAdminClient();
        var connections = await admin.GetStringAsync($"/api/tenants/{Tenant}/data/connections", Ct);
        Assert.DoesNotContain(ApiKey, connections, StringComparison.Ordinal);
        Assert.Contains("\"hasApiKey\":true", connections, StringComparison.Ordinal);

        var run = await admin.PostAsJsonAsync($"/api/tenants/{Tenant}/data/tools/parken/run", new { arguments = new { name = "Nord" } }, Ct);
        var result = JsonNode.Parse(await run.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(42, result["values"]![0]!["value"]!.GetValue<double>());
        Assert.False(result["unavailable"]!.GetValue<bool>());

        var match = await admin.PostAsJsonAsync($"/api/tenants/{Tenant}/data/match", new { question = "Wo sind noch Plätze frei?" }, Ct);
        Assert.Equal("parken", JsonNode.Parse(await match.Content.ReadAsStringAsync(Ct))!["tool"]!.GetValue<string>());

        var invalid = await admin.PutAsJsonAsync($"/api/tenants/{Tenant}/data/tools/kaputt",
            new { name = "Kaputt", connection = "sta", kind = "Latest", answerTemplate = "{% if %}" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);

        using var anonymous = _server.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/tenants/{Tenant}/data/tools", Ct)).StatusCode);
    }

    [Fact]
    public async Task By_default_a_connection_to_an_internal_address_is_refused_and_the_editor_is_told_why()
    {
        await using var strict = new StadtdialogFactory();
        await strict.CreateEmptyTenantAsync("stadt-strict", "Stadt Strikt", new ContactInfo(), new AssistantConfig { Id = "buergerservice" });
        using var admin = strict.CreateAdminClient();
        var put = await admin.PutAsJsonAsync("/api/tenants/stadt-strict/data/connections/intern",
            new { name = "Intern", kind = "SensorThings", baseUrl = _platform.BaseUrl + "v1.1/", retries = 0 }, Ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await admin.PutAsJsonAsync("/api/tenants/stadt-strict/data/tools/parken",
            new { name = "Parken", connection = "intern", kind = "Latest", query = new { thingCategory = "parking" } }, Ct);
        var before = _platform.Requests.Count;

        var run = await admin.PostAsJsonAsync("/api/tenants/stadt-strict/data/tools/parken/run", new { }, Ct);

        var result = JsonNode.Parse(await run.Content.ReadAsStringAsync(Ct))!;
        Assert.True(result["unavailable"]!.GetValue<bool>());
        Assert.Contains("Stadtdialog:LiveData:AllowPrivateNetworks", result["problem"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, _platform.Requests.Count);
    }

    /// <summary>A SensorThings server on loopback with two garages; it can fail and age its observations.</summary>
    private sealed class FakeSensorThings : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly List<(string Path, string? ApiKey)> _requests = [];

        private FakeSensorThings(WebApplication app) => _app = app;

        public Uri BaseUrl { get; private set; } = null!;

        public bool Fail { get; set; }

        public TimeSpan Age { get; set; } = TimeSpan.FromMinutes(5);

        public IReadOnlyList<(string Path, string? ApiKey)> Requests
        {
            get
            {
                lock (_requests)
                {
                    return [.. _requests];
                }
            }
        }

        public static async Task<FakeSensorThings> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var fake = new FakeSensorThings(app);
            app.Use(async (context, next) =>
            {
                lock (fake._requests)
                {
                    fake._requests.Add((context.Request.Path + context.Request.QueryString, context.Request.Headers["X-API-Key"].ToString()));
                }

                if (fake.Fail)
                {
                    context.Response.StatusCode = 500;
                    return;
                }

                await next(context);
            });
            app.MapGet("/v1.1/Things", () => Results.Text(Things, "application/json"));
            app.MapGet("/v1.1/{path}/Observations", (string path, HttpRequest request) =>
            {
                var (free, id) = path == "Datastreams(7)" ? (42, 7) : (17, 8);
                var now = TimeProvider.System.GetUtcNow() - fake.Age;
                var latest = request.Query["$top"] == "1";
                var points = Enumerable.Range(0, latest ? 1 : 7)
                    .Select(i => new JsonObject { ["@iot.id"] = id * 100 + i, ["phenomenonTime"] = (now - TimeSpan.FromHours(i)).ToString("O"), ["result"] = free + i })
                    .ToArray();
                if (!latest)
                {
                    points = [.. points.Reverse()];
                }

                return Results.Text(new JsonObject { ["value"] = new JsonArray(points) }.ToJsonString(), "application/json");
            });
            await app.StartAsync();
            fake.BaseUrl = new Uri(app.Urls.First() + "/");
            return fake;
        }

        private const string Things = """
            {"value":[
             {"@iot.id":1,"name":"Parkhaus Nord","properties":{"category":"parking","capacity":120},
              "Locations":[],"Datastreams":[{"@iot.id":7,"name":"Parkhaus Nord – freie Stellplätze","unitOfMeasurement":{"name":"Anzahl","symbol":""}}]},
             {"@iot.id":2,"name":"Parkhaus Süd","properties":{"category":"parking","capacity":80},
              "Locations":[],"Datastreams":[{"@iot.id":8,"name":"Parkhaus Süd – freie Stellplätze","unitOfMeasurement":{"name":"Anzahl","symbol":""}}]},
             {"@iot.id":3,"name":"Luftmessstation","properties":{"category":"air-quality"},
              "Locations":[],"Datastreams":[{"@iot.id":9,"name":"Luftmessstation – PM10","unitOfMeasurement":{"symbol":"µg/m³"}}]}
            ]}
            """;

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
