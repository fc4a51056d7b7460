using Microsoft.Playwright;
using Stadtdialog.Browser.Tests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;
using Stadtdialog.Tests;

namespace Stadtdialog.Browser.Tests;

/// <summary>A citizen uses the chat widget on the demo website in a real browser.</summary>
public sealed class WidgetTests(BrowserFixture browser)
{
    private const string IdCardQuestion = "Wie beantrage ich einen neuen Personalausweis?";
    private const string IdCardPage = "/demo/buergerservice/personalausweis";

    [Fact]
    public async Task Question_typed_into_the_widget_is_answered_with_a_working_source_link()
    {
        var page = await browser.NewPageAsync();
        try
        {
            await page.GotoAsync("/");
            await page.GetByTestId("launcher").ClickAsync();
            await Expect(page.GetByTestId("panel")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("mode")).ToContainTextAsync("ohne KI"); // no model configured: said so

            await page.GetByTestId("input").FillAsync(IdCardQuestion);
            await page.GetByTestId("input").PressAsync("Enter");

            await Expect(page.GetByTestId("message-user")).ToHaveTextAsync(IdCardQuestion);
            var answer = page.GetByTestId("message-bot").Last;
            await Expect(answer).ToContainTextAsync("Bürgerbüro");
            await Expect(answer.GetByTestId("feedback-up")).ToBeVisibleAsync(); // "done" arrived
            await Expect(page.GetByTestId("message-error")).ToHaveCountAsync(0);

            var link = answer.GetByTestId("source-link").First;
            var href = await link.GetAttributeAsync("href");
            Assert.NotNull(href);
            Assert.Contains(IdCardPage, href, StringComparison.Ordinal);
            Assert.Equal("_blank", await link.GetAttributeAsync("target"));

            var target = await page.APIRequest.GetAsync(href);
            Assert.True(target.Status == 200, $"GET {href} returned {target.Status}");

            var tab = await page.RunAndWaitForPopupAsync(() => link.ClickAsync());
            await tab.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
            await Expect(tab).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("^Personalausweis beantragen"));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Widget_works_with_the_keyboard_alone()
    {
        var page = await browser.NewPageAsync();
        try
        {
            await page.GotoAsync("/");
            await page.WaitForFunctionAsync("() => !!window.Stadtdialog");

            var steps = 0;
            while (await FocusedTestIdAsync(page) != "launcher")
            {
                Assert.True(++steps <= 60, "Tab never reached the chat launcher (60 presses).");
                await page.Keyboard.PressAsync("Tab");
            }

            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByTestId("panel")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("launcher")).ToHaveAttributeAsync("aria-expanded", "true");
            Assert.Equal("input", await FocusedTestIdAsync(page));

            await page.Keyboard.TypeAsync(IdCardQuestion);
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByTestId("message-bot").Last).ToContainTextAsync("Bürgerbüro");
            Assert.Equal("input", await FocusedTestIdAsync(page)); // focus stays in the input while answering

            await page.Keyboard.PressAsync("Escape");
            await Expect(page.GetByTestId("panel")).ToBeHiddenAsync();
            await Expect(page.GetByTestId("launcher")).ToHaveAttributeAsync("aria-expanded", "false");
            Assert.Equal("launcher", await FocusedTestIdAsync(page));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Example_question_on_the_page_opens_the_widget_and_asks_it()
    {
        var page = await browser.NewPageAsync();
        try
        {
            await page.GotoAsync("/");
            await page.WaitForFunctionAsync("() => !!window.Stadtdialog");

            await page.GetByRole(AriaRole.Button, new() { Name = "Wie melde ich Sperrmüll an?" }).ClickAsync();

            await Expect(page.GetByTestId("panel")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("message-user")).ToHaveTextAsync("Wie melde ich Sperrmüll an?");
            var answer = page.GetByTestId("message-bot").Last;
            await Expect(answer.GetByTestId("feedback-up")).ToBeVisibleAsync();
            await Expect(answer.GetByTestId("source-link").First).ToHaveAttributeAsync("href",
                new System.Text.RegularExpressions.Regex("/demo/umwelt/sperrmuell"));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Feedback_and_follow_up_questions_work_from_an_answer()
    {
        var page = await browser.NewPageAsync();
        try
        {
            await page.GotoAsync("/");
            await page.GetByTestId("launcher").ClickAsync();
            await page.GetByTestId("input").FillAsync(IdCardQuestion);
            await page.GetByTestId("send").ClickAsync();
            var first = page.GetByTestId("message-bot").Last;
            await Expect(first.GetByTestId("feedback-up")).ToBeVisibleAsync();

            var feedback = page.WaitForResponseAsync(r => r.Url.EndsWith("/feedback", StringComparison.Ordinal));
            await first.GetByTestId("feedback-up").ClickAsync();
            Assert.Equal(204, (await feedback).Status);
            await Expect(first.GetByTestId("feedback-up")).ToHaveAttributeAsync("aria-pressed", "true");
            await Expect(first).ToContainTextAsync("Danke für Ihre Rückmeldung!");

            var followUp = first.GetByTestId("followup").First;
            var followUpText = await followUp.InnerTextAsync();
            await followUp.ClickAsync();
            await Expect(page.GetByTestId("message-user").Last).ToHaveTextAsync(followUpText);
            await Expect(page.GetByTestId("message-bot")).ToHaveCountAsync(2);
            await Expect(page.GetByTestId("message-bot").Last.GetByTestId("feedback-up")).ToBeVisibleAsync();
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Demo_page_with_an_answered_question_can_be_captured_for_the_readme()
    {
        var page = await browser.NewPageAsync(1280, 800);
        try
        {
            await page.GotoAsync("/");
            await page.GetByTestId("launcher").ClickAsync();
            await page.GetByTestId("input").FillAsync(IdCardQuestion);
            await page.GetByTestId("input").PressAsync("Enter");
            var answer = page.GetByTestId("message-bot").Last;
            await Expect(answer.GetByTestId("feedback-up")).ToBeVisibleAsync();
            await Expect(answer.GetByTestId("sources")).ToBeVisibleAsync();

            if (Environment.GetEnvironmentVariable("SAVE_SCREENSHOT") == "1")
            {
                var path = RepositoryPaths.DemoScreenshot;
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                // No focus ring or hover state in the picture.
                await page.EvaluateAsync("() => { const host = document.querySelector('#stadtdialog-widget'); host?.shadowRoot?.activeElement?.blur(); }");
                await page.Mouse.MoveAsync(0, 0);
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Type = ScreenshotType.Png, Animations = ScreenshotAnimations.Disabled });
                TestContext.Current.TestOutputHelper?.WriteLine($"Wrote {path}.");
            }
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>The data-testid of the focused element inside the widget's shadow root (or of the focused page element).</summary>
    private static Task<string?> FocusedTestIdAsync(IPage page) => page.EvaluateAsync<string?>("""
        () => {
          const host = document.querySelector('#stadtdialog-widget');
          const active = document.activeElement === host ? host.shadowRoot.activeElement : document.activeElement;
          return active?.getAttribute('data-testid') ?? null;
        }
        """);
}
