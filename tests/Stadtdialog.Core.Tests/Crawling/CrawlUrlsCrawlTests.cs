using Stadtdialog.Knowledge.Sources;
using Xunit;

namespace Stadtdialog.Core.Tests.Crawling;

public sealed class CrawlUrlsCrawlTests
{
    [Theory]
    [InlineData("HTTPS://WWW.Musterstadt.Example:443/a/./b/../c?x=1#frag", "https://www.musterstadt.example/a/c?x=1")]
    [InlineData("http://www.musterstadt.example:8080", "http://www.musterstadt.example:8080/")]
    [InlineData("http://www.musterstadt.example/seite/", "http://www.musterstadt.example/seite/")]
    [InlineData("http://www.musterstadt.example/seite?utm_source=nl&id=3&UTM_medium=mail&fbclid=x", "http://www.musterstadt.example/seite?id=3")]
    [InlineData("http://www.musterstadt.example/seite?utm_source=nl", "http://www.musterstadt.example/seite")]
    [InlineData("http://www.musterstadt.example/seite?", "http://www.musterstadt.example/seite")]
    [InlineData("http://www.musterstadt.example/b%c3%bcrger%7eamt", "http://www.musterstadt.example/b%C3%BCrger~amt")]
    [InlineData("http://www.musterstadt.example/bürgeramt", "http://www.musterstadt.example/b%C3%BCrgeramt")]
    [InlineData("http://bürger.example/", "http://xn--brger-kva.example/")]
    [InlineData("http://user:secret@www.musterstadt.example/x", "http://www.musterstadt.example/x")]
    [InlineData("http://[::1]:8080/x", "http://[::1]:8080/x")]
    public void Keys_are_normalised(string url, string key) => Assert.Equal(key, CrawlUrls.Key(new Uri(url)));

    [Theory]
    [InlineData("/a/b", "https://www.musterstadt.example/a/b")]
    [InlineData("../x", "https://www.musterstadt.example/x")]
    [InlineData("//cdn.example/doc.pdf", "https://cdn.example/doc.pdf")]
    [InlineData("seite.html#teil", "https://www.musterstadt.example/dir/seite.html")]
    [InlineData("mailto:rathaus@musterstadt.example", null)]
    [InlineData("tel:+49115", null)]
    [InlineData("javascript:void(0)", null)]
    [InlineData("ftp://files.example/x", null)]
    [InlineData("#top", null)]
    [InlineData("", null)]
    [InlineData("/bilder/logo.PNG", null)]
    [InlineData("/video.mp4", null)]
    [InlineData("/archiv.zip", null)]
    [InlineData("/site.css?v=3", null)]
    [InlineData("/app.js", null)]
    [InlineData("/formular.pdf", "https://www.musterstadt.example/formular.pdf")]
    public void Links_are_resolved_or_left_out(string href, string? expected) =>
        Assert.Equal(expected, CrawlUrls.Resolve(new Uri("https://www.musterstadt.example/dir/page"), href)?.AbsoluteUri);
}
