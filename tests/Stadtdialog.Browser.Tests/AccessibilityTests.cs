using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Stadtdialog.Browser.Tests.Infrastructure;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Stadtdialog.Browser.Tests;

/// <summary>axe-core finds no serious or critical WCAG 2.1 A/AA violations on the demo page with the widget open.</summary>
public sealed class AccessibilityTests(BrowserFixture browser)
{
    private static readonly string[] WcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
    private static readonly string[] Blocking = ["serious", "critical"];

    [Fact]
    public async Task Demo_page_with_the_widget_open_has_no_serious_wcag_violations()
    {
        var page = await browser.NewPageAsync();
        try
        {
            await page.GotoAsync("/");
            await page.GetByTestId("launcher").ClickAsync();
            await Expect(page.GetByTestId("greeting")).ToBeVisibleAsync();

            await AssertNoSeriousViolationsAsync(page);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Widget_with_an_answer_sources_and_contact_has_no_serious_wcag_violations()
    {
        var page = await browser.NewPageAsync();
        try
        {
            await page.GotoAsync("/");
            await page.GetByTestId("launcher").ClickAsync();
            await page.GetByTestId("input").FillAsync("Wie beantrage ich einen neuen Personalausweis?");
            await page.GetByTestId("input").PressAsync("Enter");
            await Expect(page.GetByTestId("message-bot").Last.GetByTestId("feedback-up")).ToBeVisibleAsync();
            await page.GetByTestId("input").FillAsync("Wie hoch ist der Mond?");
            await page.GetByTestId("input").PressAsync("Enter");
            await Expect(page.GetByTestId("message-bot").Nth(1).GetByTestId("contact")).ToBeVisibleAsync();

            await AssertNoSeriousViolationsAsync(page);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Demo_website_page_has_no_serious_wcag_violations()
    {
        var page = await browser.NewPageAsync();
        try
        {
            await page.GotoAsync("/demo/buergerservice/personalausweis");
            await page.WaitForFunctionAsync("() => !!window.Stadtdialog");

            await AssertNoSeriousViolationsAsync(page);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    internal static async Task AssertNoSeriousViolationsAsync(IPage page)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = [.. WcagTags] },
        });

        var blocking = result.Violations.Where(v => Blocking.Contains(v.Impact)).ToList();
        foreach (var violation in result.Violations)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(Describe(violation));
        }

        Assert.True(blocking.Count == 0,
            $"axe-core found {blocking.Count} serious/critical WCAG 2.1 A/AA violation(s) on {page.Url}:{Environment.NewLine}" +
            string.Join(Environment.NewLine, blocking.Select(Describe)));
    }

    private static string Describe(AxeResultItem violation) =>
        $"- [{violation.Impact}] {violation.Id}: {violation.Help} ({violation.HelpUrl}){Environment.NewLine}" +
        string.Join(Environment.NewLine, violation.Nodes.Select(n =>
            $"    {n.Target}: {n.Html}{Environment.NewLine}      " +
            string.Join(" | ", (n.Any ?? []).Concat(n.All ?? []).Concat(n.None ?? []).Select(c => c.Message))));
}
