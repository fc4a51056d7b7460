using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stadtdialog.Data;
using Stadtdialog.Knowledge;
using Stadtdialog.Retrieval;
using Xunit;

namespace Stadtdialog.Core.Tests;

public sealed class IngestionTests : IAsyncLifetime
{
    private const string Tenant = "testtown";

    private const string Personalausweis = """
        ---
        title: Personalausweis beantragen
        url: https://www.testtown.de/personalausweis
        ---
        # Personalausweis beantragen

        Einen neuen Personalausweis beantragen Sie persönlich im Bürgerbüro.

        ## Gebühren

        | Antragsteller | Gebühr |
        |---|---|
        | ab 24 Jahren | 37,00 Euro |
        """;

    private const string Hundesteuer = """
        <html lang="de"><head><title>Hundesteuer | Testtown</title>
        <link rel="canonical" href="https://www.testtown.de/finanzen/hundesteuer"></head>
        <body><nav>Menü</nav><main><h1>Hundesteuer</h1>
        <p>Wer einen Hund hält, meldet ihn innerhalb von zwei Wochen bei der Steuerabteilung an.</p>
        <h2 id="hoehe">Höhe der Steuer</h2><p>Die Hundesteuer beträgt 96 Euro im Jahr.</p></main></body></html>
        """;

    private const string Sperrmuell = """
        # Sperrmüll anmelden

        Sperrmüll wie Möbel und Matratzen holt die Stadtreinigung zweimal im Jahr kostenlos ab.
        """;

    private CoreHost _host = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _host = await CoreHost.StartAsync(Token);
        _host.Content.Write("buergerservice/personalausweis.md", Personalausweis);
        _host.Content.Write("finanzen/hundesteuer.html", Hundesteuer);
        _host.Content.Write("umwelt/sperrmuell.md", Sperrmuell);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task First_run_adds_every_file_and_makes_it_searchable()
    {
        var report = await _host.IngestAsync(Token);

        Assert.Equal((3, 3, 0, 0, 0, 0), Counts(report));
        Assert.True(report.Chunks >= 4, report.ToString());
        Assert.Empty(report.Errors);
        Assert.True(File.Exists(_host.DatabaseFile));

        var hit = Top("Hundesteuer für meinen Hund");
        Assert.Equal("https://www.testtown.de/finanzen/hundesteuer", hit.Url);
        Assert.Equal("finanzen/hundesteuer.html", hit.Key);
        Assert.Equal("Hundesteuer", hit.Title);
        Assert.Equal("https://www.testtown.de/personalausweis", Top("Personalausweis beantragen").Url);
        Assert.Equal("umwelt/sperrmuell.md", Top("Sperrmüll abholen").Url);
    }

    [Fact]
    public async Task Documents_and_chunks_are_stored_with_metadata()
    {
        await _host.IngestAsync(Token);

        var documents = await Documents();
        Assert.Equal(["buergerservice/personalausweis.md", "finanzen/hundesteuer.html", "umwelt/sperrmuell.md"],
            documents.Select(d => d.Key).Order(StringComparer.Ordinal));
        Assert.All(documents, d =>
        {
            Assert.Equal(DocumentStatus.Indexed, d.Status);
            Assert.Null(d.Error);
            Assert.Equal(Tenant, d.TenantId);
            Assert.Equal(_host.Time.GetUtcNow(), d.IngestedAt);
            Assert.Matches("^[0-9a-f]{64}$", d.ContentHash);
            Assert.NotEmpty(d.Chunks);
            Assert.All(d.Chunks, c => Assert.Equal(Tenant, c.TenantId));
        });

        var fees = Assert.Single(documents.Single(d => d.Key.EndsWith("personalausweis.md", StringComparison.Ordinal)).Chunks,
            c => c.Section == "Gebühren");
        Assert.Equal("gebühren", fees.Anchor);
        Assert.Contains("| ab 24 Jahren | 37,00 Euro |", fees.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Second_run_without_changes_changes_nothing()
    {
        await _host.IngestAsync(Token);
        var before = await Snapshot();
        _host.Time.Advance(TimeSpan.FromHours(1));

        var report = await _host.IngestAsync(Token);

        Assert.Equal((3, 0, 0, 3, 0, 0), Counts(report));
        Assert.Equal(0, report.Chunks);
        Assert.Equal(before, await Snapshot());
        Assert.Equal("https://www.testtown.de/finanzen/hundesteuer", Top("Hundesteuer").Url);
    }

    [Fact]
    public async Task Changed_file_is_updated_in_database_and_index()
    {
        await _host.IngestAsync(Token);
        var before = (await Documents()).Single(d => d.Key == "umwelt/sperrmuell.md");
        _host.Time.Advance(TimeSpan.FromDays(1));
        _host.Content.Write("umwelt/sperrmuell.md", "# Sperrmüll anmelden\n\nAb sofort holen wir Sperrmüll viermal im Jahr ab. Auch Elektrogeräte nehmen wir mit.\n");

        var report = await _host.IngestAsync(Token);

        Assert.Equal((3, 0, 1, 2, 0, 0), Counts(report));
        var after = (await Documents()).Single(d => d.Key == "umwelt/sperrmuell.md");
        Assert.Equal(before.Id, after.Id);
        Assert.NotEqual(before.ContentHash, after.ContentHash);
        Assert.Equal(_host.Time.GetUtcNow(), after.IngestedAt);
        var chunk = Assert.Single(after.Chunks);
        Assert.Contains("viermal", chunk.Text, StringComparison.Ordinal);
        Assert.Equal(after.Chunks.Count, await Count<Chunk>(c => c.DocumentId == after.Id));

        var hit = Top("Sperrmüll Elektrogeräte");
        Assert.Contains(hit.Chunks, c => c.Text.Contains("viermal", StringComparison.Ordinal));
        Assert.DoesNotContain(_host.Search(Tenant, "Matratzen Möbel").Hits, h => h.Chunks.Any(c => c.Text.Contains("Matratzen", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Deleted_file_is_removed_from_database_and_index()
    {
        await _host.IngestAsync(Token);
        File.Delete(_host.Content.Combine("finanzen", "hundesteuer.html"));

        var report = await _host.IngestAsync(Token);

        Assert.Equal((2, 0, 0, 2, 1, 0), Counts(report));
        Assert.DoesNotContain(await Documents(), d => d.Key == "finanzen/hundesteuer.html");
        Assert.Equal(0, await Count<Chunk>(c => c.Text.Contains("Hundesteuer")));
        Assert.DoesNotContain(_host.Search(Tenant, "Hundesteuer").Hits, h => h.Key == "finanzen/hundesteuer.html");
    }

    [Fact]
    public async Task Broken_files_become_errors_and_the_other_files_are_ingested()
    {
        _host.Content.Write("kaputt/bild.html", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48]);
        _host.Content.Write("kaputt/nullen.md", "# Titel\n\nText\0mit Nullbyte.\n");
        _host.Content.Write("kaputt/leer.html", "<html><body><nav>Menü</nav><footer>Impressum</footer></body></html>");
        _host.Content.Write("kaputt/riesig.md", new string('a', 6 * 1024 * 1024));

        var report = await _host.IngestAsync(Token);

        Assert.Equal((7, 3, 0, 0, 0, 4), Counts(report));
        Assert.Equal(["kaputt/bild.html", "kaputt/leer.html", "kaputt/nullen.md", "kaputt/riesig.md"],
            report.Errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.All(report.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
        Assert.Contains("5 MB", report.Errors.Single(e => e.Key == "kaputt/riesig.md").Message, StringComparison.Ordinal);
        Assert.Contains("binary", report.Errors.Single(e => e.Key == "kaputt/bild.html").Message, StringComparison.Ordinal);

        var failed = (await Documents()).Where(d => d.Status == DocumentStatus.Failed).ToList();
        Assert.Equal(4, failed.Count);
        Assert.All(failed, d =>
        {
            Assert.NotNull(d.Error);
            Assert.Empty(d.Chunks);
        });
        Assert.Equal("https://www.testtown.de/personalausweis", Top("Personalausweis beantragen").Url);
    }

    [Fact]
    public async Task Previous_good_version_stays_searchable_when_its_file_breaks()
    {
        await _host.IngestAsync(Token);
        _host.Content.Write("finanzen/hundesteuer.html", "<html><body><nav>nur Navigation</nav></body></html>");

        var report = await _host.IngestAsync(Token);

        Assert.Equal((3, 0, 0, 2, 0, 1), Counts(report));
        var document = (await Documents()).Single(d => d.Key == "finanzen/hundesteuer.html");
        Assert.Equal(DocumentStatus.Indexed, document.Status);
        Assert.NotNull(document.Error);
        Assert.NotEmpty(document.Chunks);
        Assert.Equal("https://www.testtown.de/finanzen/hundesteuer", Top("Hundesteuer").Url);
    }

    [Fact]
    public async Task Restoring_the_previous_good_version_clears_the_error()
    {
        await _host.IngestAsync(Token);
        var good = File.ReadAllBytes(_host.Content.Combine("finanzen", "hundesteuer.html"));
        _host.Content.Write("finanzen/hundesteuer.html", "<html><body></body></html>");
        await _host.IngestAsync(Token);
        Assert.NotNull((await Documents()).Single(d => d.Key == "finanzen/hundesteuer.html").Error);

        _host.Content.Write("finanzen/hundesteuer.html", good);
        var report = await _host.IngestAsync(Token);

        Assert.Equal(0, report.Failed);
        var document = (await Documents()).Single(d => d.Key == "finanzen/hundesteuer.html");
        Assert.Equal(DocumentStatus.Indexed, document.Status);
        Assert.True(document.Error is null, $"the file is good again, but the document still shows the error '{document.Error}'");
    }

    [Fact]
    public async Task Repaired_file_clears_the_error()
    {
        _host.Content.Write("umwelt/sperrmuell.md", "---\ntitle: Leer\n---\n");
        var first = await _host.IngestAsync(Token);
        Assert.Equal(1, first.Failed);

        _host.Content.Write("umwelt/sperrmuell.md", Sperrmuell);
        var second = await _host.IngestAsync(Token);

        Assert.Equal(0, second.Failed);
        var document = (await Documents()).Single(d => d.Key == "umwelt/sperrmuell.md");
        Assert.Equal(DocumentStatus.Indexed, document.Status);
        Assert.Null(document.Error);
        Assert.Equal("umwelt/sperrmuell.md", Top("Sperrmüll").Key);
    }

    [Fact]
    public async Task Vanished_failed_file_is_removed_too()
    {
        _host.Content.Write("kaputt.html", "<html><body></body></html>");
        await _host.IngestAsync(Token);
        File.Delete(_host.Content.Combine("kaputt.html"));

        var report = await _host.IngestAsync(Token);

        Assert.Equal(1, report.Removed);
        Assert.DoesNotContain(await Documents(), d => d.Key == "kaputt.html");
    }

    private static string HubPage() =>
        "<html><body><main><h1>Dienstleistungen A–Z</h1><ul>"
        + string.Concat(Enumerable.Range(1, 15).Select(i => $"<li><a href=\"/leistung-{i}\">Dienstleistung Nummer {i}</a></li>"))
        + "</ul></main></body></html>";

    [Fact]
    public async Task Navigation_page_is_skipped_without_an_error()
    {
        _host.Content.Write("a-z.html", HubPage());

        var report = await _host.IngestAsync(Token);

        Assert.Equal((4, 3, 0, 0, 0, 0), Counts(report));
        Assert.Equal(1, report.Skipped);
        Assert.Empty(report.Errors);
        Assert.DoesNotContain(await Documents(), d => d.Key == "a-z.html");
    }

    [Fact]
    public async Task Page_that_turns_into_a_navigation_page_is_removed()
    {
        await _host.IngestAsync(Token);
        _host.Content.Write("finanzen/hundesteuer.html", HubPage());

        var report = await _host.IngestAsync(Token);

        Assert.Equal(1, report.Skipped);
        Assert.Equal(1, report.Removed);
        Assert.Equal(0, report.Failed);
        Assert.DoesNotContain(await Documents(), d => d.Key == "finanzen/hundesteuer.html");
        Assert.DoesNotContain(_host.Search(Tenant, "Hundesteuer").Hits, h => h.Key == "finanzen/hundesteuer.html");
    }

    [Fact]
    public async Task Hidden_folders_and_other_file_types_are_ignored()
    {
        _host.Content.Write(".git/notiz.md", "# Intern\n\nGeheimer Entwurf.\n");
        _host.Content.Write(".entwurf.md", "# Entwurf\n\nGeheimer Entwurf.\n");
        _host.Content.Write("foto.jpg", "Geheimer Entwurf.");
        _host.Content.Write("archiv.zip", "Geheimer Entwurf.");

        var report = await _host.IngestAsync(Token);

        Assert.Equal(3, report.Seen);
        Assert.Equal(0, report.Failed);
        Assert.Empty(_host.Search(Tenant, "Geheimer Entwurf").Hits);
    }

    [Fact]
    public async Task Latin1_file_is_read_with_its_umlauts()
    {
        _host.Content.Write("alt.html", System.Text.Encoding.Latin1.GetBytes(
            "<html><body><main><h1>Grünschnitt</h1><p>Grünschnitt nimmt der Wertstoffhof kostenlos an.</p></main></body></html>"));

        await _host.IngestAsync(Token);

        var document = (await Documents()).Single(d => d.Key == "alt.html");
        Assert.Equal("Grünschnitt", document.Title);
    }

    [Fact]
    public async Task Missing_folder_is_an_error_of_the_whole_run()
    {
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => _host.IngestAsync(Tenant, _host.Content.Combine("gibt-es-nicht"), Token));
    }

    [Fact]
    public async Task Cancelled_run_leaves_database_and_index_as_they_were()
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var progress = new SynchronousProgress<IngestionProgress>(p =>
        {
            if (p.Processed == 2)
            {
                cancellation.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _host.IngestAsync(Tenant, _host.Content.Path, cancellation.Token, progress));

        Assert.Empty(await Documents());
        Assert.Empty(_host.Search(Tenant, "Personalausweis beantragen").Hits);

        var report = await _host.IngestAsync(Token);
        Assert.Equal(3, report.Added);
        Assert.Equal("https://www.testtown.de/personalausweis", Top("Personalausweis beantragen").Url);
    }

    [Fact]
    public async Task Progress_reports_every_file_and_the_end()
    {
        var reports = new List<IngestionProgress>();

        await _host.IngestAsync(Tenant, _host.Content.Path, Token, new SynchronousProgress<IngestionProgress>(reports.Add));

        Assert.Equal(
        [
            (3, 1, "buergerservice/personalausweis.md"),
            (3, 2, "finanzen/hundesteuer.html"),
            (3, 3, "umwelt/sperrmuell.md"),
            (3, 3, null),
        ], reports.Select(r => (r.Total, r.Processed, r.Current)));
        Assert.Equal(3, reports[^1].Report.Added);
    }

    [Fact]
    public async Task Rebuilding_the_index_from_the_database_restores_search()
    {
        await _host.IngestAsync(Token);

        var chunks = await _host.InTenantAsync(Tenant, async sp =>
        {
            sp.GetRequiredService<SearchIndexRegistry>().Get(Tenant).DeleteAll();
            return await sp.GetRequiredService<KnowledgeIngestor>().RebuildIndexAsync(Token);
        });

        Assert.Equal(await Count<Chunk>(_ => true), chunks);
        Assert.Equal("https://www.testtown.de/finanzen/hundesteuer", Top("Hundesteuer").Url);
    }

    [Fact]
    public async Task Same_folder_ingested_by_two_tenants_stays_separate()
    {
        await _host.IngestAsync(Token);
        using var other = new TempFolder();
        other.Write("katzen.md", "# Katzenschutz\n\nFreigänger-Katzen müssen kastriert werden.\n");

        var report = await _host.IngestAsync("andere-stadt", other.Path, Token);

        Assert.Equal(1, report.Added);
        Assert.Empty(_host.Search(Tenant, "Katzen kastrieren").Hits);
        Assert.DoesNotContain(_host.Search("andere-stadt", "Hundesteuer").Hits, h => h.Key.Contains("hundesteuer", StringComparison.Ordinal));
        Assert.Equal(3, (await Documents()).Count);
        Assert.Single(await _host.InTenantAsync("andere-stadt", sp => sp.GetRequiredService<StadtdialogDbContext>().Documents.ToListAsync(Token)));
    }

    private SearchHit Top(string question)
    {
        var result = _host.Search(Tenant, question);
        Assert.True(result.Hits.Count > 0, $"nothing found for '{question}'");
        return result.Hits[0];
    }

    private static (int Seen, int Added, int Updated, int Unchanged, int Removed, int Failed) Counts(IngestionReport r) =>
        (r.Seen, r.Added, r.Updated, r.Unchanged, r.Removed, r.Failed);

    private Task<List<Document>> Documents() => _host.InTenantAsync(Tenant, sp =>
        sp.GetRequiredService<StadtdialogDbContext>().Documents.AsNoTracking().Include(d => d.Chunks).ToListAsync(Token));

    private Task<int> Count<T>(System.Linq.Expressions.Expression<Func<T, bool>> predicate)
        where T : class => _host.InTenantAsync(Tenant, sp => sp.GetRequiredService<StadtdialogDbContext>().Set<T>().CountAsync(predicate, Token));

    /// <summary>Everything that an unchanged run must leave as it was.</summary>
    private async Task<string> Snapshot() => string.Join("\n", (await Documents()).OrderBy(d => d.Key, StringComparer.Ordinal).Select(d =>
        $"{d.Id} {d.Key} {d.Url} {d.Title} {d.ContentHash} {d.IngestedAt:O} {d.Status} {d.Error} "
        + string.Join(",", d.Chunks.OrderBy(c => c.Ordinal).Select(c => $"{c.Id}:{c.Ordinal}:{c.Section}:{c.Text.Length}"))));

}
