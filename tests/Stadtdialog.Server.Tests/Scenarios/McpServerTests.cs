using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Stadtdialog.Data;
using Stadtdialog.LiveData.Tools;
using Stadtdialog.Server.Tests.Infrastructure;
using Stadtdialog.Tenancy;
using Xunit;

namespace Stadtdialog.Server.Tests.Scenarios;

/// <summary>
/// The MCP server of a municipality as MCP clients use it: the official C# MCP client talks Streamable HTTP to the
/// test server with a tenant API key an editor created through the administration API. Live data come from the demo
/// urban data platform served by the same test server.
/// </summary>
public sealed class McpServerTests(McpServerTests.Platform fixture) : IClassFixture<McpServerTests.Platform>
{
    private const string Demo = StadtdialogFactory.DemoTenant;
    private const string OtherTenant = "stadt-mcp-b";
    private static readonly string[] ToolNames = ["get_live_data", "list_sources", "search_knowledge"];

    private StadtdialogFactory Server => fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Lists_exactly_the_three_tools_with_input_schemas()
    {
        await using var client = await ConnectAsync(Demo, await CreateKeyAsync(Demo, "tools"));

        var tools = await client.ListToolsAsync(cancellationToken: Ct);

        Assert.Equal(ToolNames, tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(tools, t =>
        {
            Assert.False(string.IsNullOrWhiteSpace(t.Description), $"{t.Name} has no description.");
            Assert.Equal("object", t.ProtocolTool.InputSchema.GetProperty("type").GetString());
        });
        var search = Assert.Single(tools, t => t.Name == "search_knowledge").ProtocolTool.InputSchema;
        Assert.True(search.GetProperty("properties").TryGetProperty("query", out _), search.GetRawText());
        Assert.True(search.GetProperty("properties").TryGetProperty("max_results", out _), search.GetRawText());
        Assert.Contains("query", search.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        var live = Assert.Single(tools, t => t.Name == "get_live_data").ProtocolTool.InputSchema;
        Assert.True(live.GetProperty("properties").TryGetProperty("tool", out _), live.GetRawText());
        Assert.True(live.GetProperty("properties").TryGetProperty("arguments", out _), live.GetRawText());
    }

    [Fact]
    public async Task Search_knowledge_finds_the_id_card_page()
    {
        await using var client = await ConnectAsync(Demo, await CreateKeyAsync(Demo, "search"));

        var result = await client.CallToolAsync("search_knowledge",
            new Dictionary<string, object?> { ["query"] = "Personalausweis beantragen", ["max_results"] = 3 }, cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        var text = Text(result);
        var structured = Structured(result);
        var hits = structured.GetProperty("hits").EnumerateArray().ToList();
        Assert.InRange(hits.Count, 1, 3);
        Assert.Contains(hits, h => h.GetProperty("url").GetString()!.Contains("personalausweis", StringComparison.OrdinalIgnoreCase));
        Assert.All(hits, h =>
        {
            Assert.False(string.IsNullOrWhiteSpace(h.GetProperty("title").GetString()));
            Assert.StartsWith("http", h.GetProperty("url").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(h.GetProperty("text").GetString()));
        });
        Assert.True(structured.GetProperty("confidence").GetDouble() > 0, structured.GetRawText());
        Assert.Contains("personalausweis", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task List_sources_names_the_knowledge_sources_and_data_tools()
    {
        await using var client = await ConnectAsync(Demo, await CreateKeyAsync(Demo, "sources"));

        var result = await client.CallToolAsync("list_sources", cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        var structured = Structured(result);
        var sources = structured.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
        Assert.Contains("Website (Markdown)", sources);
        Assert.Contains("FAQ Bürgerservice", sources);
        var tools = structured.GetProperty("dataTools").EnumerateArray().ToList();
        var slugs = tools.Select(t => t.GetProperty("slug").GetString()).ToList();
        Assert.Contains("parkhausbelegung", slugs);
        Assert.Contains("luftqualitaet", slugs);
        Assert.Contains("veranstaltungen", slugs);
        var parking = Assert.Single(tools, t => t.GetProperty("slug").GetString() == "parkhausbelegung");
        Assert.Equal("Latest", parking.GetProperty("kind").GetString());
        Assert.True(parking.GetProperty("parameters").GetProperty("properties").TryGetProperty("name", out _), parking.GetRawText());
        Assert.Contains("parkhausbelegung", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_live_data_reads_the_demo_platform()
    {
        await using var client = await ConnectAsync(Demo, await CreateKeyAsync(Demo, "live"));

        var result = await client.CallToolAsync("get_live_data",
            new Dictionary<string, object?> { ["tool"] = "parkhausbelegung", ["arguments"] = new Dictionary<string, object?> { ["name"] = "Bahnhof" } },
            cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        var text = Text(result);
        Assert.Contains("Parkhaus Am Bahnhof", text, StringComparison.Ordinal);
        Assert.Contains("Uhr", text, StringComparison.Ordinal);
        var structured = Structured(result);
        Assert.False(structured.GetProperty("unavailable").GetBoolean(), structured.GetRawText());
        var value = Assert.Single(structured.GetProperty("values").EnumerateArray());
        Assert.Equal("Parkhaus Am Bahnhof", value.GetProperty("name").GetString());
        Assert.True(value.GetProperty("value").GetDouble() >= 0);
        Assert.True(DateTimeOffset.TryParse(value.GetProperty("time").GetString(), out _), value.GetRawText());
        Assert.False(string.IsNullOrWhiteSpace(structured.GetProperty("retrievedAt").GetString()));
    }

    [Fact]
    public async Task Get_live_data_with_an_unknown_tool_is_an_error_result()
    {
        await using var client = await ConnectAsync(Demo, await CreateKeyAsync(Demo, "unknown tool"));

        var result = await client.CallToolAsync("get_live_data",
            new Dictionary<string, object?> { ["tool"] = "gibt-es-nicht" }, cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Contains("gibt-es-nicht", Text(result), StringComparison.Ordinal);
        Assert.Contains("parkhausbelegung", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_key_the_endpoint_answers_401()
    {
        using var http = Server.CreateClient();
        using var response = await http.SendAsync(Initialize(Demo), Ct);

        await response.ShouldHaveStatusAsync(HttpStatusCode.Unauthorized);
        await Assert.ThrowsAnyAsync<Exception>(async () => await ConnectAsync(Demo, key: null));
    }

    [Fact]
    public async Task A_key_of_another_tenant_never_reaches_the_demo_tenant()
    {
        var otherKey = await CreateKeyAsync(OtherTenant, "other");

        using (var http = Server.CreateClient())
        {
            using var request = Initialize(Demo);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", otherKey);
            using var response = await http.SendAsync(request, Ct);
            await response.ShouldHaveStatusAsync(HttpStatusCode.Forbidden);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.DoesNotContain("Musterstadt", body, StringComparison.OrdinalIgnoreCase);
        }

        await Assert.ThrowsAnyAsync<Exception>(async () => await ConnectAsync(Demo, otherKey));

        // On its own URL the key works and sees only its own municipality.
        await using var own = await ConnectAsync(OtherTenant, otherKey);
        var sources = await own.CallToolAsync("list_sources", cancellationToken: Ct);
        Assert.NotEqual(true, sources.IsError);
        var structured = Structured(sources);
        Assert.Equal(OtherTenant, structured.GetProperty("tenant").GetString());
        Assert.Empty(structured.GetProperty("sources").EnumerateArray());
        Assert.Empty(structured.GetProperty("dataTools").EnumerateArray());
        var search = await own.CallToolAsync("search_knowledge",
            new Dictionary<string, object?> { ["query"] = "Personalausweis beantragen" }, cancellationToken: Ct);
        Assert.Empty(Structured(search).GetProperty("hits").EnumerateArray());
        var live = await own.CallToolAsync("get_live_data",
            new Dictionary<string, object?> { ["tool"] = "parkhausbelegung" }, cancellationToken: Ct);
        Assert.True(live.IsError);
        Assert.DoesNotContain("Parkhaus Am Bahnhof", Text(live), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_per_key_rate_limit_applies()
    {
        await using var server = new StadtdialogFactory
        {
            DemoEnabled = false,
            Settings = new Dictionary<string, string?> { ["Stadtdialog:OpenAi:RequestsPerMinutePerKey"] = "2" },
        };
        await server.CreateEmptyTenantAsync(OtherTenant, "Stadt MCP B", Platform.OtherContact);
        using var admin = server.CreateAdminClient();
        using var created = await admin.PostAsJsonAsync($"/api/tenants/{OtherTenant}/api-keys", new { name = "limited" }, Ct);
        await created.ShouldHaveStatusAsync(HttpStatusCode.Created);
        var key = (await created.ReadJsonAsync<OpenAiCompatibleApiTests.WireApiKeyCreated>()).Key;
        using var http = server.CreateClient();

        for (var i = 0; i < 2; i++)
        {
            using var allowed = Initialize(OtherTenant);
            allowed.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var ok = await http.SendAsync(allowed, Ct);
            await ok.EnsureSuccessWithBodyAsync();
        }

        using var request = Initialize(OtherTenant);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var limited = await http.SendAsync(request, Ct);
        await limited.ShouldHaveStatusAsync(HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.RetryAfter is not null, "429 without Retry-After.");
    }

    private async Task<McpClient> ConnectAsync(string tenant, string? key)
    {
        var options = new HttpClientTransportOptions
        {
            Endpoint = new Uri($"http://localhost/api/tenants/{tenant}/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = key is null ? null : new Dictionary<string, string> { ["Authorization"] = $"Bearer {key}" },
        };
        var transport = new HttpClientTransport(options, Server.CreateClient(), loggerFactory: null, ownsHttpClient: true);
        return await McpClient.CreateAsync(transport, cancellationToken: Ct);
    }

    private static HttpRequestMessage Initialize(string tenant)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{tenant}/mcp")
        {
            Content = new StringContent(
                """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1.0"}}}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }

    private async Task<string> CreateKeyAsync(string tenant, string name)
    {
        using var admin = Server.CreateAdminClient();
        using var response = await admin.PostAsJsonAsync($"/api/tenants/{tenant}/api-keys", new { name }, Ct);
        await response.ShouldHaveStatusAsync(HttpStatusCode.Created);
        return (await response.ReadJsonAsync<OpenAiCompatibleApiTests.WireApiKeyCreated>()).Key;
    }

    private static string Text(CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    private static JsonElement Structured(CallToolResult result)
    {
        Assert.True(result.StructuredContent is not null, $"No structured content. Text: {Text(result)}");
        return JsonSerializer.SerializeToElement(result.StructuredContent);
    }

    /// <summary>The demo server whose path-based data connections (/demo/platform/…) reach the same test server.</summary>
    public sealed class Platform : IAsyncLifetime
    {
        public static readonly ContactInfo OtherContact = new() { Name = "Bürgeramt B", Phone = "04444 4444", Email = "buergeramt@stadt-mcp-b.example" };

        public Platform()
        {
            Server = new StadtdialogFactory
            {
                ConfigureTestServices = services =>
                    services.AddSingleton<ILocalPlatform>(new TestLocalPlatform(() => Server!.Server.CreateHandler())),
            };
        }

        public StadtdialogFactory Server { get; }

        public async ValueTask InitializeAsync() =>
            await Server.CreateEmptyTenantAsync(OtherTenant, "Stadt MCP B", OtherContact);

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    private sealed class TestLocalPlatform(Func<HttpMessageHandler> handler) : ILocalPlatform
    {
        public Uri? BaseAddress { get; } = new("http://localhost/");

        public HttpMessageHandler CreateHandler() => handler();
    }
}
