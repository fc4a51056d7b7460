using Stadtdialog.Knowledge.Sources;
using Xunit;

namespace Stadtdialog.Core.Tests.Crawling;

/// <summary>RFC 9309 semantics of <see cref="RobotsTxt"/>, mostly with the RFC's own examples.</summary>
public sealed class RobotsTxtCrawlTests
{
    /// <summary>The example of RFC 9309 §5.1.</summary>
    private const string RfcExample = """
        User-Agent: *
        Disallow: *.gif$
        Disallow: /example/
        Allow: /publications/

        User-Agent: foobot
        Disallow:/
        Allow:/example/page.html
        Allow:/example/allowed.gif

        User-Agent: barbot
        User-Agent: bazbot
        Disallow: /example/page.html

        User-Agent: quxbot
        """;

    [Theory]
    [InlineData("foobot", "/example/page.html", true)]
    [InlineData("FooBot", "/example/allowed.gif", true)]
    [InlineData("foobot", "/example/other.html", false)]
    [InlineData("foobot", "/", false)]
    [InlineData("barbot", "/example/page.html", false)]
    [InlineData("bazbot", "/example/page.html", false)]
    [InlineData("barbot", "/example/other.html", true)]
    [InlineData("barbot", "/picture.gif", true)]
    [InlineData("quxbot", "/example/page.html", true)]
    [InlineData("otherbot", "/picture.gif", false)]
    [InlineData("otherbot", "/picture.gif?size=2", true)]
    [InlineData("otherbot", "/example/page.html", false)]
    [InlineData("otherbot", "/publications/report", true)]
    [InlineData("otherbot", "/", true)]
    public void Groups_are_selected_by_product_token_and_only_the_matching_group_applies(string agent, string path, bool allowed) =>
        Assert.Equal(allowed, RobotsTxt.Parse(RfcExample).IsAllowed(agent, path));

    [Fact]
    public void The_most_specific_match_wins_and_allow_wins_ties()
    {
        var robots = RobotsTxt.Parse("""
            user-agent: *
            allow: /example/page/
            disallow: /example/page/disallowed.gif
            disallow: /tie
            allow: /tie
            disallow: /folder/
            allow: /folder
            """);

        Assert.True(robots.IsAllowed("bot", "/example/page/"));
        Assert.False(robots.IsAllowed("bot", "/example/page/disallowed.gif"));
        Assert.True(robots.IsAllowed("bot", "/tie"));
        Assert.False(robots.IsAllowed("bot", "/folder/page"));
        Assert.True(robots.IsAllowed("bot", "/folder"));
    }

    [Theory]
    [InlineData("/fish", "/fish", true)]
    [InlineData("/fish", "/fish.html", true)]
    [InlineData("/fish", "/fish/salmon.html", true)]
    [InlineData("/fish", "/fishheads/yummy.html", true)]
    [InlineData("/fish", "/Fish.asp", false)]
    [InlineData("/fish*", "/fishheads", true)]
    [InlineData("/fish/", "/fish", false)]
    [InlineData("/fish/", "/fish/?id=anything", true)]
    [InlineData("/*.php", "/index.php", true)]
    [InlineData("/*.php", "/folder/filename.php?parameters", true)]
    [InlineData("/*.php", "/windows.PHP", false)]
    [InlineData("/*.php$", "/filename.php", true)]
    [InlineData("/*.php$", "/filename.php?parameters", false)]
    [InlineData("/*.php$", "/filename.php5", false)]
    [InlineData("/fish*.php", "/fishheads/catfish.php?parameters", true)]
    [InlineData("/fish*.php", "/Fish.PHP", false)]
    [InlineData("/$", "/", true)]
    [InlineData("/$", "/index", false)]
    [InlineData("*", "/anything", true)]
    [InlineData("/a*b*c$", "/a-b-c", true)]
    [InlineData("/a*b*c$", "/a-b-c-d", false)]
    [InlineData("/a*b*c$", "/abxbc", true)]
    public void Wildcards_and_end_anchors_match_like_rfc_9309(string pattern, string path, bool matches) =>
        Assert.Equal(matches, RobotsTxt.Matches(RobotsTxt.Normalize(pattern), RobotsTxt.Normalize(path)));

    [Fact]
    public void Empty_disallow_allows_everything_and_robots_txt_itself_is_always_allowed()
    {
        var robots = RobotsTxt.Parse("User-agent: *\nDisallow:\n");
        Assert.True(robots.IsAllowed("Stadtdialog", "/anything"));

        var closed = RobotsTxt.Parse("User-agent: *\nDisallow: /\n");
        Assert.False(closed.IsAllowed("Stadtdialog", "/"));
        Assert.True(closed.IsAllowed("Stadtdialog", "/robots.txt"));
    }

    [Fact]
    public void Percent_encoding_is_normalised_before_matching()
    {
        var robots = RobotsTxt.Parse("""
            User-agent: *
            Disallow: /foo/bar/ツ
            Disallow: /%62%61%7A
            Disallow: /b%c3%bcrger
            Disallow: /a%2fb
            """);

        Assert.False(robots.IsAllowed("bot", "/foo/bar/%E3%83%84"));
        Assert.False(robots.IsAllowed("bot", new Uri("http://example.org/foo/bar/ツ")));
        Assert.False(robots.IsAllowed("bot", "/baz"));
        Assert.False(robots.IsAllowed("bot", "/b%C3%BCrgerservice"));
        Assert.False(robots.IsAllowed("bot", new Uri("http://example.org/bürgerservice")));
        Assert.False(robots.IsAllowed("bot", "/a%2Fb"));
        Assert.True(robots.IsAllowed("bot", "/a/b"));
    }

    [Fact]
    public void Groups_of_the_same_agent_are_merged_and_rules_before_any_group_are_ignored()
    {
        var robots = RobotsTxt.Parse("""
            Disallow: /orphan
            user-agent: ExampleBot
            disallow: /foo
            disallow: /bar

            user-agent: OtherBot
            disallow: /other

            user-agent: ExampleBot
            disallow: /baz
            """);

        Assert.True(robots.IsAllowed("ExampleBot", "/orphan"));
        Assert.False(robots.IsAllowed("examplebot", "/foo"));
        Assert.False(robots.IsAllowed("ExampleBot", "/baz"));
        Assert.True(robots.IsAllowed("ExampleBot", "/other"));
        Assert.True(robots.IsAllowed("NoBot", "/foo"));
    }

    [Fact]
    public void Crawl_delay_comments_sitemaps_and_user_agent_versions_are_read()
    {
        var robots = RobotsTxt.Parse("\uFEFF# Stadt Musterstadt\r\n"
            + "User-agent: Stadtdialog/2.0 # our crawler\r\n"
            + "Crawl-delay: 1.5\r\n"
            + "Disallow: /suche # search results\r\n"
            + "\r\n"
            + "User-agent: *\r\n"
            + "Crawl-delay: 3600\r\n"
            + "Sitemap: https://www.musterstadt.example/sitemap.xml\r\n"
            + "Sitemap: not a url\r\n");

        Assert.Equal(TimeSpan.FromSeconds(1.5), robots.CrawlDelay("Stadtdialog"));
        Assert.Equal(RobotsTxt.MaxCrawlDelay, robots.CrawlDelay("otherbot"));
        Assert.False(robots.IsAllowed("Stadtdialog", "/suche?q=pass"));
        Assert.True(robots.IsAllowed("Stadtdialog", "/rathaus/suche"));
        Assert.Equal([new Uri("https://www.musterstadt.example/sitemap.xml")], robots.Sitemaps);
        Assert.Null(RobotsTxt.Parse("User-agent: *\nDisallow: /x\n").CrawlDelay("Stadtdialog"));
    }

    [Fact]
    public void Product_token_is_taken_from_the_user_agent()
    {
        Assert.Equal("Stadtdialog", RobotsTxt.ProductTokenOf("Stadtdialog/1.0 (+https://github.com/stadtdialog; Wissensimport)"));
        Assert.Equal("my-bot_x", RobotsTxt.ProductTokenOf("my-bot_x/2.1"));
    }

    [Fact]
    public void Allow_all_and_disallow_all_are_what_they_say()
    {
        Assert.True(RobotsTxt.AllowAll.IsAllowed("Stadtdialog", "/x"));
        Assert.False(RobotsTxt.DisallowAll.IsAllowed("Stadtdialog", "/x"));
        Assert.Empty(RobotsTxt.AllowAll.Sitemaps);
    }
}
