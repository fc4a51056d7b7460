using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Stadtdialog.Data;
using Stadtdialog.Server.Tests.Infrastructure;
using Stadtdialog.Tenancy;
using Stadtdialog.Tests;
using Xunit;

namespace Stadtdialog.Server.Tests.Scenarios;

/// <summary>
/// Editors manage a municipality's knowledge through the administration API: folder, upload, FAQ, event and catalogue
/// sources run as background jobs that editors follow under <c>/jobs</c>, and citizens get answers from what they
/// indexed. Each test works in a municipality of its own on one shared server (whose clock is a test clock).
/// </summary>
public sealed partial class KnowledgeSourcesTests(KnowledgeSourcesTests.KnowledgeServer fixture)
    : IClassFixture<KnowledgeSourcesTests.KnowledgeServer>
{
    private const string DogTaxUrl = "https://www.teststadt.example/finanzen/hundesteuer";
    private const string BulkyWasteUrl = "https://www.teststadt.example/abfall/sperrmuell";
    private const string LibraryUrl = "https://www.teststadt.example/kultur/stadtbibliothek";
    private const string DogTaxQuestion = "Wie hoch ist die Hundesteuer?";
    private const string BulkyWasteQuestion = "Wie melde ich Sperrmüll an?";
    private const string LibraryQuestion = "Wann hat die Stadtbibliothek geöffnet?";

    private const string DogTaxPage = $"""
        ---
        title: Hundesteuer
        url: {DogTaxUrl}
        description: Hund anmelden und Hundesteuer zahlen.
        ---
        # Hundesteuer

        Wer einen Hund hält, muss den Hund innerhalb von zwei Wochen bei der Steuerabteilung zur Hundesteuer
        anmelden. Die Hundesteuer beträgt 96 Euro im Jahr für den ersten Hund und 120 Euro für jeden weiteren Hund.

        ## Hund anmelden

        Die Anmeldung des Hundes zur Hundesteuer erfolgt mit dem Formular „Hundeanmeldung“ bei der Steuerabteilung.
        Nach der Anmeldung erhalten Sie eine Hundesteuermarke.
        """;

    private const string BulkyWastePage = $"""
        ---
        title: Sperrmüll
        url: {BulkyWasteUrl}
        description: Sperrmüll anmelden und abholen lassen.
        ---
        # Sperrmüll

        Sperrmüll wie Möbel, Matratzen und Teppiche holt der Abfallwirtschaftsbetrieb zweimal im Jahr kostenlos an
        Ihrer Haustür ab. Melden Sie die Sperrmüllabholung online oder telefonisch mindestens zwei Wochen vorher an.

        ## Was gehört nicht zum Sperrmüll?

        Elektrogeräte, Bauschutt und Autoreifen gehören nicht zum Sperrmüll. Bringen Sie diese zum Wertstoffhof.
        """;

    private const string LibraryPage = $"""
        ---
        title: Stadtbibliothek
        url: {LibraryUrl}
        description: Öffnungszeiten und Ausweis der Stadtbibliothek.
        ---
        # Stadtbibliothek

        Die Stadtbibliothek am Marktplatz ist dienstags bis freitags von 10 bis 18 Uhr und samstags von 10 bis
        14 Uhr geöffnet. Ein Jahresausweis für Erwachsene kostet 15 Euro, Kinder und Jugendliche leihen kostenlos aus.

        ## Medien ausleihen

        Bücher, Hörbücher und Filme leihen Sie für vier Wochen aus. Die Leihfrist können Sie zweimal online verlängern.
        """;

    private const string ResidentParkingFile = """
        # Bewohnerparkausweis

        Mit dem Bewohnerparkausweis parken Anwohnerinnen und Anwohner in ihrer Parkzone ohne Parkschein. Der
        Bewohnerparkausweis kostet 30,70 Euro im Jahr. Beantragen Sie ihn beim Ordnungsamt mit Fahrzeugschein und
        Meldebescheinigung.
        """;

    private const string DaycareFile = """
        # Kitaplatz anmelden

        Einen Kitaplatz melden Sie über das Kita-Portal der Stadt an, spätestens sechs Monate vor dem gewünschten
        Beginn. Die Platzvergabe erfolgt jedes Jahr im März durch das Jugendamt.
        """;

    private const string FaqQuestion = "Kann jemand anderes meinen Ausweis abholen?";
    private const string FaqAnswer =
        "Ja, mit einer schriftlichen Vollmacht, Ihrem alten Ausweis und dem Ausweis der bevollmächtigten Person. Den PIN-Brief geben Sie nicht weiter.";

    private static readonly ContactInfo Contact = new() { Name = "Bürgerbüro Teststadt", Phone = "03333 3333", Email = "post@teststadt.example" };

    private static readonly string[] PageKeys = ["abfall/sperrmuell.md", "finanzen/hundesteuer.md", "kultur/stadtbibliothek.md"];

    private StadtdialogFactory Server => fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // --- Access -----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Every_sources_and_jobs_endpoint_answers_401_without_a_key_and_with_a_wrong_key()
    {
        const string tenant = "ks-auth";
        await NewTenantAsync(tenant);
        var endpoints = Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw
                && (raw.StartsWith("/api/tenants/{tenant}/sources", StringComparison.Ordinal)
                    || raw.StartsWith("/api/tenants/{tenant}/jobs", StringComparison.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(method => (
                Method: method,
                Route: e.RoutePattern.RawText!,
                Multipart: e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.Contains("multipart/form-data") == true)))
            .ToList();
        Assert.True(endpoints.Count >= 10, $"Expected the sources and jobs endpoints, found: {string.Join(", ", endpoints)}");

        using var withoutKey = Server.CreateClient();
        using var wrongKey = Server.CreateClient();
        wrongKey.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-operator-key-0123456789ab");
        using var keyAsBasic = Server.CreateClient();
        keyAsBasic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"operator:{StadtdialogFactory.AdminKey}")));
        (HttpClient Client, string Case)[] callers = [(withoutKey, "without a key"), (wrongKey, "with a wrong key"), (keyAsBasic, "with the key as Basic credentials")];

        foreach (var (method, route, multipart) in endpoints)
        {
            var path = RouteParameter().Replace(route, m => m.Groups[1].Value == "tenant" ? tenant : Guid.NewGuid().ToString());
            foreach (var (client, @case) in callers)
            {
                // Each endpoint gets the body it accepts: the content type is checked while routing, before authorization.
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (multipart)
                {
                    request.Content = Multipart(("eingeschleust.md", Encoding.UTF8.GetBytes("# Eingeschleust\n\nText.")));
                }
                else if (method is "POST" or "PUT")
                {
                    request.Content = JsonContent.Create(new { name = "Eingeschleust", type = "folder", location = Server.AllowedFolder });
                }

                using var response = await client.SendAsync(request, Ct);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized,
                    await HttpAssertions.DescribeAsync(response, $"401 Unauthorized {@case} ({method} {route})"));
            }
        }

        Assert.Empty(await ListSourcesAsync(tenant));
    }

    [Fact]
    public async Task A_source_of_one_municipality_is_not_found_under_another()
    {
        const string owner = "ks-owner";
        const string other = "ks-other";
        await NewTenantAsync(owner);
        await NewTenantAsync(other);
        var folder = WritePages(Server.AllowedFolder, owner);
        var source = await Server.CreateSourceAsync(owner, new { name = "Stadtseiten", type = "folder", location = folder });
        var job = await Server.WaitForJobAsync(owner, source.LastJob!.Id);
        using var admin = Server.CreateAdminClient();
        var foreign = $"/api/tenants/{other}";

        (HttpMethod Method, string Path, Func<HttpContent?> Body)[] requests =
        [
            (HttpMethod.Get, $"{foreign}/sources/{source.Id}", () => null),
            (HttpMethod.Put, $"{foreign}/sources/{source.Id}",
                () => JsonContent.Create(new { name = "Gekapert", type = "folder", location = folder, runNow = true })),
            (HttpMethod.Delete, $"{foreign}/sources/{source.Id}", () => null),
            (HttpMethod.Post, $"{foreign}/sources/{source.Id}/refresh", () => null),
            (HttpMethod.Post, $"{foreign}/sources/{source.Id}/files", () => Multipart(("fremd.md", Encoding.UTF8.GetBytes("# Fremd\n\nFremder Text.")))),
            (HttpMethod.Get, $"{foreign}/sources/{source.Id}/documents", () => null),
            (HttpMethod.Get, $"{foreign}/sources/{source.Id}/jobs", () => null),
            (HttpMethod.Get, $"{foreign}/jobs/{job.Id}", () => null),
        ];
        foreach (var (method, path, body) in requests)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body() };
            using var response = await admin.SendAsync(request, Ct);
            await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        }

        Assert.Empty(await ListSourcesAsync(other));

        // The owner's source is untouched: same name, same documents, no further run.
        var unchanged = await GetSourceAsync(owner, source.Id);
        Assert.True(unchanged is { Name: "Stadtseiten", Documents.Indexed: 3 }, $"The owner's source changed: {unchanged}");
        Assert.Equal([job.Id], (await JobsAsync(owner, source.Id)).Select(j => j.Id));
    }

    [Fact]
    public async Task Folder_source_outside_the_allowed_folders_is_refused_with_a_validation_problem()
    {
        const string tenant = "ks-outside";
        await NewTenantAsync(tenant);
        var outside = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "stadtdialog-tests", "outside-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            WritePages(outside, "pages");
            string[] locations =
            [
                outside,
                Path.Combine(outside, "pages"),
                Path.Combine(Server.AllowedFolder, "..", Path.GetFileName(outside)), // climbs out of the allowed folder
                Server.AllowedFolder + "-nebenan",                                    // shares only the name's prefix
                Path.GetDirectoryName(Server.AllowedFolder)!,
                "/etc",
                "",
            ];
            using var admin = Server.CreateAdminClient();
            foreach (var location in locations)
            {
                using var response = await admin.PostAsJsonAsync($"/api/tenants/{tenant}/sources",
                    new { name = "Außerhalb", type = "folder", location }, Ct);
                var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
                Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty("location", out _),
                    $"Expected a validation error for 'location' ({location}). Problem: {problem}");
            }

            Assert.Empty(await ListSourcesAsync(tenant));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    // --- Folder sources ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task Folder_source_is_indexed_in_the_background_listed_and_answered_in_the_chat()
    {
        const string tenant = "ks-folder";
        await NewTenantAsync(tenant);
        var folder = WritePages(Server.AllowedFolder, tenant);

        var created = await Server.CreateSourceAsync(tenant, new { name = "Stadtseiten", type = "folder", location = folder });

        Assert.True(created is { Name: "Stadtseiten", Type: "folder", Enabled: true, RefreshMinutes: null, LastJob.Trigger: "manual" },
            $"Unexpected source: {created}");
        Assert.Equal(folder, created.Location);
        var job = await Server.WaitForJobAsync(tenant, created.LastJob.Id);
        Assert.True(job is { Status: "succeeded", Total: 3, Seen: 3, Added: 3, Updated: 0, Unchanged: 0, Removed: 0, Failed: 0, Skipped: 0, Errors.Count: 0 }
            && job.Chunks >= 3 && job.StartedAt is not null && job.FinishedAt >= job.StartedAt, $"Unexpected job: {job}");

        var documents = await DocumentsAsync(tenant, created.Id);
        Assert.Equal(3, documents.Total);
        Assert.Equal(PageKeys, documents.Items.Select(d => d.Key));
        Assert.Equal([BulkyWasteUrl, DogTaxUrl, LibraryUrl], documents.Items.Select(d => d.Url));
        Assert.All(documents.Items, d => Assert.True(d is { Status: "indexed", Kind: "page", Error: null }, $"Unexpected document: {documents}"));

        var source = await GetSourceAsync(tenant, created.Id);
        Assert.True(source is { Documents: { Indexed: 3, Failed: 0, NoText: 0 }, LastRunAt: not null } && source.LastJob?.Id == job.Id,
            $"Unexpected source after the run: {source}");
        Assert.Equal([created.Id], (await ListSourcesAsync(tenant)).Select(s => s.Id));

        var (_, dogTax) = await Server.AskNewAsync(tenant, DogTaxQuestion);
        AssertAnsweredFrom(dogTax, DogTaxUrl);
        Assert.Contains("96 Euro", dogTax.Text, StringComparison.Ordinal);
        var (_, bulkyWaste) = await Server.AskNewAsync(tenant, BulkyWasteQuestion);
        AssertAnsweredFrom(bulkyWaste, BulkyWasteUrl);
        var (_, library) = await Server.AskNewAsync(tenant, LibraryQuestion);
        AssertAnsweredFrom(library, LibraryUrl);
    }

    [Fact]
    public async Task Refresh_while_a_run_is_pending_returns_that_run_and_a_run_without_changes_changes_nothing()
    {
        const string tenant = "ks-refresh";
        await NewTenantAsync(tenant);

        // A large source keeps the municipality's ingestion busy (its jobs run one after the other), so that the run
        // of the second source is still pending while it is refreshed twice.
        var busy = await Server.CreateSourceAsync(tenant, new { name = "Archiv", type = "folder", location = WriteManyPages(tenant + "-archiv", 400) });
        var created = await Server.CreateSourceAsync(tenant, new { name = "Stadtseiten", type = "folder", location = WritePages(Server.AllowedFolder, tenant) });
        var first = await RefreshAsync(tenant, created.Id);
        var second = await RefreshAsync(tenant, created.Id);
        var busyState = await GetJobAsync(tenant, busy.LastJob!.Id);

        Assert.True(busyState.IsActive, $"The large source was done too early for this test to show anything; make it larger. {busyState}");
        Assert.True(first.Id == created.LastJob!.Id && second.Id == first.Id && second.IsActive,
            $"A refresh while a run is pending must return that run. Created: {created.LastJob}{Environment.NewLine}First: {first}{Environment.NewLine}Second: {second}");
        Assert.Single(await JobsAsync(tenant, created.Id));

        var done = await Server.WaitForJobAsync(tenant, first.Id, TimeSpan.FromMinutes(3));
        Assert.True(done is { Status: "succeeded", Added: 3, Failed: 0 }, $"Unexpected first run: {done}");
        await Server.WaitForJobAsync(tenant, busy.LastJob.Id, TimeSpan.FromMinutes(3));

        var again = await RefreshAsync(tenant, created.Id);
        Assert.NotEqual(first.Id, again.Id);
        var unchanged = await Server.WaitForJobAsync(tenant, again.Id);
        Assert.True(unchanged is { Status: "succeeded", Trigger: "manual", Seen: 3, Unchanged: 3, Added: 0, Updated: 0, Removed: 0, Failed: 0, Chunks: 0 },
            $"A run over unchanged files must change nothing: {unchanged}");
        Assert.Equal(3, (await DocumentsAsync(tenant, created.Id)).Total);
        Assert.Equal([again.Id, first.Id], (await JobsAsync(tenant, created.Id)).Select(j => j.Id));
        var (_, answer) = await Server.AskNewAsync(tenant, BulkyWasteQuestion);
        AssertAnsweredFrom(answer, BulkyWasteUrl);
    }

    [Fact]
    public async Task Concurrent_refreshes_of_one_source_start_one_run()
    {
        const string tenant = "ks-concurrent";
        await NewTenantAsync(tenant);
        var busy = await Server.CreateSourceAsync(tenant, new { name = "Archiv", type = "folder", location = WriteManyPages(tenant + "-archiv", 400) });
        var created = await Server.CreateSourceAsync(tenant,
            new { name = "Stadtseiten", type = "folder", location = WritePages(Server.AllowedFolder, tenant), runNow = false });

        // An impatient editor (or a double click): several "run now" at the same moment.
        var jobs = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => RefreshAsync(tenant, created.Id)));

        Assert.True(jobs.Select(j => j.Id).Distinct().Count() == 1,
            $"Concurrent refreshes started {jobs.Select(j => j.Id).Distinct().Count()} runs: {string.Join(", ", jobs.Select(j => j.Id))}");
        Assert.Single(await JobsAsync(tenant, created.Id));
        foreach (var id in jobs.Select(j => j.Id).Append(busy.LastJob!.Id).Distinct())
        {
            await Server.WaitForJobAsync(tenant, id, TimeSpan.FromMinutes(3));
        }
    }

    [Fact]
    public async Task A_changed_file_is_indexed_anew_and_a_deleted_file_is_removed()
    {
        const string tenant = "ks-change";
        await NewTenantAsync(tenant);
        var folder = WritePages(Server.AllowedFolder, tenant);
        var created = await Server.CreateSourceAsync(tenant, new { name = "Stadtseiten", type = "folder", location = folder });
        await Server.WaitForJobAsync(tenant, created.LastJob!.Id);
        var (_, before) = await Server.AskNewAsync(tenant, DogTaxQuestion);
        Assert.Contains("96 Euro", before.Text, StringComparison.Ordinal);

        await File.WriteAllTextAsync(Path.Combine(folder, "finanzen", "hundesteuer.md"), DogTaxPage.Replace("96 Euro", "108 Euro", StringComparison.Ordinal), Ct);
        var changed = await Server.WaitForJobAsync(tenant, (await RefreshAsync(tenant, created.Id)).Id);

        Assert.True(changed is { Status: "succeeded", Seen: 3, Updated: 1, Unchanged: 2, Added: 0, Removed: 0, Failed: 0 } && changed.Chunks > 0,
            $"Unexpected run after the change: {changed}");
        var (_, after) = await Server.AskNewAsync(tenant, DogTaxQuestion);
        AssertAnsweredFrom(after, DogTaxUrl);
        Assert.Contains("108 Euro", after.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("96 Euro", after.Raw, StringComparison.Ordinal);

        File.Delete(Path.Combine(folder, "kultur", "stadtbibliothek.md"));
        var removed = await Server.WaitForJobAsync(tenant, (await RefreshAsync(tenant, created.Id)).Id);

        Assert.True(removed is { Status: "succeeded", Seen: 2, Removed: 1, Unchanged: 2, Added: 0, Updated: 0, Failed: 0 },
            $"Unexpected run after the deletion: {removed}");
        var documents = await DocumentsAsync(tenant, created.Id);
        Assert.Equal(["abfall/sperrmuell.md", "finanzen/hundesteuer.md"], documents.Items.Select(d => d.Key));
        var (_, library) = await Server.AskNewAsync(tenant, LibraryQuestion);
        Assert.DoesNotContain(library.Citations, c => c.Url == LibraryUrl);
        Assert.DoesNotContain("10 bis 18 Uhr", library.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Broken_files_fail_one_by_one_with_their_errors_and_the_other_files_are_answered()
    {
        const string tenant = "ks-broken";
        await NewTenantAsync(tenant);
        var folder = WritePages(Server.AllowedFolder, tenant);
        var garbage = new byte[4096];
        new Random(4711).NextBytes(garbage);
        garbage[100] = 0; // binary for sure
        await File.WriteAllBytesAsync(Path.Combine(folder, "kaputt.html"), garbage, Ct);
        var huge = new StringBuilder("# Riesig\n\n");
        while (huge.Length <= KnowledgeServer.MaxTextBytes)
        {
            huge.Append("Dieser Absatz ist nur da, um die Datei über die erlaubte Größe für Textdateien zu bringen. ");
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "riesig.md"), huge.ToString(), Ct);

        var created = await Server.CreateSourceAsync(tenant, new { name = "Stadtseiten", type = "folder", location = folder });
        var job = await Server.WaitForJobAsync(tenant, created.LastJob!.Id);

        Assert.True(job is { Status: "succeeded", Seen: 5, Added: 3, Failed: 2 }, $"Unexpected job: {job}");
        Assert.Equal(["kaputt.html", "riesig.md"], job.Errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.All(job.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message), $"An error without a message: {job}"));

        var failed = await DocumentsAsync(tenant, created.Id, "failed");
        Assert.Equal(2, failed.Total);
        Assert.Equal(["kaputt.html", "riesig.md"], failed.Items.Select(d => d.Key));
        Assert.All(failed.Items, d => Assert.True(d.Status == "failed" && !string.IsNullOrWhiteSpace(d.Error), $"Unexpected failed documents: {failed}"));
        Assert.Equal(2, (await DocumentsAsync(tenant, created.Id, "Failed")).Total); // as the enum is named, too
        Assert.Equal(3, (await DocumentsAsync(tenant, created.Id, "indexed")).Total);
        var source = await GetSourceAsync(tenant, created.Id);
        Assert.True(source.Documents is { Indexed: 3, Failed: 2 }, $"Unexpected counts: {source}");

        var (_, answer) = await Server.AskNewAsync(tenant, DogTaxQuestion);
        AssertAnsweredFrom(answer, DogTaxUrl);
    }

    // --- Upload sources ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task Upload_source_indexes_the_uploaded_files_answers_from_them_and_deletes_them_with_the_source()
    {
        const string tenant = "ks-upload";
        const string publicBase = "https://www.teststadt.example/dokumente";
        await NewTenantAsync(tenant);
        var created = await Server.CreateSourceAsync(tenant, new { name = "Dokumente", type = "upload", settings = new { publicBaseUrl = publicBase } });
        Assert.True(created is { Type: "upload", LastJob: null } && created.Location.StartsWith("upload:", StringComparison.Ordinal),
            $"An upload source starts empty, without a run: {created}");

        using var response = await Server.UploadAsync(tenant, created.Id,
            ("bewohnerparken.md", Encoding.UTF8.GetBytes(ResidentParkingFile)), ("kita-anmeldung.md", Encoding.UTF8.GetBytes(DaycareFile)));

        await response.ShouldHaveStatusAsync(HttpStatusCode.Accepted);
        var queued = await response.ReadJsonAsync<WireJob>();
        Assert.Equal($"/api/tenants/{tenant}/jobs/{queued.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal("upload", queued.Trigger);
        var job = await Server.WaitForJobAsync(tenant, queued.Id);
        Assert.True(job is { Status: "succeeded", Seen: 2, Added: 2, Failed: 0 }, $"Unexpected job: {job}");
        var documents = await DocumentsAsync(tenant, created.Id);
        Assert.Equal(["bewohnerparken.md", "kita-anmeldung.md"], documents.Items.Select(d => d.Key));

        var (_, parking) = await Server.AskNewAsync(tenant, "Was kostet ein Bewohnerparkausweis?");
        AssertAnsweredFrom(parking, $"{publicBase}/bewohnerparken.md");
        Assert.Contains("30,70 Euro", parking.Text, StringComparison.Ordinal);
        var (_, daycare) = await Server.AskNewAsync(tenant, "Wie melde ich einen Kitaplatz an?");
        AssertAnsweredFrom(daycare, $"{publicBase}/kita-anmeldung.md");

        var uploads = Path.Combine(Server.DataDirectory, "uploads", tenant, created.Id.ToString("N"));
        Assert.True(Directory.Exists(uploads), $"The uploaded files are not kept in {uploads}.");
        using var admin = Server.CreateAdminClient();
        using var deleted = await admin.DeleteAsync($"/api/tenants/{tenant}/sources/{created.Id}", Ct);
        await deleted.ShouldHaveStatusAsync(HttpStatusCode.NoContent);
        Assert.False(Directory.Exists(uploads), $"The uploaded files of a deleted source are still in {uploads}.");
    }

    [Fact]
    public async Task Upload_of_an_unsupported_file_type_or_into_a_folder_source_is_refused()
    {
        const string tenant = "ks-upload-refused";
        await NewTenantAsync(tenant);
        var upload = await Server.CreateSourceAsync(tenant, new { name = "Dokumente", type = "upload" });

        using (var response = await Server.UploadAsync(tenant, upload.Id,
            ("setup.exe", [0x4D, 0x5A, 0x90, 0x00, 0x03]), ("ok.md", Encoding.UTF8.GetBytes(DaycareFile))))
        {
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty("setup.exe", out _),
                $"Expected a validation error for setup.exe. Problem: {problem}");
        }

        // Nothing of a refused upload is stored or run, not even the acceptable file beside it.
        Assert.Empty(await JobsAsync(tenant, upload.Id));
        Assert.False(Directory.Exists(Path.Combine(Server.DataDirectory, "uploads", tenant, upload.Id.ToString("N"))),
            "A refused upload left files behind.");

        var folder = await Server.CreateSourceAsync(tenant, new { name = "Ordner", type = "folder", location = WritePages(Server.AllowedFolder, tenant), runNow = false });
        using (var response = await Server.UploadAsync(tenant, folder.Id, ("neu.md", Encoding.UTF8.GetBytes(DaycareFile))))
        {
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty("source", out _),
                $"Expected a validation error for the source. Problem: {problem}");
        }

        Assert.False(File.Exists(Path.Combine(folder.Location, "neu.md")), "An upload was written into a folder source.");
    }

    // --- Deleting ---------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Deleted_source_is_gone_with_everything_it_indexed_but_its_folder_stays()
    {
        const string tenant = "ks-delete";
        await NewTenantAsync(tenant);
        var folder = WritePages(Server.AllowedFolder, tenant);
        var created = await Server.CreateSourceAsync(tenant, new { name = "Stadtseiten", type = "folder", location = folder });
        var job = await Server.WaitForJobAsync(tenant, created.LastJob!.Id);
        var (_, before) = await Server.AskNewAsync(tenant, BulkyWasteQuestion);
        AssertAnsweredFrom(before, BulkyWasteUrl);

        using var admin = Server.CreateAdminClient();
        using (var response = await admin.DeleteAsync($"/api/tenants/{tenant}/sources/{created.Id}", Ct))
        {
            await response.ShouldHaveStatusAsync(HttpStatusCode.NoContent);
        }

        using (var response = await admin.GetAsync($"/api/tenants/{tenant}/sources/{created.Id}", Ct))
        {
            await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        }

        using (var response = await admin.GetAsync($"/api/tenants/{tenant}/jobs/{job.Id}", Ct))
        {
            await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        }

        Assert.Empty(await ListSourcesAsync(tenant));
        var (_, after) = await Server.AskNewAsync(tenant, BulkyWasteQuestion);
        Assert.True(after.Done.AnswerType == "fallback", $"The municipality has no knowledge left and must fall back. Stream:\n{after}");
        Assert.Empty(after.Citations);
        Assert.DoesNotContain("zweimal im Jahr", after.Text, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "abfall", "sperrmuell.md")), "Deleting a folder source must not delete the editor's files.");
    }

    // --- Scheduled refresh ------------------------------------------------------------------------------------------

    [Fact]
    public async Task Source_with_a_refresh_interval_is_run_again_by_the_scheduler_when_it_is_due()
    {
        const string tenant = "ks-schedule";
        await NewTenantAsync(tenant);
        var created = await Server.CreateSourceAsync(tenant,
            new { name = "Stadtseiten", type = "folder", location = WritePages(Server.AllowedFolder, tenant), refreshMinutes = 5 });
        Assert.True(created is { RefreshMinutes: 5, NextRunAt: not null }, $"Unexpected source: {created}");
        var manual = await Server.WaitForJobAsync(tenant, created.LastJob!.Id);
        Assert.True(manual is { Status: "succeeded", Added: 3 }, $"Unexpected first run: {manual}");
        var planned = (await GetSourceAsync(tenant, created.Id)).NextRunAt;
        Assert.True(planned > manual.FinishedAt, $"The next run must be planned after the first ({planned}, first finished {manual.FinishedAt}).");

        fixture.Clock.Advance(TimeSpan.FromMinutes(6));

        var scheduled = await WaitForAsync(async () => (await JobsAsync(tenant, created.Id)).FirstOrDefault(j => j.Trigger == "scheduled"),
            TimeSpan.FromSeconds(20), "a scheduled run after the refresh interval");
        var done = await Server.WaitForJobAsync(tenant, scheduled.Id);
        Assert.True(done is { Status: "succeeded", Trigger: "scheduled", Unchanged: 3, Added: 0, Failed: 0 }, $"Unexpected scheduled run: {done}");
        var replanned = (await GetSourceAsync(tenant, created.Id)).NextRunAt;
        Assert.True(replanned > done.FinishedAt && replanned > planned, $"The run after the scheduled one is not planned ({replanned}).");
        Assert.Equal(2, (await JobsAsync(tenant, created.Id)).Count);
    }

    // --- FAQ tables, event feeds, data catalogues (files in the allowed folder) ------------------------------------

    [Fact]
    public async Task Faq_table_is_indexed_row_by_row_and_answered_with_the_curated_answer()
    {
        const string tenant = "ks-faq";
        await NewTenantAsync(tenant);
        var file = CopySharedData(Path.Combine("faq", "buergerservice-faq.csv"), tenant);

        var created = await Server.CreateSourceAsync(tenant, new { name = "FAQ Bürgerservice", type = "faq", location = file });
        var job = await Server.WaitForJobAsync(tenant, created.LastJob!.Id);

        Assert.True(job is { Status: "succeeded", Seen: 1, Added: 8, Failed: 0 }, $"Unexpected job: {job}");
        var documents = await DocumentsAsync(tenant, created.Id);
        Assert.Equal(8, documents.Total);
        Assert.All(documents.Items, d => Assert.True(d is { Kind: "faq", Status: "indexed" }, $"Unexpected documents: {documents}"));
        Assert.Contains(documents.Items, d => d.Title.Contains(FaqQuestion, StringComparison.Ordinal));

        var (_, answer) = await Server.AskNewAsync(tenant, FaqQuestion);
        Assert.True(answer.Done.AnswerType == "faq", $"Expected the curated answer. Stream:\n{answer}");
        AssertAnsweredFrom(answer, "https://www.musterstadt.example/buergerservice/personalausweis");
        Assert.Contains(FaqAnswer, answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Event_feed_is_indexed_event_by_event_and_answered()
    {
        const string tenant = "ks-events";
        await NewTenantAsync(tenant);
        var file = CopySharedData(Path.Combine("events", "veranstaltungen.ics"), tenant);

        var created = await Server.CreateSourceAsync(tenant, new { name = "Veranstaltungen", type = "events", location = file });
        var job = await Server.WaitForJobAsync(tenant, created.LastJob!.Id);

        // On the server's date (20 November 2026) all six events of the feed lie ahead; recurring ones are one document.
        Assert.True(job is { Status: "succeeded", Seen: 1, Added: 6, Failed: 0 }, $"Unexpected job: {job}");
        var documents = await DocumentsAsync(tenant, created.Id);
        Assert.Equal(6, documents.Total);
        Assert.All(documents.Items, d => Assert.True(d is { Kind: "event", Status: "indexed", ExpiresAt: not null }, $"Unexpected documents: {documents}"));
        Assert.Contains(documents.Items, d => d.Title.Contains("Weihnachtsmarkt", StringComparison.Ordinal));

        var (_, answer) = await Server.AskNewAsync(tenant, "Wann ist der Weihnachtsmarkt?");
        AssertAnsweredFrom(answer, "https://www.musterstadt.example/aktuelles/weihnachtsmarkt-2026");
    }

    [Fact]
    public async Task Open_data_catalogue_is_indexed_dataset_by_dataset_and_cited()
    {
        const string tenant = "ks-catalogue";
        await NewTenantAsync(tenant);
        var file = CopySharedData(Path.Combine("urban-data", "dcat-ap-catalogue.jsonld"), tenant);

        var created = await Server.CreateSourceAsync(tenant, new { name = "Urbane Datenplattform", type = "catalogue", location = file });
        var job = await Server.WaitForJobAsync(tenant, created.LastJob!.Id);

        Assert.True(job is { Status: "succeeded", Seen: 1, Added: 5, Failed: 0 }, $"Unexpected job: {job}");
        var documents = await DocumentsAsync(tenant, created.Id);
        Assert.Equal(5, documents.Total);
        Assert.All(documents.Items, d => Assert.True(d is { Kind: "dataset", Status: "indexed" }, $"Unexpected documents: {documents}"));

        var (_, answer) = await Server.AskNewAsync(tenant, "Gibt es Daten zu Bäumen in der Stadt?");
        Assert.True(answer.Done.AnswerType == "retrieval", $"Expected an answer from the catalogue. Stream:\n{answer}");
        Assert.True(answer.Citations.Any(c => c.Title.Contains("Baumkataster", StringComparison.Ordinal)
                || c.Url.Contains("baumkataster", StringComparison.OrdinalIgnoreCase)),
            $"Expected the Baumkataster dataset among the sources. Stream:\n{answer}");
    }

    // --- Sources fetched over HTTP (loopback test servers) ----------------------------------------------------------

    [Fact]
    public async Task Website_is_crawled_from_its_start_page_answered_with_canonical_urls_and_revisited_with_conditional_requests()
    {
        const string tenant = "ks-website";
        await NewTenantAsync(tenant);
        await using var site = await LoopbackSite.StartAsync(Path.Combine(RepositoryPaths.SharedData, "musterstadt-site"), cancellationToken: TestContext.Current.CancellationToken);

        var created = await Server.CreateSourceAsync(tenant, new
        {
            name = "Website Musterstadt", type = "website", location = site.BaseUrl.ToString(),
            settings = new { requestDelayMilliseconds = 0, maxConcurrency = 4 },
        });
        var job = await Server.WaitForJobAsync(tenant, created.LastJob!.Id, TimeSpan.FromMinutes(3));

        // 49 pages; the start page "Dienstleistungen A–Z" is a navigation page (skipped); dead links are no failures.
        Assert.True(job is { Status: "succeeded", Added: 49, Failed: 0 } && job.Skipped >= 1, $"Unexpected job: {job}");
        var documents = await DocumentsAsync(tenant, created.Id);
        Assert.Equal(49, documents.Total);
        Assert.All(documents.Items, d => Assert.StartsWith("https://www.musterstadt.example/", d.Url, StringComparison.Ordinal));
        var (_, answer) = await Server.AskNewAsync(tenant, "Wie beantrage ich einen neuen Personalausweis?");
        AssertAnsweredFrom(answer, "https://www.musterstadt.example/buergerservice/personalausweis");

        var firstRunRequests = site.Requests.Count;
        var again = await Server.WaitForJobAsync(tenant, (await RefreshAsync(tenant, created.Id)).Id, TimeSpan.FromMinutes(3));

        Assert.True(again is { Status: "succeeded", Unchanged: 49, Added: 0, Updated: 0, Removed: 0, Failed: 0 }, $"Unexpected second run: {again}");
        var secondRun = site.Requests.Skip(firstRunRequests).ToList();
        Assert.True(secondRun.Any(r => r is { StatusCode: 304, IfNoneMatch: not null } or { StatusCode: 304, IfModifiedSince: not null }),
            $"The second run sent no conditional request that was answered with 304: {string.Join(", ", secondRun.Take(20))}");
    }

    [Fact]
    public async Task Event_feed_from_a_url_is_fetched_again_only_when_it_changed()
    {
        const string tenant = "ks-feed-url";
        await NewTenantAsync(tenant);
        await using var site = await LoopbackSite.StartAsync(Path.Combine(RepositoryPaths.SharedData, "events"), cancellationToken: TestContext.Current.CancellationToken);

        var created = await Server.CreateSourceAsync(tenant, new { name = "Veranstaltungen", type = "events", location = site.Url("veranstaltungen.ics").ToString() });
        var job = await Server.WaitForJobAsync(tenant, created.LastJob!.Id);

        Assert.True(job is { Status: "succeeded", Seen: 1, Added: 6, Failed: 0 }, $"Unexpected job: {job}");
        var firstRunRequests = site.Requests.Count;
        var again = await Server.WaitForJobAsync(tenant, (await RefreshAsync(tenant, created.Id)).Id);
        Assert.True(again is { Status: "succeeded", Unchanged: 6, Added: 0, Updated: 0, Removed: 0, Failed: 0 }, $"Unexpected second run: {again}");
        var secondRun = site.Requests.Skip(firstRunRequests).Where(r => r.Path == "/veranstaltungen.ics").ToList();
        Assert.True(secondRun is [{ StatusCode: 304, IfNoneMatch: not null } or { StatusCode: 304, IfModifiedSince: not null }],
            $"Expected one conditional request answered with 304 on the second run: {string.Join(", ", site.Requests)}");
        Assert.Equal(6, (await DocumentsAsync(tenant, created.Id)).Total);
    }

    [Fact]
    public async Task Feed_on_a_private_network_address_is_not_fetched_unless_the_operator_allows_it()
    {
        const string tenant = "ks-private";
        await using var site = await LoopbackSite.StartAsync(Path.Combine(RepositoryPaths.SharedData, "events"), cancellationToken: TestContext.Current.CancellationToken);
        await using var strict = new StadtdialogFactory
        {
            DemoEnabled = false,
            Settings = new Dictionary<string, string?> { ["Stadtdialog:Knowledge:Http:AllowPrivateNetworks"] = "false" },
        };
        await strict.CreateEmptyTenantAsync(tenant, "Teststadt strikt", Contact);

        var created = await strict.CreateSourceAsync(tenant, new { name = "Intern", type = "events", location = site.Url("veranstaltungen.ics").ToString() });
        var job = await strict.WaitForJobAsync(tenant, created.LastJob!.Id);

        Assert.True(job is { Status: "failed", Added: 0 } && !string.IsNullOrWhiteSpace(job.Error), $"A loopback address must be refused: {job}");
        Assert.Empty(site.Requests);
    }

    // --- Restart ----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task After_a_restart_a_job_left_running_has_failed_and_a_job_left_queued_runs()
    {
        const string tenant = "ks-restart";
        var data = Path.Combine(Path.GetTempPath(), "stadtdialog-tests", Guid.NewGuid().ToString("N"));
        var allowed = data + "-sources";
        try
        {
            WireSource running, queued;
            Guid runningJob, queuedJob;
            await using (var first = new StadtdialogFactory { DataDirectory = data, AllowedFolder = allowed, KeepData = true, DemoEnabled = false })
            {
                await first.CreateEmptyTenantAsync(tenant, "Stadt Neustart", Contact);
                running = await first.CreateSourceAsync(tenant, new { name = "A", type = "folder", location = WritePages(allowed, "a") });
                await first.WaitForJobAsync(tenant, running.LastJob!.Id); // the worker is past its start-up recovery now
                queued = await first.CreateSourceAsync(tenant, new { name = "B", type = "folder", location = WritePages(allowed, "b"), runNow = false });

                // What a killed process leaves behind: a job marked running, another one queued only in the database.
                await using var scope = first.Services.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
                var db = scope.ServiceProvider.GetRequiredService<StadtdialogDbContext>();
                var now = TimeProvider.System.GetUtcNow();
                runningJob = Guid.CreateVersion7(now);
                queuedJob = Guid.CreateVersion7(now);
                db.IngestionJobs.Add(new IngestionJob
                {
                    Id = runningJob, SourceId = running.Id, Trigger = JobTrigger.Manual, Status = JobStatus.Running, QueuedAt = now,
                    StartedAt = now, Seen = 1, Current = "finanzen/hundesteuer.md",
                });
                db.IngestionJobs.Add(new IngestionJob { Id = queuedJob, SourceId = queued.Id, Trigger = JobTrigger.Manual, Status = JobStatus.Queued, QueuedAt = now });
                await db.SaveChangesAsync(Ct);
            }

            await using var second = new StadtdialogFactory { DataDirectory = data, AllowedFolder = allowed, DemoEnabled = false };

            var failed = await second.WaitForJobAsync(tenant, runningJob);
            Assert.True(failed is { Status: "failed", FinishedAt: not null } && !string.IsNullOrWhiteSpace(failed.Error),
                $"A job the stopped server left running must be marked failed: {failed}");
            var ran = await second.WaitForJobAsync(tenant, queuedJob);
            Assert.True(ran is { Status: "succeeded", Added: 3 }, $"A job left queued must run after the restart: {ran}");

            // The stale job no longer blocks the source: a refresh starts a new run.
            using var admin = second.CreateAdminClient();
            using var response = await admin.PostAsync($"/api/tenants/{tenant}/sources/{running.Id}/refresh", null, Ct);
            await response.ShouldHaveStatusAsync(HttpStatusCode.Accepted);
            var refresh = await response.ReadJsonAsync<WireJob>();
            Assert.NotEqual(runningJob, refresh.Id);
            var refreshed = await second.WaitForJobAsync(tenant, refresh.Id);
            Assert.True(refreshed is { Status: "succeeded", Unchanged: 3 }, $"Unexpected run after the restart: {refreshed}");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var folder in new[] { data, allowed })
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        }
    }

    // --- Helpers ----------------------------------------------------------------------------------------------------

    private Task NewTenantAsync(string id) => Server.CreateEmptyTenantAsync(id, $"Teststadt {id}", Contact);

    /// <summary>Writes the three test pages (Markdown with front matter) into <c>root/name</c>; returns that folder.</summary>
    private static string WritePages(string root, string name)
    {
        var folder = Path.Combine(root, name);
        Write(Path.Combine(folder, "finanzen", "hundesteuer.md"), DogTaxPage);
        Write(Path.Combine(folder, "abfall", "sperrmuell.md"), BulkyWastePage);
        Write(Path.Combine(folder, "kultur", "stadtbibliothek.md"), LibraryPage);
        return folder;

        static void Write(string path, string text)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
    }

    /// <summary>Writes <paramref name="count"/> distinct archive pages into a folder of the allowed folder.</summary>
    private string WriteManyPages(string name, int count)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Server.AllowedFolder, name)).FullName;
        for (var i = 0; i < count; i++)
        {
            var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"# Archivbestand {i}\n\n");
            for (var paragraph = 0; paragraph < 6; paragraph++)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"Der Bestand {i}-{paragraph} des Stadtarchivs umfasst Akten, Karten und Fotografien aus dem Jahr {1850 + i}. ")
                    .Append(CultureInfo.InvariantCulture, $"Einsicht nehmen Sie nach Anmeldung im Lesesaal, Signatur A-{i:0000}-{paragraph}.\n\n");
            }

            File.WriteAllText(Path.Combine(folder, $"bestand-{i:0000}.md"), text.ToString());
        }

        return folder;
    }

    /// <summary>Copies a file of the shared test data into a folder of the allowed folder; returns the copy's path.</summary>
    private string CopySharedData(string relativePath, string name)
    {
        var source = Path.Combine(RepositoryPaths.SharedData, relativePath);
        Assert.True(File.Exists(source), $"The shared test data file {source} is missing (see ../shared/data/README.md).");
        var target = Path.Combine(Directory.CreateDirectory(Path.Combine(Server.AllowedFolder, name)).FullName, Path.GetFileName(source));
        File.Copy(source, target, overwrite: true);
        return target;
    }

    private static MultipartFormDataContent Multipart(params (string Name, byte[] Content)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, content) in files)
        {
            form.Add(new ByteArrayContent(content), "files", name);
        }

        return form;
    }

    private async Task<T> GetJsonAsync<T>(string path)
        where T : class
    {
        using var admin = Server.CreateAdminClient();
        using var response = await (await admin.GetAsync(path, Ct)).EnsureSuccessWithBodyAsync();
        return await response.ReadJsonAsync<T>();
    }

    private Task<List<WireSource>> ListSourcesAsync(string tenant) => GetJsonAsync<List<WireSource>>($"/api/tenants/{tenant}/sources");

    private Task<WireSource> GetSourceAsync(string tenant, Guid id) => GetJsonAsync<WireSource>($"/api/tenants/{tenant}/sources/{id}");

    private Task<WireJob> GetJobAsync(string tenant, Guid id) => GetJsonAsync<WireJob>($"/api/tenants/{tenant}/jobs/{id}");

    private Task<List<WireJob>> JobsAsync(string tenant, Guid sourceId) => GetJsonAsync<List<WireJob>>($"/api/tenants/{tenant}/sources/{sourceId}/jobs");

    private Task<WireDocumentPage> DocumentsAsync(string tenant, Guid sourceId, string? status = null) =>
        GetJsonAsync<WireDocumentPage>($"/api/tenants/{tenant}/sources/{sourceId}/documents{(status is null ? "" : "?status=" + status)}");

    /// <summary>Asks for a run now; expects 202 Accepted with the job's address.</summary>
    private async Task<WireJob> RefreshAsync(string tenant, Guid sourceId)
    {
        using var admin = Server.CreateAdminClient();
        using var response = await admin.PostAsync($"/api/tenants/{tenant}/sources/{sourceId}/refresh", null, Ct);
        await response.ShouldHaveStatusAsync(HttpStatusCode.Accepted);
        var job = await response.ReadJsonAsync<WireJob>();
        Assert.Equal($"/api/tenants/{tenant}/jobs/{job.Id}", response.Headers.Location?.OriginalString);
        return job;
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
        where T : class
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (TimeProvider.System.GetTimestamp() < deadline)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail($"Waited {timeout.TotalSeconds:0} s for {what} in vain.");
        return null!;
    }

    private static void AssertAnsweredFrom(StreamedAnswer answer, string url)
    {
        Assert.True(answer.Done.AnswerType is "retrieval" or "faq", $"Expected an answer from the sources. Stream:\n{answer}");
        Assert.True(answer.Citations.Any(c => c.Url == url), $"Expected {url} among the sources. Stream:\n{answer}");
    }

    [GeneratedRegex(@"\{(\w+)(?::[^}]*)?\}")]
    private static partial Regex RouteParameter();

    /// <summary>
    /// One server for the class, without the demo municipality, with a small text size limit and a clock that starts
    /// on 20 November 2026 (the shared event feed's events lie ahead) and that the scheduler test moves forward.
    /// </summary>
    public sealed class KnowledgeServer : IAsyncLifetime
    {
        public const int MaxTextBytes = 16 * 1024;

        public KnowledgeServer() => Server = new StadtdialogFactory
        {
            DemoEnabled = false,
            Settings = new Dictionary<string, string?>
            {
                ["Stadtdialog:Knowledge:Limits:MaxTextBytes"] = MaxTextBytes.ToString(CultureInfo.InvariantCulture),
            },
            ConfigureTestServices = services => services.AddSingleton<TimeProvider>(Clock),
        };

        public TestClock Clock { get; } = new(new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero));

        public StadtdialogFactory Server { get; }

        public ValueTask InitializeAsync()
        {
            _ = Server.Services; // starts the server
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}
