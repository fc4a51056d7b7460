using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace Stadtdialog.Server.Tests.Infrastructure;

/// <summary>One request the site answered.</summary>
public sealed record SiteRequest(string Path, bool Conditional, int StatusCode);

/// <summary>
/// A website on a loopback socket for the connectors that fetch over HTTP: serves a folder as a municipal CMS does
/// (<c>/x</c> answers with <c>x.html</c>, <c>/</c> with <c>index.html</c>, missing pages with 404), with ETag and
/// Last-Modified validators and 304 answers, and records every request.
/// </summary>
public sealed class StaticSiteServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly PhysicalFileProvider _files;
    private readonly ConcurrentQueue<SiteRequest> _requests = new();

    private StaticSiteServer(WebApplication app, PhysicalFileProvider files)
    {
        _app = app;
        _files = files;
    }

    /// <summary>The site's address, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<SiteRequest> Requests => [.. _requests];

    public static async Task<StaticSiteServer> StartAsync(string root)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var files = new PhysicalFileProvider(Path.GetFullPath(root));
        var site = new StaticSiteServer(app, files);

        app.Use(async (context, next) =>
        {
            var path = context.Request.Path.Value ?? "/";
            var conditional = context.Request.Headers.IfNoneMatch.Count > 0 || context.Request.Headers.IfModifiedSince.Count > 0;
            if (path == "/")
            {
                context.Request.Path = "/index.html";
            }
            else if (Path.GetExtension(path).Length == 0 && files.GetFileInfo(path.TrimEnd('/') + ".html").Exists)
            {
                context.Request.Path = path.TrimEnd('/') + ".html";
            }

            // Recorded as the response starts, so that a client that has its answer also finds it in Requests.
            context.Response.OnStarting(() =>
            {
                site._requests.Enqueue(new SiteRequest(path, conditional, context.Response.StatusCode));
                return Task.CompletedTask;
            });
            await next(context);
        });

        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".ics"] = "text/calendar";
        types.Mappings[".jsonld"] = "application/ld+json";
        types.Mappings[".csv"] = "text/csv";
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, ContentTypeProvider = types });
        app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });

        await app.StartAsync(Xunit.TestContext.Current.CancellationToken);
        site.BaseUrl = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.Single().TrimEnd('/');
        return site;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _files.Dispose();
    }
}
