using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Stadtdialog.Bench.Ingestion;

/// <summary>
/// A municipal CMS on loopback with <c>pageCount</c> generated pages (cookie banner, navigation, article with
/// headings, paragraphs, a fee table and a list, sidebar, footer; ~2.5 KB each), a sitemap and robots.txt, ETags and
/// 304 answers like a real server.
/// </summary>
internal sealed class SyntheticSite : IAsyncDisposable
{
    private static readonly string[] Topics =
    [
        "Personalausweis", "Reisepass", "Meldebescheinigung", "Hundesteuer", "Sperrmüll", "Baugenehmigung", "Wohngeld",
        "Elterngeld", "Gewerbeanmeldung", "Anwohnerparken", "Führungszeugnis", "Kita-Platz", "Eheschließung", "Fundsachen",
        "Straßenreinigung", "Grundsteuer", "Biotonne", "Schwerbehindertenausweis", "Fischereischein", "Sondernutzung",
    ];

    private readonly WebApplication _app;
    private readonly Dictionary<string, (byte[] Body, string ETag)> _pages = new(StringComparer.Ordinal);

    public int Requests;
    public int NotModified;

    private SyntheticSite(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public int PageCount => _pages.Count;

    /// <summary>Bytes of generated HTML this in-process server holds (part of the bench process's heap).</summary>
    public long ContentBytes => _pages.Values.Sum(p => (long)p.Body.Length);

    public static async Task<SyntheticSite> StartAsync(int pageCount)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var site = new SyntheticSite(app);
        for (var i = 0; i < pageCount; i++)
        {
            var body = Encoding.UTF8.GetBytes(Page(i, pageCount));
            site._pages[PathOf(i)] = (body, "\"" + Convert.ToHexStringLower(SHA256.HashData(body))[..16] + "\"");
        }

        var sitemap = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
        app.Map("/{**path}", async (HttpContext context) =>
        {
            Interlocked.Increment(ref site.Requests);
            var path = context.Request.Path.Value ?? "/";
            if (path == "/robots.txt")
            {
                await context.Response.WriteAsync("User-agent: *\nDisallow: /intern/\nSitemap: " + site.BaseAddress + "sitemap.xml\n");
                return;
            }

            if (path == "/sitemap.xml")
            {
                context.Response.ContentType = "application/xml";
                var xml = new StringBuilder(sitemap.ToString());
                foreach (var page in site._pages.Keys)
                {
                    xml.Append("<url><loc>").Append(site.BaseAddress.ToString().TrimEnd('/')).Append(page).Append("</loc></url>");
                }

                await context.Response.WriteAsync(xml.Append("</urlset>").ToString());
                return;
            }

            if (!site._pages.TryGetValue(path == "/" ? PathOf(0) : path, out var entry))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            context.Response.Headers.ETag = entry.ETag;
            if (context.Request.Headers.IfNoneMatch == entry.ETag)
            {
                Interlocked.Increment(ref site.NotModified);
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.Body.WriteAsync(entry.Body);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        site.BaseAddress = new Uri(address + "/");
        return site;
    }

    public static string PathOf(int i) => i == 0 ? "/index" : $"/themen/{Slug(Topics[i % Topics.Length])}-{i}";

    private static string Slug(string text) => text.ToLowerInvariant().Replace("ü", "ue", StringComparison.Ordinal)
        .Replace("ö", "oe", StringComparison.Ordinal).Replace("ä", "ae", StringComparison.Ordinal).Replace("ß", "ss", StringComparison.Ordinal);

    private static string Page(int i, int count)
    {
        var topic = Topics[i % Topics.Length];
        var links = new StringBuilder();
        for (var k = 1; k <= 5; k++)
        {
            var target = ((i * 7) + (k * 131)) % count;
            links.Append(CultureInfo.InvariantCulture, $"<li><a href=\"{PathOf(target)}\">{Topics[target % Topics.Length]} {target}</a></li>");
        }

        var fees = new StringBuilder();
        for (var r = 0; r < 6; r++)
        {
            fees.Append(CultureInfo.InvariantCulture, $"<tr><td>{topic} Leistung {r + 1}</td><td>{(i % 50) + (r * 7.5):0.00} Euro</td></tr>");
        }

        return string.Create(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>{{topic}} ({{i}}) | Stadt Benchhausen</title>
            <link rel="canonical" href="https://www.benchhausen.example{{PathOf(i)}}">
            <meta name="description" content="Alles zu {{topic}} in Benchhausen, Seite {{i}}."><meta name="dcterms.modified" content="2026-10-01"></head>
            <body><div id="cookie-banner">Wir verwenden Cookies. <button>OK</button></div>
            <header><nav><ul><li><a href="/index">Start</a></li><li><a href="/intern/login">Intern</a></li><li>Rathaus</li><li>Bürgerservice</li></ul></nav></header>
            <main><article><h1>{{topic}} – Verfahren {{i}}</h1>
            <p>Das Verfahren {{topic}} ({{i}}) erledigen Sie im Bürgerbüro der Stadt Benchhausen. Bitte vereinbaren Sie vorher einen Termin online oder telefonisch unter 0123 4567-{{i}}.</p>
            <h2 id="voraussetzungen">Voraussetzungen</h2><p>Sie wohnen in Benchhausen oder haben hier Ihren Hauptwohnsitz. Für {{topic}} gelten die allgemeinen Regeln der Verwaltung; Sonderfälle klären wir im Gespräch.</p>
            <h2 id="unterlagen">Unterlagen</h2><ul><li>gültiges Ausweisdokument</li><li>Nachweis zu {{topic}}</li><li>bei Vertretung eine schriftliche Vollmacht</li></ul>
            <h2 id="gebuehren">Gebühren</h2><table><thead><tr><th>Leistung</th><th>Gebühr</th></tr></thead><tbody>{{fees}}</tbody></table>
            <h2 id="ablauf">Ablauf</h2><p>Nach der Antragstellung prüft die Verwaltung Ihre Unterlagen. In der Regel erhalten Sie nach zwei bis drei Wochen einen Bescheid. Fragen beantwortet das Bürgerbüro montags bis freitags von 8 bis 12 Uhr.</p>
            <h3 id="hinweise">Hinweise</h3><p>Bitte beachten Sie die Fristen. Eine verspätete Anmeldung kann ein Bußgeld nach sich ziehen. Weitere Informationen finden Sie auf den verwandten Seiten.</p>
            </article><aside><h2>Verwandte Themen</h2><ul>{{links}}</ul></aside></main>
            <footer><a href="/index">Impressum</a> · Datenschutz · Barrierefreiheit</footer></body></html>
            """);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
