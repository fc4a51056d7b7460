using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Stadtdialog.Data;
using Stadtdialog.Knowledge.Readers;
using Stadtdialog.Knowledge.Sources;

namespace Stadtdialog.Core.Tests.Crawling;

/// <summary>
/// The knowledge HTTP services as the application wires them (<see cref="KnowledgeHttp.AddKnowledgeHttp"/>, in-memory
/// configuration), so tests go through the real handler stack. Loopback servers are allowed unless a test says otherwise.
/// </summary>
internal sealed class CrawlerServices : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public CrawlerServices(Dictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var values = new Dictionary<string, string?>
        {
            [$"{KnowledgeHttpOptions.Section}:AllowPrivateNetworks"] = "true",
            [$"{KnowledgeHttpOptions.Section}:RequestTimeoutSeconds"] = "10",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[$"{KnowledgeHttpOptions.Section}:{key}"] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddLogging();
        services.AddKnowledgeHttp();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public IServiceProvider Services => _services;

    public WebsiteCrawler Crawler => _services.GetRequiredService<WebsiteCrawler>();

    public HttpFetcher Fetcher => _services.GetRequiredService<HttpFetcher>();

    public static WebsiteCrawlRequest Request(Uri start, Action<SourceSettings>? configure = null,
        IReadOnlyDictionary<string, KnownItem>? known = null, ReaderLimits? limits = null)
    {
        var settings = new SourceSettings { RequestDelayMilliseconds = 0, MaxConcurrency = 2 };
        configure?.Invoke(settings);
        return new WebsiteCrawlRequest([start], settings, known ?? new Dictionary<string, KnownItem>(), limits ?? new ReaderLimits());
    }

    /// <summary>What a store would keep of a run's fetched pages, for the next run's conditional requests.</summary>
    public static Dictionary<string, KnownItem> Known(IEnumerable<SourceItem> items) =>
        items.OfType<FetchedItem>().ToDictionary(i => i.Key, i => new KnownItem(i.Key, i.ETag, i.LastModifiedHeader, i.Links));

    public async Task<List<SourceItem>> CrawlAsync(WebsiteCrawlRequest request, CancellationToken cancellationToken)
    {
        var items = new List<SourceItem>();
        await foreach (var item in Crawler.CrawlAsync(request, cancellationToken))
        {
            items.Add(item);
        }

        return items;
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
