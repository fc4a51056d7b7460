using Microsoft.Playwright;
using Xunit;

[assembly: AssemblyFixture(typeof(Stadtdialog.Browser.Tests.Infrastructure.BrowserFixture))]

namespace Stadtdialog.Browser.Tests.Infrastructure;

/// <summary>
/// One server process and one headless Chromium (Debian's package) for all browser tests; each test gets its own
/// browser context, so storage (the widget keeps its conversation in sessionStorage) is never shared.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private ServerProcess? _server;

    public ServerProcess Server => _server ?? throw new InvalidOperationException("The fixture is not initialized.");

    public Uri BaseAddress => Server.BaseAddress;

    public async ValueTask InitializeAsync()
    {
        // Assertions wait as long as actions do: on a loaded 2-core CI machine a streamed answer can take more than
        // Playwright's default 5 s. This is a wait, not a timing assertion: a wrong answer still fails.
        Microsoft.Playwright.Assertions.SetDefaultExpectTimeout(15_000);
        // A missing browser is a failure with instructions, never a silently skipped test.
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is required for the browser tests but {ChromiumPath} does not exist: install chromium: apt-get install -y chromium");
        }

        _server = await ServerProcess.StartAsync(TestContext.Current.CancellationToken, await ServerEnvironmentAsync());
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync",
            ],
        });
    }

    /// <summary>Settings for the server process beyond the defaults (environment variables).</summary>
    protected virtual Task<IReadOnlyDictionary<string, string>> ServerEnvironmentAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());

    /// <summary>A fresh page in a fresh context, with the server as base URL (close the context when done).</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "de-DE",
            TimezoneId = "Europe/Berlin", // as a citizen's browser in Germany
            ReducedMotion = ReducedMotion.Reduce,
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                Log($"[browser {message.Type}] {message.Text}");
            }
        };
        page.PageError += (_, error) => Log($"[page error] {error}");
        return page;
    }

    private static void Log(string line)
    {
        try
        {
            TestContext.Current.TestOutputHelper?.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // no test running
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
