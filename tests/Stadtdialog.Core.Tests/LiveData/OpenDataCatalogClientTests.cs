using System.Text;
using Microsoft.AspNetCore.Http;
using Stadtdialog.LiveData;
using Stadtdialog.LiveData.Catalogues;
using Stadtdialog.Tests;
using Xunit;

namespace Stadtdialog.Core.Tests.LiveData;

/// <summary>
/// The live catalogue client and the distribution reader against a real loopback server: the CKAN fixture of the
/// shared test data, a constructed piveau hub-search answer (see LiveData/Fixtures/README.md) and small files.
/// </summary>
public sealed class OpenDataCatalogClientTests : IAsyncLifetime
{
    private const string PackageSearch = "/api/3/action/package_search";

    private readonly HttpClient _http = new();
    private LoopbackSite _site = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string CkanFixture => File.ReadAllText(Path.Combine(RepositoryPaths.SharedData, "urban-data", "ckan-package_search.json"));

    private static string PiveauFixture => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "LiveData", "Fixtures", "piveau-hub-search.json"));

    public async ValueTask InitializeAsync() => _site = await LoopbackSite.StartAsync(cancellationToken: Token);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _site.DisposeAsync();
    }

    private OpenDataCatalogClient Ckan() => new(_http, _site.BaseUrl, CatalogueApi.Ckan);

    [Fact]
    public async Task Ckan_search_returns_datasets_with_distributions()
    {
        _site.SetPage(PackageSearch, CkanFixture, "application/json; charset=utf-8");

        var datasets = await Ckan().SearchDatasetsAsync("Bäume", cancellationToken: Token);

        Assert.Equal(5, datasets.Count);
        var trees = datasets[0];
        Assert.Equal("0b7c23299964-1a2b-4c3d-9e8f-420594017400", trees.Id);
        Assert.Equal("Baumkataster Musterstadt", trees.Title);
        Assert.StartsWith("Alle Straßen- und Parkbäume", trees.Description, StringComparison.Ordinal);
        Assert.Equal(new Uri(_site.BaseUrl, "dataset/baumkataster"), trees.LandingPage);
        Assert.Equal(new DateTimeOffset(2026, 10, 2, 8, 12, 44, 123, TimeSpan.Zero).AddTicks(4560), trees.Modified);
        Assert.Equal(2, trees.Distributions.Count);
        var csv = trees.Distributions[0];
        Assert.Equal("r-baumkataster-0", csv.Id);
        Assert.Equal("Baumkataster (CSV)", csv.Title);
        Assert.Equal("CSV", csv.Format);
        Assert.Equal(new Uri("https://opendata.musterstadt.example/dataset/baumkataster/baeume.csv"), csv.Url);
        Assert.Equal("GeoJSON", trees.Distributions[1].Format);
        Assert.All(datasets, d => Assert.False(string.IsNullOrWhiteSpace(d.Title)));
    }

    [Fact]
    public async Task Ckan_query_is_escaped()
    {
        string? received = null;
        _site.Map(PackageSearch, context =>
        {
            received = context.Request.Query["q"];
            return WriteAsync(context, CkanFixture, "application/json");
        });

        await Ckan().SearchDatasetsAsync("Bäume & Sträucher + Hecken?=#", cancellationToken: Token);

        Assert.Equal("Bäume & Sträucher + Hecken?=#", received);
        var raw = Assert.Single(_site.Requests).Query;
        Assert.Contains("q=B%C3%A4ume%20%26%20Str%C3%A4ucher%20%2B%20Hecken%3F%3D%23&", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ckan_paging_parameters_are_sent()
    {
        _site.SetPage(PackageSearch, CkanFixture, "application/json");

        await Ckan().SearchDatasetsAsync("wasser", rows: 5, start: 10, cancellationToken: Token);

        var request = Assert.Single(_site.Requests);
        Assert.Equal(PackageSearch, request.Path);
        Assert.Equal("?q=wasser&rows=5&start=10", request.Query);
    }

    [Fact]
    public async Task Ckan_success_false_is_an_error_with_the_apis_message()
    {
        _site.SetPage(PackageSearch, """{"success": false, "error": {"__type": "Search Query Error", "message": "Invalid search query"}}""", "application/json");

        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(() => Ckan().SearchDatasetsAsync("(", cancellationToken: Token));

        Assert.Contains("Search Query Error", error.Message, StringComparison.Ordinal);
        Assert.Contains("Invalid search query", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ckan_error_status_with_error_body_names_status_and_message()
    {
        _site.Map(PackageSearch, context =>
        {
            context.Response.StatusCode = StatusCodes.Status409Conflict;
            return WriteAsync(context, """{"success": false, "error": {"__type": "Validation Error", "rows": ["Must be a natural number"]}}""", "application/json");
        });

        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(() => Ckan().SearchDatasetsAsync("x", cancellationToken: Token));

        Assert.Contains("HTTP 409", error.Message, StringComparison.Ordinal);
        Assert.Contains("Must be a natural number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ckan_resource_show_returns_the_distribution()
    {
        _site.SetPage("/api/3/action/resource_show", """
            {"success": true, "result": {"id": "r-1", "name": "Wahllokale", "format": "CSV", "mimetype": "text/csv",
             "url": "https://opendata.musterstadt.example/wahllokale.csv"}}
            """, "application/json");

        var distribution = await Ckan().GetDistributionAsync("r-1", Token);

        Assert.NotNull(distribution);
        Assert.Equal("Wahllokale", distribution.Title);
        Assert.Equal("text/csv", distribution.MediaType);
        Assert.Equal(new Uri("https://opendata.musterstadt.example/wahllokale.csv"), distribution.DownloadUrl);
        Assert.Equal("?id=r-1", Assert.Single(_site.Requests).Query);
    }

    [Fact]
    public async Task Piveau_search_reads_language_maps_and_distributions()
    {
        _site.SetPage("/hub/search", PiveauFixture, "application/json");
        var client = new OpenDataCatalogClient(_http, _site.Url("hub/"), CatalogueApi.PiveauHub);

        var datasets = await client.SearchDatasetsAsync("Baum kataster", rows: 2, start: 4, cancellationToken: Token);

        Assert.Equal("?q=Baum%20kataster&filter=dataset&limit=2&page=2", Assert.Single(_site.Requests).Query);
        Assert.Equal(2, datasets.Count);
        var trees = datasets[0];
        Assert.Equal("baumkataster-musterstadt", trees.Id);
        Assert.Equal("Baumkataster Musterstadt", trees.Title);
        Assert.Equal("Alle Straßen- und Parkbäume im Stadtgebiet.", trees.Description);
        Assert.Equal(new Uri("https://www.musterstadt.example/baumkataster"), trees.LandingPage);
        Assert.Equal(new DateTimeOffset(2026, 10, 2, 8, 12, 44, TimeSpan.Zero), trees.Modified);
        var csv = trees.Distributions[0];
        Assert.Equal(("baumkataster-csv", "Baumkataster als CSV", "CSV", "text/csv"), (csv.Id, csv.Title, csv.Format, csv.MediaType));
        Assert.Equal(new Uri("https://opendata.musterstadt.example/baumkataster/baeume.csv"), csv.DownloadUrl);
        Assert.Equal(new Uri("https://opendata.musterstadt.example/baumkataster"), csv.AccessUrl);
        var geoJson = trees.Distributions[1];
        Assert.Equal(("Tree register (GeoJSON)", "GeoJSON"), (geoJson.Title, geoJson.Format));
        Assert.Null(geoJson.DownloadUrl);
        Assert.Equal(new Uri("https://opendata.musterstadt.example/baumkataster/baeume.geojson"), geoJson.Url);
        Assert.Equal("Air quality stations", datasets[1].Title);
        Assert.Null(datasets[1].LandingPage);
        Assert.Empty(datasets[1].Distributions);
    }

    [Fact]
    public async Task Malformed_json_is_an_error()
    {
        _site.SetPage(PackageSearch, """{"success": true, "result": {"results": [""", "application/json");

        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(() => Ckan().SearchDatasetsAsync("x", cancellationToken: Token));

        Assert.Contains("malformed JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer_without_results_is_an_error()
    {
        _site.SetPage(PackageSearch, """{"success": true, "result": {"count": 0}}""", "application/json");

        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(() => Ckan().SearchDatasetsAsync("x", cancellationToken: Token));

        Assert.Contains("without a list of results", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_error_is_an_error()
    {
        _site.SetStatus(PackageSearch, StatusCodes.Status500InternalServerError);

        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(() => Ckan().SearchDatasetsAsync("x", cancellationToken: Token));

        Assert.Contains("HTTP 500", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("q=x", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_catalogue_is_an_error()
    {
        // Port 1 (tcpmux) has no listener on loopback: the connection is refused.
        var client = new OpenDataCatalogClient(_http, new Uri("http://127.0.0.1:1/"), CatalogueApi.Ckan);

        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(() => client.SearchDatasetsAsync("x", cancellationToken: Token));

        Assert.Contains("could not be reached", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_passes_through()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _site.Map(PackageSearch, async context =>
        {
            arrived.TrySetResult();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up.
            }
        });
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var search = Ckan().SearchDatasetsAsync("x", cancellationToken: cancellation.Token);
        await arrived.Task.WaitAsync(Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => search);
    }

    [Fact]
    public async Task Csv_with_semicolons_in_latin1_is_read()
    {
        var csv = "Straße;Baumart;Höhe (m)\r\nHauptstraße;Linde;12\r\nGoethestraße;Eiche;20\r\nHauptstraße;Ahorn;8\r\n";
        MapBytes("/baeume.csv", Encoding.Latin1.GetBytes(csv), "text/csv");

        var table = await DistributionReader.ReadAsync(_http, _site.Url("baeume.csv"), "CSV", 1024 * 1024, Token);

        Assert.Equal(["Straße", "Baumart", "Höhe (m)"], table.Columns);
        Assert.Equal(3, table.Rows.Count);
        Assert.Equal(["Goethestraße", "Eiche", "20"], table.Rows[1]);
        Assert.Equal(0, table.ColumnIndex("STRASSE"));
        Assert.Equal(2, table.ColumnIndex("hoehe_m"));
        Assert.Equal(-1, table.ColumnIndex("Stammumfang"));
        Assert.Equal(2, table.Find("STRASSE", "hauptstraße").Count);
        Assert.Equal(2, table.Find("Straße", "hauptstraße").Count);
        Assert.Equal(1, table.Count(row => table.Cell(row, "Baumart") == "Linde"));
    }

    [Fact]
    public async Task Csv_with_commas_in_utf8_with_bom_is_read_by_its_extension()
    {
        MapBytes("/stellplaetze.csv", [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("name,plätze\n\"Rathaus, Nord\",12\nBahnhof,40\n")],
            "application/octet-stream");

        var table = await DistributionReader.ReadAsync(_http, _site.Url("stellplaetze.csv"), null, 1024 * 1024, Token);

        Assert.Equal(["name", "plätze"], table.Columns);
        Assert.Equal(["Rathaus, Nord", "12"], table.Rows[0]);
        Assert.Equal("40", table.Cell(Assert.Single(table.Find("NAME", "bahnhof")), "Plaetze"));
    }

    [Fact]
    public async Task Json_array_of_objects_becomes_a_table()
    {
        _site.SetPage("/parken", """[{"name": "Am Bahnhof", "frei": 12}, {"name": "Rathaus", "geöffnet": true, "frei": null, "lage": {"x": 1}}]""",
            "application/json");

        var table = await DistributionReader.ReadAsync(_http, _site.Url("parken"), "JSON", 1024 * 1024, Token);

        Assert.Equal(["name", "frei", "geöffnet", "lage"], table.Columns);
        Assert.Equal(["Am Bahnhof", "12", "", ""], table.Rows[0]);
        Assert.Equal(["Rathaus", "", "true", """{"x": 1}"""], table.Rows[1]);
        Assert.Equal(1, table.Count(row => table.Cell(row, "geoeffnet") == "true"));
    }

    [Fact]
    public async Task Ckan_datastore_search_records_become_a_table()
    {
        _site.SetPage("/api/3/action/datastore_search", """
            {"success": true, "result": {"fields": [{"id": "_id", "type": "int"}, {"id": "Stadtteil", "type": "text"}, {"id": "Einwohner", "type": "int"}],
             "records": [{"_id": 1, "Stadtteil": "Altstadt", "Einwohner": 5120}, {"_id": 2, "Stadtteil": "Nordviertel", "Einwohner": 8300}]}}
            """, "application/json");

        var table = await DistributionReader.ReadAsync(_http, _site.Url("api/3/action/datastore_search?resource_id=x"), null, 1024 * 1024, Token);

        Assert.Equal(["_id", "Stadtteil", "Einwohner"], table.Columns);
        Assert.Equal("8300", table.Cell(Assert.Single(table.Find("stadtteil", "NORDVIERTEL")), "einwohner"));
    }

    [Fact]
    public async Task GeoJson_feature_collection_becomes_properties_and_coordinates()
    {
        _site.SetPage("/staender", """
            {"type": "FeatureCollection", "features": [
              {"type": "Feature", "geometry": {"type": "Point", "coordinates": [10.0123, 52.4567]}, "properties": {"name": "Rathaus", "plaetze": 20}},
              {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[10, 52], [10.1, 52.1]]}, "properties": {"name": "Radweg", "laenge": 800}},
              {"type": "Feature", "geometry": null, "properties": null}
            ]}
            """, "application/geo+json");

        var table = await DistributionReader.ReadAsync(_http, _site.Url("staender"), null, 1024 * 1024, Token);

        Assert.Equal(["name", "plaetze", "laenge", "lon", "lat"], table.Columns);
        Assert.Equal(3, table.Rows.Count);
        Assert.Equal(["Rathaus", "20", "", "10.0123", "52.4567"], table.Rows[0]);
        Assert.Equal(["Radweg", "", "800", "", ""], table.Rows[1]);
        Assert.Equal(["", "", "", "", ""], table.Rows[2]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Oversized_distribution_is_a_clear_error(bool announced)
    {
        _site.SetHuge("/gross.csv", 4 * 1024 * 1024, announced);

        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(
            () => DistributionReader.ReadAsync(_http, _site.Url("gross.csv"), "CSV", 256 * 1024, Token));

        Assert.Contains("larger than the limit of 262144 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsupported_format_is_a_clear_error_without_download()
    {
        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(
            () => DistributionReader.ReadAsync(_http, _site.Url("plan.pdf"), "PDF", 1024 * 1024, Token));

        Assert.Contains("\"PDF\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("CSV, JSON and GeoJSON", error.Message, StringComparison.Ordinal);
        Assert.Empty(_site.Requests);
    }

    [Fact]
    public async Task Unknown_content_is_an_unsupported_format()
    {
        _site.SetPage("/karte", "<html><body>Karte</body></html>");

        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(
            () => DistributionReader.ReadAsync(_http, _site.Url("karte"), null, 1024 * 1024, Token));

        Assert.Contains("text/html", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_distribution_json_is_a_clear_error()
    {
        _site.SetPage("/kaputt.json", """[{"name": "A",""", "application/json");

        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(
            () => DistributionReader.ReadAsync(_http, _site.Url("kaputt.json"), "JSON", 1024 * 1024, Token));

        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_that_is_no_table_is_a_clear_error()
    {
        _site.SetPage("/wetter.json", """{"temperatur": 12}""", "application/json");

        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(
            () => DistributionReader.ReadAsync(_http, _site.Url("wetter.json"), null, 1024 * 1024, Token));

        Assert.Contains("not a table", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Distribution_server_error_is_an_error()
    {
        _site.SetStatus("/fehlt.csv", StatusCodes.Status500InternalServerError);

        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(
            () => DistributionReader.ReadAsync(_http, _site.Url("fehlt.csv"), "CSV", 1024 * 1024, Token));

        Assert.Contains("HTTP 500", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Distribution_cancellation_passes_through()
    {
        _site.SetPage("/baeume.csv", "a;b\n1;2\n", "text/csv");
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => DistributionReader.ReadAsync(_http, _site.Url("baeume.csv"), "CSV", 1024, cancellation.Token));
    }

    [Theory]
    [InlineData("CSV", DistributionFormat.Csv)]
    [InlineData("text/csv; charset=utf-8", DistributionFormat.Csv)]
    [InlineData("http://publications.europa.eu/resource/authority/file-type/GEOJSON", DistributionFormat.GeoJson)]
    [InlineData("application/geo+json", DistributionFormat.GeoJson)]
    [InlineData(".json", DistributionFormat.Json)]
    [InlineData("PDF", null)]
    [InlineData("", null)]
    public void Formats_are_recognised(string format, DistributionFormat? expected) => Assert.Equal(expected, DistributionReader.FormatOf(format));

    private void MapBytes(string path, byte[] bytes, string contentType) => _site.Map(path, async context =>
    {
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    });

    private static Task WriteAsync(HttpContext context, string body, string contentType)
    {
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(body, context.RequestAborted);
    }
}
