using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stadtdialog.Data;
using Stadtdialog.Server.Tests.Infrastructure;
using Stadtdialog.Tenancy;
using Stadtdialog.Tests;
using Xunit;

namespace Stadtdialog.Server.Tests.Scenarios;

/// <summary>
/// The generative tier end to end: the server talks real HTTP to a scripted OpenAI-compatible server on loopback
/// through the product's own client (no test seam), and every failure mode of the model ends in a retrieval answer
/// or an honest "don't know".
/// </summary>
public sealed class GenerativeTierTests : IAsyncLifetime
{
    private const string Tenant = StadtdialogFactory.DemoTenant;
    private const string Passport = "Wie beantrage ich einen neuen Personalausweis?";
    private const string Grounded = "Den Personalausweis beantragen Sie persönlich im Bürgerbüro [1]. Bringen Sie dazu Ihren " +
        "bisherigen Ausweis und ein aktuelles biometrisches Passfoto mit, dann geht alles schneller [1].";

    private FakeOpenAiServer _model = null!;
    private StadtdialogFactory _server = null!;

    public async ValueTask InitializeAsync()
    {
        _model = await FakeOpenAiServer.StartAsync(TestContext.Current.CancellationToken);
        _model.DefaultReply = Reply.Text(Grounded, tokensPerChunk: 2);
        _server = new StadtdialogFactory
        {
            Settings = new Dictionary<string, string?>
            {
                ["Stadtdialog:Llm:Endpoint"] = _model.BaseUrl.ToString(),
                ["Stadtdialog:Llm:Model"] = "test-chat",
                ["Stadtdialog:Llm:TimeoutSeconds"] = "2",
                ["Stadtdialog:Llm:FailuresToOpen"] = "3",
                ["Stadtdialog:Llm:BreakSeconds"] = "600",
            },
        };

        // Send every answerable question to the model (the demo's extractive answers are confident).
        await SetGenerationAsync(new { directAnswerConfidence = 1.0, curatedWithoutModel = false });
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _model.DisposeAsync();
    }

    [Fact]
    public async Task A_generated_answer_streams_with_its_cited_sources_and_is_stored()
    {
        // Pieces 30 ms apart: waiting pieces are sent as one event, so only a paced model shows the streaming.
        _model.DefaultReply = Reply.Text(Grounded, tokensPerChunk: 2, chunkDelay: TimeSpan.FromMilliseconds(30));
        var (conversation, answer) = await _server.AskNewAsync(Tenant, Passport);

        Assert.Equal("generative", answer.Done.AnswerType);
        Assert.False(answer.Retracted);
        Assert.Equal(Grounded, answer.Text);
        Assert.True(answer.Events.Count(e => e.Name == "delta") > 1, $"expected token streaming. Stream:\n{answer}");
        var citation = Assert.Single(answer.Citations);
        Assert.Equal(1, citation.Index);
        Assert.Contains("personalausweis", citation.Url, StringComparison.OrdinalIgnoreCase);

        var stored = await _server.GetConversationAsync(Tenant, conversation);
        var message = stored.Messages[^1];
        Assert.Equal(Grounded, message.Content);
        Assert.Equal("generative", message.AnswerType);
        Assert.NotNull(message.Readability);
    }

    [Fact]
    public async Task The_model_gets_rules_fenced_sources_and_the_question_and_nothing_of_ours_leaks_into_the_request()
    {
        await _server.AskNewAsync(Tenant, Passport);

        var request = Assert.Single(_model.ChatRequests);
        Assert.Equal("test-chat", request.Model);
        Assert.True(request.Stream);
        var messages = request.Messages;
        Assert.Equal("system", messages[0].Role);
        Assert.Single(messages, m => m.Role == "system");
        Assert.Contains("[KEINE_ANTWORT]", messages[0].Content, StringComparison.Ordinal);
        Assert.Contains("<quelle nr=\"1\"", request.AllMessageText, StringComparison.Ordinal);
        Assert.Equal(("user", Passport), messages[^1]);
        Assert.DoesNotContain("stadtdialog.", request.Body, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(request.Json?["max_completion_tokens"] ?? request.Json?["max_tokens"]);
    }

    [Theory]
    [InlineData("Den Personalausweis beantragen Sie persönlich im Bürgerbüro.")] // no citation
    [InlineData("Den Personalausweis beantragen Sie im Bürgerbüro [7].")] // a source that was not offered
    [InlineData("Der Personalausweis kostet 99,99 Euro [1].")] // a number in no source
    public async Task An_answer_that_fails_the_grounding_check_is_withdrawn_and_replaced_by_the_retrieval_answer(string generated)
    {
        _model.DefaultReply = Reply.Text(generated, tokensPerChunk: 3);

        var (_, answer) = await _server.AskNewAsync(Tenant, Passport);

        Assert.True(answer.Retracted, $"the streamed text must be withdrawn. Stream:\n{answer}");
        Assert.Equal("retrieval", answer.Done.AnswerType);
        Assert.DoesNotContain(generated, answer.Text, StringComparison.Ordinal);
        Assert.Contains("Personalausweis", answer.Text, StringComparison.Ordinal);
        Assert.NotEmpty(answer.Citations);
        Assert.Null(answer.Done.Notice); // a rejected answer is replaced silently
    }

    public static TheoryData<string> Failures => ["500", "429", "malformed", "truncated", "hang", "tool-call"];

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Every_model_failure_falls_back_to_the_retrieval_answer_marked_as_such(string failure)
    {
        _model.DefaultReply = failure switch
        {
            "500" => Reply.Status(500, "boom"),
            "429" => Reply.RateLimited(TimeSpan.FromSeconds(30)),
            "malformed" => Reply.MalformedJson(),
            "truncated" => Reply.TruncatedStream("Den Personalausweis beantragen Sie persönlich", chunksBeforeCut: 3),
            "hang" => Reply.Hang(),
            _ => Reply.ToolCall("get_weather", "{}"),
        };

        var (_, answer) = await _server.AskNewAsync(Tenant, Passport);

        Assert.Equal("retrieval", answer.Done.AnswerType);
        Assert.Contains("Personalausweis", answer.Text, StringComparison.Ordinal);
        Assert.NotEmpty(answer.Citations);
        Assert.Contains("KI-Dienst", answer.Done.Notice ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_repeated_failures_the_circuit_opens_and_the_model_is_not_called_until_it_closes()
    {
        _model.DefaultReply = Reply.Status(500, "down");
        for (var i = 0; i < 3; i++)
        {
            await _server.AskNewAsync(Tenant, Passport);
        }

        Assert.Equal(3, _model.ChatRequests.Count);

        var (_, answer) = await _server.AskNewAsync(Tenant, Passport);

        Assert.Equal(3, _model.ChatRequests.Count);
        Assert.Equal("retrieval", answer.Done.AnswerType);
        Assert.Contains("KI-Dienst", answer.Done.Notice ?? "", StringComparison.Ordinal);
        var status = await GetJsonAsync($"/api/tenants/{Tenant}/model");
        Assert.Equal("open", status.GetProperty("status").GetProperty("circuit").GetString());
    }

    [Fact]
    public async Task When_the_sources_do_not_answer_the_model_says_so_and_nothing_generated_is_shown()
    {
        _model.DefaultReply = Reply.Text("[KEINE_ANTWORT]");

        var (_, answer) = await _server.AskNewAsync(Tenant, Passport);

        Assert.False(answer.Retracted); // the marker is held back, never streamed
        Assert.DoesNotContain("KEINE_ANTWORT", answer.Raw, StringComparison.Ordinal);
        Assert.NotEqual("generative", answer.Done.AnswerType);
    }

    [Fact]
    public async Task Frequent_questions_with_a_confident_extractive_answer_do_not_call_the_model()
    {
        await SetGenerationAsync(new { directAnswerConfidence = 0.5 });

        var (_, answer) = await _server.AskNewAsync(Tenant, Passport);

        Assert.Equal("retrieval", answer.Done.AnswerType);
        Assert.Empty(_model.ChatRequests);
    }

    [Fact]
    public async Task Small_talk_never_reaches_the_model()
    {
        var (_, answer) = await _server.AskNewAsync(Tenant, "Hallo");

        Assert.Equal("rules", answer.Done.AnswerType);
        Assert.Empty(_model.ChatRequests);
    }

    [Fact]
    public async Task Personal_data_in_the_question_never_reaches_the_model()
    {
        var question = "Ich heiße Anna Schmidt, E-Mail anna.schmidt@example.de, Telefon 0171 2345678. " + Passport;

        var (_, answer) = await _server.AskNewAsync(Tenant, question);

        Assert.True(_model.ChatRequests.Count == 1, $"expected one model call. Stream:\n{answer}");
        var body = _model.ChatRequests[0].Body;
        Assert.DoesNotContain("anna.schmidt@example.de", body, StringComparison.Ordinal);
        Assert.DoesNotContain("2345678", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Anna Schmidt", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_language_is_asked_of_the_model_and_stored_with_the_answer()
    {
        var conversation = await _server.StartConversationAsync(Tenant, StadtdialogFactory.DemoAssistant);

        var answer = await _server.AskAsync(Tenant, conversation, Passport, plainLanguage: true);

        Assert.Equal("generative", answer.Done.AnswerType);
        Assert.True(answer.Done.PlainLanguage);
        Assert.Contains("Einfacher Sprache", _model.ChatRequests[^1].Messages[0].Content, StringComparison.Ordinal);
        var stored = await _server.GetConversationAsync(Tenant, conversation);
        Assert.True(stored.Messages[^1].PlainLanguage);
        Assert.NotNull(stored.Messages[^1].Readability);
    }

    [Fact]
    public async Task A_question_in_English_is_searched_in_German_and_answered_in_English()
    {
        _model.Respond(request => request.Messages[0].Content.StartsWith("Übersetze die Frage", StringComparison.Ordinal)
            ? Reply.Text(Passport)
            : Reply.Text("You apply for a new identity card in person at the citizens' office [1]."));

        var (_, answer) = await _server.AskNewAsync(Tenant, "How do I apply for a new identity card?");

        Assert.Equal("generative", answer.Done.AnswerType);
        Assert.Equal("en", answer.Done.Language);
        Assert.Equal(2, _model.ChatRequests.Count);
        Assert.Contains("Englisch", _model.ChatRequests[1].Messages[0].Content, StringComparison.Ordinal);
        Assert.Contains("personalausweis", Assert.Single(answer.Citations).Url, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_used_up_daily_token_budget_stops_model_calls_for_the_tenant()
    {
        _model.DefaultReply = Reply.Text(Grounded).WithUsage(500, 20);
        using var admin = _server.CreateAdminClient();
        using var put = await admin.PutAsJsonAsync($"/api/tenants/{Tenant}/model", new { dailyTokenBudget = 100 },
            TestContext.Current.CancellationToken);
        await put.EnsureSuccessWithBodyAsync();

        var (_, first) = await _server.AskNewAsync(Tenant, Passport);
        var (_, second) = await _server.AskNewAsync(Tenant, Passport);

        Assert.Equal("generative", first.Done.AnswerType);
        Assert.Equal("retrieval", second.Done.AnswerType);
        Assert.Single(_model.ChatRequests);
        var settings = await GetJsonAsync($"/api/tenants/{Tenant}/model");
        Assert.Equal(520, settings.GetProperty("tokensUsedToday").GetInt64());
    }

    [Fact]
    public async Task The_assistant_profile_tells_the_widget_that_answers_are_generated()
    {
        var profile = await GetJsonAsync($"/api/tenants/{Tenant}/assistants/{StadtdialogFactory.DemoAssistant}", admin: false);

        Assert.True(profile.GetProperty("generative").GetBoolean());
    }

    private async Task SetGenerationAsync(object body)
    {
        using var admin = _server.CreateAdminClient();
        using var response = await admin.PutAsJsonAsync(
            $"/api/tenants/{Tenant}/assistants/{StadtdialogFactory.DemoAssistant}/generation", body, TestContext.Current.CancellationToken);
        await response.EnsureSuccessWithBodyAsync();
    }

    private async Task<JsonElement> GetJsonAsync(string path, bool admin = true)
    {
        using var client = admin ? _server.CreateAdminClient() : _server.CreateClient();
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        await response.EnsureSuccessWithBodyAsync();
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }
}

/// <summary>Model settings per tenant: the key is stored encrypted, never returned, and sent to the endpoint.</summary>
public sealed class ModelSettingsTests : IAsyncLifetime
{
    private const string Tenant = StadtdialogFactory.DemoTenant;
    private FakeOpenAiServer _model = null!;
    private readonly StadtdialogFactory _server = new();

    public async ValueTask InitializeAsync() => _model = await FakeOpenAiServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _model.DisposeAsync();
    }

    [Fact]
    public async Task Without_a_model_the_product_answers_from_retrieval_and_says_so()
    {
        using var client = _server.CreateClient();
        var profile = await client.GetFromJsonAsync<JsonElement>(
            $"/api/tenants/{Tenant}/assistants/{StadtdialogFactory.DemoAssistant}", TestContext.Current.CancellationToken);
        Assert.False(profile.GetProperty("generative").GetBoolean());

        var conversation = await _server.StartConversationAsync(Tenant, StadtdialogFactory.DemoAssistant);
        var answer = await _server.AskAsync(Tenant, conversation, "Wie beantrage ich einen neuen Personalausweis?", plainLanguage: true);

        Assert.Equal("retrieval", answer.Done.AnswerType);
        Assert.Contains("Einfache Sprache", answer.Done.Notice ?? "", StringComparison.Ordinal);
        var settings = await GetAsync();
        Assert.False(settings.GetProperty("status").GetProperty("configured").GetBoolean());
    }

    [Fact]
    public async Task The_api_key_is_stored_encrypted_never_returned_and_sent_to_the_endpoint()
    {
        const string secret = "sk-municipal-secret-4711";
        using var admin = _server.CreateAdminClient();
        using var put = await admin.PutAsJsonAsync($"/api/tenants/{Tenant}/model",
            new { endpoint = _model.BaseUrl.ToString(), model = "test-chat", apiKey = secret }, TestContext.Current.CancellationToken);
        var body = await put.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        await put.EnsureSuccessWithBodyAsync();
        Assert.DoesNotContain(secret, body, StringComparison.Ordinal);

        var settings = await GetAsync();
        Assert.True(settings.GetProperty("hasApiKey").GetBoolean());
        Assert.True(settings.GetProperty("status").GetProperty("configured").GetBoolean());
        Assert.DoesNotContain(secret, settings.GetRawText(), StringComparison.Ordinal);

        await using (var scope = _server.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(Tenant);
            var db = scope.ServiceProvider.GetRequiredService<StadtdialogDbContext>();
            var stored = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == Tenant, TestContext.Current.CancellationToken);
            Assert.NotNull(stored.Model.ProtectedApiKey);
            Assert.DoesNotContain(secret, stored.Model.ProtectedApiKey, StringComparison.Ordinal);
        }

        _model.DefaultReply = Reply.Text("Sie beantragen ihn persönlich im Bürgerbüro [1].");
        using var generation = await admin.PutAsJsonAsync($"/api/tenants/{Tenant}/assistants/{StadtdialogFactory.DemoAssistant}/generation",
            new { directAnswerConfidence = 1.0 }, TestContext.Current.CancellationToken);
        await generation.EnsureSuccessWithBodyAsync();
        var (_, answer) = await _server.AskNewAsync(Tenant, "Wie beantrage ich einen neuen Personalausweis?");

        Assert.Equal("generative", answer.Done.AnswerType);
        Assert.Equal($"Bearer {secret}", Assert.Single(_model.ChatRequests).Authorization);

        using var remove = await admin.PutAsJsonAsync($"/api/tenants/{Tenant}/model",
            new { endpoint = _model.BaseUrl.ToString(), model = "test-chat", apiKey = "" }, TestContext.Current.CancellationToken);
        await remove.EnsureSuccessWithBodyAsync();
        Assert.False((await GetAsync()).GetProperty("hasApiKey").GetBoolean());
    }

    [Fact]
    public async Task Invalid_settings_are_a_validation_problem()
    {
        using var admin = _server.CreateAdminClient();
        using var response = await admin.PutAsJsonAsync($"/api/tenants/{Tenant}/model",
            new { endpoint = "not a url", temperature = 7 }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/model")]
    [InlineData("PUT", "/model")]
    [InlineData("GET", "/assistants/buergerservice/generation")]
    [InlineData("PUT", "/assistants/buergerservice/generation")]
    [InlineData("POST", "/plain-language")]
    [InlineData("GET", "/readability")]
    public async Task Model_endpoints_are_for_editors_only(string method, string path)
    {
        using var client = _server.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/tenants/{Tenant}{path}")
        {
            Content = method == "GET" ? null : JsonContent.Create(new { text = "x" }),
        };

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Staff_can_rewrite_an_official_text_in_plain_language_and_see_the_readability()
    {
        const string official = "Die Beantragung eines Personalausweises ist gemäß § 9 PAuswG grundsätzlich persönlich bei der " +
            "zuständigen Personalausweisbehörde unter Vorlage der erforderlichen Unterlagen vorzunehmen. Die Gebühr beträgt 37,00 Euro.";
        using var admin = _server.CreateAdminClient();
        using var noModel = await admin.PostAsJsonAsync($"/api/tenants/{Tenant}/plain-language", new { text = official },
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, noModel.StatusCode);

        using var put = await admin.PutAsJsonAsync($"/api/tenants/{Tenant}/model",
            new { endpoint = _model.BaseUrl.ToString(), model = "test-chat" }, TestContext.Current.CancellationToken);
        await put.EnsureSuccessWithBodyAsync();
        _model.DefaultReply = Reply.Text("Sie brauchen einen neuen Ausweis? Gehen Sie selbst zum Amt. Bringen Sie Ihre Papiere mit.");

        using var response = await admin.PostAsJsonAsync($"/api/tenants/{Tenant}/plain-language", new { text = official },
            TestContext.Current.CancellationToken);
        await response.EnsureSuccessWithBodyAsync();
        var result = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.StartsWith("Sie brauchen", result.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.True(result.GetProperty("after").GetProperty("fleschAmstad").GetDouble() > result.GetProperty("before").GetProperty("fleschAmstad").GetDouble());
        Assert.Contains("37,00", result.GetProperty("missingNumbers").EnumerateArray().Select(n => n.GetString()));
        Assert.Contains("<text>", _model.ChatRequests[^1].AllMessageText, StringComparison.Ordinal);
    }

    private async Task<JsonElement> GetAsync()
    {
        using var admin = _server.CreateAdminClient();
        return await admin.GetFromJsonAsync<JsonElement>($"/api/tenants/{Tenant}/model", TestContext.Current.CancellationToken);
    }
}
