using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Stadtdialog.Server.Tests.Infrastructure;
using Stadtdialog.Tenancy;
using Xunit;
using Stadtdialog.Tests;

namespace Stadtdialog.Server.Tests.Scenarios;

/// <summary>A citizen chats with the demo municipality's assistant, as the widget does.</summary>
public sealed class DemoChatTests(StadtdialogFactory server) : IClassFixture<StadtdialogFactory>
{
    private const string Tenant = StadtdialogFactory.DemoTenant;
    private const string Assistant = StadtdialogFactory.DemoAssistant;
    private const string IdCardQuestion = "Wie beantrage ich einen neuen Personalausweis?";
    private const string MoonQuestion = "Wie hoch ist der Mond?";
    private static readonly string[] EventNames = ["delta", "citation", "done"];

    [Fact]
    public async Task Id_card_question_is_answered_from_the_website_with_a_source()
    {
        var (_, answer) = await server.AskNewAsync(Tenant, IdCardQuestion);

        Assert.True(answer.Done.AnswerType == "retrieval", $"Expected a retrieval answer. Stream:\n{answer}");
        Assert.Contains("Bürgerbüro", answer.Text, StringComparison.Ordinal);
        Assert.Contains(answer.Citations, c => c.Url.StartsWith("/demo/buergerservice/personalausweis", StringComparison.Ordinal));
        Assert.All(answer.Citations, c => Assert.False(string.IsNullOrWhiteSpace(c.Title)));
        Assert.InRange(answer.Done.Confidence, 0.0, 1.0);
    }

    [Fact]
    public async Task Question_outside_the_website_falls_back_to_the_contact_without_sources()
    {
        var demo = TenantConfig.Load(Path.Combine(RepositoryPaths.Samples, Tenant, "tenant.json"));

        var (_, answer) = await server.AskNewAsync(Tenant, MoonQuestion);

        Assert.True(answer.Done.AnswerType == "fallback", $"Expected a fallback. Stream:\n{answer}");
        Assert.Empty(answer.Citations);
        Assert.NotNull(answer.Done.Contact);
        Assert.Equal(demo.Contact.Phone, answer.Done.Contact.Phone);
        Assert.False(string.IsNullOrWhiteSpace(answer.Text), $"The fallback has no text. Stream:\n{answer}");
    }

    [Fact]
    public async Task Stream_sends_text_then_sources_then_exactly_one_done()
    {
        var (_, answer) = await server.AskNewAsync(Tenant, IdCardQuestion);

        var names = answer.Events.Select(e => e.Name).ToList();
        Assert.True(names.Count >= 3, $"Too few events. Stream:\n{answer}");
        Assert.DoesNotContain("error", names);
        Assert.All(names, n => Assert.Contains(n, EventNames));
        Assert.Equal(1, names.Count(n => n == "done"));
        Assert.Equal("done", names[^1]);
        Assert.Equal("delta", names[0]);
        var lastDelta = names.LastIndexOf("delta");
        var firstCitation = names.IndexOf("citation");
        Assert.True(firstCitation > lastDelta, $"A citation came before the last delta: {string.Join(", ", names)}");
        Assert.Equal(Enumerable.Range(1, answer.Citations.Count), answer.Citations.Select(c => c.Index));
    }

    [Fact]
    public async Task Answer_without_event_stream_accept_header_is_one_json_document()
    {
        var id = await server.StartConversationAsync(Tenant, Assistant);
        using var client = server.CreateClient();

        using var response = await client.PostAsJsonAsync($"/api/tenants/{Tenant}/conversations/{id}/messages",
            new { text = IdCardQuestion }, TestContext.Current.CancellationToken);

        await response.EnsureSuccessWithBodyAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("retrieval", answer.GetProperty("answerType").GetString());
        Assert.Contains("Bürgerbüro", answer.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(0, answer.GetProperty("citations").GetArrayLength());
        Assert.True(answer.TryGetProperty("messageId", out _));
    }

    [Fact]
    public async Task Conversation_keeps_question_and_answer_with_its_sources()
    {
        var (id, answer) = await server.AskNewAsync(Tenant, IdCardQuestion);

        var conversation = await server.GetConversationAsync(Tenant, id);

        Assert.Equal(id, conversation.Id);
        Assert.Equal(Assistant, conversation.Assistant);
        Assert.True(conversation.Messages.Count == 2 && conversation.Messages[0].CreatedAt < conversation.Messages[1].CreatedAt,
            "The conversation must list the question before its answer, with strictly increasing CreatedAt: " +
            string.Join(", ", conversation.Messages.Select(m => $"{m.Role} {m.CreatedAt:O}")));
        Assert.Collection(conversation.Messages,
            user =>
            {
                Assert.Equal("user", user.Role);
                Assert.Equal(IdCardQuestion, user.Content);
                Assert.Empty(user.Citations);
            },
            bot =>
            {
                Assert.Equal("assistant", bot.Role);
                Assert.Equal(answer.Done.MessageId, bot.Id);
                Assert.Equal(answer.Text, bot.Content);
                Assert.Equal("retrieval", bot.AnswerType);
                Assert.Equal(answer.Citations, bot.Citations);
            });
    }

    [Fact]
    public async Task Feedback_can_be_given_and_changed()
    {
        var (id, answer) = await server.AskNewAsync(Tenant, IdCardQuestion);

        using var up = await server.SendFeedbackAsync(Tenant, id, answer.Done.MessageId, new { rating = "up" });
        await up.ShouldHaveStatusAsync(HttpStatusCode.NoContent);
        using var down = await server.SendFeedbackAsync(Tenant, id, answer.Done.MessageId, new { rating = "down", comment = "Die Gebühr fehlt." });
        await down.ShouldHaveStatusAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Feedback_for_an_answer_of_another_conversation_is_not_found()
    {
        var (_, answer) = await server.AskNewAsync(Tenant, IdCardQuestion);
        var other = await server.StartConversationAsync(Tenant, Assistant);

        using var response = await server.SendFeedbackAsync(Tenant, other, answer.Done.MessageId, new { rating = "up" });

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Feedback_for_the_citizens_own_message_is_not_found()
    {
        var (id, _) = await server.AskNewAsync(Tenant, IdCardQuestion);
        var userMessage = (await server.GetConversationAsync(Tenant, id)).Messages.First(m => m.Role == "user");

        using var response = await server.SendFeedbackAsync(Tenant, id, userMessage.Id, new { rating = "up" });

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Tenant_and_assistant_profiles_are_public()
    {
        using var client = server.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        using var tenants = await (await client.GetAsync("/api/tenants", ct)).EnsureSuccessWithBodyAsync();
        var list = JsonDocument.Parse(await tenants.Content.ReadAsStringAsync(ct)).RootElement;
        Assert.Contains(list.EnumerateArray(), t => t.GetProperty("id").GetString() == Tenant);

        using var tenant = await (await client.GetAsync($"/api/tenants/{Tenant}", ct)).EnsureSuccessWithBodyAsync();
        var details = JsonDocument.Parse(await tenant.Content.ReadAsStringAsync(ct)).RootElement;
        Assert.Equal("Stadt Musterstadt", details.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(details.GetProperty("contact").GetProperty("phone").GetString()));

        using var assistants = await (await client.GetAsync($"/api/tenants/{Tenant}/assistants", ct)).EnsureSuccessWithBodyAsync();
        var bots = JsonDocument.Parse(await assistants.Content.ReadAsStringAsync(ct)).RootElement;
        Assert.Contains(bots.EnumerateArray(), a => a.GetProperty("id").GetString() == Assistant);

        using var assistant = await (await client.GetAsync($"/api/tenants/{Tenant}/assistants/{Assistant}", ct)).EnsureSuccessWithBodyAsync();
        var profile = JsonDocument.Parse(await assistant.Content.ReadAsStringAsync(ct)).RootElement;
        Assert.False(string.IsNullOrWhiteSpace(profile.GetProperty("greeting").GetString()));
        Assert.Contains(profile.GetProperty("suggestedQuestions").EnumerateArray(), q => q.GetString() == IdCardQuestion);
    }

    [Fact]
    public async Task Started_conversation_has_the_greeting_and_a_location()
    {
        using var client = server.CreateClient();

        using var response = await client.PostAsJsonAsync($"/api/tenants/{Tenant}/assistants/{Assistant}/conversations",
            new { }, TestContext.Current.CancellationToken);

        await response.ShouldHaveStatusAsync(HttpStatusCode.Created);
        var started = await response.Content.ReadFromJsonAsync<WireConversationStarted>(Wire.Json, TestContext.Current.CancellationToken);
        Assert.NotNull(started);
        Assert.Equal($"/api/tenants/{Tenant}/conversations/{started.Id}", response.Headers.Location?.OriginalString);
        Assert.StartsWith("Guten Tag", started.Greeting, StringComparison.Ordinal);
    }
}
