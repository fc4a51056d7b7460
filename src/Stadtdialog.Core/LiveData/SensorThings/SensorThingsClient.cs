using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Stadtdialog.LiveData.SensorThings;

/// <summary>
/// A read-only client of an OGC SensorThings API v1.1 service (FROST-Server and compatible), e.g.
/// <c>https://udp.musterstadt.example/FROST-Server/v1.1/</c>.
/// </summary>
/// <remarks>
/// <para>
/// URLs: entity keys are written as numbers when the id is numeric and as OData string literals otherwise
/// (<c>Datastreams('a''b')</c>); every query option value is percent-encoded, and string literals inside
/// <c>$filter</c> have their single quotes doubled (OData ABNF), so user text can never change the filter's meaning.
/// </para>
/// <para>
/// Filters: <see cref="FindDatastreamsAsync"/> uses <c>substringof('text', ObservedProperty/name)</c> and
/// <c>substringof('text', Thing/name)</c>: <c>substringof</c> is the function the SensorThings spec (v1.0/v1.1, §9.3.3.5.2)
/// lists and FROST-Server implements; it is case-sensitive there.
/// </para>
/// <para>
/// Paging: <c>@iot.nextLink</c> is followed whether absolute or relative (<c>/path?…</c> against the origin, <c>?…</c>
/// against the current request, anything else against the service root), at most <see cref="MaxPages"/> pages. A
/// next link on another origin is never requested: FROST behind a proxy often writes its internal service root into
/// links, so such a link is rebased onto <paramref name="baseUrl"/> when its path contains the service root's version
/// segment (<c>/v1.1/</c>); otherwise paging fails.
/// </para>
/// <para>
/// Failures: every HTTP, network, timeout or JSON problem becomes a <see cref="LiveDataUnavailableException"/> whose
/// message names the status and the host and path of the request, never its query string. Cancellation through the
/// caller's token is passed through as <see cref="OperationCanceledException"/>.
/// </para>
/// </remarks>
public sealed class SensorThingsClient(HttpClient http, Uri baseUrl)
{
    /// <summary>The default <c>$expand</c> of <see cref="GetThingsAsync"/>.</summary>
    public const string DefaultThingExpand = "Locations,Datastreams/ObservedProperty";

    /// <summary>The largest <c>$top</c> requested (FROST-Server's default <c>maxTop</c> is 1000).</summary>
    public const int MaxPageSize = 1000;

    /// <summary>Largest answer read from the server (one page of up to <see cref="MaxPageSize"/> entities).</summary>
    public const long MaxResponseBytes = 16 * 1024 * 1024;

    private readonly HttpClient _http = http ?? throw new ArgumentNullException(nameof(http));
    private readonly Uri _base = NormalizeBase(baseUrl);

    /// <summary>The most pages one call requests while following <c>@iot.nextLink</c>.</summary>
    public int MaxPages { get; init; } = 20;

    /// <summary>
    /// Things (<c>Things?$filter=…&amp;$expand=…&amp;$top=…</c>), following <c>@iot.nextLink</c> up to
    /// <see cref="MaxPages"/> pages. <paramref name="filter"/> is a raw OData expression (build literals with
    /// <see cref="ODataString"/>).
    /// </summary>
    public async Task<IReadOnlyList<Thing>> GetThingsAsync(
        string? filter = null, string? expand = DefaultThingExpand, int top = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        var url = Build("Things", ("$filter", filter), ("$expand", expand), ("$top", Number(Math.Min(top, MaxPageSize))));
        return await GetCollectionAsync(url, int.MaxValue, ParseThing, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One Thing by id (<c>Things(7648)?$expand=…</c>).</summary>
    public async Task<Thing> GetThingAsync(string thingId, string? expand = DefaultThingExpand, CancellationToken cancellationToken = default)
    {
        var url = Build($"Things({EntityKey(thingId)})", ("$expand", expand));
        using var document = await GetJsonAsync(url, cancellationToken).ConfigureAwait(false);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new LiveDataUnavailableException($"The SensorThings response of {Describe(url)} is not a Thing object.");
        }

        return ParseThing(document.RootElement);
    }

    /// <summary>
    /// Datastreams whose observed property name contains <paramref name="observedProperty"/> and whose Thing's name
    /// contains <paramref name="thingName"/> (either may be null: no condition), with Thing and ObservedProperty
    /// expanded. See <see cref="BuildDatastreamFilter"/> for the filter sent.
    /// </summary>
    public async Task<IReadOnlyList<Datastream>> FindDatastreamsAsync(
        string? observedProperty, string? thingName, CancellationToken cancellationToken = default)
    {
        var url = Build("Datastreams",
            ("$filter", BuildDatastreamFilter(observedProperty, thingName)),
            ("$expand", "Thing,ObservedProperty"),
            ("$top", Number(100)));
        return await GetCollectionAsync(url, int.MaxValue, ParseDatastream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The newest observation of a datastream, or null when it has none.</summary>
    public async Task<Observation?> GetLatestObservationAsync(string datastreamId, CancellationToken cancellationToken = default)
    {
        var url = Build($"Datastreams({EntityKey(datastreamId)})/Observations",
            ("$orderby", "phenomenonTime desc"),
            ("$top", "1"));
        using var document = await GetJsonAsync(url, cancellationToken).ConfigureAwait(false);
        return ValuesOf(document, url).Select(ParseObservation).FirstOrDefault(o => o is not null);
    }

    /// <summary>
    /// Observations with <paramref name="from"/> ≤ phenomenonTime ≤ <paramref name="to"/>, oldest first, following
    /// <c>@iot.nextLink</c> until <paramref name="maxPoints"/> are read (or <see cref="MaxPages"/> pages). For interval
    /// phenomenon times (<c>a/b</c>) the end is used; entries without a readable time are skipped.
    /// </summary>
    public async Task<IReadOnlyList<Observation>> GetObservationsAsync(
        string datastreamId, DateTimeOffset from, DateTimeOffset to, int maxPoints, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPoints);
        if (from > to)
        {
            throw new ArgumentException($"The range starts ({from:O}) after it ends ({to:O}).", nameof(from));
        }

        var url = Build($"Datastreams({EntityKey(datastreamId)})/Observations",
            ("$filter", $"phenomenonTime ge {ODataTime(from)} and phenomenonTime le {ODataTime(to)}"),
            ("$orderby", "phenomenonTime asc"),
            ("$top", Number(Math.Min(maxPoints, MaxPageSize))));
        var points = await GetCollectionAsync(url, maxPoints, ParseObservation, cancellationToken).ConfigureAwait(false);

        // Ascending even when a server ignores $orderby; stable, so equal times keep the server's order.
        return [.. points.OrderBy(p => p.Time)];
    }

    /// <summary>
    /// The <c>$filter</c> of <see cref="FindDatastreamsAsync"/>, e.g.
    /// <c>substringof('PM10', ObservedProperty/name) and substringof('Westring', Thing/name)</c>; null without conditions.
    /// </summary>
    public static string? BuildDatastreamFilter(string? observedProperty, string? thingName)
    {
        var conditions = new List<string>(2);
        if (!string.IsNullOrWhiteSpace(observedProperty))
        {
            conditions.Add($"substringof({ODataString(observedProperty.Trim())}, ObservedProperty/name)");
        }

        if (!string.IsNullOrWhiteSpace(thingName))
        {
            conditions.Add($"substringof({ODataString(thingName.Trim())}, Thing/name)");
        }

        return conditions.Count == 0 ? null : string.Join(" and ", conditions);
    }

    /// <summary>An OData string literal: single quotes around, single quotes inside doubled (<c>O'Brien</c> → <c>'O''Brien'</c>).</summary>
    public static string ODataString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    private static string ODataTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The key inside <c>Entity(…)</c>: numeric ids as they are, others as escaped OData strings.</summary>
    private static string EntityKey(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out _)
            ? id
            : "'" + Uri.EscapeDataString(id.Replace("'", "''", StringComparison.Ordinal)) + "'";
    }

    private static Uri NormalizeBase(Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        if (!baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("The SensorThings service root must be an absolute http(s) URL.", nameof(baseUrl));
        }

        var builder = new UriBuilder(baseUrl) { Query = "", Fragment = "" };
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        return builder.Uri;
    }

    private Uri Build(string relativePath, params (string Name, string? Value)[] query)
    {
        var text = new StringBuilder(relativePath);
        var separator = '?';
        foreach (var (name, value) in query)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            text.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return new Uri(_base, text.ToString());
    }

    /// <summary>Host and path, never the query (it may carry keys) — for messages.</summary>
    private static string Describe(Uri url) => url.Authority + url.AbsolutePath;

    private async Task<List<T>> GetCollectionAsync<T>(
        Uri first, int maxItems, Func<JsonElement, T?> parse, CancellationToken cancellationToken)
        where T : class
    {
        var items = new List<T>();
        var visited = new HashSet<Uri>();
        Uri? url = first;
        for (var page = 0; url is not null && page < MaxPages && items.Count < maxItems && visited.Add(url); page++)
        {
            using var document = await GetJsonAsync(url, cancellationToken).ConfigureAwait(false);
            foreach (var element in ValuesOf(document, url))
            {
                if (parse(element) is { } item)
                {
                    items.Add(item);
                    if (items.Count >= maxItems)
                    {
                        return items;
                    }
                }
            }

            url = document.RootElement.TryGetProperty("@iot.nextLink", out var next) && next.ValueKind == JsonValueKind.String
                && !string.IsNullOrWhiteSpace(next.GetString())
                    ? ResolveNextLink(url, next.GetString()!)
                    : null;
        }

        return items;
    }

    private static IEnumerable<JsonElement> ValuesOf(JsonDocument document, Uri url)
    {
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("value", out var values)
            || values.ValueKind != JsonValueKind.Array)
        {
            throw new LiveDataUnavailableException($"The SensorThings response of {Describe(url)} has no \"value\" array.");
        }

        return values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Object);
    }

    private Uri ResolveNextLink(Uri current, string link)
    {
        if (!Uri.TryCreate(link, UriKind.RelativeOrAbsolute, out var next))
        {
            throw new LiveDataUnavailableException($"The SensorThings response of {Describe(current)} has an unreadable @iot.nextLink.");
        }

        if (!next.IsAbsoluteUri)
        {
            next = link.StartsWith('/') || link.StartsWith('?') ? new Uri(current, link) : new Uri(_base, link);
        }

        if (next.Scheme == _base.Scheme && next.IdnHost == _base.IdnHost && next.Port == _base.Port)
        {
            return next;
        }

        // Another origin: FROST writes its configured serviceRootUrl, which behind a proxy is not the address we use.
        var version = "/" + _base.AbsolutePath.TrimEnd('/').Split('/')[^1] + "/";
        var at = version.Length > 2 ? next.AbsolutePath.IndexOf(version, StringComparison.Ordinal) : -1;
        if (at < 0)
        {
            throw new LiveDataUnavailableException(
                $"The @iot.nextLink of {Describe(current)} leads to another server ({next.Authority}); it was not followed.");
        }

        return new Uri(_base, next.AbsolutePath[(at + version.Length)..] + next.Query);
    }

    private async Task<JsonDocument> GetJsonAsync(Uri url, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var response = await LiveHttp.SendAsync(_http, request, MaxResponseBytes, "SensorThings server", cancellationToken)
            .ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw new LiveDataUnavailableException(
                $"The SensorThings server answered {(int)response.Status} ({response.ReasonPhrase}) for {Describe(url)}.");
        }

        try
        {
            return JsonDocument.Parse(response.Body);
        }
        catch (JsonException exception)
        {
            throw new LiveDataUnavailableException(
                $"The SensorThings response of {Describe(url)} is not valid JSON (line {exception.LineNumber + 1}).", exception);
        }
    }

    private static Thing ParseThing(JsonElement thing) => new(
        IdOf(thing),
        Text(thing, "name") ?? "",
        Text(thing, "description"),
        thing.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
            ? JsonNode.Parse(properties.GetRawText()) as JsonObject
            : null,
        [.. Objects(thing, "Locations").Select(ParseLocation)],
        [.. Objects(thing, "Datastreams").Select(ParseDatastream)]);

    private static Location ParseLocation(JsonElement location)
    {
        double? longitude = null, latitude = null;
        if (location.TryGetProperty("location", out var geo) && geo.ValueKind == JsonValueKind.Object)
        {
            if (Text(geo, "type") == "Feature" && geo.TryGetProperty("geometry", out var geometry) && geometry.ValueKind == JsonValueKind.Object)
            {
                geo = geometry;
            }

            if (Text(geo, "type") == "Point" && geo.TryGetProperty("coordinates", out var coordinates)
                && coordinates.ValueKind == JsonValueKind.Array && coordinates.GetArrayLength() >= 2
                && coordinates[0].ValueKind == JsonValueKind.Number && coordinates[1].ValueKind == JsonValueKind.Number)
            {
                longitude = coordinates[0].GetDouble();
                latitude = coordinates[1].GetDouble();
            }
        }

        return new Location(IdOf(location), Text(location, "name") ?? "", Text(location, "description"), longitude, latitude);
    }

    private static Datastream ParseDatastream(JsonElement datastream)
    {
        UnitOfMeasurement? unit = null;
        if (datastream.TryGetProperty("unitOfMeasurement", out var uom) && uom.ValueKind == JsonValueKind.Object)
        {
            unit = new UnitOfMeasurement(Text(uom, "name"), Text(uom, "symbol"), Text(uom, "definition"));
        }

        ObservedProperty? observed = null;
        if (datastream.TryGetProperty("ObservedProperty", out var op) && op.ValueKind == JsonValueKind.Object)
        {
            observed = new ObservedProperty(Text(op, "name"), Text(op, "definition"));
        }

        var thingName = datastream.TryGetProperty("Thing", out var thing) && thing.ValueKind == JsonValueKind.Object
            ? Text(thing, "name")
            : null;
        return new Datastream(IdOf(datastream), Text(datastream, "name") ?? "", Text(datastream, "description"), unit, observed, thingName);
    }

    private static Observation? ParseObservation(JsonElement observation)
    {
        var time = TimeOf(observation, "phenomenonTime") ?? TimeOf(observation, "resultTime");
        if (time is null)
        {
            return null;
        }

        if (!observation.TryGetProperty("result", out var result))
        {
            return new Observation(time.Value, null);
        }

        return result.ValueKind switch
        {
            JsonValueKind.Number => new Observation(time.Value, result.GetDouble()),
            JsonValueKind.String => new Observation(time.Value, null, result.GetString()),
            JsonValueKind.True => new Observation(time.Value, null, "true"),
            JsonValueKind.False => new Observation(time.Value, null, "false"),
            JsonValueKind.Object or JsonValueKind.Array => new Observation(time.Value, null, result.GetRawText()),
            _ => new Observation(time.Value, null),
        };
    }

    /// <summary>An instant, or the end of an interval <c>start/end</c>.</summary>
    private static DateTimeOffset? TimeOf(JsonElement element, string name)
    {
        var text = Text(element, name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var instant = slash >= 0 ? text[(slash + 1)..] : text;
        return DateTimeOffset.TryParse(instant.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;
    }

    private static string IdOf(JsonElement element) =>
        element.TryGetProperty("@iot.id", out var id)
            ? id.ValueKind switch
            {
                JsonValueKind.Number => id.GetRawText(),
                JsonValueKind.String => id.GetString() ?? "",
                _ => "",
            }
            : "";

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IEnumerable<JsonElement> Objects(JsonElement element, string name) =>
        element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
            : [];
}
