using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Stadtdialog.Tests;

/// <summary>One request the <see cref="LoopbackSite"/> answered.</summary>
public sealed record LoopbackRequest(
    string Path, string Query, string? IfNoneMatch, string? IfModifiedSince, string? UserAgent, int StatusCode, DateTimeOffset At);

/// <summary>
/// A real web server (Kestrel on 127.0.0.1, a free port) that serves a folder the way a CMS does: <c>/</c> is
/// <c>index.html</c>, <c>/x</c> is <c>x.html</c>, other files (<c>sitemap.xml</c>) by their name; everything else is a
/// 404. Responses carry a strong ETag and Last-Modified, and conditional requests are answered with 304. Routes can be
/// added or overridden (robots.txt, redirects, errors, slow or huge responses, pages whose content changes), and every
/// request is recorded, so tests can prove what a client asked for.
/// </summary>
public sealed class LoopbackSite : IAsyncDisposable
{
    private static readonly Lazy<byte[]> GzipBombBody = new(() =>
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            var spaces = new byte[1024 * 1024];
            spaces.AsSpan().Fill((byte)' ');
            for (var i = 0; i < 64; i++)
            {
                gzip.Write(spaces);
            }
        }

        return output.ToArray();
    });

    private readonly string? _root;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private WebApplication? _app;
    private int _inFlight;
    private int _maxInFlight;

    private LoopbackSite(string? root, TimeProvider? time)
    {
        _root = root is null ? null : Path.GetFullPath(root);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The fictional town website of the test data (<c>shared/data/musterstadt-site</c>).</summary>
    public static string MusterstadtFolder => Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "..", "shared", "data", "musterstadt-site"));

    /// <summary>The origin the Musterstadt pages and sitemap use for their canonical URLs.</summary>
    public const string MusterstadtOrigin = "https://www.musterstadt.example";

    /// <summary>http://127.0.0.1:port/</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>
    /// When set, this origin is replaced by the site's own in served XML files: a CMS writes its sitemap for the host it
    /// runs on.
    /// </summary>
    public string? SitemapOrigin { get; set; }

    /// <summary>The most requests that were in progress at the same time.</summary>
    public int MaxConcurrentRequests => Volatile.Read(ref _maxInFlight);

    /// <summary>The requests so far, in order of arrival (each recorded when it arrives; its status when the answer starts).</summary>
    public IReadOnlyList<LoopbackRequest> Requests => [.. _requests.Select(r => r.Request with { StatusCode = r.StatusCode })];

    /// <summary>Starts a server for <paramref name="root"/> (null: only the routes added later). <paramref name="time"/> stamps requests and Last-Modified.</summary>
    public static async Task<LoopbackSite> StartAsync(string? root = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var site = new LoopbackSite(root, time);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(site.HandleAsync);
        await app.StartAsync(cancellationToken);
        site._app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        site.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return site;
    }

    /// <summary>The Musterstadt website, its sitemap pointing at this server.</summary>
    public static async Task<LoopbackSite> StartMusterstadtAsync(TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var site = await StartAsync(MusterstadtFolder, time, cancellationToken);
        site.SitemapOrigin = MusterstadtOrigin;
        return site;
    }

    public Uri Url(string pathAndQuery) => new(BaseUrl, pathAndQuery);

    /// <summary>Adds or replaces the handler of one path (compared with the decoded request path).</summary>
    public void Map(string path, Func<HttpContext, Task> handler) => _routes[path] = handler;

    /// <summary>
    /// Serves <paramref name="content"/> at <paramref name="path"/> (validators and 304 included), with extra response
    /// <paramref name="headers"/>; call again to change it.
    /// </summary>
    public void SetPage(string path, string content, string contentType = "text/html; charset=utf-8",
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        var modified = _time.GetUtcNow();
        Map(path, context =>
        {
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            return ServeAsync(context, bytes, contentType, modified);
        });
    }

    public void SetRobots(string text) => SetPage("/robots.txt", text, "text/plain; charset=utf-8");

    public void SetRedirect(string path, string location, int status = StatusCodes.Status301MovedPermanently) =>
        Map(path, context =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.Location = location;
            return Task.CompletedTask;
        });

    public void SetStatus(string path, int status) => Map(path, context =>
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsync($"Status {status}", context.RequestAborted);
    });

    /// <summary>Answers only after <paramref name="delay"/> (or when the client gives up).</summary>
    public void SetSlow(string path, TimeSpan delay, string content = "<html><body><p>late</p></body></html>") => Map(path, async context =>
    {
        try
        {
            await Task.Delay(delay, TimeProvider.System, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await ServeAsync(context, Encoding.UTF8.GetBytes(content), "text/html; charset=utf-8", _time.GetUtcNow());
    });

    /// <summary>Streams <paramref name="bytes"/> of HTML, announcing the length or (chunked) not.</summary>
    public void SetHuge(string path, long bytes, bool withContentLength) => Map(path, async context =>
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        if (withContentLength)
        {
            context.Response.ContentLength = bytes;
        }

        var chunk = new byte[64 * 1024];
        chunk.AsSpan().Fill((byte)'x');
        try
        {
            for (long written = 0; written < bytes; written += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, bytes - written)), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException)
        {
            // The client stopped reading: what the test wants.
        }
    });

    /// <summary>A small gzip body (<c>Content-Encoding: gzip</c>) that unpacks to 64 MB.</summary>
    public void SetGzipBomb(string path)
    {
        _ = GzipBombBody.Value;
        Map(path, ServeGzipBombAsync);
    }

    private static async Task ServeGzipBombAsync(HttpContext context)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.ContentEncoding = "gzip";
        context.Response.ContentLength = GzipBombBody.Value.Length;
        try
        {
            await context.Response.Body.WriteAsync(GzipBombBody.Value, context.RequestAborted);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException)
        {
        }
    }

    /// <summary>How often <paramref name="path"/> (decoded, without query) was requested.</summary>
    public int RequestCount(string path) => _requests.Count(r => r.Request.Path == path);

    public void ClearRequests() => _requests.Clear();

    /// <summary>Waits (real time) until <paramref name="path"/> was requested <paramref name="count"/> times.</summary>
    public async Task WaitForRequestsAsync(string path, int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (RequestCount(path) < count)
        {
            if (TimeProvider.System.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{path} was requested {RequestCount(path)} times, not {count}, within {timeout}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var recorded = new RecordedRequest(new LoopbackRequest(
            context.Request.Path.Value ?? "/", context.Request.QueryString.Value ?? "",
            Header(context, "If-None-Match"), Header(context, "If-Modified-Since"), Header(context, "User-Agent"), 0, _time.GetUtcNow()));
        _requests.Enqueue(recorded);
        context.Response.OnStarting(() =>
        {
            recorded.StatusCode = context.Response.StatusCode;
            return Task.CompletedTask;
        });
        var now = Interlocked.Increment(ref _inFlight);
        for (var max = Volatile.Read(ref _maxInFlight); now > max; max = Volatile.Read(ref _maxInFlight))
        {
            if (Interlocked.CompareExchange(ref _maxInFlight, now, max) == max)
            {
                break;
            }
        }

        try
        {
            var path = context.Request.Path.Value ?? "/";
            if (_routes.TryGetValue(path, out var handler))
            {
                await handler(context);
            }
            else if (ResolveFile(path) is { } file)
            {
                var bytes = await File.ReadAllBytesAsync(file, context.RequestAborted);
                var contentType = ContentTypeOf(file);
                if (SitemapOrigin is not null && file.EndsWith(".xml", StringComparison.OrdinalIgnoreCase))
                {
                    bytes = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes)
                        .Replace(SitemapOrigin, BaseUrl.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal));
                }

                await ServeAsync(context, bytes, contentType, new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero));
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                await context.Response.WriteAsync("Not found", context.RequestAborted);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            if (recorded.StatusCode == 0)
            {
                recorded.StatusCode = context.Response.StatusCode;
            }
        }
    }

    private static string? Header(HttpContext context, string name) =>
        context.Request.Headers.TryGetValue(name, out var value) ? value.ToString() : null;

    /// <summary>Serves bytes with a strong ETag (content hash) and Last-Modified, answering conditional requests with 304.</summary>
    private static Task ServeAsync(HttpContext context, byte[] bytes, string contentType, DateTimeOffset modified)
    {
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"";
        var lastModified = new DateTimeOffset(modified.UtcDateTime.Ticks - (modified.UtcDateTime.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        context.Response.Headers.ETag = etag;
        context.Response.Headers.LastModified = lastModified.ToString("r", CultureInfo.InvariantCulture);

        var request = context.Request.Headers;
        var notModified = request.IfNoneMatch.Count > 0
            ? request.IfNoneMatch.ToString().Split(',').Select(t => t.Trim()).Any(t => t == "*" || t.TrimStart('W', '/') == etag)
            : DateTimeOffset.TryParse(request.IfModifiedSince.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since)
                && lastModified <= since;
        if (notModified)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }

    private string? ResolveFile(string path)
    {
        if (_root is null || path.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }

        var relative = path.TrimStart('/');
        if (relative.Length == 0 || relative.EndsWith('/'))
        {
            relative += "index.html";
        }

        var full = Path.GetFullPath(Path.Combine(_root, relative));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return null;
        }

        if (File.Exists(full) && (!full.EndsWith(".html", StringComparison.OrdinalIgnoreCase) || relative.EndsWith("index.html", StringComparison.Ordinal)))
        {
            return full;
        }

        return File.Exists(full + ".html") ? full + ".html" : null;
    }

    private static string ContentTypeOf(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".xml" => "application/xml; charset=utf-8",
        ".txt" => "text/plain; charset=utf-8",
        ".md" => "text/markdown; charset=utf-8",
        ".pdf" => "application/pdf",
        ".gz" => "application/gzip",
        _ => "application/octet-stream",
    };

    private sealed class RecordedRequest(LoopbackRequest request)
    {
        public LoopbackRequest Request { get; } = request;

        public int StatusCode { get; set; }
    }
}
