using System.Net;
using Stadtdialog.Tests;
using Xunit;

namespace Stadtdialog.Server.Tests.Infrastructure;

/// <summary>The loopback website must behave like a CMS, or the crawler and feed tests prove nothing.</summary>
public sealed class StaticSiteServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Serves_clean_urls_404s_content_types_and_answers_conditional_requests_with_304()
    {
        await using var site = await StaticSiteServer.StartAsync(Path.Combine(RepositoryPaths.SharedData, "musterstadt-site"));
        using var client = new HttpClient { BaseAddress = new Uri(site.BaseUrl) };

        using var start = await (await client.GetAsync("/", Ct)).EnsureSuccessWithBodyAsync();
        using var page = await (await client.GetAsync("/buergerservice/personalausweis", Ct)).EnsureSuccessWithBodyAsync();
        using var missing = await client.GetAsync("/gibt/es/nicht", Ct);
        using var sitemap = await (await client.GetAsync("/sitemap.xml", Ct)).EnsureSuccessWithBodyAsync();

        Assert.Equal("text/html", start.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<link rel=\"canonical\"", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.NotNull(page.Headers.ETag);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/buergerservice/personalausweis");
        conditional.Headers.IfNoneMatch.Add(page.Headers.ETag);
        using var notModified = await client.SendAsync(conditional, Ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(
            [("/", false, 200), ("/buergerservice/personalausweis", false, 200), ("/gibt/es/nicht", false, 404), ("/sitemap.xml", false, 200), ("/buergerservice/personalausweis", true, 304)],
            site.Requests.Select(r => (r.Path, r.Conditional, r.StatusCode)));

        await using var feeds = await StaticSiteServer.StartAsync(Path.Combine(RepositoryPaths.SharedData, "events"));
        using var feedClient = new HttpClient();
        using var calendar = await (await feedClient.GetAsync(feeds.BaseUrl + "/veranstaltungen.ics", Ct)).EnsureSuccessWithBodyAsync();
        Assert.Equal("text/calendar", calendar.Content.Headers.ContentType?.MediaType);
    }
}
