using System.Text;
using Microsoft.Extensions.Time.Testing;
using Stadtdialog.Knowledge.Readers;
using Stadtdialog.Knowledge.Sources;
using Stadtdialog.Tests;
using Xunit;

namespace Stadtdialog.Core.Tests.Crawling;

/// <summary>The crawler against the Musterstadt website served by a real loopback web server.</summary>
public sealed class WebsiteCrawlerTests : IAsyncLifetime
{
    /// <summary>Navigation and footer links of the Musterstadt pages that lead nowhere (404).</summary>
    private static readonly string[] DeadLinks =
    [
        "/abfall", "/aktuelles", "/barrierefreiheit", "/bauen", "/buergerservice", "/b%C3%BCrgerservice", "/familie", "/finanzen",
        "/freizeit", "/gesundheit", "/impressum", "/migration", "/ordnung", "/rathaus", "/soziales", "/standesamt", "/umwelt",
        "/verkehr", "/wirtschaft",
    ];

    private LoopbackSite _site = null!;
    private CrawlerServices _services = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>The clean URL paths of the 50 pages (49 and the start page) in the test data.</summary>
    private static List<string> MusterstadtPages() =>
    [
        .. Directory.EnumerateFiles(LoopbackSite.MusterstadtFolder, "*.html", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(LoopbackSite.MusterstadtFolder, f).Replace('\\', '/'))
            .Select(f => f == "index.html" ? "/" : "/" + f[..^".html".Length])
            .Order(StringComparer.Ordinal),
    ];

    public async ValueTask InitializeAsync()
    {
        _site = await LoopbackSite.StartMusterstadtAsync(cancellationToken: Token);
        _services = new CrawlerServices();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _site.DisposeAsync();
    }

    private string Key(string path) => CrawlUrls.Key(_site.Url(path));

    private WebsiteCrawlRequest Musterstadt() =>
        CrawlerServices.Request(_site.BaseUrl, s => s.Sitemaps.Add(_site.Url("/sitemap.xml").AbsoluteUri));

    [Fact]
    public async Task Crawls_every_page_of_the_site_once_and_reports_dead_links_as_gone()
    {
        var items = await _services.CrawlAsync(Musterstadt(), Token);

        var pages = MusterstadtPages();
        Assert.Equal(50, pages.Count);
        var fetched = items.OfType<FetchedItem>().ToList();
        Assert.Equal(pages.Select(Key).Order(StringComparer.Ordinal), fetched.Select(i => i.Key).Order(StringComparer.Ordinal));
        Assert.Equal(items.Count, items.Select(i => i.Key).Distinct(StringComparer.Ordinal).Count());
        Assert.All(fetched, i => Assert.Equal(Knowledge.Readers.FileFormat.Html, i.Document.Format));
        Assert.All(fetched, i => Assert.NotNull(i.ETag));
        Assert.All(fetched, i => Assert.NotNull(i.LastModifiedHeader));
        Assert.All(fetched, i => Assert.Equal(i.Key, i.Document.Url));
        Assert.Empty(items.OfType<FailedItem>());

        // Navigation links on every page are requested once, not once per page; each page exactly once.
        Assert.All(pages, p => Assert.Equal(1, _site.RequestCount(p)));
        Assert.Equal(1, _site.RequestCount("/impressum"));

        var gone = items.OfType<GoneItem>().ToList();
        Assert.Equal(DeadLinks.Select(Key).Order(StringComparer.Ordinal), gone.Select(g => g.Key).Order(StringComparer.Ordinal));
        Assert.All(gone, g => Assert.Equal("HTTP 404 Not Found", g.Reason));

        // Links: absolute, normalised, on the site only (the canonical host's links and the stylesheet are left out).
        var reisepass = fetched.Single(i => i.Key == Key("/buergerservice/reisepass"));
        Assert.Contains(Key("/buergerservice/personalausweis"), reisepass.Links);
        Assert.Contains(Key("/impressum"), reisepass.Links);
        Assert.DoesNotContain(reisepass.Links, l => l.Contains("musterstadt.example", StringComparison.Ordinal) || l.EndsWith(".css", StringComparison.Ordinal));
        Assert.Contains("Reisepass", Encoding.UTF8.GetString(reisepass.Document.Content), StringComparison.Ordinal);
        Assert.Equal("utf-8", reisepass.Document.Charset);
        Assert.All(_site.Requests, r => Assert.StartsWith("Stadtdialog/1.0", r.UserAgent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Second_crawl_with_the_stored_validators_yields_only_unchanged_pages()
    {
        var first = await _services.CrawlAsync(Musterstadt(), Token);
        _site.ClearRequests();

        var request = Musterstadt() with { Known = CrawlerServices.Known(first) };
        var second = await _services.CrawlAsync(request, Token);

        Assert.Empty(second.OfType<FetchedItem>());
        var unchanged = second.OfType<UnchangedItem>().Select(i => i.Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(MusterstadtPages().Select(Key).Order(StringComparer.Ordinal), unchanged);
        Assert.Equal(DeadLinks.Length, second.OfType<GoneItem>().Count());

        // The server saw a conditional request for each page and answered it with 304.
        var pageRequests = _site.Requests.Where(r => MusterstadtPages().Contains(r.Path)).ToList();
        Assert.Equal(50, pageRequests.Count);
        Assert.All(pageRequests, r => Assert.NotNull(r.IfNoneMatch));
        Assert.All(pageRequests, r => Assert.NotNull(r.IfModifiedSince));
        Assert.All(pageRequests, r => Assert.Equal(304, r.StatusCode));
    }

    [Fact]
    public async Task A_page_changed_between_two_crawls_is_fetched_again()
    {
        var first = await _services.CrawlAsync(Musterstadt(), Token);
        var original = await File.ReadAllTextAsync(Path.Combine(LoopbackSite.MusterstadtFolder, "buergerservice", "reisepass.html"), Token);
        _site.SetPage("/buergerservice/reisepass", original.Replace("70,00 Euro", "75,00 Euro", StringComparison.Ordinal));

        var second = await _services.CrawlAsync(Musterstadt() with { Known = CrawlerServices.Known(first) }, Token);

        var changed = Assert.Single(second.OfType<FetchedItem>());
        Assert.Equal(Key("/buergerservice/reisepass"), changed.Key);
        Assert.Contains("75,00 Euro", Encoding.UTF8.GetString(changed.Document.Content), StringComparison.Ordinal);
        Assert.NotEqual(first.OfType<FetchedItem>().Single(i => i.Key == changed.Key).ETag, changed.ETag);
        Assert.Equal(49, second.OfType<UnchangedItem>().Count());
    }

    [Fact]
    public async Task Sitemap_entries_are_crawled_even_where_no_link_leads()
    {
        // From a leaf page with depth 1 only its own links are reachable; the sitemap supplies the rest.
        var withoutSitemap = await _services.CrawlAsync(
            CrawlerServices.Request(_site.Url("/buergerservice/reisepass"), s => s.MaxDepth = 1), Token);
        Assert.DoesNotContain(withoutSitemap, i => i.Key == Key("/wirtschaft/gewerbeanmeldung"));
        Assert.Contains(withoutSitemap, i => i is FetchedItem && i.Key == Key("/"));
        Assert.Equal(0, _site.RequestCount("/wirtschaft/gewerbeanmeldung"));

        var withSitemap = await _services.CrawlAsync(CrawlerServices.Request(_site.Url("/buergerservice/reisepass"), s =>
        {
            s.MaxDepth = 1;
            s.Sitemaps.Add("/sitemap.xml");
        }), Token);
        Assert.Equal(50, withSitemap.OfType<FetchedItem>().Count());
    }

    [Fact]
    public async Task Robots_txt_sitemap_lines_are_used()
    {
        _site.SetRobots($"User-agent: *\nAllow: /\n\nSitemap: {_site.Url("/sitemap.xml")}\n");

        var items = await _services.CrawlAsync(CrawlerServices.Request(_site.Url("/buergerservice/reisepass"), s => s.MaxDepth = 1), Token);

        Assert.Equal(50, items.OfType<FetchedItem>().Count());
        Assert.Equal(1, _site.RequestCount("/sitemap.xml"));
        Assert.Equal(1, _site.RequestCount("/robots.txt"));
    }

    [Fact]
    public async Task Robots_txt_group_of_the_crawler_is_honoured_and_disallowed_paths_are_never_requested()
    {
        _site.SetRobots("""
            User-agent: *
            Disallow: /

            # Stadtdialog may read everything but the citizen services, except the passport page.
            User-agent: stadtdialog
            Disallow: /buergerservice/
            Allow: /buergerservice/reisepass$
            """);

        var items = await _services.CrawlAsync(Musterstadt(), Token);

        var fetched = items.OfType<FetchedItem>().Select(i => i.Key).ToHashSet();
        Assert.Equal(50 - 12 + 1, fetched.Count);
        Assert.Contains(Key("/buergerservice/reisepass"), fetched);
        Assert.DoesNotContain(Key("/buergerservice/personalausweis"), fetched);
        var services = MusterstadtPages().Where(p => p.StartsWith("/buergerservice/", StringComparison.Ordinal) && p != "/buergerservice/reisepass");
        Assert.All(services, p => Assert.Equal(0, _site.RequestCount(p)));
        Assert.Equal(1, _site.RequestCount("/robots.txt"));
    }

    [Fact]
    public async Task Robots_txt_that_disallows_the_start_url_makes_the_source_unavailable()
    {
        _site.SetRobots("User-agent: *\nDisallow: /\n");

        var exception = await Assert.ThrowsAsync<SourceUnavailableException>(() => _services.CrawlAsync(Musterstadt(), Token));

        Assert.Contains("robots.txt", exception.Message, StringComparison.Ordinal);
        Assert.Equal(["/robots.txt"], _site.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task Robots_txt_server_error_makes_the_start_host_unavailable()
    {
        _site.SetStatus("/robots.txt", 503);

        var exception = await Assert.ThrowsAsync<SourceUnavailableException>(() => _services.CrawlAsync(Musterstadt(), Token));

        Assert.Contains("robots.txt", exception.Message, StringComparison.Ordinal);
        Assert.Contains("503", exception.Message, StringComparison.Ordinal);
        Assert.Equal(["/robots.txt"], _site.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task Robots_txt_not_found_allows_everything()
    {
        var items = await _services.CrawlAsync(CrawlerServices.Request(_site.BaseUrl, s => s.MaxDepth = 0), Token);

        Assert.Single(items.OfType<FetchedItem>());
        Assert.Equal(404, _site.Requests.Single(r => r.Path == "/robots.txt").StatusCode);
    }

    [Fact]
    public async Task Start_url_that_fails_makes_the_source_unavailable()
    {
        _site.SetStatus("/", 500);

        var exception = await Assert.ThrowsAsync<SourceUnavailableException>(() => _services.CrawlAsync(Musterstadt(), Token));

        Assert.Contains("HTTP 500 Internal Server Error", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Max_pages_limits_the_pages_read()
    {
        var items = await _services.CrawlAsync(CrawlerServices.Request(_site.BaseUrl, s => s.MaxPages = 5), Token);

        Assert.Equal(5, items.OfType<FetchedItem>().Count());
        Assert.True(_site.Requests.Count(r => r.StatusCode == 200) <= 5);
    }

    [Fact]
    public async Task Max_depth_zero_reads_only_the_start_page()
    {
        var items = await _services.CrawlAsync(CrawlerServices.Request(_site.BaseUrl, s =>
        {
            s.MaxDepth = 0;
            s.Sitemaps.Add("/sitemap.xml");
        }), Token);

        var only = Assert.Single(items);
        Assert.Equal(Key("/"), Assert.IsType<FetchedItem>(only).Key);
        Assert.Equal(["/robots.txt", "/"], _site.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task Path_prefixes_limit_what_is_crawled_and_the_start_page_is_only_used_for_its_links()
    {
        var items = await _services.CrawlAsync(CrawlerServices.Request(_site.BaseUrl, s => s.PathPrefixes.Add("/buergerservice/")), Token);

        var fetched = items.OfType<FetchedItem>().Select(i => i.Key).Order(StringComparer.Ordinal).ToList();
        var expected = MusterstadtPages().Where(p => p.StartsWith("/buergerservice/", StringComparison.Ordinal)).Select(Key);
        Assert.Equal(expected.Order(StringComparer.Ordinal), fetched);
        Assert.Equal(0, _site.RequestCount("/soziales/wohngeld"));
        Assert.Equal(0, _site.RequestCount("/impressum"));
        Assert.All(items.OfType<FetchedItem>(), i => Assert.All(i.Links, l => Assert.StartsWith(_site.Url("/buergerservice/").AbsoluteUri, l, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Excluded_paths_are_never_requested()
    {
        var items = await _services.CrawlAsync(CrawlerServices.Request(_site.BaseUrl, s =>
        {
            s.ExcludedPaths.Add("/aktuelles/");
            s.Sitemaps.Add("/sitemap.xml");
        }), Token);

        Assert.Equal(46, items.OfType<FetchedItem>().Count());
        Assert.DoesNotContain(_site.Requests, r => r.Path.StartsWith("/aktuelles/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Requests_in_flight_never_exceed_max_concurrency()
    {
        await using var site = await LoopbackSite.StartAsync(cancellationToken: Token);
        var links = string.Join("", Enumerable.Range(1, 8).Select(i => $"<a href=\"/seite-{i}\">Seite {i}</a>"));
        site.SetPage("/", $"<html><body>{links}</body></html>");
        for (var i = 1; i <= 8; i++)
        {
            site.SetSlow($"/seite-{i}", TimeSpan.FromMilliseconds(150), $"<html><body><p>Seite {i}</p></body></html>");
        }

        var items = await _services.CrawlAsync(CrawlerServices.Request(site.BaseUrl, s => s.MaxConcurrency = 2), Token);

        Assert.Equal(9, items.OfType<FetchedItem>().Count());
        Assert.Equal(2, site.MaxConcurrentRequests);
    }

    [Fact]
    public async Task Crawl_delay_of_robots_txt_spaces_the_requests_to_a_host()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        await using var services = new CrawlerServices(time: time);
        await using var site = await LoopbackSite.StartAsync(time: time, cancellationToken: Token);
        site.SetRobots("User-agent: *\nCrawl-delay: 2\n");
        site.SetPage("/", """<html><body><a href="/a">A</a><a href="/b">B</a></body></html>""");
        site.SetPage("/a", "<html><body><p>A</p></body></html>");
        site.SetPage("/b", "<html><body><p>B</p></body></html>");
        var wait = TimeSpan.FromSeconds(10);

        var crawl = services.CrawlAsync(CrawlerServices.Request(site.BaseUrl, s => s.MaxConcurrency = 3), Token);
        await site.WaitForRequestsAsync("/robots.txt", 1, wait, Token);

        // Each further request waits for two (fake) seconds after the previous one: not a moment less.
        foreach (var path in new[] { "/", "/a", "/b" })
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System, Token);
            time.Advance(TimeSpan.FromMilliseconds(1999));
            await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System, Token);
            Assert.Equal(0, site.RequestCount(path));
            time.Advance(TimeSpan.FromMilliseconds(1));
            await site.WaitForRequestsAsync(path, 1, wait, Token);
        }

        var items = await crawl;
        Assert.Equal(3, items.OfType<FetchedItem>().Count());
        var starts = site.Requests.Select(r => r.At - time.Start).ToList();
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6)], starts);
    }

    [Fact]
    public async Task Request_delay_setting_spaces_the_requests_when_robots_txt_names_none()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        await using var services = new CrawlerServices(time: time);
        await using var site = await LoopbackSite.StartAsync(time: time, cancellationToken: Token);
        site.SetPage("/", "<html><body><p>Start</p></body></html>");

        var crawl = services.CrawlAsync(CrawlerServices.Request(site.BaseUrl, s => s.RequestDelayMilliseconds = 500), Token);
        await site.WaitForRequestsAsync("/robots.txt", 1, TimeSpan.FromSeconds(10), Token);
        await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System, Token);
        Assert.Equal(0, site.RequestCount("/"));
        time.Advance(TimeSpan.FromMilliseconds(500));

        Assert.Single((await crawl).OfType<FetchedItem>());
    }
}
