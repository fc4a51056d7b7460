using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stadtdialog.Knowledge.Readers;

namespace Stadtdialog.Knowledge.Sources;

public abstract record FetchResult(Uri RequestedUrl);

public sealed record FetchedContent(Uri RequestedUrl, Uri FinalUrl, string? MediaType, string? Charset, byte[] Content,
    string? ETag, string? LastModifiedHeader, DateTimeOffset? LastModified) : FetchResult(RequestedUrl)
{
    /// <summary>The <c>X-Robots-Tag</c> response header (e.g. <c>noindex, nofollow</c>), if any.</summary>
    public string? RobotsTag { get; init; }
}

public sealed record NotModified(Uri RequestedUrl) : FetchResult(RequestedUrl);

public sealed record FetchGone(Uri RequestedUrl, int StatusCode) : FetchResult(RequestedUrl);

public sealed record FetchFailed(Uri RequestedUrl, string Message) : FetchResult(RequestedUrl)
{
    /// <summary>The HTTP status of the final response when the server answered with an error; null for network errors, timeouts etc.</summary>
    public int? StatusCode { get; init; }
}

/// <summary>The response's content type is not wanted (<see cref="FetchOptions.Accept"/> said no); the body was not read.</summary>
public sealed record FetchSkipped(Uri RequestedUrl, Uri FinalUrl, string? MediaType) : FetchResult(RequestedUrl);

/// <summary>Optional hooks of <see cref="HttpFetcher"/>.</summary>
public readonly record struct FetchOptions
{
    /// <summary>Checks every redirect target; false ends the fetch with a <see cref="FetchFailed"/>.</summary>
    public Func<Uri, bool>? MayFollow { get; init; }

    /// <summary>Called with the final URL and media type before the body is read; false skips the body (<see cref="FetchSkipped"/>).</summary>
    public Func<Uri, string?, bool>? Accept { get; init; }

    /// <summary>Awaited before each request, redirects included (politeness delays); not counted against the request timeout.</summary>
    public Func<Uri, CancellationToken, ValueTask>? BeforeRequest { get; init; }
}

/// <summary>Fetches one URL politely and safely (conditional GET, size limit, redirects checked one by one).</summary>
public sealed partial class HttpFetcher(
    IHttpClientFactory httpClientFactory, IOptions<KnowledgeHttpOptions> options, TimeProvider time, ILogger<HttpFetcher> logger)
{
    public const string ClientName = "knowledge";

    private const int BufferSize = 81920;

    public Task<FetchResult> FetchAsync(Uri url, KnownItem? known, ReaderLimits limits,
        Func<Uri, bool>? mayFollow, CancellationToken cancellationToken) =>
        FetchAsync(url, known, limits, new FetchOptions { MayFollow = mayFollow }, cancellationToken);

    /// <summary>
    /// GETs <paramref name="url"/>. Validators of <paramref name="known"/> make it a conditional request; redirects are
    /// followed one by one, each target checked with <see cref="FetchOptions.MayFollow"/>; the body is read up to the size
    /// limit of its format. Every failure (HTTP error, network, timeout, size, redirect) is a <see cref="FetchFailed"/>;
    /// only cancellation by <paramref name="cancellationToken"/> throws.
    /// </summary>
    public async Task<FetchResult> FetchAsync(Uri url, KnownItem? known, ReaderLimits limits, FetchOptions fetchOptions,
        CancellationToken cancellationToken)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return new FetchFailed(url, $"Only http and https addresses can be fetched: {url}");
        }

        var settings = options.Value;
        var client = httpClientFactory.CreateClient(ClientName);
        var chain = new List<Uri> { url };
        var current = url;
        for (var hop = 0; ; hop++)
        {
            if (fetchOptions.BeforeRequest is { } beforeRequest)
            {
                await beforeRequest(current, cancellationToken);
            }

            var timeout = TimeSpan.FromSeconds(settings.RequestTimeoutSeconds);
            using var timeoutSource = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                request.Headers.TryAddWithoutValidation("User-Agent", settings.UserAgent);
                if (hop == 0 && known is not null)
                {
                    if (!string.IsNullOrEmpty(known.ETag))
                    {
                        request.Headers.TryAddWithoutValidation("If-None-Match", known.ETag);
                    }

                    if (!string.IsNullOrEmpty(known.LastModifiedHeader))
                    {
                        request.Headers.TryAddWithoutValidation("If-Modified-Since", known.LastModifiedHeader);
                    }
                }

                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                var status = (int)response.StatusCode;
                LogResponse(logger, current, status);
                if (IsRedirect(status))
                {
                    var next = RedirectTarget(url, current, response, chain, settings.MaxRedirects, fetchOptions.MayFollow, out var failure);
                    if (next is null)
                    {
                        return failure!;
                    }

                    chain.Add(next);
                    current = next;
                    continue;
                }

                if (status == (int)HttpStatusCode.NotModified)
                {
                    return new NotModified(url);
                }

                if (status is (int)HttpStatusCode.NotFound or (int)HttpStatusCode.Gone)
                {
                    return new FetchGone(url, status);
                }

                if (status is < 200 or > 299)
                {
                    return new FetchFailed(url, $"HTTP {status} {ReasonPhrase(response)}") { StatusCode = status };
                }

                var contentType = response.Content.Headers.ContentType;
                var mediaType = contentType?.MediaType;
                if (fetchOptions.Accept is { } accept && !accept(current, mediaType))
                {
                    return new FetchSkipped(url, current, mediaType);
                }

                var limit = limits.MaxBytesFor(FileFormats.Detect(current.AbsoluteUri, mediaType));
                if (response.Content.Headers.ContentLength is { } length && length > limit)
                {
                    return new FetchFailed(url, DocumentReaders.TooLarge(length, limit));
                }

                var content = await ReadLimitedAsync(response.Content, limit, linked.Token);
                if (content is null)
                {
                    return new FetchFailed(url, OverLimit(limit));
                }

                return new FetchedContent(url, current, mediaType, contentType?.CharSet?.Trim('"', '\''), content,
                    Header(response.Headers, "ETag"), Header(response.Content.Headers, "Last-Modified"),
                    response.Content.Headers.LastModified)
                {
                    RobotsTag = Header(response.Headers, "X-Robots-Tag"),
                };
            }
            catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return new FetchFailed(url, $"No answer within {settings.RequestTimeoutSeconds} s{Via(chain, current)}.");
            }
            catch (HttpRequestException exception) when (!cancellationToken.IsCancellationRequested)
            {
                return new FetchFailed(url, NetworkMessage(current, exception));
            }
            catch (Exception exception) when (exception is IOException or SocketException or AuthenticationException
                && !cancellationToken.IsCancellationRequested)
            {
                return new FetchFailed(url, NetworkMessage(current, exception));
            }
        }
    }

    private static bool IsRedirect(int status) => status is 301 or 302 or 303 or 307 or 308;

    private static Uri? RedirectTarget(Uri url, Uri current, HttpResponseMessage response, List<Uri> chain, int maxRedirects,
        Func<Uri, bool>? mayFollow, out FetchFailed? failure)
    {
        failure = null;
        var location = response.Headers.Location;
        if (location is null)
        {
            failure = new FetchFailed(url, $"HTTP {(int)response.StatusCode} redirect without a Location header from {current}");
            return null;
        }

        var target = location.IsAbsoluteUri ? location : new Uri(current, location);
        if (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
        {
            failure = new FetchFailed(url, $"Redirect to an address that is not http(s): {target}");
            return null;
        }

        var targetKey = WithoutFragment(target);
        if (chain.Any(u => WithoutFragment(u) == targetKey))
        {
            failure = new FetchFailed(url, "Redirect loop: " + string.Join(" → ", chain.Select(u => u.AbsoluteUri).Append(target.AbsoluteUri)));
            return null;
        }

        if (chain.Count > maxRedirects)
        {
            failure = new FetchFailed(url, $"More than {maxRedirects} redirects: "
                + string.Join(" → ", chain.Select(u => u.AbsoluteUri).Append(target.AbsoluteUri)));
            return null;
        }

        if (mayFollow is not null && !mayFollow(target))
        {
            failure = new FetchFailed(url, string.Equals(target.IdnHost, current.IdnHost, StringComparison.OrdinalIgnoreCase)
                ? $"Redirect to an address outside the source (excluded path or disallowed by robots.txt): {target.AbsoluteUri}"
                : $"Redirect to a host outside the source: {target.AbsoluteUri}");
            return null;
        }

        return target;
    }

    private static string WithoutFragment(Uri uri) => uri.GetLeftPart(UriPartial.Query);

    /// <summary>Reads the body into memory, stopping as soon as it exceeds <paramref name="limit"/> (null then).</summary>
    private static async Task<byte[]?> ReadLimitedAsync(HttpContent content, long limit, CancellationToken cancellationToken)
    {
        var expected = content.Headers.ContentLength ?? 0;
        using var memory = new MemoryStream((int)Math.Min(Math.Max(expected, 0), Math.Min(limit, int.MaxValue)));
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                if (memory.Length + read > limit)
                {
                    return null;
                }

                memory.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return memory.ToArray();
    }

    private static string OverLimit(long limit) =>
        $"The file is larger than {limit / (double)ReaderLimits.MiB:0.0} MB; the limit for this type is {limit / (double)ReaderLimits.MiB:0.#} MB. "
        + "Reading stopped at the limit.";

    private static string? Header(System.Net.Http.Headers.HttpHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    private static string ReasonPhrase(HttpResponseMessage response) =>
        !string.IsNullOrWhiteSpace(response.ReasonPhrase) ? response.ReasonPhrase
            : Words().Replace(response.StatusCode.ToString(), " $1");

    private static string Via(List<Uri> chain, Uri current) => chain.Count > 1 ? $" (after redirects, at {current.AbsoluteUri})" : "";

    private static string NetworkMessage(Uri url, Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is PrivateNetworkRefusedException refused)
            {
                return refused.Message;
            }
        }

        var detail = exception.InnerException?.Message ?? exception.Message;
        return exception is HttpRequestException { HttpRequestError: var error } ? error switch
        {
            HttpRequestError.NameResolutionError => $"The host name {url.Host} could not be resolved ({detail}).",
            HttpRequestError.ConnectionError => $"Could not connect to {url.Authority}: {detail}",
            HttpRequestError.SecureConnectionError => $"The TLS connection to {url.Authority} failed: {detail}",
            HttpRequestError.ResponseEnded => $"{url.Authority} closed the connection before the response was complete.",
            _ => $"Network error with {url.Authority}: {exception.Message}",
        }
        : exception is AuthenticationException
            ? $"The TLS connection to {url.Authority} failed: {exception.Message}"
            : $"Network error while reading {url.AbsoluteUri}: {exception.Message}";
    }

    [GeneratedRegex("(?<=[a-z])([A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex Words();

    [LoggerMessage(Level = LogLevel.Debug, Message = "GET {Url}: HTTP {Status}")]
    private static partial void LogResponse(ILogger logger, Uri url, int status);
}
