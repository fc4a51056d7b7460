using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Stadtdialog.Knowledge.Sources;
using Stadtdialog.Tests;
using Xunit;

namespace Stadtdialog.Core.Tests.Crawling;

public sealed class SitemapReaderCrawlTests
{
    private static readonly Uri Base = new("https://www.musterstadt.example/");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(Utf8(text));
        }

        return output.ToArray();
    }

    private static string UrlSet(params string[] locs) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
        + string.Concat(locs.Select(l => $"<url><loc>{l}</loc></url>")) + "</urlset>";

    private static string Index(params string[] locs) =>
        "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
        + string.Concat(locs.Select(l => $"<sitemap><loc>{l}</loc></sitemap>")) + "</sitemapindex>";

    /// <summary>Reads with a fetch function that serves <paramref name="files"/> (path → bytes), counting fetches.</summary>
    private static async Task<(IReadOnlyList<SitemapEntry> Entries, List<string> Fetched)> ReadAsync(
        Dictionary<string, byte[]> files, params string[] start)
    {
        var fetched = new List<string>();
        var reader = new SitemapReader(NullLogger<SitemapReader>.Instance);
        var entries = await reader.ReadAsync(start.Select(s => new Uri(Base, s)), (url, _) =>
        {
            fetched.Add(url.AbsolutePath);
            FetchResult result = files.TryGetValue(url.AbsolutePath, out var bytes)
                ? new FetchedContent(url, url, "application/xml", null, bytes, null, null, null)
                : new FetchGone(url, 404);
            return Task.FromResult(result);
        }, null, Token);
        return (entries, fetched);
    }

    [Fact]
    public void Urlset_gives_locations_and_last_modification_dates()
    {
        var document = SitemapReader.Parse(Utf8("""
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <!-- Bürgerservice -->
              <url><loc> https://www.musterstadt.example/buergerservice/reisepass </loc><lastmod>2026-02-08</lastmod><priority>0.8</priority></url>
              <url><loc>https://www.musterstadt.example/suche?q=a&amp;b=c</loc><lastmod>2026-02-08T10:30:00+01:00</lastmod></url>
              <url><loc>/relativ</loc></url>
              <url><loc>mailto:rathaus@musterstadt.example</loc></url>
              <url><lastmod>2026-01-01</lastmod></url>
            </urlset>
            """), Base);

        Assert.False(document.IsIndex);
        Assert.Equal(
            ["https://www.musterstadt.example/buergerservice/reisepass", "https://www.musterstadt.example/suche?q=a&b=c", "https://www.musterstadt.example/relativ"],
            document.Entries.Select(e => e.Url.AbsoluteUri));
        Assert.Equal(new DateTimeOffset(2026, 2, 8, 0, 0, 0, TimeSpan.Zero), document.Entries[0].LastModified);
        Assert.Equal(new DateTimeOffset(2026, 2, 8, 10, 30, 0, TimeSpan.FromHours(1)), document.Entries[1].LastModified);
        Assert.Null(document.Entries[2].LastModified);
    }

    [Fact]
    public void The_musterstadt_sitemap_lists_49_pages()
    {
        var bytes = File.ReadAllBytes(Path.Combine(LoopbackSite.MusterstadtFolder, "sitemap.xml"));

        var document = SitemapReader.Parse(bytes, Base);

        Assert.Equal(49, document.Entries.Count);
        Assert.All(document.Entries, e => Assert.Equal("www.musterstadt.example", e.Url.Host));
    }

    [Fact]
    public async Task Sitemap_index_is_followed_with_gzip_recognised_by_its_bytes()
    {
        var files = new Dictionary<string, byte[]>
        {
            ["/sitemap.xml"] = Utf8(Index("https://www.musterstadt.example/sitemap-a.xml", "/sitemap-b.xml.gz", "/fehlt.xml")),
            ["/sitemap-a.xml"] = Utf8(UrlSet("https://www.musterstadt.example/a1", "https://www.musterstadt.example/a2")),
            ["/sitemap-b.xml.gz"] = Gzip(UrlSet("https://www.musterstadt.example/b1", "https://www.musterstadt.example/a1")),
        };

        var (entries, fetched) = await ReadAsync(files, "/sitemap.xml");

        Assert.Equal(["/a1", "/a2", "/b1"], entries.Select(e => e.Url.AbsolutePath));
        Assert.Equal(["/sitemap.xml", "/sitemap-a.xml", "/sitemap-b.xml.gz", "/fehlt.xml"], fetched);
    }

    [Fact]
    public async Task Nested_indexes_stop_at_three_levels_and_loops_are_fetched_once()
    {
        var files = new Dictionary<string, byte[]>
        {
            ["/ebene1.xml"] = Utf8(Index("/ebene2.xml", "/ebene1.xml")),
            ["/ebene2.xml"] = Utf8(Index("/ebene3.xml", "/seiten2.xml")),
            ["/ebene3.xml"] = Utf8(Index("/seiten4.xml")),
            ["/seiten2.xml"] = Utf8(UrlSet("https://www.musterstadt.example/zwei")),
            ["/seiten4.xml"] = Utf8(UrlSet("https://www.musterstadt.example/vier")),
        };

        var (entries, fetched) = await ReadAsync(files, "/ebene1.xml");

        Assert.Equal(["/zwei"], entries.Select(e => e.Url.AbsolutePath));
        Assert.Equal(["/ebene1.xml", "/ebene2.xml", "/ebene3.xml", "/seiten2.xml"], fetched);
    }

    [Fact]
    public async Task Malformed_sitemaps_are_ignored_and_the_others_still_read()
    {
        var files = new Dictionary<string, byte[]>
        {
            ["/kaputt.xml"] = Utf8("<urlset><url><loc>https://www.musterstadt.example/x</loc></url>"),
            ["/html.xml"] = Utf8("<html><body>Not found</body></html>"),
            ["/binaer.xml"] = [0x1F, 0x8B, 0x00, 0x01, 0x02],
            ["/gut.xml"] = Utf8(UrlSet("https://www.musterstadt.example/gut")),
        };

        var (entries, _) = await ReadAsync(files, "/kaputt.xml", "/html.xml", "/binaer.xml", "/gut.xml");

        Assert.Equal(["/gut"], entries.Select(e => e.Url.AbsolutePath));
    }

    [Fact]
    public void External_entities_and_dtds_are_refused()
    {
        var secret = Path.GetTempFileName();
        try
        {
            File.WriteAllText(secret, "geheim");
            var xxe = $"""
                <?xml version="1.0"?>
                <!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file://{secret}">]>
                <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://www.musterstadt.example/&xxe;</loc></url></urlset>
                """;
            var laughs = """
                <?xml version="1.0"?>
                <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
                <urlset><url><loc>https://www.musterstadt.example/&lol2;</loc></url></urlset>
                """;

            Assert.Throws<System.Xml.XmlException>(() => SitemapReader.Parse(Utf8(xxe), Base));
            Assert.Throws<System.Xml.XmlException>(() => SitemapReader.Parse(Utf8(laughs), Base));
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public async Task Xxe_sitemap_is_ignored_by_the_reader()
    {
        var files = new Dictionary<string, byte[]>
        {
            ["/xxe.xml"] = Utf8("""
                <?xml version="1.0"?>
                <!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
                <urlset><url><loc>https://www.musterstadt.example/&xxe;</loc></url></urlset>
                """),
        };

        var (entries, _) = await ReadAsync(files, "/xxe.xml");

        Assert.Empty(entries);
    }

    [Fact]
    public async Task Url_limit_is_50000()
    {
        var many = UrlSet([.. Enumerable.Range(0, SitemapReader.MaxUrls + 10).Select(i => $"https://www.musterstadt.example/s{i}")]);
        var files = new Dictionary<string, byte[]> { ["/gross.xml"] = Utf8(many), ["/noch.xml"] = Utf8(UrlSet("https://www.musterstadt.example/mehr")) };

        var (entries, _) = await ReadAsync(files, "/gross.xml", "/noch.xml");

        Assert.Equal(SitemapReader.MaxUrls, entries.Count);
    }
}
