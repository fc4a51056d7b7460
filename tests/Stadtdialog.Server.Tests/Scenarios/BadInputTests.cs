using System.Net;
using System.Net.Http.Json;
using System.Text;
using Stadtdialog.Server.Tests.Infrastructure;
using Xunit;

namespace Stadtdialog.Server.Tests.Scenarios;

/// <summary>Wrong, oversized, malformed and too frequent requests get precise problem responses.</summary>
public sealed class BadInputTests(StadtdialogFactory server) : IClassFixture<StadtdialogFactory>
{
    private const string Tenant = StadtdialogFactory.DemoTenant;
    private const string Assistant = StadtdialogFactory.DemoAssistant;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/api/tenants/nirgendwo")]
    [InlineData("/api/tenants/nirgendwo/assistants")]
    [InlineData("/api/tenants/NICHT_GUELTIG/assistants")]
    public async Task Unknown_tenant_is_a_404_problem_with_title(string path)
    {
        using var client = server.CreateClient();

        using var response = await client.GetAsync(path, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Starting_a_conversation_with_an_unknown_tenant_is_a_404_problem()
    {
        using var client = server.CreateClient();

        using var response = await client.PostAsJsonAsync($"/api/tenants/nirgendwo/assistants/{Assistant}/conversations", new { }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unknown_assistant_is_a_404_problem()
    {
        using var client = server.CreateClient();

        using var get = await client.GetAsync($"/api/tenants/{Tenant}/assistants/gibt-es-nicht", Ct);
        await get.ShouldBeProblemAsync(HttpStatusCode.NotFound);

        using var start = await client.PostAsJsonAsync($"/api/tenants/{Tenant}/assistants/gibt-es-nicht/conversations", new { }, Ct);
        await start.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unknown_conversation_is_a_404_problem()
    {
        using var client = server.CreateClient();

        using var get = await client.GetAsync($"/api/tenants/{Tenant}/conversations/{Guid.NewGuid()}", Ct);
        await get.ShouldBeProblemAsync(HttpStatusCode.NotFound);

        using var post = await client.PostAsJsonAsync($"/api/tenants/{Tenant}/conversations/{Guid.NewGuid()}/messages", new { text = "Hallo" }, Ct);
        await post.ShouldBeProblemAsync(HttpStatusCode.NotFound);

        // The widget asks for a stream and restarts the conversation on a 404.
        using var streamed = await PostMessageAsync(Guid.NewGuid(), JsonContent.Create(new { text = "Hallo" }));
        await streamed.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Empty_question_is_a_400_problem(string text)
    {
        var id = await server.StartConversationAsync(Tenant, Assistant);

        using var response = await PostMessageAsync(id, JsonContent.Create(new { text }));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Missing_question_is_a_400_problem()
    {
        var id = await server.StartConversationAsync(Tenant, Assistant);

        using var response = await PostMessageAsync(id, JsonContent.Create(new { language = "de" }));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Question_of_3000_characters_is_a_400_problem()
    {
        var id = await server.StartConversationAsync(Tenant, Assistant);

        using var response = await PostMessageAsync(id, JsonContent.Create(new { text = new string('a', 3000) }));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var conversation = await server.GetConversationAsync(Tenant, id);
        Assert.Empty(conversation.Messages);
    }

    [Theory]
    [InlineData("text/event-stream")]
    [InlineData("application/json")]
    public async Task Body_larger_than_16_KB_is_a_413_problem(string accept)
    {
        // Body size limits are enforced by Kestrel (the in-memory test server has none), so this runs on a real socket.
        await using var kestrel = new StadtdialogFactory();
        kestrel.UseKestrel(0);
        kestrel.StartServer();
        using var client = kestrel.CreateClient();
        var id = await kestrel.StartConversationAsync(Tenant, Assistant);
        var body = "{\"text\":\"Personalausweis\",\"padding\":\"" + new string('x', 20 * 1024) + "\"}";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{Tenant}/conversations/{id}/messages")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd(accept);

        using var response = await client.SendAsync(request, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("{\"text\": \"Personalausweis\"")]
    [InlineData("{text: Personalausweis}")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"text\": 42}")]
    public async Task Malformed_json_is_a_400_problem(string body)
    {
        var id = await server.StartConversationAsync(Tenant, Assistant);

        using var response = await PostMessageAsync(id, new StringContent(body, Encoding.UTF8, "application/json"));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Conversation_id_that_is_not_a_guid_is_not_found()
    {
        using var client = server.CreateClient();

        using var response = await client.GetAsync($"/api/tenants/{Tenant}/conversations/keine-guid", Ct);

        await response.ShouldHaveStatusAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"rating\": \"sideways\"}")]
    [InlineData("{\"rating\": 5}")]
    [InlineData("{\"rating\": \"up\", \"comment\": 7}")]
    public async Task Invalid_rating_is_a_400_problem(string body)
    {
        var (id, answer) = await server.AskNewAsync(Tenant, "Wie beantrage ich einen neuen Personalausweis?");
        using var client = server.CreateClient();

        using var response = await client.PostAsync(
            $"/api/tenants/{Tenant}/conversations/{id}/messages/{answer.Done.MessageId}/feedback",
            new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("text/event-stream")]
    [InlineData("application/json")]
    public async Task Third_message_within_a_minute_is_a_429_problem_when_the_limit_is_two(string accept)
    {
        await using var limited = new StadtdialogFactory { MessagesPerMinutePerClient = 2 };
        var id = await limited.StartConversationAsync(Tenant, Assistant);
        using var client = limited.CreateClient();

        for (var i = 1; i <= 2; i++)
        {
            using var allowed = await client.SendAsync(MessageRequest(id, "Hallo", accept), Ct);
            await allowed.EnsureSuccessWithBodyAsync();
        }

        using var third = await client.SendAsync(MessageRequest(id, "Hallo", accept), Ct);

        var problem = await third.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("Zu viele Anfragen", problem.GetProperty("title").GetString());
        using var read = await client.GetAsync($"/api/tenants/{Tenant}/conversations/{id}", Ct);
        await read.EnsureSuccessWithBodyAsync(); // only sending messages is limited
    }

    private static HttpRequestMessage MessageRequest(Guid conversationId, string text, string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{Tenant}/conversations/{conversationId}/messages")
        {
            Content = JsonContent.Create(new { text }),
        };
        request.Headers.Accept.ParseAdd(accept);
        return request;
    }

    private async Task<HttpResponseMessage> PostMessageAsync(Guid conversationId, HttpContent content)
    {
        using var client = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{Tenant}/conversations/{conversationId}/messages")
        {
            Content = content,
        };
        request.Headers.Accept.ParseAdd("text/event-stream");
        return await client.SendAsync(request, Ct);
    }
}
