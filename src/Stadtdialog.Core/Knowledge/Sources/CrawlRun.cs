using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Stadtdialog.Knowledge.Readers;

namespace Stadtdialog.Knowledge.Sources;

/// <summary>A URL to crawl: <paramref name="Key"/> is its normalised form, <paramref name="Depth"/> its link distance from a start URL.</summary>
internal sealed record PageTarget(Uri Url, string Key, int Depth);

/// <summary>The result of fetching one <see cref="PageTarget"/>, with the links of an HTML page.</summary>
internal sealed record PageOutcome(PageTarget Target, FetchResult Fetch, HtmlLinks? Html);

/// <summary>A host's robots.txt for this run; <paramref name="Unavailable"/> says why the host is not crawled at all.</summary>
internal sealed record RobotsState(RobotsTxt Rules, string? Unavailable);

/// <summary>
/// The state of one crawl: scope, robots.txt per origin, politeness per host, queue and bookkeeping. Fetches run
/// concurrently (<see cref="FetchPageAsync"/>); everything else is called by the crawl loop only, one call at a time.
/// </summary>
internal sealed partial class CrawlRun : IDisposable
{
    private readonly WebsiteCrawlRequest _request;
    private readonly HttpFetcher _fetcher;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _requestDelay;
    private readonly HashSet<string> _allowedHosts;
    private readonly string[] _prefixes;
    private readonly string[] _excluded;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentDictionary<string, RobotsState> _robots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HostThrottle> _throttles = new(StringComparer.Ordinal);
    private readonly Queue<PageTarget> _queue = new();
    private readonly HashSet<string> _enqueued = new(StringComparer.Ordinal);
    private readonly HashSet<string> _started = new(StringComparer.Ordinal);
    private readonly HashSet<string> _yielded = new(StringComparer.Ordinal);
    private int _documents;
    private int _fetched;
    private int _unchanged;
    private int _gone;
    private int _failed;
    private bool _maxPagesLogged;

    public CrawlRun(WebsiteCrawlRequest request, HttpFetcher fetcher, KnowledgeHttpOptions options, TimeProvider time, ILogger logger)
    {
        _request = request;
        _fetcher = fetcher;
        _time = time;
        _logger = logger;
        var settings = request.Settings;
        ProductToken = options.ProductToken;
        MaxConcurrency = Math.Max(1, settings.MaxConcurrency);
        MaxDepth = Math.Max(0, settings.MaxDepth);
        MaxPages = Math.Max(1, settings.MaxPages);
        _requestDelay = TimeSpan.FromMilliseconds(Math.Max(0, settings.RequestDelayMilliseconds));
        _allowedHosts = new HashSet<string>(settings.AllowedHosts.Where(h => !string.IsNullOrWhiteSpace(h)).Select(CrawlUrls.HostKey),
            StringComparer.Ordinal);
        _allowedHosts.UnionWith(request.StartUrls.Select(CrawlUrls.HostKey));
        _prefixes = [.. settings.PathPrefixes.Where(p => !string.IsNullOrWhiteSpace(p)).Select(NormalizePath)];
        _excluded = [.. settings.ExcludedPaths.Where(p => !string.IsNullOrWhiteSpace(p)).Select(NormalizePath)];
        _slots = new SemaphoreSlim(MaxConcurrency, MaxConcurrency);
    }

    public string ProductToken { get; }

    public int MaxConcurrency { get; }

    public int MaxDepth { get; }

    public int MaxPages { get; }

    public List<PageTarget> StartTargets()
    {
        var targets = new List<PageTarget>();
        foreach (var url in _request.StartUrls)
        {
            var normalized = CrawlUrls.Normalize(url);
            var key = CrawlUrls.Key(normalized);
            if (_enqueued.Add(key))
            {
                _started.Add(key);
                targets.Add(new PageTarget(normalized, key, 0));
            }
        }

        return targets;
    }

    public bool IsHostAllowed(Uri url) => CrawlUrls.IsHttp(url) && _allowedHosts.Contains(CrawlUrls.HostKey(url));

    /// <summary>Path prefixes and exclusions of the settings.</summary>
    public bool IsPathInScope(Uri url)
    {
        var path = url.AbsolutePath;
        return (_prefixes.Length == 0 || _prefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal)))
            && !_excluded.Any(p => path.StartsWith(p, StringComparison.Ordinal));
    }

    /// <summary>Whether a discovered URL (link, sitemap entry) belongs to the source.</summary>
    public bool IsInScope(Uri url) => IsHostAllowed(url) && !CrawlUrls.IsUnsupportedResource(url) && IsPathInScope(url);

    public IEnumerable<Uri> SitemapUrls()
    {
        var urls = new List<Uri>();
        var first = _request.StartUrls[0];
        foreach (var text in _request.Settings.Sitemaps.Where(s => !string.IsNullOrWhiteSpace(s)))
        {
            if (Uri.TryCreate(first, text.Trim(), out var url) && CrawlUrls.IsHttp(url))
            {
                urls.Add(url);
            }
            else
            {
                LogInvalidSitemap(_logger, text);
            }
        }

        urls.AddRange(_robots.Values.SelectMany(r => r.Rules.Sitemaps).Where(IsHostAllowed));
        return urls.DistinctBy(CrawlUrls.Key);
    }

    public Task<FetchResult> FetchSitemapAsync(Uri url, CancellationToken cancellationToken) =>
        PoliteFetchAsync(url, null, SitemapReader.FetchLimits, new FetchOptions(), cancellationToken);

    public void EnqueueFromSitemap(Uri url)
    {
        if (MaxDepth >= 1 && IsInScope(url))
        {
            Enqueue(CrawlUrls.Normalize(url), 1);
        }
    }

    /// <summary>The next URL to fetch, unless the queue is empty or <see cref="MaxPages"/> would be exceeded.</summary>
    public bool TryDequeue(int inFlight, out PageTarget target)
    {
        while (_queue.Count > 0)
        {
            if (_documents + inFlight >= MaxPages)
            {
                if (inFlight == 0 && !_maxPagesLogged)
                {
                    _maxPagesLogged = true;
                    LogMaxPages(_logger, MaxPages, _queue.Count);
                }

                break;
            }

            target = _queue.Dequeue();
            if (_started.Add(target.Key))
            {
                return true;
            }
        }

        target = null!;
        return false;
    }

    /// <summary>The robots.txt of the URL's origin, fetched on first use.</summary>
    public async ValueTask<RobotsState> RobotsForAsync(Uri url, CancellationToken cancellationToken)
    {
        var origin = url.GetLeftPart(UriPartial.Authority);
        if (_robots.TryGetValue(origin, out var known))
        {
            return known;
        }

        var robotsUrl = new Uri(new Uri(origin), "/robots.txt");
        var result = await PoliteFetchAsync(robotsUrl, null, _request.Limits, new FetchOptions(), cancellationToken);
        var state = Classify(origin, result);
        if (state.Unavailable is not null)
        {
            LogRobotsUnavailable(_logger, state.Unavailable);
        }

        return _robots.GetOrAdd(origin, state);
    }

    /// <summary>Fetches one page politely; runs concurrently with other fetches.</summary>
    public async Task<PageOutcome> FetchPageAsync(PageTarget target, CancellationToken cancellationToken)
    {
        _request.Known.TryGetValue(target.Key, out var known);
        var fetchOptions = new FetchOptions
        {
            MayFollow = u => MayFollow(u, target.Depth == 0),
            Accept = (u, mediaType) => WebsiteCrawler.IsSupported(FileFormats.Detect(u.AbsoluteUri, mediaType)),
        };
        var result = await PoliteFetchAsync(target.Url, known, _request.Limits, fetchOptions, cancellationToken);
        HtmlLinks? html = null;
        if (result is FetchedContent content
            && FileFormats.Detect(content.FinalUrl.AbsoluteUri, content.MediaType) == Readers.FileFormat.Html)
        {
            html = HtmlLinks.Extract(content.Content, content.Charset, content.FinalUrl, ProductToken, content.RobotsTag);
        }

        return new PageOutcome(target, result, html);
    }

    /// <summary>Why a start URL could not be read; null if it could.</summary>
    public static string? StartFailure(PageOutcome outcome) => outcome.Fetch switch
    {
        FetchedContent or NotModified => null,
        FetchFailed failed => $"{outcome.Target.Url.AbsoluteUri}: {failed.Message}",
        FetchGone gone => $"{outcome.Target.Url.AbsoluteUri}: HTTP {gone.StatusCode} {StatusText(gone.StatusCode)}.",
        FetchSkipped skipped => $"{outcome.Target.Url.AbsoluteUri}: the content type {skipped.MediaType ?? "(none)"} is not supported.",
        _ => $"{outcome.Target.Url.AbsoluteUri}: unexpected result {outcome.Fetch.GetType().Name}.",
    };

    /// <summary>Turns a fetch into items and queues the links found (called by the crawl loop only).</summary>
    public IEnumerable<SourceItem> Accept(PageOutcome outcome)
    {
        var target = outcome.Target;
        switch (outcome.Fetch)
        {
            case FetchedContent content:
                var finalUrl = new Uri(content.FinalUrl.GetLeftPart(UriPartial.Query));
                var finalKey = CrawlUrls.Key(finalUrl);
                _started.Add(finalKey);
                _enqueued.Add(finalKey);
                if (!_yielded.Add(finalKey))
                {
                    LogDuplicate(_logger, target.Url, finalUrl);
                    yield break;
                }

                var links = (outcome.Html?.Links ?? []).Where(IsInScope).ToList();
                EnqueueLinks(links, target.Depth);
                if (!IsPathInScope(finalUrl))
                {
                    yield break;
                }

                if (outcome.Html?.NoIndex == true || (outcome.Html is null && HtmlLinks.HeaderSaysNoIndex(content.RobotsTag, ProductToken)))
                {
                    _gone++;
                    yield return new GoneItem(finalKey, "The page asks not to be indexed (robots noindex).");
                    yield break;
                }

                _documents++;
                _fetched++;
                var format = FileFormats.Detect(finalUrl.AbsoluteUri, content.MediaType);
                yield return new FetchedItem(new RawDocument(finalKey, finalUrl.AbsoluteUri, format, content.Content, content.Charset,
                    content.LastModified))
                {
                    ETag = content.ETag,
                    LastModifiedHeader = content.LastModifiedHeader,
                    Links = [.. links.Select(l => l.AbsoluteUri)],
                };
                break;

            case NotModified:
                if (!_yielded.Add(target.Key))
                {
                    yield break;
                }

                _documents++;
                _unchanged++;
                yield return new UnchangedItem(target.Key);
                if (_request.Known.TryGetValue(target.Key, out var known))
                {
                    var knownLinks = known.Links
                        .Select(l => Uri.TryCreate(l, UriKind.Absolute, out var u) && CrawlUrls.IsHttp(u) ? CrawlUrls.Normalize(u) : null)
                        .OfType<Uri>()
                        .Where(IsInScope);
                    EnqueueLinks(knownLinks, target.Depth);
                }

                break;

            case FetchGone gone when IsPathInScope(target.Url) && _yielded.Add(target.Key):
                _gone++;
                yield return new GoneItem(target.Key, $"HTTP {gone.StatusCode} {StatusText(gone.StatusCode)}");
                break;

            case FetchFailed failed when IsPathInScope(target.Url) && _yielded.Add(target.Key):
                _failed++;
                LogFailed(_logger, target.Url, failed.Message);
                yield return new FailedItem(target.Key, target.Url.AbsoluteUri, failed.Message);
                break;

            case FetchSkipped skipped:
                LogSkipped(_logger, skipped.FinalUrl, skipped.MediaType ?? "(none)");
                break;
        }
    }

    public void LogFinished() => LogSummary(_logger, _fetched, _unchanged, _gone, _failed, _queue.Count);

    public void Dispose() => _slots.Dispose();

    private void EnqueueLinks(IEnumerable<Uri> links, int depth)
    {
        if (depth >= MaxDepth)
        {
            return;
        }

        foreach (var link in links)
        {
            Enqueue(link, depth + 1);
        }
    }

    private void Enqueue(Uri normalized, int depth)
    {
        var key = CrawlUrls.Key(normalized);
        if (_enqueued.Add(key))
        {
            _queue.Enqueue(new PageTarget(normalized, key, depth));
        }
    }

    /// <summary>Redirect targets: an allowed host, robots.txt permitting; pages found by links also need an in-scope path.</summary>
    private bool MayFollow(Uri url, bool isStart)
    {
        if (!IsHostAllowed(url) || CrawlUrls.IsUnsupportedResource(url) || (!isStart && !IsPathInScope(url)))
        {
            return false;
        }

        var robots = _robots.TryGetValue(url.GetLeftPart(UriPartial.Authority), out var exact) ? exact
            : _robots.Where(r => string.Equals(CrawlUrls.HostKey(new Uri(r.Key)), CrawlUrls.HostKey(url), StringComparison.Ordinal))
                .Select(r => r.Value).FirstOrDefault();
        return robots is null || (robots.Unavailable is null && robots.Rules.IsAllowed(ProductToken, url));
    }

    private async Task<FetchResult> PoliteFetchAsync(Uri url, KnownItem? known, ReaderLimits limits, FetchOptions fetchOptions,
        CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            return await _fetcher.FetchAsync(url, known, limits, fetchOptions with { BeforeRequest = WaitTurnAsync }, cancellationToken);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Keeps at least max(RequestDelayMilliseconds, Crawl-delay) between two request starts to one host.</summary>
    private async ValueTask WaitTurnAsync(Uri url, CancellationToken cancellationToken)
    {
        var delay = _requestDelay;
        if (_robots.TryGetValue(url.GetLeftPart(UriPartial.Authority), out var robots)
            && robots.Rules.CrawlDelay(ProductToken) is { } crawlDelay && crawlDelay > delay)
        {
            delay = crawlDelay;
        }

        var wait = _throttles.GetOrAdd(CrawlUrls.HostKey(url), _ => new HostThrottle()).Reserve(_time, delay);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken);
        }
    }

    /// <summary>RFC 9309 §2.3.1: 2xx parsed; 4xx means no rules; 5xx, 429 and unreachable mean nothing may be crawled.</summary>
    private static RobotsState Classify(string origin, FetchResult result) => result switch
    {
        FetchedContent content => new RobotsState(RobotsTxt.Parse(Encoding.UTF8.GetString(content.Content)), null),
        FetchGone => new RobotsState(RobotsTxt.AllowAll, null),
        FetchFailed { StatusCode: >= 400 and < 500 and not (int)HttpStatusCode.TooManyRequests } => new RobotsState(RobotsTxt.AllowAll, null),
        FetchFailed failed => new RobotsState(RobotsTxt.DisallowAll,
            $"robots.txt of {origin} could not be read ({failed.Message.TrimEnd('.')}); "
            + "as RFC 9309 requires, nothing on this host is crawled in this run."),
        _ => new RobotsState(RobotsTxt.AllowAll, null),
    };

    private static string NormalizePath(string prefix)
    {
        var text = prefix.Trim();
        if (Uri.TryCreate(text, UriKind.Absolute, out var absolute) && CrawlUrls.IsHttp(absolute))
        {
            return absolute.AbsolutePath;
        }

        return new Uri(new Uri("http://host/"), text.StartsWith('/') ? text : "/" + text).AbsolutePath;
    }

    private static string StatusText(int status) => status switch
    {
        404 => "Not Found",
        410 => "Gone",
        _ => ((HttpStatusCode)status).ToString(),
    };

    /// <summary>Reserves request start times for one host, each at least the delay after the previous one.</summary>
    private sealed class HostThrottle
    {
        private readonly Lock _lock = new();
        private DateTimeOffset? _last;

        public TimeSpan Reserve(TimeProvider time, TimeSpan delay)
        {
            lock (_lock)
            {
                var now = time.GetUtcNow();
                var start = _last is { } last && last + delay > now ? last + delay : now;
                _last = start;
                return start - now;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Reason}")]
    private static partial void LogRobotsUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sitemap setting ignored, not an http(s) URL: {Sitemap}")]
    private static partial void LogInvalidSitemap(ILogger logger, string sitemap);

    [LoggerMessage(Level = LogLevel.Information, Message = "MaxPages ({MaxPages}) reached; {Left} queued URLs not fetched")]
    private static partial void LogMaxPages(ILogger logger, int maxPages, int left);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Url} redirects to {FinalUrl}, which was already crawled")]
    private static partial void LogDuplicate(ILogger logger, Uri url, Uri finalUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not fetch {Url}: {Message}")]
    private static partial void LogFailed(ILogger logger, Uri url, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Skipped {Url}: content type {MediaType} is not supported")]
    private static partial void LogSkipped(ILogger logger, Uri url, string mediaType);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Crawl finished: {Fetched} fetched, {Unchanged} unchanged, {Gone} gone, {Failed} failed, {Left} queued URLs left")]
    private static partial void LogSummary(ILogger logger, int fetched, int unchanged, int gone, int failed, int left);
}
