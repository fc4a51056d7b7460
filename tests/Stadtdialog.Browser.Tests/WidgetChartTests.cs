using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Stadtdialog.Browser.Tests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Stadtdialog.Browser.Tests;

/// <summary>
/// A <c>chart</c> event in the answer stream becomes an accessible inline SVG line chart in the answer bubble: text
/// alternative, legend, the values as a table, XSS-safe, removed again on <c>retract</c>. The answer stream is a
/// crafted <c>text/event-stream</c> (Playwright route), the rest of the page talks to the real server.
/// </summary>
public sealed partial class WidgetChartTests(BrowserFixture browser)
{
    private const string Title = "PM10 – Luftmessstation Stadtpark, letzte 24 Stunden";
    private const string Summary = "PM10 an der Luftmessstation Stadtpark in den letzten 24 Stunden: zwischen 12 und 35 µg/m³, zuletzt 18 µg/m³ (14:00 Uhr).";
    private const string AnswerText = "Die Feinstaubwerte der letzten 24 Stunden sehen Sie im Diagramm [1].";
    private const string Park = "Luftmessstation Stadtpark – PM10";
    private const string Station = "Luftmessstation Bahnhof – PM10";
    private const string Script = "<img src=x onerror=alert(1)>";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Chart_event_is_shown_as_an_accessible_line_chart_with_legend_and_table_on_a_phone()
    {
        var page = await browser.NewPageAsync(width: 320, height: 640);
        try
        {
            await RouteAnswerAsync(page,
                Event("delta", new { text = AnswerText }),
                Event("citation", new { index = 1, title = "Luftqualität in Musterstadt", url = "/demo/umwelt/luft", section = (string?)null }),
                Event("chart", Chart(Title, Park, Station)),
                Done());
            var answer = await AskAsync(page);

            await Expect(answer).ToContainTextAsync(AnswerText);
            var chart = answer.GetByTestId("chart");
            await Expect(chart).ToHaveCountAsync(1);
            var svg = chart.Locator("svg[role=img]");
            await Expect(svg).ToHaveCountAsync(1);
            await Expect(svg).ToHaveAccessibleNameAsync(new Regex(Regex.Escape(Title) + ".*" + Regex.Escape(Summary)));
            await Expect(chart.Locator("figcaption")).ToContainTextAsync(Summary);

            // Below the text, above the sources.
            Assert.Equal("sources", await chart.EvaluateAsync<string?>("el => el.nextElementSibling?.dataset.testid ?? null"));

            // Readable on a 320 px phone: the chart takes the bubble's width without overflowing the screen.
            var box = await svg.BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.InRange(box.Width, 240, 320);
            Assert.InRange(box.X, 0, 320 - box.Width);

            var legend = chart.GetByTestId("chart-legend");
            await Expect(legend).ToContainTextAsync(Park);
            await Expect(legend).ToContainTextAsync(Station);

            // The values as a table for screen-reader and keyboard users.
            await chart.Locator("summary").ClickAsync();
            var table = chart.Locator("table");
            await Expect(table).ToBeVisibleAsync();
            await Expect(table.Locator("caption")).ToHaveTextAsync(Title);
            await Expect(table.Locator("thead th[scope=col]")).ToHaveCountAsync(3);
            await Expect(table.Locator("thead th").Nth(1)).ToHaveTextAsync($"{Park} (µg/m³)");
            await Expect(table.Locator("tbody tr")).ToHaveCountAsync(24);
            foreach (var row in await table.Locator("tbody tr").AllAsync())
            {
                await Expect(row.Locator("th, td")).ToHaveCountAsync(3);
            }

            await Expect(table.Locator("tbody tr").First.Locator("td").First).ToHaveTextAsync("12,5"); // de-DE

            await AssertNoViolationsAsync(page);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Chart_text_from_the_server_is_rendered_as_text_never_as_markup()
    {
        var page = await browser.NewPageAsync();
        var dialogs = 0;
        page.Dialog += (_, dialog) =>
        {
            dialogs++;
            _ = dialog.DismissAsync();
        };
        try
        {
            await RouteAnswerAsync(page,
                Event("delta", new { text = AnswerText }),
                Event("chart", Chart(Script, Script, Station)),
                Done());
            var answer = await AskAsync(page);

            var chart = answer.GetByTestId("chart");
            await Expect(chart.Locator("figcaption")).ToContainTextAsync(Script);
            await Expect(chart.GetByTestId("chart-legend")).ToContainTextAsync(Script);
            await Expect(chart.Locator("svg[role=img]")).ToHaveAccessibleNameAsync(new Regex(Regex.Escape(Script)));
            await Expect(answer.Locator("img")).ToHaveCountAsync(0);
            await page.WaitForTimeoutAsync(200); // a broken image's onerror would fire by now
            Assert.Equal(0, dialogs);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Retract_removes_the_chart_of_the_retracted_answer()
    {
        var page = await browser.NewPageAsync();
        try
        {
            await RouteAnswerAsync(page,
                Event("delta", new { text = "Ungeprüfter Text mit Diagramm." }),
                Event("chart", Chart(Title, Park, Station)),
                Event("retract", new { reason = "Die Antwort wird ersetzt." }),
                Event("delta", new { text = AnswerText }),
                Done());
            var answer = await AskAsync(page);

            await Expect(answer).ToContainTextAsync(AnswerText);
            await Expect(answer).Not.ToContainTextAsync("Ungeprüfter Text");
            await Expect(answer.GetByTestId("chart")).ToHaveCountAsync(0);
            await Expect(page.Locator("svg[role=img]")).ToHaveCountAsync(0);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>Answers every question of this page with the given events (the conversation itself is real).</summary>
    private static async Task RouteAnswerAsync(IPage page, params string[] events) =>
        await page.RouteAsync(MessagesUrl(), route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200,
            ContentType = "text/event-stream",
            Headers = new Dictionary<string, string> { ["Cache-Control"] = "no-cache" },
            Body = string.Concat(events),
        }));

    /// <summary>Opens the widget, asks, and waits for <c>done</c> (the feedback buttons); returns the answer.</summary>
    private static async Task<ILocator> AskAsync(IPage page)
    {
        await page.GotoAsync("/");
        await page.GetByTestId("launcher").ClickAsync();
        await Expect(page.GetByTestId("greeting")).ToBeVisibleAsync();
        await page.GetByTestId("input").FillAsync("Wie ist die Luft im Stadtpark?");
        await page.GetByTestId("input").PressAsync("Enter");
        var answer = page.GetByTestId("message-bot").Last;
        await Expect(answer.GetByTestId("feedback-up")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("message-error")).ToHaveCountAsync(0);
        return answer;
    }

    /// <summary>axe-core: no WCAG 2.1 A/AA violations of any impact inside the widget.</summary>
    private static async Task AssertNoViolationsAsync(IPage page)
    {
        await AccessibilityTests.AssertNoSeriousViolationsAsync(page);
        var result = await page.Locator("#stadtdialog-widget").RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        Assert.True(result.Violations.Length == 0, "axe-core found violations in the widget: " +
            string.Join("; ", result.Violations.Select(v => $"{v.Id} ({v.Impact}): " + string.Join(", ", v.Nodes.Select(n => n.Html)))));
    }

    private static string Event(string name, object data) =>
        $"event: {name}\ndata: {JsonSerializer.Serialize(data, Json)}\n\n";

    private static string Done() => Event("done", new
    {
        messageId = Guid.NewGuid(),
        answerType = "quoted",
        confidence = 0.9,
        followUps = Array.Empty<string>(),
        contact = (object?)null,
        notice = (string?)null,
        language = "de",
        plainLanguage = false,
        readability = (double?)null,
    });

    /// <summary>Two series of 24 hourly values; the second one is sent unsorted.</summary>
    private static object Chart(string title, string first, string second)
    {
        var start = new DateTimeOffset(2026, 11, 22, 15, 0, 0, TimeSpan.Zero);
        var a = Enumerable.Range(0, 24).Select(i => new { time = start.AddHours(i).ToString("o", CultureInfo.InvariantCulture), value = 12.5 + (i * 7 % 23) });
        var b = Enumerable.Range(0, 24).Reverse().Select(i => new { time = start.AddHours(i).ToString("o", CultureInfo.InvariantCulture), value = -2.0 + (i % 5) * 3.25 });
        return new
        {
            title,
            unit = "µg/m³",
            series = new object[] { new { name = first, points = a.ToArray() }, new { name = second, points = b.ToArray() } },
            summary = Summary,
        };
    }

    /// <summary>POST …/conversations/{id}/messages (not the feedback or conversation URLs).</summary>
    private static Regex MessagesUrl() => MessagesPattern();

    [GeneratedRegex(@"/api/tenants/[^/]+/conversations/[^/]+/messages$")]
    private static partial Regex MessagesPattern();
}
