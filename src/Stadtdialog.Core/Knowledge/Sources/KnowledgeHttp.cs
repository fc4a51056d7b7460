using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Stadtdialog.Knowledge.Sources;

/// <summary>Registers the HTTP side of knowledge import: options, the guarded HTTP client, fetcher, sitemap reader and crawler.</summary>
public static class KnowledgeHttp
{
    /// <summary>
    /// Binds and validates <see cref="KnowledgeHttpOptions"/> (<c>Stadtdialog:Knowledge:Http</c>, checked at start) and
    /// registers the named client <see cref="HttpFetcher.ClientName"/>, <see cref="HttpFetcher"/>,
    /// <see cref="SitemapReader"/> and <see cref="WebsiteCrawler"/> (singletons).
    /// </summary>
    public static IServiceCollection AddKnowledgeHttp(this IServiceCollection services)
    {
        services.AddOptions<KnowledgeHttpOptions>()
            .BindConfiguration(KnowledgeHttpOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(HttpFetcher.ClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => CreateHandler(sp.GetRequiredService<IOptions<KnowledgeHttpOptions>>().Value))
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            // SocketsHttpHandler renews its connections itself (PooledConnectionLifetime): no handler rotation needed.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // HttpFetcher logs each response itself (Debug); the factory's per-request Information logs are noise in a crawl.
            .RemoveAllLoggers();
        services.TryAddSingleton<HttpFetcher>();
        services.TryAddSingleton<SitemapReader>();
        services.TryAddSingleton<WebsiteCrawler>();
        return services;
    }

    /// <summary>
    /// The handler behind the knowledge client: no automatic redirects (<see cref="HttpFetcher"/> checks each one), all
    /// decompression (size limits apply to the decompressed bytes), no cookies, no proxy (the private network guard
    /// must see the real server address), connections renewed every 5 minutes (DNS changes).
    /// </summary>
    public static SocketsHttpHandler CreateHandler(KnowledgeHttpOptions options) => new()
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds),
        UseCookies = false,
        UseProxy = false,
        ConnectCallback = PrivateNetworkGuard.ConnectCallback(options.AllowPrivateNetworks),
    };
}
