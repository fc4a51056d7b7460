using System.Net;
using System.Text;
using Markdig;
using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;
using Stadtdialog.Data;
using Stadtdialog.Knowledge;
using Stadtdialog.Knowledge.Jobs;
using Stadtdialog.Knowledge.Readers;
using Stadtdialog.Server.Features.Platform;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Server.Features.Demo;

/// <summary>The demo municipality (section <c>Stadtdialog:Demo</c>).</summary>
public sealed class DemoOptions
{
    public const string Section = "Stadtdialog:Demo";

    /// <summary>Provision the tenants found in <see cref="SamplesPath"/> on start and serve the demo website.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Folder with one sub-folder per demo tenant (<c>tenant.json</c> + content); defaults to the bundled samples.</summary>
    public string? SamplesPath { get; set; }

    public string ResolveSamplesPath() => Path.GetFullPath(SamplesPath ?? Path.Combine(AppContext.BaseDirectory, "samples"));
}

/// <summary>
/// Creates the demo tenants from <c>samples/*/tenant.json</c> when they do not exist yet, and (re-)ingests their
/// content folders incrementally on every start, before the server accepts requests.
/// </summary>
internal sealed partial class DemoProvisioner(
    IServiceProvider services,
    IOptions<DemoOptions> options,
    StartupHealthCheck startup,
    ILogger<DemoProvisioner> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var demo = options.Value;
        var samples = demo.ResolveSamplesPath();
        if (demo.Enabled && Directory.Exists(samples))
        {
            foreach (var file in Directory.EnumerateFiles(samples, "tenant.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                await ProvisionAsync(file, cancellationToken);
            }
        }

        startup.MarkReady();
    }

    private async Task ProvisionAsync(string file, CancellationToken cancellationToken)
    {
        var config = TenantConfig.Load(file);
        await using var scope = services.CreateAsyncScope();
        var provisioning = scope.ServiceProvider.GetRequiredService<TenantProvisioning>();
        if (await provisioning.ExistsAsync(config.Id, cancellationToken))
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(config.Id);
        }
        else
        {
            await provisioning.ApplyAsync(config, cancellationToken);
            LogCreated(logger, config.Id);
        }

        // Every source of the file is registered (settings refreshed from the file) and run once before the
        // server reports ready; runs are recorded as jobs like any other.
        var folder = Path.GetDirectoryName(file)!;
        var ingestor = scope.ServiceProvider.GetRequiredService<KnowledgeIngestor>();
        var db = scope.ServiceProvider.GetRequiredService<StadtdialogDbContext>();
        var jobs = scope.ServiceProvider.GetRequiredService<IngestionJobs>();
        var runner = scope.ServiceProvider.GetRequiredService<IngestionJobRunner>();
        var sources = config.Content.Select(c => new SourceConfig { Name = c, Location = c }).Concat(config.Sources);
        foreach (var source in sources)
        {
            var location = source.ResolveLocation(folder);
            var registered = await ingestor.EnsureSourceAsync(source.Type, location, source.Name, cancellationToken);
            var tracked = await db.KnowledgeSources.SingleAsync(s => s.Id == registered.Id, cancellationToken);
            tracked.Settings = source.Settings;
            tracked.RefreshInterval = source.RefreshMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : null;
            await db.SaveChangesAsync(cancellationToken);
            var job = await jobs.QueueAsync(registered.Id, JobTrigger.Startup, dispatch: false, cancellationToken);
            var finished = await runner.RunAsync(new QueuedJob(config.Id, job.Id), cancellationToken: cancellationToken);
            LogIngested(logger, config.Id, source.Name, $"{finished?.Status} added={finished?.Added} updated={finished?.Updated} unchanged={finished?.Unchanged} failed={finished?.Failed} {finished?.Error}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo tenant {Tenant} created")]
    private static partial void LogCreated(ILogger logger, string tenant);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo tenant {Tenant}: {Folder} {Summary}")]
    private static partial void LogIngested(ILogger logger, string tenant, string folder, string summary);
}

public static class DemoFeature
{
    public static IHostApplicationBuilder AddDemo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section).ValidateOnStart();
        builder.Services.AddHostedService<DemoProvisioner>();
        builder.Services.AddSingleton<DemoPlatformStore>();
        return builder;
    }

    /// <summary>The demo start page and widget (wwwroot) and the demo website rendered from the sample Markdown.</summary>
    public static IEndpointRouteBuilder MapDemo(this IEndpointRouteBuilder app)
    {
        if (app is IApplicationBuilder pipeline)
        {
            pipeline.UseDefaultFiles();
            pipeline.UseStaticFiles(new StaticFileOptions
            {
                OnPrepareResponse = context =>
                {
                    // The widget is loaded by municipal websites of any origin.
                    if (context.File.Name == "widget.js")
                    {
                        context.Context.Response.Headers.AccessControlAllowOrigin = "*";
                        context.Context.Response.Headers.CacheControl = "public, max-age=300";
                    }
                },
            });
        }

        app.MapDemoPlatform(); // /demo/platform/: recorded SensorThings, NGSI-LD and iCalendar answers (DemoPlatform.cs)
        app.MapGet("/demo/files/{name}", (string name, IOptions<DemoOptions> options) => ServeFile(name, options.Value))
            .ExcludeFromDescription();
        app.MapGet("/demo/{**page}", (string? page, IOptions<DemoOptions> options) => RenderPage(page, options.Value))
            .ExcludeFromDescription();
        return app;
    }

    private static IResult RenderPage(string? page, DemoOptions options)
    {
        var samples = options.ResolveSamplesPath();
        if (!options.Enabled || string.IsNullOrEmpty(page) || page.Contains("..", StringComparison.Ordinal)
            || page.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '/' or '_')))
        {
            return TypedResults.NotFound();
        }

        var file = Directory.Exists(samples)
            ? Directory.EnumerateDirectories(samples).Select(d => Path.Combine(d, "content", page + ".md")).FirstOrDefault(File.Exists)
            : null;
        if (file is null)
        {
            return TypedResults.NotFound();
        }

        var (frontMatter, body) = MarkdownDocumentReader.SplitFrontMatter(File.ReadAllText(file));
        var title = WebUtility.HtmlEncode(frontMatter.GetValueOrDefault("title") ?? page);
        var description = WebUtility.HtmlEncode(frontMatter.GetValueOrDefault("description") ?? "");
        var modified = WebUtility.HtmlEncode(frontMatter.GetValueOrDefault("modified") ?? "");

        // Raw HTML inside the sample Markdown is not rendered (DisableHtml): the content is data, not markup.
        var pipeline = new MarkdownPipelineBuilder().UsePipeTables()
            .UseAutoIdentifiers(Markdig.Extensions.AutoIdentifiers.AutoIdentifierOptions.GitHub).DisableHtml().Build();
        var html = Markdown.ToHtml(body, pipeline);
        var builder = new StringBuilder();
        builder.Append(CultureInvariant($$"""
            <!DOCTYPE html>
            <html lang="de">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{title}} | Stadt Musterstadt (Demo)</title>
            <meta name="description" content="{{description}}">
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;line-height:1.6;background:#fff}
            header,footer{background:#0b3d6e;color:#fff;padding:1rem 1.5rem} header a,footer a{color:#fff}
            main{max-width:46rem;margin:0 auto;padding:1.5rem} a{color:#0b4f8a}
            table{border-collapse:collapse;margin:1rem 0} th,td{border:1px solid #8a8a8a;padding:.4rem .6rem;text-align:left}
            .note{background:#fff4ce;border-left:4px solid #8a6d00;padding:.5rem 1rem}
            .skip{position:absolute;left:-999px} .skip:focus{left:1rem;top:1rem;background:#fff;color:#000;padding:.5rem}
            </style>
            </head>
            <body>
            <a class="skip" href="#inhalt">Zum Inhalt springen</a>
            <header><a href="/">Stadt Musterstadt</a> · Demo-Website</header>
            <main id="inhalt">
            <p class="note">Demo-Inhalt: fiktive Stadt, Angaben ohne Gewähr.</p>
            {{html}}
            <p><small>Stand: {{modified}}</small></p>
            </main>
            <footer><a href="/">Startseite</a> · <a href="/docs">API-Dokumentation</a></footer>
            <script src="/widget.js" data-tenant="musterstadt" data-assistant="buergerservice" defer></script>
            </body>
            </html>
            """));
        return TypedResults.Content(builder.ToString(), "text/html; charset=utf-8");
    }

    /// <summary>The demo town hall's documents (PDF, DOCX …), linked from answers as /demo/files/name.pdf#page=N.</summary>
    private static IResult ServeFile(string name, DemoOptions options)
    {
        var samples = options.ResolveSamplesPath();
        if (!options.Enabled || name != Path.GetFileName(name) || name.StartsWith('.') || !Directory.Exists(samples))
        {
            return TypedResults.NotFound();
        }

        // The town hall's documents and the feeds the demo's sources read (FAQ table, calendar, catalogue).
        string[] folders = ["files", "faq", "veranstaltungen", "opendata"];
        var file = Directory.EnumerateDirectories(samples)
            .SelectMany(d => folders.Select(f => Path.Combine(d, f, name)))
            .FirstOrDefault(File.Exists);
        var types = new Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider();
        types.Mappings[".jsonld"] = "application/ld+json";
        return file is not null && types.TryGetContentType(name, out var contentType)
            ? TypedResults.PhysicalFile(file, contentType, enableRangeProcessing: true)
            : TypedResults.NotFound();
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);
}
