using System.Text.RegularExpressions;
using Stadtdialog.Browser.Tests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Stadtdialog.Browser.Tests;

/// <summary>
/// Live data end to end in a real browser: the demo server, its bundled demo data platform (SensorThings, NGSI-LD,
/// iCalendar over HTTP) and the widget, with nothing mocked.
/// </summary>
public sealed partial class LiveDataWidgetTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_parking_question_gets_the_templated_answer_with_its_time_and_the_platform_as_source()
    {
        var page = await browser.NewPageAsync();
        try
        {
            await page.GotoAsync("/");
            await page.GetByTestId("launcher").ClickAsync();
            await page.GetByTestId("input").FillAsync("Wie viele Plätze sind im Parkhaus am Bahnhof frei?");
            await page.GetByTestId("input").PressAsync("Enter");

            var answer = page.GetByTestId("message-bot").Last;
            await Expect(answer.GetByTestId("feedback-up")).ToBeVisibleAsync(); // "done" arrived
            await Expect(answer).ToContainTextAsync(ParkingAnswer());
            var link = answer.GetByTestId("source-link").First;
            Assert.Contains("/demo/platform/sensorthings/v1.1/Datastreams(", await link.GetAttributeAsync("href") ?? "", StringComparison.Ordinal);
            var data = await page.APIRequest.GetAsync((await link.GetAttributeAsync("href"))!);
            Assert.Equal(200, data.Status);
            Assert.Equal("true", data.Headers["x-demo-data"]);
            await Expect(page.GetByTestId("message-error")).ToHaveCountAsync(0);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_time_series_question_renders_a_chart_with_a_text_alternative_and_a_data_table()
    {
        var page = await browser.NewPageAsync(1280, 900);
        try
        {
            await page.GotoAsync("/");
            await page.GetByTestId("launcher").ClickAsync();
            await page.GetByTestId("input").FillAsync("Wie war die Luftqualität in den letzten 24 Stunden?");
            await page.GetByTestId("input").PressAsync("Enter");

            var answer = page.GetByTestId("message-bot").Last;
            await Expect(answer.GetByTestId("feedback-up")).ToBeVisibleAsync();
            await Expect(answer).ToContainTextAsync("Luftmessstation Stadtpark: PM10 in den letzten 24 Stunden zwischen");
            var chart = answer.GetByTestId("chart");
            await Expect(chart).ToHaveCountAsync(1);
            await Expect(chart.Locator("svg[role=img]")).ToHaveAccessibleNameAsync(new Regex("Feinstaub \\(PM10\\) im Verlauf.*Luftmessstation Westring"));
            await Expect(chart.GetByTestId("chart-legend")).ToContainTextAsync("Luftmessstation Stadtpark");

            await chart.Locator("summary").ClickAsync();
            var rows = chart.Locator("table tbody tr");
            Assert.InRange(await rows.CountAsync(), 20, 26);
            await Expect(chart.Locator("table thead th[scope=col]")).ToHaveCountAsync(3); // time + two stations

            if (Environment.GetEnvironmentVariable("SAVE_SCREENSHOT") == "1")
            {
                await chart.Locator("summary").ClickAsync(); // the chart, not the table, in the picture
                await page.EvaluateAsync("() => { const host = document.querySelector('#stadtdialog-widget'); host?.shadowRoot?.activeElement?.blur(); }");
                await page.Mouse.MoveAsync(0, 0);
                await page.ScreenshotAsync(new Microsoft.Playwright.PageScreenshotOptions
                {
                    Path = Stadtdialog.Tests.RepositoryPaths.LiveDataScreenshot, Type = Microsoft.Playwright.ScreenshotType.Png,
                    Animations = Microsoft.Playwright.ScreenshotAnimations.Disabled,
                });
            }
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [GeneratedRegex(@"Im Parkhaus Am Bahnhof sind um \d\d:\d\d Uhr \d+ von 400 Plätzen frei\.")]
    private static partial Regex ParkingAnswer();
}
