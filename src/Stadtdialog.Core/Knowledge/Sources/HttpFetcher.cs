// Placeholder with the agreed shape; the crawler helper replaces it.
namespace Stadtdialog.Knowledge.Sources;

public abstract record FetchResult(Uri RequestedUrl);

public sealed record FetchedContent(Uri RequestedUrl, Uri FinalUrl, string? MediaType, string? Charset, byte[] Content,
    string? ETag, string? LastModifiedHeader, DateTimeOffset? LastModified) : FetchResult(RequestedUrl);

public sealed record NotModified(Uri RequestedUrl) : FetchResult(RequestedUrl);

public sealed record FetchGone(Uri RequestedUrl, int StatusCode) : FetchResult(RequestedUrl);

public sealed record FetchFailed(Uri RequestedUrl, string Message) : FetchResult(RequestedUrl);

/// <summary>Fetches one URL politely and safely (conditional GET, size limit, redirects checked one by one).</summary>
public sealed class HttpFetcher(IHttpClientFactory httpClientFactory)
{
    public const string ClientName = "knowledge";

    public Task<FetchResult> FetchAsync(Uri url, KnownItem? known, Readers.ReaderLimits limits,
        Func<Uri, bool>? mayFollow, CancellationToken cancellationToken)
    {
        _ = httpClientFactory;
        _ = limits;
        _ = mayFollow;
        _ = cancellationToken;
        return Task.FromResult<FetchResult>(new FetchFailed(url, $"not implemented yet ({known?.Key})"));
    }
}

public sealed record WebsiteCrawlRequest(IReadOnlyList<Uri> StartUrls, Stadtdialog.Data.SourceSettings Settings,
    IReadOnlyDictionary<string, KnownItem> Known, Readers.ReaderLimits Limits);

public sealed class WebsiteCrawler(HttpFetcher fetcher)
{
    public IAsyncEnumerable<SourceItem> CrawlAsync(WebsiteCrawlRequest request, CancellationToken cancellationToken) =>
        throw new SourceUnavailableException($"not implemented yet {fetcher} {request.StartUrls.Count} {cancellationToken.IsCancellationRequested}");
}

public static class KnowledgeHttpPlaceholder
{
    public static Microsoft.Extensions.DependencyInjection.IServiceCollection AddKnowledgeHttp(this Microsoft.Extensions.DependencyInjection.IServiceCollection services)
    {
        Microsoft.Extensions.DependencyInjection.HttpClientFactoryServiceCollectionExtensions.AddHttpClient(services, HttpFetcher.ClientName);
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<HttpFetcher>(services);
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<WebsiteCrawler>(services);
        return services;
    }
}
