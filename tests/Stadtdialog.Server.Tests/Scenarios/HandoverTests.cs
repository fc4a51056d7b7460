using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Stadtdialog.Server.Tests.Infrastructure;
using Xunit;

namespace Stadtdialog.Server.Tests.Scenarios;

/// <summary>
/// Handover to people through the HTTP API: the citizen asks for a person, staff take over, messages go both ways
/// live, the bot stays silent until the conversation is handed back — also when citizen messages and the takeover
/// race.
/// </summary>
public sealed class HandoverTests(HandoverTests.Server fixture) : IClassFixture<HandoverTests.Server>
{
    private const string Tenant = StadtdialogFactory.DemoTenant;
    private const string Question = "Wie beantrage ich einen neuen Personalausweis?";

    private StadtdialogFactory App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ask_for_a_person_take_over_talk_both_ways_live_and_hand_back()
    {
        var conversation = await App.StartConversationAsync(Tenant, StadtdialogFactory.DemoAssistant);
        var first = await App.AskAsync(Tenant, conversation, Question);
        Assert.Equal("retrieval", first.Done.AnswerType);

        using var citizen = App.CreateClient();
        using var staff = App.CreateAdminClient();
        var requested = await citizen.PostAsJsonAsync($"/api/tenants/{Tenant}/conversations/{conversation}/handover", new { }, Ct);
        Assert.Equal("waiting", JsonNode.Parse(await requested.Content.ReadAsStringAsync(Ct))!["mode"]!.GetValue<string>());

        var inbox = JsonNode.Parse(await staff.GetStringAsync($"/api/tenants/{Tenant}/inbox/conversations?mode=Waiting", Ct))!.AsArray();
        Assert.Contains(inbox, c => c!["id"]!.GetValue<Guid>() == conversation);

        // Waiting: the citizen's question is passed on, not answered by the bot.
        var waiting = await App.AskAsync(Tenant, conversation, "Hallo, ist da jemand?");
        Assert.Contains(waiting.Events, e => e.Name == "handover");
        Assert.DoesNotContain(waiting.Events, e => e.Name is "delta" or "done");

        // The citizen's live stream (opened before the takeover) receives the staff member's message.
        using var events = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stream = await citizen.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/tenants/{Tenant}/conversations/{conversation}/events"),
            HttpCompletionOption.ResponseHeadersRead, events.Token);
        var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(events.Token));
        Assert.Equal("event: mode", await reader.ReadLineAsync(events.Token)); // the current state comes first

        var takeover = await staff.PostAsync($"/api/tenants/{Tenant}/inbox/conversations/{conversation}/takeover", null, Ct);
        Assert.Equal(HttpStatusCode.OK, takeover.StatusCode);
        var sent = await staff.PostAsJsonAsync($"/api/tenants/{Tenant}/inbox/conversations/{conversation}/messages",
            new { text = "Guten Tag, hier ist das Bürgerbüro. Wie kann ich helfen?" }, Ct);
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);

        var received = await ReadUntilAsync(reader, "Wie kann ich helfen?", events.Token);
        Assert.Contains("Sie schreiben jetzt mit", received, StringComparison.Ordinal);

        // With an agent: the citizen's message reaches the agent, the bot stays silent.
        var toAgent = await App.AskAsync(Tenant, conversation, Question);
        var handover = Assert.Single(toAgent.Events, e => e.Name == "handover");
        Assert.Contains("\"mode\":\"agent\"", handover.Data, StringComparison.Ordinal);
        Assert.DoesNotContain(toAgent.Events, e => e.Name is "delta" or "done");

        // Taking over one's own conversation again changes nothing.
        var again = await staff.PostAsync($"/api/tenants/{Tenant}/inbox/conversations/{conversation}/takeover", null, Ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        var handback = await staff.PostAsync($"/api/tenants/{Tenant}/inbox/conversations/{conversation}/handback", null, Ct);
        Assert.Equal(HttpStatusCode.NoContent, handback.StatusCode);
        var bot = await App.AskAsync(Tenant, conversation, Question);
        Assert.Equal("retrieval", bot.Done.AnswerType);

        var stored = JsonNode.Parse(await staff.GetStringAsync($"/api/tenants/{Tenant}/inbox/conversations/{conversation}", Ct))!;
        var roles = stored["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()).ToList();
        Assert.Equal(
            ["user", "assistant", "system", "user", "system", "agent", "user", "system", "user", "assistant"],
            roles);
    }

    [Fact]
    public async Task Citizen_messages_racing_a_takeover_never_get_a_bot_answer_after_it()
    {
        for (var round = 0; round < 5; round++)
        {
            var conversation = await App.StartConversationAsync(Tenant, StadtdialogFactory.DemoAssistant);
            using var staff = App.CreateAdminClient();

            // Ten questions in flight while the staff member takes over.
            var questions = Enumerable.Range(0, 10).Select(i => App.AskAsync(Tenant, conversation, $"{Question} ({i})")).ToList();
            await Task.Delay(round * 15, Ct);
            var takeover = await staff.PostAsync($"/api/tenants/{Tenant}/inbox/conversations/{conversation}/takeover", null, Ct);
            Assert.Equal(HttpStatusCode.OK, takeover.StatusCode);
            var answers = await Task.WhenAll(questions);

            var stored = JsonNode.Parse(await staff.GetStringAsync($"/api/tenants/{Tenant}/inbox/conversations/{conversation}", Ct))!;
            var messages = stored["messages"]!.AsArray().Select(m => (Role: m!["role"]!.GetValue<string>(), At: m["createdAt"]!.GetValue<DateTimeOffset>())).ToList();
            var joined = messages.Single(m => m.Role == "system").At;
            Assert.DoesNotContain(messages, m => m.Role == "assistant" && m.At > joined);
            Assert.Equal(10, messages.Count(m => m.Role == "user")); // every question was kept

            // What the citizens' screens kept: an answer only where it was stored before the takeover.
            var shownAnswers = answers.Count(a => a.Events.Any(e => e.Name == "done"));
            Assert.Equal(messages.Count(m => m.Role == "assistant"), shownAnswers);
            Assert.All(answers.Where(a => a.Events.Any(e => e.Name == "handover")), a => Assert.DoesNotContain(a.Events, e => e.Name == "done"));
        }
    }

    [Fact]
    public async Task Of_two_agents_only_one_takes_over_the_other_cannot_write_or_hand_back_and_a_tenant_admin_can()
    {
        var conversation = await App.StartConversationAsync(Tenant, StadtdialogFactory.DemoAssistant);
        using var schmidt = await App.SignInStaffAsync(Tenant, "schmidt@musterstadt.example", "Frau Schmidt", "agent");
        using var meyer = await App.SignInStaffAsync(Tenant, "meyer@musterstadt.example", "Herr Meyer", "agent");
        using var chefin = await App.SignInStaffAsync(Tenant, "chefin@musterstadt.example", "Frau Chefin", "tenantAdmin");
        var inbox = $"/api/tenants/{Tenant}/inbox/conversations/{conversation}";

        var both = await Task.WhenAll(schmidt.PostAsync(inbox + "/takeover", null, Ct), meyer.PostAsync(inbox + "/takeover", null, Ct));
        var winner = both[0].StatusCode == HttpStatusCode.OK ? schmidt : meyer;
        var loser = winner == schmidt ? meyer : schmidt;
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], both.Select(r => r.StatusCode).Order());

        var answer = await App.AskAsync(Tenant, conversation, Question);
        Assert.Contains(winner == schmidt ? "Frau Schmidt" : "Herr Meyer", Assert.Single(answer.Events, e => e.Name == "handover").Data, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Conflict, (await loser.PostAsJsonAsync(inbox + "/messages", new { text = "Ich auch!" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await loser.PostAsync(inbox + "/handback", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await chefin.PostAsync(inbox + "/handback", null, Ct)).StatusCode);
        Assert.Equal("retrieval", (await App.AskAsync(Tenant, conversation, Question)).Done.AnswerType);
    }

    [Fact]
    public async Task Staff_endpoints_need_a_key_and_citizens_cannot_write_as_staff()
    {
        var conversation = await App.StartConversationAsync(Tenant, StadtdialogFactory.DemoAssistant);
        using var anonymous = App.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/tenants/{Tenant}/inbox/conversations", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await anonymous.PostAsync($"/api/tenants/{Tenant}/inbox/conversations/{conversation}/takeover", null, Ct)).StatusCode);

        using var staff = App.CreateAdminClient();
        var notOwner = await staff.PostAsJsonAsync($"/api/tenants/{Tenant}/inbox/conversations/{conversation}/messages", new { text = "Hallo" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, notOwner.StatusCode); // not taken over yet
    }

    private static async Task<string> ReadUntilAsync(StreamReader reader, string marker, CancellationToken cancellationToken)
    {
        var seen = new System.Text.StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            seen.AppendLine(line);
            if (line.Contains(marker, StringComparison.Ordinal))
            {
                return seen.ToString();
            }
        }

        throw new InvalidOperationException($"The stream ended before '{marker}':\n{seen}");
    }

    public sealed class Server : IAsyncLifetime
    {
        public StadtdialogFactory App { get; } = new();

        public ValueTask InitializeAsync() => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }
}
