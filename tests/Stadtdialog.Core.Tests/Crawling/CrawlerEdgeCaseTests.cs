using System.Text;
using Stadtdialog.Knowledge.Readers;
using Stadtdialog.Knowledge.Sources;
using Stadtdialog.Tests;
using Xunit;

namespace Stadtdialog.Core.Tests.Crawling;

/// <summary>Redirects, errors, timeouts, oversized responses and page-level robots directives, against a loopback server.</summary>
public sealed class CrawlerEdgeCaseTests : IAsyncLifetime
{
    private LoopbackSite _site = null!;
    private CrawlerServices _services = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _site = await LoopbackSite.StartAsync(cancellationToken: Token);
        _services = new CrawlerServices();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _site.DisposeAsync();
    }

    private string Key(string path) => CrawlUrls.Key(_site.Url(path));

    /// <summary>Crawls a start page linking <paramref name="paths"/>.</summary>
    private Task<List<SourceItem>> CrawlLinksAsync(string[] paths, ReaderLimits? limits = null)
    {
        _site.SetPage("/", "<html><body>" + string.Join("", paths.Select(p => $"<a href=\"{p}\">{p}</a>")) + "</body></html>");
        return _services.CrawlAsync(CrawlerServices.Request(_site.BaseUrl, limits: limits), Token);
    }

    private static FailedItem Failed(IEnumerable<SourceItem> items, string key) =>
        Assert.Single(items.OfType<FailedItem>(), i => i.Key == key);

    [Fact]
    public async Task Redirect_loop_is_a_failed_item_naming_the_loop()
    {
        _site.SetRedirect("/schleife-a", "/schleife-b");
        _site.SetRedirect("/schleife-b", "/schleife-a", 302);

        var items = await CrawlLinksAsync(["/schleife-a"]);

        var failed = Failed(items, Key("/schleife-a"));
        Assert.Equal($"Redirect loop: {_site.Url("/schleife-a")} → {_site.Url("/schleife-b")} → {_site.Url("/schleife-a")}", failed.Message);
        Assert.Equal(_site.Url("/schleife-a").AbsoluteUri, failed.Url);
        Assert.Equal(1, _site.RequestCount("/schleife-a"));
    }

    [Fact]
    public async Task Too_many_redirects_are_a_failed_item()
    {
        for (var i = 0; i < 7; i++)
        {
            _site.SetRedirect($"/kette-{i}", $"/kette-{i + 1}", 307);
        }

        var items = await CrawlLinksAsync(["/kette-0"]);

        Assert.StartsWith("More than 5 redirects", Failed(items, Key("/kette-0")).Message, StringComparison.Ordinal);
        Assert.Equal(0, _site.RequestCount("/kette-6"));
    }

    [Fact]
    public async Task Redirect_to_another_host_is_a_failed_item_and_not_followed()
    {
        var elsewhere = new UriBuilder(_site.BaseUrl) { Host = "localhost", Path = "/ziel" }.Uri;
        _site.SetRedirect("/weg", elsewhere.AbsoluteUri);

        var items = await CrawlLinksAsync(["/weg"]);

        Assert.Equal($"Redirect to a host outside the source: {elsewhere.AbsoluteUri}", Failed(items, Key("/weg")).Message);
        Assert.Equal(0, _site.RequestCount("/ziel"));
    }

    [Fact]
    public async Task Redirect_within_the_site_yields_the_final_url_once()
    {
        _site.SetRedirect("/alt", "neu");
        _site.SetRedirect("/auch-alt", "/neu?utm_source=newsletter", 308);
        _site.SetPage("/neu", "<html><body><p>Neu</p></body></html>");

        var items = await CrawlLinksAsync(["/alt", "/neu", "/auch-alt"]);

        var neu = Assert.Single(items.OfType<FetchedItem>(), i => i.Key != Key("/"));
        Assert.Equal(Key("/neu"), neu.Key);
        Assert.Equal(2, items.Count);
    }

    [Fact]
    public async Task Server_error_is_a_failed_item_and_not_found_is_gone()
    {
        _site.SetStatus("/kaputt", 500);
        _site.SetStatus("/wartung", 503);
        _site.SetStatus("/entfernt", 410);

        var items = await CrawlLinksAsync(["/kaputt", "/wartung", "/entfernt", "/gibt-es-nicht"]);

        Assert.Equal("HTTP 500 Internal Server Error", Failed(items, Key("/kaputt")).Message);
        Assert.Equal("HTTP 503 Service Unavailable", Failed(items, Key("/wartung")).Message);
        Assert.Equal("HTTP 410 Gone", Assert.Single(items.OfType<GoneItem>(), i => i.Key == Key("/entfernt")).Reason);
        Assert.Equal("HTTP 404 Not Found", Assert.Single(items.OfType<GoneItem>(), i => i.Key == Key("/gibt-es-nicht")).Reason);
    }

    [Fact]
    public async Task Slow_answer_is_a_failed_item_after_the_request_timeout()
    {
        await using var impatient = new CrawlerServices(new() { ["RequestTimeoutSeconds"] = "1" });
        _site.SetSlow("/langsam", TimeSpan.FromSeconds(30));
        _site.SetPage("/", "<html><body><a href=\"/langsam\">langsam</a></body></html>");

        var items = await impatient.CrawlAsync(CrawlerServices.Request(_site.BaseUrl), Token);

        Assert.Equal("No answer within 1 s.", Failed(items, Key("/langsam")).Message);
    }

    [Fact]
    public async Task Oversized_responses_are_failed_items_with_or_without_content_length()
    {
        _site.SetHuge("/gross-mit-laenge", 2 * ReaderLimits.MiB, withContentLength: true);
        _site.SetHuge("/gross-ohne-laenge", 2 * ReaderLimits.MiB, withContentLength: false);
        _site.SetGzipBomb("/gepackt");
        var limits = new ReaderLimits { MaxTextBytes = ReaderLimits.MiB };

        var items = await CrawlLinksAsync(["/gross-mit-laenge", "/gross-ohne-laenge", "/gepackt"], limits);

        Assert.Equal("The file is 2.0 MB; the limit for this type is 1 MB.", Failed(items, Key("/gross-mit-laenge")).Message);
        Assert.StartsWith("The file is larger than 1.0 MB; the limit for this type is 1 MB.", Failed(items, Key("/gross-ohne-laenge")).Message,
            StringComparison.Ordinal);
        Assert.StartsWith("The file is larger than 1.0 MB", Failed(items, Key("/gepackt")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Noindex_page_is_gone_but_its_links_are_followed_and_nofollow_is_honoured()
    {
        _site.SetPage("/uebersicht", """
            <html><head><meta name="robots" content="noindex"></head>
            <body><a href="/dahinter">weiter</a></body></html>
            """);
        _site.SetPage("/dahinter", "<html><body><p>Inhalt</p></body></html>");
        _site.SetPage("/sackgasse", """
            <html><head><meta name="ROBOTS" content="index, NOFOLLOW"></head>
            <body><p>Inhalt</p><a href="/nie-1">nie</a></body></html>
            """);
        _site.SetPage("/mit-basis", """
            <html><head><base href="/unterordner/"></head>
            <body><a href="relativ">relativ</a><a rel="nofollow external" href="/nie-2">nie</a></body></html>
            """);
        _site.SetPage("/unterordner/relativ", "<html><body><p>relativ</p></body></html>");

        var items = await CrawlLinksAsync(["/uebersicht", "/sackgasse", "/mit-basis"]);

        Assert.Equal(Key("/uebersicht"), Assert.Single(items.OfType<GoneItem>()).Key);
        var fetched = items.OfType<FetchedItem>().Select(i => i.Key).ToList();
        Assert.Contains(Key("/dahinter"), fetched);
        Assert.Contains(Key("/sackgasse"), fetched);
        Assert.Contains(Key("/unterordner/relativ"), fetched);
        Assert.Empty(items.OfType<FetchedItem>().Single(i => i.Key == Key("/sackgasse")).Links);
        Assert.Equal(0, _site.RequestCount("/nie-1"));
        Assert.Equal(0, _site.RequestCount("/nie-2"));
    }

    [Fact]
    public async Task Unsupported_links_and_content_are_skipped()
    {
        _site.SetPage("/bild", "not really an image", "image/png");
        _site.SetPage("/daten", "{}", "application/json");
        _site.SetPage("/hinweise.txt", "Hinweise zur Abholung", "text/plain; charset=utf-8");
        _site.SetPage("/seite", "<html><body><p>Seite</p></body></html>");

        var items = await CrawlLinksAsync([
            "/logo.png", "/archiv.zip", "/site.css", "mailto:rathaus@example.org", "tel:+49115", "javascript:void(0)", "#oben",
            "/bild", "/daten", "/hinweise.txt", "/seite?utm_source=x&id=3#abschnitt",
        ]);

        Assert.Equal(0, _site.RequestCount("/logo.png") + _site.RequestCount("/archiv.zip") + _site.RequestCount("/site.css"));
        Assert.Equal(1, _site.RequestCount("/bild"));
        var keys = items.Select(i => i.Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { Key("/"), Key("/hinweise.txt"), Key("/seite?id=3") }.Order(StringComparer.Ordinal), keys);
        var text = Assert.Single(items.OfType<FetchedItem>(), i => i.Key == Key("/hinweise.txt"));
        Assert.Equal(Knowledge.Readers.FileFormat.Text, text.Document.Format);
        Assert.Equal("Hinweise zur Abholung", Encoding.UTF8.GetString(text.Document.Content));
        var start = items.OfType<FetchedItem>().Single(i => i.Key == Key("/"));
        Assert.DoesNotContain(start.Links, l => l.StartsWith("mailto", StringComparison.Ordinal) || l.EndsWith(".png", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Redirect_to_a_path_robots_txt_disallows_is_a_failed_item()
    {
        _site.SetRobots("User-agent: *\nDisallow: /intern/\n");
        _site.SetRedirect("/umleitung", "/intern/seite");

        var items = await CrawlLinksAsync(["/umleitung", "/intern/direkt"]);

        Assert.StartsWith("Redirect to an address outside the source", Failed(items, Key("/umleitung")).Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_site.Requests, r => r.Path.StartsWith("/intern/", StringComparison.Ordinal));
        Assert.DoesNotContain(items, i => i.Key == Key("/intern/direkt"));
    }

    [Fact]
    public async Task X_robots_tag_header_for_this_crawler_is_honoured_for_any_format()
    {
        _site.SetPage("/intern.pdf", "%PDF-1.4 intern", "application/pdf", new Dictionary<string, string> { ["X-Robots-Tag"] = "noindex" });
        _site.SetPage("/merkblatt.pdf", "%PDF-1.4 Merkblatt", "application/pdf",
            new Dictionary<string, string> { ["X-Robots-Tag"] = "otherbot: noindex, nofollow" });

        var items = await CrawlLinksAsync(["/intern.pdf", "/merkblatt.pdf"]);

        Assert.Equal(Key("/intern.pdf"), Assert.Single(items.OfType<GoneItem>()).Key);
        var pdf = Assert.Single(items.OfType<FetchedItem>(), i => i.Key == Key("/merkblatt.pdf"));
        Assert.Equal(Knowledge.Readers.FileFormat.Pdf, pdf.Document.Format);
    }

    [Fact]
    public async Task Stopping_the_enumeration_early_cancels_the_crawl_quietly()
    {
        for (var i = 0; i < 6; i++)
        {
            _site.SetSlow($"/s{i}", TimeSpan.FromSeconds(30));
        }

        _site.SetPage("/", "<html><body>" + string.Concat(Enumerable.Range(0, 6).Select(i => $"<a href=\"/s{i}\">{i}</a>")) + "</body></html>");
        await foreach (var item in _services.Crawler.CrawlAsync(CrawlerServices.Request(_site.BaseUrl), Token))
        {
            Assert.Equal(Key("/"), item.Key);
            break;
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in _services.Crawler.CrawlAsync(CrawlerServices.Request(_site.BaseUrl), cancel.Token))
            {
                Assert.Equal(Key("/"), item.Key);
            }
        });
    }
}
