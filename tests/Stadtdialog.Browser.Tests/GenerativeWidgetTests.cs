using Microsoft.Playwright;
using Stadtdialog.Browser.Tests.Infrastructure;
using Stadtdialog.Tests;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Stadtdialog.Browser.Tests;

/// <summary>
/// The server with a language model (the scripted OpenAI-compatible server on loopback): the widget says that
/// answers are written by AI, the plain-language toggle reaches the model, an answer that fails the grounding check
/// disappears in favour of the quoted one, and a failed model shows its notice — in a real Chromium.
/// </summary>
public sealed class GenerativeWidgetTests(GenerativeBrowserFixture browser) : IClassFixture<GenerativeBrowserFixture>
{
    private const string Question = "Wie beantrage ich einen neuen Personalausweis?";

    private const string Grounded = "Gehen Sie ins Bürgerbüro [1]. Nehmen Sie Ihren alten Ausweis mit [1]. " +
        "Bringen Sie ein neues Passfoto mit [1]. Sie bekommen den Ausweis nach einigen Wochen [1].";

    [Fact]
    public async Task Plain_language_toggle_reaches_the_model_and_the_generated_answer_shows_with_its_source()
    {
        browser.Model.Respond(_ => Reply.Text(Grounded, chunkDelay: TimeSpan.FromMilliseconds(10)));
        var page = await OpenAsync();
        try
        {
            await page.GetByTestId("plain-language").CheckAsync();
            await page.GetByTestId("input").FillAsync(Question);
            await page.GetByTestId("input").PressAsync("Enter");

            var answer = page.GetByTestId("message-bot").Last;
            await Expect(answer.GetByTestId("feedback-up")).ToBeVisibleAsync();
            await Expect(answer).ToContainTextAsync("Gehen Sie ins Bürgerbüro [1].");
            await Expect(answer.GetByTestId("source-link").First).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("personalausweis"));
            Assert.Equal("generative", await answer.GetAttributeAsync("data-answer-type"));
            Assert.Contains("Einfacher Sprache", browser.Model.ChatRequests[^1].Messages[0].Content, StringComparison.Ordinal);

            await AccessibilityTests.AssertNoSeriousViolationsAsync(page);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_streamed_answer_that_fails_the_grounding_check_is_replaced_on_screen()
    {
        const string uncited = "Den Ausweis bekommen Sie sofort und kostenlos am Automaten im Foyer, ganz ohne Termin oder Wartezeit.";
        browser.Model.Respond(_ => Reply.Text(uncited, chunkDelay: TimeSpan.FromMilliseconds(10)));
        var calls = browser.Model.ChatRequests.Count;
        var page = await OpenAsync();
        try
        {
            await page.GetByTestId("plain-language").CheckAsync();
            await page.GetByTestId("input").FillAsync(Question);
            await page.GetByTestId("input").PressAsync("Enter");

            var answer = page.GetByTestId("message-bot").Last;
            await Expect(answer.GetByTestId("feedback-up")).ToBeVisibleAsync();
            await Expect(answer).Not.ToContainTextAsync("Automaten");
            await Expect(answer).ToContainTextAsync("Bürgerbüro");
            Assert.Equal("retrieval", await answer.GetAttributeAsync("data-answer-type"));
            Assert.True(browser.Model.ChatRequests.Count > calls, "the model was asked, and its answer withdrawn");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task When_the_model_fails_the_quoted_answer_comes_with_a_visible_notice()
    {
        browser.Model.Respond(_ => Reply.Status(503, "overloaded"));
        var page = await OpenAsync();
        try
        {
            await page.GetByTestId("plain-language").CheckAsync();
            await page.GetByTestId("input").FillAsync(Question);
            await page.GetByTestId("input").PressAsync("Enter");

            var answer = page.GetByTestId("message-bot").Last;
            await Expect(answer.GetByTestId("feedback-up")).ToBeVisibleAsync();
            await Expect(answer.GetByTestId("notice")).ToContainTextAsync("KI-Dienst");
            await Expect(answer).ToContainTextAsync("Bürgerbüro");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private async Task<IPage> OpenAsync()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByTestId("launcher").ClickAsync();
        await Expect(page.GetByTestId("panel")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("mode")).ToContainTextAsync("schreibt eine KI");
        return page;
    }
}

/// <summary>The browser fixture with a scripted model connected to the server as its platform default.</summary>
public sealed class GenerativeBrowserFixture : BrowserFixture
{
    private FakeOpenAiServer? _model;

    public FakeOpenAiServer Model => _model ?? throw new InvalidOperationException("The fixture is not initialized.");

    protected override async Task<IReadOnlyDictionary<string, string>> ServerEnvironmentAsync()
    {
        _model = await FakeOpenAiServer.StartAsync(TestContext.Current.CancellationToken);
        return new Dictionary<string, string>
        {
            ["Stadtdialog__Llm__Endpoint"] = _model.BaseUrl.ToString(),
            ["Stadtdialog__Llm__Model"] = "test-chat",
            ["Stadtdialog__Llm__TimeoutSeconds"] = "10",

            // Every failure test must reach the model: the circuit stays closed.
            ["Stadtdialog__Llm__FailuresToOpen"] = "100",
        };
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_model is not null)
        {
            await _model.DisposeAsync();
        }
    }
}
