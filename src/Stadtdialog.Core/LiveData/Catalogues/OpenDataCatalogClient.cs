using System.Globalization;
using System.Text.Json;
using Stadtdialog.Knowledge;
using Stadtdialog.Knowledge.Readers;

namespace Stadtdialog.LiveData.Catalogues;

/// <summary>The search API an open-data portal offers.</summary>
public enum CatalogueApi
{
    /// <summary>CKAN Action API (<c>/api/3/action/package_search</c>, <c>resource_show</c>).</summary>
    Ckan,

    /// <summary>piveau hub-search (<c>/search?filter=dataset</c>), as used by data.europa.eu and many German portals.</summary>
    PiveauHub,
}

/// <summary>One file or service of a dataset (a CKAN resource, a DCAT distribution).</summary>
public sealed record DistributionInfo(string? Id, string Title, string? Format, string? MediaType, Uri? DownloadUrl, Uri? AccessUrl)
{
    /// <summary>The URL to read the data from: the download URL, else the access URL.</summary>
    public Uri? Url => DownloadUrl ?? AccessUrl;
}

/// <summary>One dataset of a catalogue, texts in the preferred language (German, then English, then any).</summary>
public sealed record DatasetInfo(
    string Id, string Title, string? Description, Uri? LandingPage, DateTimeOffset? Modified, IReadOnlyList<DistributionInfo> Distributions);

/// <summary>
/// Live search in an open-data catalogue (CKAN or piveau hub-search). Every failure (unreachable, timeout, HTTP error,
/// an API error such as CKAN's <c>success: false</c>, malformed JSON, an oversized answer) is a
/// <see cref="LiveDataUnavailableException"/> with a clear message; cancellation by the caller passes through as
/// <see cref="OperationCanceledException"/>. Package fields are read with the same helpers as the ingestion-side
/// <see cref="CatalogueReader"/>.
/// </summary>
public sealed class OpenDataCatalogClient(HttpClient http, Uri baseUrl, CatalogueApi api)
{
    /// <summary>The largest catalogue API answer read (search results are small; this guards against runaway responses).</summary>
    public const long MaxResponseBytes = 8 * 1024 * 1024;

    /// <summary>The most results one search asks for.</summary>
    public const int MaxRows = 1000;

    private static readonly JsonDocumentOptions JsonOptions = new() { AllowTrailingCommas = true };

    private readonly HttpClient _http = http ?? throw new ArgumentNullException(nameof(http));
    private readonly Uri _baseUrl = baseUrl is { IsAbsoluteUri: true } ? baseUrl : throw new ArgumentException("The catalogue URL must be absolute.", nameof(baseUrl));

    /// <summary>
    /// Searches datasets. <paramref name="start"/> is the offset of the first result: CKAN gets it as <c>start</c>,
    /// piveau as the zero-based <c>page</c> of <paramref name="rows"/> results (<c>start / rows</c>).
    /// </summary>
    public async Task<IReadOnlyList<DatasetInfo>> SearchDatasetsAsync(
        string query, int rows = 10, int start = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, MaxRows);
        ArgumentOutOfRangeException.ThrowIfNegative(start);

        var q = Uri.EscapeDataString(query);
        var url = api switch
        {
            CatalogueApi.Ckan => Endpoint($"api/3/action/package_search?q={q}&rows={Invariant(rows)}&start={Invariant(start)}"),
            CatalogueApi.PiveauHub => Endpoint($"search?q={q}&filter=dataset&limit={Invariant(rows)}&page={Invariant(start / rows)}"),
            _ => throw new InvalidOperationException($"Unknown catalogue API {api}."),
        };

        using var document = await GetJsonAsync(url, cancellationToken).ConfigureAwait(false);
        var result = Result(document.RootElement, url);
        if (result.ValueKind != JsonValueKind.Object || !result.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
        {
            throw new LiveDataUnavailableException($"The catalogue at {LiveHttp.Display(url)} answered without a list of results.");
        }

        return [.. results.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.Object).Select(Dataset).OfType<DatasetInfo>()];
    }

    /// <summary>One CKAN resource by its id (<c>resource_show</c>); null where the catalogue does not know it.</summary>
    public async Task<DistributionInfo?> GetDistributionAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (api != CatalogueApi.Ckan)
        {
            throw new NotSupportedException("Distributions are looked up by id only in CKAN catalogues; piveau search results carry them.");
        }

        var url = Endpoint($"api/3/action/resource_show?id={Uri.EscapeDataString(id)}");
        var response = await LiveHttp.GetAsync(_http, url, MaxResponseBytes, "catalogue", cancellationToken).ConfigureAwait(false);
        if (response.Status == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        using var document = Parse(response, url);
        var result = Result(document.RootElement, url);
        return result.ValueKind == JsonValueKind.Object ? Distribution(result) : null;
    }

    private Uri Endpoint(string relative) => new(_baseUrl.AbsoluteUri.TrimEnd('/') + "/" + relative);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private async Task<JsonDocument> GetJsonAsync(Uri url, CancellationToken cancellationToken)
    {
        var response = await LiveHttp.GetAsync(_http, url, MaxResponseBytes, "catalogue", cancellationToken).ConfigureAwait(false);
        return Parse(response, url);
    }

    /// <summary>The JSON of a response; error statuses become exceptions (with CKAN's error message where the body has one).</summary>
    private static JsonDocument Parse(LiveHttp.Response response, Uri url)
    {
        JsonDocument? document = null;
        JsonException? error = null;
        try
        {
            document = JsonDocument.Parse(response.Body, JsonOptions);
        }
        catch (JsonException e)
        {
            error = e;
        }

        if (!response.IsSuccess)
        {
            var apiMessage = document is not null && IsCkanError(document.RootElement) ? CatalogueReader.Ckan.ErrorMessage(document.RootElement) : null;
            document?.Dispose();
            throw new LiveDataUnavailableException(
                $"The catalogue at {LiveHttp.Display(url)} answered with HTTP {(int)response.Status}" + (apiMessage is null ? "." : $": {apiMessage}"));
        }

        return document ?? throw new LiveDataUnavailableException(
            $"The catalogue at {LiveHttp.Display(url)} answered with malformed JSON (line {error!.LineNumber + 1}, position {error.BytePositionInLine + 1}).",
            error);
    }

    private static bool IsCkanError(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.False;

    /// <summary>The <c>result</c> of a CKAN/piveau envelope; <c>success: false</c> is an error.</summary>
    private static JsonElement Result(JsonElement root, Uri url)
    {
        if (IsCkanError(root))
        {
            throw new LiveDataUnavailableException(
                $"The catalogue at {LiveHttp.Display(url)} reported an error: {CatalogueReader.Ckan.ErrorMessage(root)}");
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("result", out var result))
        {
            throw new LiveDataUnavailableException($"The catalogue at {LiveHttp.Display(url)} answered without a result.");
        }

        return result;
    }

    private DatasetInfo? Dataset(JsonElement package)
    {
        var id = CatalogueReader.Ckan.Text(package, "id");
        var name = CatalogueReader.Ckan.Text(package, "name");
        var title = CatalogueReader.Ckan.Localized(package, "title") ?? CatalogueReader.Ckan.Localized(package, "display_name") ?? name ?? id;
        if (title is null || (id ?? name) is not { } key)
        {
            return null;
        }

        var landing = HttpUrl(CatalogueReader.Ckan.Text(package, "url"))
            ?? HttpUrl(CatalogueReader.Ckan.FirstUrl(package, "landing_page"))
            ?? HttpUrl(CatalogueReader.Ckan.FirstUrl(package, "landingPage"))
            ?? (api == CatalogueApi.Ckan ? new Uri(_baseUrl.AbsoluteUri.TrimEnd('/') + "/dataset/" + Uri.EscapeDataString(name ?? key)) : null);
        var modified = CatalogueReader.Ckan.Text(package, "metadata_modified") ?? CatalogueReader.Ckan.Text(package, "modified")
            ?? CatalogueReader.Ckan.Text(package, "metadata_created") ?? CatalogueReader.Ckan.Text(package, "issued");
        var distributions = CatalogueReader.Ckan.Items(package, "resources").Concat(CatalogueReader.Ckan.Items(package, "distributions"))
            .Where(r => r.ValueKind == JsonValueKind.Object)
            .Select(Distribution)
            .ToList();
        return new DatasetInfo(
            key,
            Clean(title),
            (CatalogueReader.Ckan.Localized(package, "notes") ?? CatalogueReader.Ckan.Localized(package, "description")) is { } description
                ? Clean(description)
                : null,
            landing,
            DateTimeOffset.TryParse(modified, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date : null,
            distributions);
    }

    private static DistributionInfo Distribution(JsonElement resource)
    {
        var url = HttpUrl(CatalogueReader.Ckan.Text(resource, "url"));
        var download = HttpUrl(CatalogueReader.Ckan.FirstUrl(resource, "download_url"))
            ?? HttpUrl(CatalogueReader.Ckan.FirstUrl(resource, "downloadURL"));
        var access = HttpUrl(CatalogueReader.Ckan.FirstUrl(resource, "access_url"))
            ?? HttpUrl(CatalogueReader.Ckan.FirstUrl(resource, "accessURL"))
            ?? url;
        var title = CatalogueReader.Ckan.Localized(resource, "name") ?? CatalogueReader.Ckan.Localized(resource, "title")
            ?? CatalogueReader.Ckan.Localized(resource, "description") ?? (download ?? access)?.Segments[^1] ?? "";
        var mediaType = CatalogueReader.Ckan.Text(resource, "mimetype") ?? CatalogueReader.Ckan.Label(resource, "media_type")
            ?? CatalogueReader.Ckan.Label(resource, "mediaType");
        return new DistributionInfo(
            CatalogueReader.Ckan.Text(resource, "id"),
            Clean(title),
            CatalogueReader.Ckan.Label(resource, "format") is { } format ? Clean(format) : null,
            mediaType,
            download ?? url,
            access);
    }

    private static Uri? HttpUrl(string? text) =>
        Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;

    private static string Clean(string text) => TextNormalizer.Clean(text);
}
