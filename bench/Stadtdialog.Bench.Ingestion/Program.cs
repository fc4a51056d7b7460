using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Stadtdialog;
using Stadtdialog.Bench;
using Stadtdialog.Bench.Ingestion;
using Stadtdialog.Data;
using Stadtdialog.Knowledge;
using Stadtdialog.Knowledge.Readers;
using Stadtdialog.Tenancy;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Writer;

// Ingestion throughput and memory: crawl a synthetic municipal site on loopback (first run and a conditional
// re-crawl), and read a long PDF. Usage: [--pages 2000] [--concurrency 4] [--pdf-pages 200] [--live-heap]
var pages = Arg("--pages", 2000);
var concurrency = Arg("--concurrency", 4);
var pdfPages = Arg("--pdf-pages", 200);

// --live-heap: sample the live (retained) heap with a full GC every 500 ms instead of the raw heap size, which
// includes garbage not yet collected; slower, but shows what a run really keeps.
var liveHeap = args.Contains("--live-heap");

Console.WriteLine($"Stadtdialog ingestion bench – {TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}");
Console.WriteLine($"machine           {Environment.ProcessorCount} logical CPUs, load average {MachineInfo.LoadAverage()}, {(GCSettings())}");

await using var site = await SyntheticSite.StartAsync(pages);
var data = Path.Combine(Path.GetTempPath(), "stadtdialog-bench-ingestion-" + Guid.NewGuid().ToString("N"));
var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Stadtdialog:Data:Directory"] = data,
    ["Stadtdialog:Knowledge:Http:AllowPrivateNetworks"] = "true",
});
builder.Services.AddStadtdialogCore();
using var host = builder.Build();
await host.Services.MigrateDatabaseAsync();
Guid sourceId;
await using (var scope = host.Services.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<TenantProvisioning>().EnsureAsync("bench", CancellationToken.None);
    scope.ServiceProvider.GetRequiredService<TenantContext>().Set("bench");
    var source = await scope.ServiceProvider.GetRequiredService<KnowledgeIngestor>()
        .EnsureSourceAsync(KnowledgeSourceType.Website, site.BaseAddress.ToString(), "bench site");
    var db = scope.ServiceProvider.GetRequiredService<StadtdialogDbContext>();
    var tracked = db.KnowledgeSources.Single(s => s.Id == source.Id);
    tracked.Settings.RequestDelayMilliseconds = 0;
    tracked.Settings.MaxConcurrency = concurrency;
    tracked.Settings.MaxPages = pages + 100;
    tracked.Settings.MaxDepth = 100;
    await db.SaveChangesAsync();
    sourceId = source.Id;
}

Console.WriteLine($"site              {pages} generated pages ({site.ContentBytes / 1048576.0:0.0} MiB HTML held by the in-process test server) on {site.BaseAddress}, crawler concurrency {concurrency}, no politeness delay");
await RunAsync("first crawl");
Console.WriteLine($"after the run     live heap {GC.GetTotalMemory(forceFullCollection: true) / 1048576.0:0} MiB (run state released; index, caches and the test server's pages remain)");
var requestsBefore = site.Requests;
await RunAsync("re-crawl (304)");
Console.WriteLine($"re-crawl          {site.Requests - requestsBefore} requests, {site.NotModified} answered 304 Not Modified");

var pdf = BuildPdf(pdfPages);
var limits = new ReaderLimits { MaxPdfPages = Math.Max(pdfPages, 10) };
PdfDocumentReader.Read(pdf, "warmup.pdf", limits);
var pdfWatch = Stopwatch.StartNew();
const int PdfRounds = 3;
var blocks = 0;
for (var i = 0; i < PdfRounds; i++)
{
    blocks = PdfDocumentReader.Read(pdf, "bench.pdf", limits).Blocks.Count;
}

pdfWatch.Stop();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"pdf               {pdfPages} pages ({pdf.Length / 1024} KB, {blocks} blocks): {pdfPages * PdfRounds / pdfWatch.Elapsed.TotalSeconds:0} pages/s"));
Directory.Delete(data, recursive: true);
return 0;

async Task RunAsync(string label)
{
    await using var scope = host.Services.CreateAsyncScope();
    scope.ServiceProvider.GetRequiredService<TenantContext>().Set("bench");
    var ingestor = scope.ServiceProvider.GetRequiredService<KnowledgeIngestor>();
    using var sampling = new CancellationTokenSource();
    long peakHeap = 0, peakWorkingSet = 0;
    var sampler = Task.Run(async () =>
    {
        while (!sampling.IsCancellationRequested)
        {
            peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: liveHeap));
            peakWorkingSet = Math.Max(peakWorkingSet, Environment.WorkingSet);
            try
            {
                await Task.Delay(liveHeap ? 500 : 50, sampling.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    });
    var gcBefore = GC.CollectionCount(2);
    var watch = Stopwatch.StartNew();
    var report = await ingestor.RunAsync(sourceId);
    watch.Stop();
    await sampling.CancelAsync();
    await sampler;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{label,-17} {report.Seen} items in {watch.Elapsed.TotalSeconds:0.0} s = {report.Seen / watch.Elapsed.TotalSeconds:0} pages/s; {report}; peak {(liveHeap ? "live" : "managed")} heap {peakHeap / 1048576.0:0} MiB, peak working set {peakWorkingSet / 1048576.0:0} MiB, gen2 GCs {GC.CollectionCount(2) - gcBefore}"));
}

static byte[] BuildPdf(int pageCount)
{
    // Embedded TrueType fonts (Debian's fonts-liberation), as real administrative PDFs have them.
    const string Fonts = "/usr/share/fonts/truetype/liberation";
    var builder = new PdfDocumentBuilder();
    var regular = builder.AddTrueTypeFont(File.ReadAllBytes(Path.Combine(Fonts, "LiberationSans-Regular.ttf")));
    var bold = builder.AddTrueTypeFont(File.ReadAllBytes(Path.Combine(Fonts, "LiberationSans-Bold.ttf")));
    for (var p = 0; p < pageCount; p++)
    {
        var page = builder.AddPage(PageSize.A4);
        var y = 780.0;
        page.AddText($"§ {p + 1} Gebühren für Leistung {p + 1}", 14, new UglyToad.PdfPig.Core.PdfPoint(60, y), bold);
        y -= 30;
        for (var line = 0; line < 18; line++)
        {
            page.AddText($"Absatz {line + 1}: Die Gebühr wird mit der Bekanntgabe des Bescheids fällig und ist innerhalb", 10,
                new UglyToad.PdfPig.Core.PdfPoint(60, y), regular);
            y -= 14;
        }

        for (var row = 0; row < 10; row++)
        {
            page.AddText($"{row + 1}", 10, new UglyToad.PdfPig.Core.PdfPoint(60, y), regular);
            page.AddText($"Leistung {p + 1}.{row + 1} nach Tarifstelle", 10, new UglyToad.PdfPig.Core.PdfPoint(110, y), regular);
            page.AddText(string.Create(CultureInfo.InvariantCulture, $"{(row + 1) * 5},00 Euro"), 10, new UglyToad.PdfPig.Core.PdfPoint(420, y), regular);
            y -= 14;
        }
    }

    return builder.Build();
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
}

static string GCSettings() => System.Runtime.GCSettings.IsServerGC ? "server GC" : "workstation GC";
