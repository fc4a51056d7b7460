using System.Globalization;
using System.IO.Compression;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.Logging;
using Stadtdialog.Knowledge.Readers;

namespace Stadtdialog.Knowledge.Sources;

/// <summary>One <c>&lt;url&gt;</c> of a sitemap, or one <c>&lt;sitemap&gt;</c> of a sitemap index.</summary>
public sealed record SitemapEntry(Uri Url, DateTimeOffset? LastModified);

/// <summary>A parsed sitemap file: a <c>urlset</c> (pages) or a <c>sitemapindex</c> (further sitemaps).</summary>
public sealed record SitemapDocument(bool IsIndex, IReadOnlyList<SitemapEntry> Entries);

/// <summary>
/// Reads sitemaps (sitemaps.org protocol 0.9): <c>urlset</c> and nested <c>sitemapindex</c> files (up to
/// <see cref="MaxDepth"/> levels, <see cref="MaxUrls"/> URLs), plain or gzip-compressed (recognised by its magic
/// bytes). XML is read with DTDs prohibited and no resolver, so entity tricks (XXE, billion laughs) fail; a broken or
/// unreachable sitemap is logged and ignored: the crawl still follows links.
/// </summary>
public sealed partial class SitemapReader(ILogger<SitemapReader> logger)
{
    public const int MaxDepth = 3;

    public const int MaxUrls = 50_000;

    /// <summary>Largest sitemap (uncompressed), as the protocol allows.</summary>
    public const long MaxBytes = 50 * ReaderLimits.MiB;

    /// <summary>Limits to fetch sitemap files with: <see cref="MaxBytes"/> whatever the server calls their type.</summary>
    public static ReaderLimits FetchLimits { get; } = new()
    {
        MaxTextBytes = MaxBytes, MaxDataBytes = MaxBytes, MaxOfficeBytes = MaxBytes, MaxPdfBytes = MaxBytes,
    };

    /// <summary>
    /// Fetches <paramref name="sitemaps"/> (with <paramref name="fetch"/>, so the caller's politeness applies) and
    /// the sitemaps their indexes name (if <paramref name="mayFollow"/> allows), returning the page URLs, each once.
    /// </summary>
    public async Task<IReadOnlyList<SitemapEntry>> ReadAsync(IEnumerable<Uri> sitemaps,
        Func<Uri, CancellationToken, Task<FetchResult>> fetch, Func<Uri, bool>? mayFollow, CancellationToken cancellationToken)
    {
        var pages = new List<SitemapEntry>();
        var pageUrls = new HashSet<string>(StringComparer.Ordinal);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<(Uri Url, int Depth)>(sitemaps.Select(s => (s, 1)));
        while (queue.Count > 0 && pages.Count < MaxUrls)
        {
            var (url, depth) = queue.Dequeue();
            if (!visited.Add(CrawlUrls.Key(url)))
            {
                continue;
            }

            var result = await fetch(url, cancellationToken);
            if (result is not FetchedContent fetched)
            {
                LogUnavailable(logger, url, Describe(result));
                continue;
            }

            SitemapDocument document;
            try
            {
                document = Parse(fetched.Content, fetched.FinalUrl);
            }
            catch (Exception exception) when (exception is XmlException or InvalidDataException)
            {
                LogMalformed(logger, url, exception.Message);
                continue;
            }

            if (document.IsIndex)
            {
                foreach (var child in document.Entries)
                {
                    if (depth >= MaxDepth)
                    {
                        LogTooDeep(logger, child.Url, MaxDepth);
                    }
                    else if (mayFollow is null || mayFollow(child.Url))
                    {
                        queue.Enqueue((child.Url, depth + 1));
                    }
                }

                continue;
            }

            foreach (var entry in document.Entries)
            {
                if (pages.Count >= MaxUrls)
                {
                    LogTooMany(logger, MaxUrls);
                    break;
                }

                if (pageUrls.Add(CrawlUrls.Key(entry.Url)))
                {
                    pages.Add(entry);
                }
            }
        }

        return pages;
    }

    /// <summary>
    /// Parses one sitemap file (gzip recognised by its magic bytes). Throws <see cref="XmlException"/> (malformed, or a
    /// DTD) or <see cref="InvalidDataException"/> (not a sitemap, unpacks too large).
    /// </summary>
    public static SitemapDocument Parse(byte[] content, Uri location)
    {
        using var stream = IsGzip(content) ? Gunzip(content) : new MemoryStream(content, writable: false);
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            MaxCharactersInDocument = MaxBytes,
        };
        using var reader = XmlReader.Create(stream, settings);
        reader.MoveToContent();
        var isIndex = reader.LocalName switch
        {
            "urlset" => false,
            "sitemapindex" => true,
            _ => throw new InvalidDataException($"Not a sitemap: the root element is <{reader.LocalName}>."),
        };

        var itemName = isIndex ? "sitemap" : "url";
        var entries = new List<SitemapEntry>();
        reader.Read();
        while (!reader.EOF && entries.Count < MaxUrls)
        {
            if (reader.NodeType != XmlNodeType.Element || reader.LocalName != itemName)
            {
                reader.Read();
                continue;
            }

            var item = (XElement)XNode.ReadFrom(reader);
            var loc = Child(item, "loc");
            if (string.IsNullOrEmpty(loc) || !Uri.TryCreate(location, loc, out var url) || !CrawlUrls.IsHttp(url))
            {
                continue;
            }

            entries.Add(new SitemapEntry(url, ParseDate(Child(item, "lastmod"))));
        }

        return new SitemapDocument(isIndex, entries);
    }

    private static string? Child(XElement item, string name) =>
        item.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value.Trim();

    private static DateTimeOffset? ParseDate(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value : null;

    private static bool IsGzip(byte[] content) => content.Length >= 2 && content[0] == 0x1F && content[1] == 0x8B;

    private static MemoryStream Gunzip(byte[] content)
    {
        using var gzip = new GZipStream(new MemoryStream(content, writable: false), CompressionMode.Decompress);
        var output = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = gzip.Read(buffer)) > 0)
        {
            if (output.Length + read > MaxBytes)
            {
                output.Dispose();
                throw new InvalidDataException($"The compressed sitemap unpacks to more than {MaxBytes / ReaderLimits.MiB} MB.");
            }

            output.Write(buffer, 0, read);
        }

        output.Position = 0;
        return output;
    }

    private static string Describe(FetchResult result) => result switch
    {
        FetchFailed failed => failed.Message,
        FetchGone gone => $"HTTP {gone.StatusCode}",
        NotModified => "not modified",
        _ => result.GetType().Name,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sitemap {Url} ignored: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, Uri url, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sitemap {Url} ignored: malformed ({Reason})")]
    private static partial void LogMalformed(ILogger logger, Uri url, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sitemap {Url} ignored: sitemap indexes nest deeper than {MaxDepth} levels")]
    private static partial void LogTooDeep(ILogger logger, Uri url, int maxDepth);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sitemaps list more than {MaxUrls} URLs; the rest is ignored")]
    private static partial void LogTooMany(ILogger logger, int maxUrls);
}
