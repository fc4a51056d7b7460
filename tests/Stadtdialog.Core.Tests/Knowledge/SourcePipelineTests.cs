using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stadtdialog.Chat;
using Stadtdialog.Data;
using Stadtdialog.Evaluation;
using Stadtdialog.Knowledge;
using Stadtdialog.Knowledge.Sources;
using Microsoft.AspNetCore.Http;
using Stadtdialog.Retrieval;
using Stadtdialog.Tests;
using Xunit;

namespace Stadtdialog.Core.Tests;

/// <summary>
/// Sources end to end: real connectors (crawler on a loopback web server, folders, feeds), readers, chunker,
/// database and index, as a job runs them.
/// </summary>
public sealed class SourcePipelineTests : IAsyncLifetime
{
    private const string Tenant = "musterstadt";
    private CoreHost _host = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await CoreHost.StartAsync(Token);

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Crawled_website_meets_the_evaluation_targets_of_the_folder_ingestion()
    {
        await using var site = await LoopbackSite.StartMusterstadtAsync(cancellationToken: Token);

        var report = await _host.RunSourceAsync(Tenant, KnowledgeSourceType.Website, site.BaseUrl.ToString(), Token, NoDelay);

        Assert.Equal(0, report.Failed);
        Assert.InRange(report.Added, 49, 50);
        var eval = await _host.InTenantAsync(Tenant, async sp =>
        {
            var chat = sp.GetRequiredService<ChatService>();
            return await sp.GetRequiredService<EvalRunner>().RunAsync(await chat.GetTenantAsync(Token),
                await chat.GetAssistantAsync("buergerservice", Token),
                EvalRunner.ReadQuestions(Path.Combine(RepositoryPaths.SharedData, "eval", "dev-questions.jsonl")), Token);
        });
        TestContext.Current.TestOutputHelper?.WriteLine(eval.Summary);

        // The same gate as the folder ingestion in test.sh: the crawl loses nothing.
        Assert.True(eval.HitAt5 >= 0.97 && eval.Mrr >= 0.88 && eval.Abstain >= 0.8 && eval.FalseAbstain <= 0.05, eval.Summary);
    }

    [Fact]
    public async Task Second_crawl_is_answered_with_304_and_changes_nothing()
    {
        await using var site = await LoopbackSite.StartMusterstadtAsync(cancellationToken: Token);
        var first = await _host.RunSourceAsync(Tenant, KnowledgeSourceType.Website, site.BaseUrl.ToString(), Token, NoDelay);
        site.ClearRequests();

        var second = await _host.RunSourceAsync(Tenant, KnowledgeSourceType.Website, site.BaseUrl.ToString(), Token, NoDelay);

        Assert.Equal((0, 0, 0, first.Added), (second.Added, second.Updated, second.Removed, second.Unchanged));
        Assert.Contains(site.Requests, r => r.StatusCode == StatusCodes304);
        Assert.DoesNotContain(site.Requests, r => r.StatusCode == 200 && r.Path.StartsWith("/buergerservice", StringComparison.Ordinal));
        await AssertIndexMatchesDatabaseAsync();
    }

    [Fact]
    public async Task Page_changed_between_crawls_is_updated_and_a_vanished_page_removed()
    {
        await using var site = await LoopbackSite.StartAsync(cancellationToken: Token);
        site.SetPage("/", Page("Start", "<a href=\"/hundesteuer\">Hundesteuer</a> <a href=\"/sperrmuell\">Sperrmüll</a>"));
        site.SetPage("/hundesteuer", Page("Hundesteuer", "Die Hundesteuer beträgt 96 Euro im Jahr für den ersten Hund."));
        site.SetPage("/sperrmuell", Page("Sperrmüll", "Sperrmüll holen wir zweimal im Jahr kostenlos ab."));
        await _host.RunSourceAsync(Tenant, KnowledgeSourceType.Website, site.BaseUrl.ToString(), Token, NoDelay);

        site.SetPage("/hundesteuer", Page("Hundesteuer", "Die Hundesteuer beträgt 120 Euro im Jahr für den ersten Hund."));
        site.SetStatus("/sperrmuell", 404);
        var second = await _host.RunSourceAsync(Tenant, KnowledgeSourceType.Website, site.BaseUrl.ToString(), Token, NoDelay);

        Assert.Equal((1, 1), (second.Updated, second.Removed));
        Assert.Contains("120 Euro", Top("Wie hoch ist die Hundesteuer?").Chunks[0].Text, StringComparison.Ordinal);
        Assert.DoesNotContain(_host.Search(Tenant, "Sperrmüll abholen").Hits, h => h.Url.Contains("sperrmuell", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Server_errors_keep_the_previous_version_searchable()
    {
        await using var site = await LoopbackSite.StartAsync(cancellationToken: Token);
        site.SetPage("/", Page("Start", "<a href=\"/hundesteuer\">Hundesteuer</a>"));
        site.SetPage("/hundesteuer", Page("Hundesteuer", "Die Hundesteuer beträgt 96 Euro im Jahr für den ersten Hund."));
        await _host.RunSourceAsync(Tenant, KnowledgeSourceType.Website, site.BaseUrl.ToString(), Token, NoDelay);

        site.SetStatus("/hundesteuer", 503);
        var second = await _host.RunSourceAsync(Tenant, KnowledgeSourceType.Website, site.BaseUrl.ToString(), Token, NoDelay);

        Assert.Equal(1, second.Failed);
        Assert.Contains("503", second.Errors.Single().Message, StringComparison.Ordinal);
        Assert.Contains("96 Euro", Top("Wie hoch ist die Hundesteuer?").Chunks[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_start_page_fails_the_run_and_removes_nothing()
    {
        await using var site = await LoopbackSite.StartAsync(cancellationToken: Token);
        site.SetPage("/", Page("Start", "<a href=\"/hundesteuer\">Hundesteuer</a>"));
        site.SetPage("/hundesteuer", Page("Hundesteuer", "Die Hundesteuer beträgt 96 Euro im Jahr für den ersten Hund."));
        await _host.RunSourceAsync(Tenant, KnowledgeSourceType.Website, site.BaseUrl.ToString(), Token, NoDelay);

        site.SetStatus("/robots.txt", 503);
        await Assert.ThrowsAsync<SourceUnavailableException>(
            () => _host.RunSourceAsync(Tenant, KnowledgeSourceType.Website, site.BaseUrl.ToString(), Token, NoDelay));

        Assert.Contains("96 Euro", Top("Wie hoch ist die Hundesteuer?").Chunks[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Faq_rows_are_answered_verbatim_before_extracted_passages()
    {
        using var folder = new TempFolder();
        var csv = folder.Write("faq.csv", await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.SharedData, "faq", "buergerservice-faq.csv"), Token));
        await _host.IngestAsync(Tenant, LoopbackSite.MusterstadtFolder, Token);

        var report = await _host.RunSourceAsync(Tenant, KnowledgeSourceType.Faq, csv, Token);

        Assert.Equal(8, report.Added);
        var answer = await AnswerAsync("Kann jemand anderes meinen Ausweis für mich abholen?");
        Assert.True(answer.AnswerType == AnswerTypes.Curated, $"{answer.AnswerType}: {answer.Text} {string.Join(", ", answer.Citations.Select(c => c.Url))}");
        Assert.StartsWith("Ja, mit einer schriftlichen Vollmacht", answer.Text, StringComparison.Ordinal);
        Assert.Equal("https://www.musterstadt.example/buergerservice/personalausweis", answer.Citations.Single().Url);
    }

    [Fact]
    public async Task Deleted_faq_row_is_removed_and_unchanged_rows_stay()
    {
        using var folder = new TempFolder();
        var csv = folder.Write("faq.csv", "frage;antwort\n\"Wo parke ich am Rathaus?\";\"Im Parkhaus Stadtmitte, die erste Stunde ist frei.\"\n\"Gibt es WLAN im Bürgerbüro?\";\"Ja, das freie WLAN heißt Musterstadt-Frei.\"\n");
        await _host.RunSourceAsync(Tenant, KnowledgeSourceType.Faq, csv, Token);

        folder.Write("faq.csv", "frage;antwort\n\"Gibt es WLAN im Bürgerbüro?\";\"Ja, das freie WLAN heißt Musterstadt-Frei.\"\n");
        var second = await _host.RunSourceAsync(Tenant, KnowledgeSourceType.Faq, csv, Token);

        Assert.Equal((0, 0, 1, 1), (second.Added, second.Updated, second.Removed, second.Unchanged));
        Assert.DoesNotContain(_host.Search(Tenant, "Wo parke ich am Rathaus?").Hits, h => h.Title.Contains("parke", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Events_expire_from_search_when_they_are_over_and_are_removed_by_the_next_run()
    {
        using var folder = new TempFolder();
        var ics = folder.Write("events.ics", """
            BEGIN:VCALENDAR
            VERSION:2.0
            PRODID:-//Test//DE
            BEGIN:VEVENT
            UID:lesung@test
            DTSTAMP:20260301T080000Z
            DTSTART:20260305T170000Z
            DTEND:20260305T190000Z
            SUMMARY:Lesung mit Krimiautorin in der Stadtbibliothek
            LOCATION:Stadtbibliothek, Markt 5
            CATEGORIES:Kultur
            END:VEVENT
            END:VCALENDAR
            """);
        var first = await _host.RunSourceAsync(Tenant, KnowledgeSourceType.Events, ics, Token);
        Assert.Equal(1, first.Added);
        Assert.NotEmpty(_host.Search(Tenant, "Lesung Krimiautorin").Hits);

        _host.Time.Advance(TimeSpan.FromDays(4));

        Assert.Empty(_host.Search(Tenant, "Lesung Krimiautorin").Hits);
        var second = await _host.RunSourceAsync(Tenant, KnowledgeSourceType.Events, ics, Token);
        Assert.Equal(1, second.Removed);
        Assert.Empty(await _host.InTenantAsync(Tenant, sp => sp.GetRequiredService<StadtdialogDbContext>().Documents.Where(d => d.Kind == DocumentKind.Event).ToListAsync(Token)));
    }

    [Fact]
    public async Task Catalogue_datasets_are_found_with_their_link()
    {
        await _host.RunSourceAsync(Tenant, KnowledgeSourceType.Catalogue,
            Path.Combine(RepositoryPaths.SharedData, "urban-data", "dcat-ap-catalogue.jsonld"), Token);

        var top = Top("Gibt es Daten zu Bäumen in der Stadt?");

        Assert.Contains("Baumkataster", top.Title, StringComparison.Ordinal);
        Assert.StartsWith("https://", top.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ckan_package_search_is_read_page_by_page()
    {
        var json = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.SharedData, "urban-data", "ckan-package_search.json"), Token);
        using var all = System.Text.Json.JsonDocument.Parse(json);
        var results = all.RootElement.GetProperty("result").GetProperty("results").EnumerateArray().Select(r => r.GetRawText()).ToList();
        await using var site = await LoopbackSite.StartAsync(cancellationToken: Token);
        site.Map("/api/3/action/package_search", async context =>
        {
            var start = int.TryParse(context.Request.Query["start"], out var s) ? s : 0;
            var page = results.Skip(start).Take(2);
            context.Response.ContentType = "application/json";
            var body = "{\"success\": true, \"result\": {\"count\": " + results.Count + ", \"results\": [" + string.Join(",", page) + "]}}";
            await context.Response.WriteAsync(body, Token);
        });

        var report = await _host.RunSourceAsync(Tenant, KnowledgeSourceType.Catalogue, site.Url("/api/3/action/package_search?rows=2").ToString(), Token);

        Assert.Equal(results.Count, report.Added);
        Assert.Equal(3, site.RequestCount("/api/3/action/package_search"));
    }

    [Fact]
    public async Task A_file_over_its_limit_is_an_error_and_the_rest_is_ingested()
    {
        using var folder = new TempFolder();
        folder.Write("hundesteuer.md", "# Hundesteuer\n\nDie Hundesteuer beträgt 96 Euro im Jahr.\n");
        var huge = folder.Combine("satzung.pdf");
        await using (var stream = File.Create(huge))
        {
            stream.SetLength(50L * 1024 * 1024);
        }

        var report = await _host.IngestAsync(Tenant, folder.Path, Token);

        Assert.Equal((1, 1), (report.Added, report.Failed));
        Assert.Contains("50.0 MB", report.Errors.Single().Message, StringComparison.Ordinal);
        Assert.NotEmpty(_host.Search(Tenant, "Hundesteuer").Hits);
    }

    [Fact]
    public async Task Ingesting_the_same_source_twice_changes_nothing_and_keeps_index_and_database_in_step()
    {
        using var folder = new TempFolder();
        folder.Write("hundesteuer.md", "# Hundesteuer\n\nDie Hundesteuer beträgt 96 Euro im Jahr.\n");
        folder.Write("faq.csv", "frage;antwort\n\"Gibt es WLAN im Bürgerbüro?\";\"Ja, das freie WLAN heißt Musterstadt-Frei.\"\n");
        await _host.IngestAsync(Tenant, folder.Path, Token);

        var second = await _host.IngestAsync(Tenant, folder.Path, Token);

        Assert.Equal((0, 0, 0, 2), (second.Added, second.Updated, second.Removed, second.Unchanged));
        await AssertIndexMatchesDatabaseAsync();
    }

    private const int StatusCodes304 = (int)HttpStatusCode.NotModified;

    private static void NoDelay(SourceSettings settings)
    {
        settings.RequestDelayMilliseconds = 0;
        settings.MaxConcurrency = 4;
    }

    private SearchHit Top(string question) => _host.Search(Tenant, question).Hits[0];

    private Task<TurnAnswer> AnswerAsync(string question) => _host.InTenantAsync(Tenant, async sp =>
    {
        var chat = sp.GetRequiredService<ChatService>();
        var tenant = await chat.GetTenantAsync(Token);
        return await chat.AnswerAsync(tenant, await chat.GetAssistantAsync("buergerservice", Token), question, "de", Token);
    });

    private async Task AssertIndexMatchesDatabaseAsync()
    {
        var (stamp, chunks) = await _host.InTenantAsync(Tenant, async sp =>
        {
            var db = sp.GetRequiredService<StadtdialogDbContext>();
            return ((await db.Tenants.SingleAsync(t => t.Id == Tenant, Token)).IndexStamp, await db.Chunks.CountAsync(Token));
        });
        var index = await _host.WithoutTenantAsync(sp => Task.FromResult(sp.GetRequiredService<SearchIndexRegistry>().Get(Tenant)));
        Assert.Equal(stamp, index.Stamp);
        Assert.Equal(chunks, index.ChunkCount);
    }

    private static string Page(string title, string body) => $"""
        <!DOCTYPE html><html lang="de"><head><title>{title}</title></head>
        <body><nav>Navigation</nav><main><h1>{title}</h1><p>{body}</p></main><footer>Impressum</footer></body></html>
        """;
}
