using System.Text;
using System.Text.Json;
using Stadtdialog.Knowledge;
using Stadtdialog.Knowledge.Readers;

namespace Stadtdialog.LiveData.Catalogues;

/// <summary>The formats <see cref="DistributionReader"/> reads.</summary>
public enum DistributionFormat
{
    Csv,
    Json,
    GeoJson,
}

/// <summary>
/// Reads a distribution (a file of an open-data dataset) into a <see cref="TabularData"/>:
/// <list type="bullet">
/// <item>CSV: separator <c>;</c>, <c>,</c> or tab detected from the header line (see <see cref="CsvTable"/>); UTF-8
/// (with or without BOM), UTF-16 with BOM, else Latin-1; the first row names the columns.</item>
/// <item>JSON: an array of objects (columns: the union of their keys, in order of appearance), or a CKAN
/// <c>datastore_search</c> answer (<c>result.records</c>, columns from <c>result.fields</c>).</item>
/// <item>GeoJSON: a FeatureCollection (or one Feature): the properties as columns, plus <c>lon</c> and <c>lat</c> of
/// point geometries.</item>
/// </list>
/// The download stops as soon as it exceeds the size limit. Every failure (HTTP, size, unsupported format, malformed
/// content) is a <see cref="LiveDataUnavailableException"/> with a clear message; cancellation passes through.
/// </summary>
public static class DistributionReader
{
    private static readonly JsonDocumentOptions JsonOptions = new() { AllowTrailingCommas = true, MaxDepth = 128 };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Downloads and reads <paramref name="url"/>. <paramref name="format"/> is the catalogue's format or media type
    /// (<c>CSV</c>, <c>text/csv</c>, <c>GeoJSON</c>, <c>application/json</c>, a EU file-type IRI …); null: the
    /// response's content type, then the URL's extension, then the content decide.
    /// </summary>
    public static async Task<TabularData> ReadAsync(HttpClient http, Uri url, string? format, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);

        DistributionFormat? declared = null;
        if (!string.IsNullOrWhiteSpace(format))
        {
            declared = FormatOf(format) ?? throw Unsupported(url, format);
        }

        var response = await LiveHttp.GetAsync(http, url, maxBytes, "distribution", cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw new LiveDataUnavailableException($"The distribution at {LiveHttp.Display(url)} answered with HTTP {(int)response.Status}.");
        }

        var text = Decode(response.Body, response.Charset);
        var actual = declared ?? FormatOf(response.ContentType) ?? FormatOf(Path.GetExtension(url.AbsolutePath)) ?? Sniff(text)
            ?? throw Unsupported(url, response.ContentType ?? "unknown");
        return Read(text, actual, url);
    }

    /// <summary>Reads text already at hand (<paramref name="source"/> only names it in messages).</summary>
    public static TabularData Read(string text, DistributionFormat format, Uri source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            return format switch
            {
                DistributionFormat.Csv => ReadCsv(text),
                _ => ReadJson(text, format, source),
            };
        }
        catch (DocumentReadException e)
        {
            throw new LiveDataUnavailableException($"The distribution at {LiveHttp.Display(source)} could not be read: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new LiveDataUnavailableException(
                $"The distribution at {LiveHttp.Display(source)} is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}).", e);
        }
    }

    /// <summary>The format a catalogue format name, media type, EU file-type IRI or file extension denotes; null for others.</summary>
    public static DistributionFormat? FormatOf(string? format)
    {
        if (string.IsNullOrWhiteSpace(format))
        {
            return null;
        }

        var name = format.Trim();
        var semicolon = name.IndexOf(';', StringComparison.Ordinal);
        if (semicolon >= 0)
        {
            name = name[..semicolon].Trim();
        }

        var slash = name.LastIndexOf('/');
        if (name.StartsWith("http", StringComparison.OrdinalIgnoreCase) && slash >= 0)
        {
            name = name[(slash + 1)..]; // http://publications.europa.eu/resource/authority/file-type/CSV
        }

        return name.TrimStart('.').ToUpperInvariant() switch
        {
            "CSV" or "TEXT/CSV" or "APPLICATION/CSV" or "TEXT/COMMA-SEPARATED-VALUES" => DistributionFormat.Csv,
            "JSON" or "APPLICATION/JSON" or "TEXT/JSON" => DistributionFormat.Json,
            "GEOJSON" or "GEO+JSON" or "APPLICATION/GEO+JSON" or "APPLICATION/VND.GEO+JSON" => DistributionFormat.GeoJson,
            _ => null,
        };
    }

    private static LiveDataUnavailableException Unsupported(Uri url, string format) =>
        new($"The distribution at {LiveHttp.Display(url)} has the format \"{format}\", which cannot be read; supported are CSV, JSON and GeoJSON.");

    /// <summary>The BOM's encoding, else the declared charset, else strict UTF-8, else Latin-1.</summary>
    private static string Decode(byte[] bytes, string? charset)
    {
        if (bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        }

        if (bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2);
        }

        if (bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2);
        }

        if (charset is { Length: > 0 } && !charset.Trim('"').StartsWith("utf-8", StringComparison.OrdinalIgnoreCase)
            && (charset.Contains("8859-1", StringComparison.Ordinal) || charset.Contains("latin1", StringComparison.OrdinalIgnoreCase)))
        {
            return Encoding.Latin1.GetString(bytes);
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            // Not UTF-8: German exports from older systems are Latin-1 (ISO-8859-1).
            return Encoding.Latin1.GetString(bytes);
        }
    }

    /// <summary>JSON by its first character (GeoJSON by its type); otherwise unknown.</summary>
    private static DistributionFormat? Sniff(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.Length == 0 || trimmed[0] is not ('{' or '['))
        {
            return null;
        }

        return trimmed[..Math.Min(trimmed.Length, 4096)].Contains("\"FeatureCollection\"", StringComparison.Ordinal)
            ? DistributionFormat.GeoJson
            : DistributionFormat.Json;
    }

    private static TabularData ReadCsv(string text)
    {
        var rows = CsvTable.Read(text);
        if (rows.Count == 0)
        {
            return new TabularData([], []);
        }

        var columns = rows[0].Select((name, i) => name.Length > 0 ? name : $"Spalte {i + 1}").ToList();
        return new TabularData(columns, [.. rows.Skip(1)]);
    }

    private static TabularData ReadJson(string text, DistributionFormat format, Uri source)
    {
        using var document = JsonDocument.Parse(text, JsonOptions);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object && Type(root) is "FeatureCollection" or "Feature")
        {
            return ReadGeoJson(root);
        }

        if (format == DistributionFormat.GeoJson)
        {
            throw new LiveDataUnavailableException($"The distribution at {LiveHttp.Display(source)} is not a GeoJSON FeatureCollection.");
        }

        if (root.ValueKind == JsonValueKind.Array)
        {
            return Records(root.EnumerateArray(), [], source);
        }

        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.False)
        {
            throw new LiveDataUnavailableException($"The data API at {LiveHttp.Display(source)} reported an error: {CatalogueReader.Ckan.ErrorMessage(root)}");
        }

        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object
            && result.TryGetProperty("records", out var records) && records.ValueKind == JsonValueKind.Array)
        {
            // CKAN datastore_search: {"result": {"fields": [{"id": "_id", "type": "int"}, …], "records": [{…}, …]}}
            var fields = result.TryGetProperty("fields", out var f) && f.ValueKind == JsonValueKind.Array
                ? f.EnumerateArray().Select(field => CatalogueReader.Ckan.Text(field, "id")).OfType<string>().ToList()
                : [];
            return Records(records.EnumerateArray(), fields, source);
        }

        throw new LiveDataUnavailableException(
            $"The distribution at {LiveHttp.Display(source)} is JSON but not a table (expected an array of objects, a CKAN datastore answer or GeoJSON).");
    }

    private static TabularData Records(IEnumerable<JsonElement> items, List<string> columns, Uri source)
    {
        var objects = items.ToList();
        if (objects.Any(o => o.ValueKind != JsonValueKind.Object))
        {
            throw new LiveDataUnavailableException($"The distribution at {LiveHttp.Display(source)} is a JSON array, but not of objects.");
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            index.TryAdd(column, index.Count);
        }

        foreach (var property in objects.SelectMany(o => o.EnumerateObject()))
        {
            index.TryAdd(property.Name, index.Count);
        }

        var rows = objects.Select(o => Row(index, o.EnumerateObject().Select(p => (p.Name, Cell(p.Value))))).ToList();
        return new TabularData([.. index.OrderBy(e => e.Value).Select(e => e.Key)], rows);
    }

    private static TabularData ReadGeoJson(JsonElement root)
    {
        List<JsonElement> features = Type(root) == "Feature"
            ? [root]
            : root.TryGetProperty("features", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.Object).ToList()
                : [];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var hasPoints = false;
        foreach (var feature in features)
        {
            if (feature.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in properties.EnumerateObject())
                {
                    index.TryAdd(property.Name, index.Count);
                }
            }

            hasPoints |= Point(feature) is not null;
        }

        if (hasPoints)
        {
            index.TryAdd("lon", index.Count);
            index.TryAdd("lat", index.Count);
        }

        var rows = new List<IReadOnlyList<string>>(features.Count);
        foreach (var feature in features)
        {
            var cells = feature.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
                ? properties.EnumerateObject().Select(p => (p.Name, Cell(p.Value))).ToList()
                : [];
            if (Point(feature) is { } point)
            {
                cells.Add(("lon", point.Lon));
                cells.Add(("lat", point.Lat));
            }

            rows.Add(Row(index, cells));
        }

        return new TabularData([.. index.OrderBy(e => e.Value).Select(e => e.Key)], rows);
    }

    private static string[] Row(Dictionary<string, int> index, IEnumerable<(string Name, string Value)> cells)
    {
        var row = new string[index.Count];
        Array.Fill(row, "");
        foreach (var (name, value) in cells)
        {
            row[index[name]] = value;
        }

        return row;
    }

    /// <summary>The coordinates of a Point geometry, as written (invariant numbers).</summary>
    private static (string Lon, string Lat)? Point(JsonElement feature) =>
        feature.TryGetProperty("geometry", out var geometry) && geometry.ValueKind == JsonValueKind.Object && Type(geometry) == "Point"
        && geometry.TryGetProperty("coordinates", out var coordinates) && coordinates.ValueKind == JsonValueKind.Array
        && coordinates.GetArrayLength() >= 2 && coordinates[0].ValueKind == JsonValueKind.Number && coordinates[1].ValueKind == JsonValueKind.Number
            ? (coordinates[0].GetRawText(), coordinates[1].GetRawText())
            : null;

    private static string? Type(JsonElement element) =>
        element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;

    private static string Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!.Trim(),
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => value.GetRawText(),
        _ => value.GetRawText(),
    };
}
