using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Stadtdialog.Data;
using Stadtdialog.Knowledge.Readers;

namespace Stadtdialog.Knowledge.Sources;

/// <summary>What a connector gets for one run of a source.</summary>
/// <param name="Source">The source (settings, location).</param>
/// <param name="Known">What the last run stored per item, for conditional GET.</param>
/// <param name="Limits">Size limits per type.</param>
/// <param name="ReportTotal">Called once the number of items is known (folders).</param>
public sealed record SourceRunContext(
    KnowledgeSource Source, IReadOnlyDictionary<string, KnownItem> Known, ReaderLimits Limits, Action<int>? ReportTotal = null);

/// <summary>Fetches the items of one kind of source. One implementation per source type family.</summary>
public interface IKnowledgeConnector
{
    bool Handles(KnowledgeSourceType type);

    IAsyncEnumerable<SourceItem> FetchAsync(SourceRunContext run, CancellationToken cancellationToken);
}

/// <summary>Folder and upload sources: every supported file below the folder (hidden folders excluded).</summary>
public sealed class FolderConnector(IOptions<DataOptions> data) : IKnowledgeConnector
{
    public bool Handles(KnowledgeSourceType type) => type is KnowledgeSourceType.Folder or KnowledgeSourceType.Upload;

    /// <summary>Where the files of an upload source are kept.</summary>
    public static string UploadFolder(DataOptions data, KnowledgeSource source) =>
        Path.Combine(data.FullDirectory, "uploads", source.TenantId, source.Id.ToString("N"));

    public async IAsyncEnumerable<SourceItem> FetchAsync(SourceRunContext run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var root = run.Source.Type == KnowledgeSourceType.Upload
            ? UploadFolder(data.Value, run.Source)
            : Path.GetFullPath(run.Source.Location);
        if (!Directory.Exists(root))
        {
            if (run.Source.Type == KnowledgeSourceType.Upload)
            {
                run.ReportTotal?.Invoke(0);
                yield break;
            }

            throw new SourceUnavailableException($"The folder '{root}' does not exist.");
        }

        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => FileFormats.Detect(f) != FileFormat.Unknown)
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).Any(p => p.StartsWith('.')))
            .Order(StringComparer.Ordinal)
            .ToList();
        run.ReportTotal?.Invoke(files.Count);

        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            var url = PublicUrl(run.Source.Settings.PublicBaseUrl, key);
            var format = FileFormats.Detect(file);
            var limit = run.Limits.MaxBytesFor(format);
            SourceItem item;
            try
            {
                var info = new FileInfo(file);
                item = info.Length > limit
                    ? new FailedItem(key, url, DocumentReaders.TooLarge(info.Length, limit))
                    : new FetchedItem(new RawDocument(key, url, format, await File.ReadAllBytesAsync(file, cancellationToken),
                        LastModified: info.LastWriteTimeUtc));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                item = new FailedItem(key, url, $"The file could not be read: {ex.Message}");
            }

            yield return item;
        }
    }

    /// <summary>The address answers cite for a file: below the source's public base URL, else the relative path.</summary>
    public static string PublicUrl(string? baseUrl, string key) =>
        string.IsNullOrWhiteSpace(baseUrl) ? key
            : baseUrl.TrimEnd('/') + "/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
}

/// <summary>
/// Single-file sources read from a URL (with conditional GET) or a server file: FAQ tables, iCalendar feeds and
/// open-data catalogues (CKAN <c>package_search</c> is followed page by page).
/// </summary>
public sealed class FeedConnector(HttpFetcher fetcher) : IKnowledgeConnector
{
    /// <summary>CKAN pages fetched at most (at 100 rows each).</summary>
    public const int MaxCataloguePages = 100;

    public bool Handles(KnowledgeSourceType type) =>
        type is KnowledgeSourceType.Faq or KnowledgeSourceType.Events or KnowledgeSourceType.Catalogue;

    public async IAsyncEnumerable<SourceItem> FetchAsync(SourceRunContext run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var location = run.Source.Location;
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || uri.IsFile)
        {
            run.ReportTotal?.Invoke(1);
            yield return await ReadFileAsync(run, location, cancellationToken);
            yield break;
        }

        var first = await FetchOneAsync(run, uri, cancellationToken);
        yield return first;
        if (run.Source.Type != KnowledgeSourceType.Catalogue || first is not FetchedItem fetched)
        {
            yield break;
        }

        // CKAN reports the total; fetch the remaining pages (each page is an item of its own).
        int? total;
        int perPage;
        try
        {
            var page = CatalogueReader.Read(TextDecoding.Decode(fetched.Document.Content, fetched.Document.Charset), fetched.Document.Url);
            (total, perPage) = (page.TotalCount, page.Datasets.Count);
        }
        catch (DocumentReadException)
        {
            yield break;
        }

        for (var start = perPage; total is not null && perPage > 0 && start < total && start / perPage < MaxCataloguePages; start += perPage)
        {
            yield return await FetchOneAsync(run, WithQuery(uri, "start", start.ToString(System.Globalization.CultureInfo.InvariantCulture)), cancellationToken);
        }
    }

    private async Task<SourceItem> FetchOneAsync(SourceRunContext run, Uri uri, CancellationToken cancellationToken)
    {
        var key = uri.AbsoluteUri;
        var result = await fetcher.FetchAsync(uri, run.Known.GetValueOrDefault(key), run.Limits, null, cancellationToken);
        return result switch
        {
            FetchedContent content => new FetchedItem(new RawDocument(key, content.FinalUrl.AbsoluteUri,
                FormatOf(run.Source.Type, content.FinalUrl.AbsoluteUri, content.MediaType), content.Content, content.Charset,
                content.LastModified))
            {
                ETag = content.ETag, LastModifiedHeader = content.LastModifiedHeader,
            },
            NotModified => new UnchangedItem(key),
            FetchGone gone => throw new SourceUnavailableException($"{uri} answered HTTP {gone.StatusCode}: the feed is gone or has moved."),
            FetchFailed failed => throw new SourceUnavailableException($"{uri} could not be fetched: {failed.Message}"),
            _ => throw new InvalidOperationException($"Unexpected fetch result {result.GetType().Name}."),
        };
    }

    private static async Task<SourceItem> ReadFileAsync(SourceRunContext run, string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new SourceUnavailableException($"The file '{full}' does not exist.");
        }

        var format = FormatOf(run.Source.Type, full, null);
        var info = new FileInfo(full);
        var limit = run.Limits.MaxBytesFor(format);
        // Answers cite the file's public address, never a path on the server.
        var url = FolderConnector.PublicUrl(run.Source.Settings.PublicBaseUrl, Path.GetFileName(full));
        return info.Length > limit
            ? new FailedItem(full, url, DocumentReaders.TooLarge(info.Length, limit))
            : new FetchedItem(new RawDocument(full, url, format, await File.ReadAllBytesAsync(full, cancellationToken),
                LastModified: info.LastWriteTimeUtc));
    }

    /// <summary>The source type decides the format where the server's media type is vague.</summary>
    private static FileFormat FormatOf(KnowledgeSourceType type, string url, string? mediaType)
    {
        var detected = FileFormats.Detect(url, mediaType);
        return type switch
        {
            KnowledgeSourceType.Events => FileFormat.Calendar,
            KnowledgeSourceType.Catalogue => FileFormat.Catalogue,
            _ => detected is FileFormat.Xlsx ? FileFormat.Xlsx : FileFormat.Csv,
        };
    }

    private static Uri WithQuery(Uri uri, string name, string value)
    {
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        query[name] = value;
        return new UriBuilder(uri) { Query = query.ToString() }.Uri;
    }
}

/// <summary>Website sources: the crawler, from the start URL(s) and sitemaps.</summary>
public sealed class WebsiteConnector(WebsiteCrawler crawler) : IKnowledgeConnector
{
    public bool Handles(KnowledgeSourceType type) => type == KnowledgeSourceType.Website;

    public IAsyncEnumerable<SourceItem> FetchAsync(SourceRunContext run, CancellationToken cancellationToken)
    {
        var starts = new[] { run.Source.Location }.Concat(run.Source.Settings.StartUrls)
            .Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) ? uri
                : throw new SourceUnavailableException($"'{u}' is not an absolute URL."))
            .Distinct()
            .ToList();
        return crawler.CrawlAsync(new WebsiteCrawlRequest(starts, run.Source.Settings, run.Known, run.Limits), cancellationToken);
    }
}
