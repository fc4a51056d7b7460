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
