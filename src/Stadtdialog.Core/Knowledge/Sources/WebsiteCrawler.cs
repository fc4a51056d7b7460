using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stadtdialog.Data;
using Stadtdialog.Knowledge.Readers;

namespace Stadtdialog.Knowledge.Sources;

/// <summary>What to crawl: start URLs, the source's settings, what the last run stored (for conditional GET) and the size limits.</summary>
/// <param name="Known">What the last run stored, by key (the normalised URLs this crawler yields).</param>
public sealed record WebsiteCrawlRequest(
    IReadOnlyList<Uri> StartUrls, SourceSettings Settings, IReadOnlyDictionary<string, KnownItem> Known, ReaderLimits Limits);

/// <summary>
/// Crawls a municipal website breadth-first from its start URLs and sitemaps, politely (robots.txt per RFC 9309,
/// Crawl-delay, a pause between two requests to one host, few requests at once) and incrementally (conditional GET;
/// an unchanged page is still crawled through with the links stored last time).
/// </summary>
/// <remarks>
/// Items are keyed by the normalised final URL (<see cref="CrawlUrls.Key"/>). Start URLs are always fetched; like every
/// other page they are yielded only if their path passes <see cref="SourceSettings.PathPrefixes"/> and
/// <see cref="SourceSettings.ExcludedPaths"/>. <see cref="SourceSettings.MaxPages"/> counts fetched and unchanged pages.
/// A page marked noindex is yielded as <see cref="GoneItem"/> (so a former version is removed) and its links are
/// followed unless it also says nofollow.
/// </remarks>
public sealed partial class WebsiteCrawler(
    HttpFetcher fetcher, SitemapReader sitemapReader, IOptions<KnowledgeHttpOptions> options, TimeProvider time,
    ILogger<WebsiteCrawler> logger)
{
    private static readonly HashSet<Readers.FileFormat> SupportedFormats =
    [
        Readers.FileFormat.Html, Readers.FileFormat.Pdf, Readers.FileFormat.Docx, Readers.FileFormat.Xlsx,
        Readers.FileFormat.Markdown, Readers.FileFormat.Text,
    ];

    /// <summary>Whether the crawler keeps content of this format (others are skipped after the response headers).</summary>
    public static bool IsSupported(Readers.FileFormat format) => SupportedFormats.Contains(format);

    /// <summary>
    /// Crawls the website. Throws <see cref="SourceUnavailableException"/> before yielding anything if no start URL can
    /// be read (unreachable, HTTP error, robots.txt disallows it or cannot be read).
    /// </summary>
    public async IAsyncEnumerable<SourceItem> CrawlAsync(WebsiteCrawlRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (request.StartUrls.Count == 0)
        {
            throw new SourceUnavailableException("The website source has no start URL.");
        }

        if (request.StartUrls.FirstOrDefault(u => !CrawlUrls.IsHttp(u)) is { } invalid)
        {
            throw new SourceUnavailableException($"The start URL {invalid} is not an http or https address.");
        }

        using var run = new CrawlRun(request, fetcher, options.Value, time, logger);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = new List<Task<PageOutcome>>();
        try
        {
            LogStarted(logger, string.Join(", ", request.StartUrls), run.MaxPages, run.MaxDepth);

            // 1. The start URLs (after their hosts' robots.txt): if none can be read, the source is unavailable.
            var starts = run.StartTargets();
            var reasons = new List<string>();
            foreach (var start in starts)
            {
                var robots = await run.RobotsForAsync(start.Url, stop.Token);
                if (robots.Unavailable is { } unavailable)
                {
                    reasons.Add(unavailable);
                }
                else if (!robots.Rules.IsAllowed(run.ProductToken, start.Url))
                {
                    reasons.Add(
                        $"robots.txt of {start.Url.GetLeftPart(UriPartial.Authority)} disallows {start.Url.AbsoluteUri} for {run.ProductToken}.");
                }
                else
                {
                    inFlight.Add(run.FetchPageAsync(start, stop.Token));
                }
            }

            var startOutcomes = await Task.WhenAll(inFlight);
            inFlight.Clear();
            reasons.AddRange(startOutcomes.Select(CrawlRun.StartFailure).OfType<string>());
            if (startOutcomes.All(o => CrawlRun.StartFailure(o) is not null))
            {
                throw new SourceUnavailableException("The website cannot be read: " + string.Join(" ", reasons));
            }

            foreach (var outcome in startOutcomes)
            {
                foreach (var item in run.Accept(outcome))
                {
                    yield return item;
                }
            }

            // 2. Sitemaps (settings and robots.txt): their pages count as depth 1.
            if (run.MaxDepth >= 1)
            {
                var entries = await sitemapReader.ReadAsync(run.SitemapUrls(), run.FetchSitemapAsync, run.IsHostAllowed, stop.Token);
                foreach (var entry in entries)
                {
                    run.EnqueueFromSitemap(entry.Url);
                }
            }

            // 3. Breadth-first through the links, at most MaxConcurrency pages at once.
            while (true)
            {
                while (inFlight.Count < run.MaxConcurrency && run.TryDequeue(inFlight.Count, out var target))
                {
                    var robots = await run.RobotsForAsync(target.Url, stop.Token);
                    if (robots.Unavailable is { } unavailable)
                    {
                        yield return new FailedItem(target.Key, target.Url.AbsoluteUri, unavailable);
                    }
                    else if (!robots.Rules.IsAllowed(run.ProductToken, target.Url))
                    {
                        LogDisallowed(logger, target.Url);
                    }
                    else
                    {
                        inFlight.Add(run.FetchPageAsync(target, stop.Token));
                    }
                }

                if (inFlight.Count == 0)
                {
                    break;
                }

                var done = await Task.WhenAny(inFlight);
                inFlight.Remove(done);
                foreach (var item in run.Accept(await done))
                {
                    yield return item;
                }
            }

            run.LogFinished();
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var task in inFlight)
            {
                try
                {
                    await task;
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Crawling {StartUrls} (at most {MaxPages} pages, depth {MaxDepth})")]
    private static partial void LogStarted(ILogger logger, string startUrls, int maxPages, int maxDepth);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Not fetched, robots.txt disallows it: {Url}")]
    private static partial void LogDisallowed(ILogger logger, Uri url);
}
