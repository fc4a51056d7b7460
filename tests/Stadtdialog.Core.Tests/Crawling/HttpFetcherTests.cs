using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Stadtdialog.Knowledge.Readers;
using Stadtdialog.Knowledge.Sources;
using Stadtdialog.Tests;
using Xunit;

namespace Stadtdialog.Core.Tests.Crawling;

public sealed class HttpFetcherTests : IAsyncLifetime
{
    private LoopbackSite _site = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _site = await LoopbackSite.StartAsync(cancellationToken: Token);
        _site.SetPage("/seite", "<html><body><p>Seite</p></body></html>");
    }

    public async ValueTask DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task Conditional_requests_use_the_stored_validators()
    {
        await using var services = new CrawlerServices();
        var url = _site.Url("/seite");

        var first = Assert.IsType<FetchedContent>(await services.Fetcher.FetchAsync(url, null, new ReaderLimits(), null, Token));
        Assert.Equal("text/html", first.MediaType);
        Assert.Equal("utf-8", first.Charset);
        Assert.NotNull(first.ETag);
        Assert.NotNull(first.LastModified);
        Assert.Equal(first.LastModified, DateTimeOffset.Parse(first.LastModifiedHeader!, System.Globalization.CultureInfo.InvariantCulture));

        var byETag = new KnownItem(CrawlUrls.Key(url), first.ETag, null, []);
        Assert.IsType<NotModified>(await services.Fetcher.FetchAsync(url, byETag, new ReaderLimits(), null, Token));
        var byDate = new KnownItem(CrawlUrls.Key(url), null, first.LastModifiedHeader, []);
        Assert.IsType<NotModified>(await services.Fetcher.FetchAsync(url, byDate, new ReaderLimits(), null, Token));
        var stale = new KnownItem(CrawlUrls.Key(url), "\"veraltet\"", null, []);
        Assert.IsType<FetchedContent>(await services.Fetcher.FetchAsync(url, stale, new ReaderLimits(), null, Token));

        Assert.Equal([null, first.ETag, null, "\"veraltet\""], _site.Requests.Select(r => r.IfNoneMatch));
    }

    [Fact]
    public async Task Redirect_targets_are_checked_one_by_one()
    {
        _site.SetRedirect("/umweg", "/seite");
        await using var services = new CrawlerServices();
        var asked = new List<Uri>();

        var result = await services.Fetcher.FetchAsync(_site.Url("/umweg"), null, new ReaderLimits(), u =>
        {
            asked.Add(u);
            return true;
        }, Token);

        var content = Assert.IsType<FetchedContent>(result);
        Assert.Equal(_site.Url("/seite"), content.FinalUrl);
        Assert.Equal(_site.Url("/umweg"), content.RequestedUrl);
        Assert.Equal([_site.Url("/seite")], asked);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_not_a_failed_fetch()
    {
        _site.SetSlow("/langsam", TimeSpan.FromSeconds(30));
        await using var services = new CrawlerServices();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => services.Fetcher.FetchAsync(_site.Url("/langsam"), null, new ReaderLimits(), null, cancel.Token));
    }

    [Fact]
    public async Task Connection_errors_are_failed_fetches_with_a_clear_message()
    {
        await using var services = new CrawlerServices();
        var closed = new UriBuilder(_site.BaseUrl) { Port = 1 }.Uri;

        var failed = Assert.IsType<FetchFailed>(await services.Fetcher.FetchAsync(closed, null, new ReaderLimits(), null, Token));

        Assert.StartsWith("Could not connect to 127.0.0.1:1", failed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}/seite", "Refused to connect to 127.0.0.1: ")]
    [InlineData("http://localhost:{port}/seite", "Refused to connect to localhost (")]
    public async Task Private_network_guard_refuses_loopback_addresses_after_resolving_them(string address, string expected)
    {
        await using var services = new CrawlerServices(new() { ["AllowPrivateNetworks"] = "false" });
        var url = new Uri(address.Replace("{port}", _site.BaseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        var failed = Assert.IsType<FetchFailed>(await services.Fetcher.FetchAsync(url, null, new ReaderLimits(), null, Token));

        Assert.StartsWith(expected, failed.Message, StringComparison.Ordinal);
        Assert.Contains("Stadtdialog:Knowledge:Http:AllowPrivateNetworks", failed.Message, StringComparison.Ordinal);
        Assert.Empty(_site.Requests);
    }

    [Fact]
    public async Task Private_network_guard_makes_a_crawl_of_an_internal_site_fail_with_the_reason()
    {
        await using var services = new CrawlerServices(new() { ["AllowPrivateNetworks"] = "false" });

        var exception = await Assert.ThrowsAsync<SourceUnavailableException>(
            () => services.CrawlAsync(CrawlerServices.Request(_site.Url("/seite")), Token));

        Assert.Contains("Refused to connect to 127.0.0.1", exception.Message, StringComparison.Ordinal);
        Assert.Contains("AllowPrivateNetworks", exception.Message, StringComparison.Ordinal);
        Assert.Empty(_site.Requests);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("0.0.0.0")]
    [InlineData("10.20.30.40")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.178.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456:789a::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("2002:c0a8:0101::1")]
    public void Non_public_addresses_are_recognised(string address) =>
        Assert.False(PrivateNetworkGuard.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("93.184.215.14")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.True(PrivateNetworkGuard.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public async Task Invalid_options_are_refused_at_start()
    {
        await using var services = new CrawlerServices(new() { ["RequestTimeoutSeconds"] = "0", ["UserAgent"] = "" });

        var exception = Assert.Throws<OptionsValidationException>(() => services.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(nameof(KnowledgeHttpOptions.RequestTimeoutSeconds), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Defaults_name_the_crawler()
    {
        await using var services = new CrawlerServices();
        var options = services.Services.GetRequiredService<IOptions<KnowledgeHttpOptions>>().Value;

        Assert.Equal("Stadtdialog/1.0 (+https://github.com/stadtdialog; Wissensimport)", options.UserAgent);
        Assert.Equal("Stadtdialog", options.ProductToken);
        Assert.Equal(5, options.MaxRedirects);
        Assert.False(new KnowledgeHttpOptions().AllowPrivateNetworks);
    }
}
