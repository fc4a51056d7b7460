using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Stadtdialog.LiveData.NgsiLd;

/// <summary>
/// A read-only client of an ETSI NGSI-LD context broker (API <c>/ngsi-ld/v1</c>): entity queries (by type, q, attrs and
/// geo-query near a point, paged with offset/limit), single entities and the temporal API. Every failure of the broker
/// (unreachable, timeout, error status, malformed or oversized answer) becomes a
/// <see cref="LiveDataUnavailableException"/> whose message names the status and the broker's problem details;
/// cancellation by the caller passes through as <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class NgsiLdClient(HttpClient http, Uri brokerUrl, NgsiLdClientOptions? options = null)
{
    private const string ContextRel = "http://www.w3.org/ns/json-ld#context";
    private const int MaxProblemChars = 300;

    private readonly NgsiLdClientOptions _options = options ?? new NgsiLdClientOptions();
    private readonly Uri _base = brokerUrl.AbsoluteUri.EndsWith('/') ? brokerUrl : new Uri(brokerUrl.AbsoluteUri + "/");

    /// <summary>
    /// Entities of <paramref name="type"/> (<c>GET /ngsi-ld/v1/entities?type=…</c>), optionally filtered by an NGSI-LD
    /// query <paramref name="q"/> (<c>availableSpotNumber&gt;10</c>), reduced to <paramref name="attrs"/> (comma-separated)
    /// and restricted to <paramref name="near"/> a point (<c>georel=near;maxDistance==N&amp;geometry=Point&amp;coordinates=[lon,lat]</c>).
    /// Pages of <see cref="NgsiLdClientOptions.PageSize"/> are fetched with <c>offset</c> until a page comes back short;
    /// at most <paramref name="limit"/> entities are returned.
    /// </summary>
    public async Task<IReadOnlyList<NgsiLdEntity>> QueryEntitiesAsync(
        string type, string? q = null, string? attrs = null, NearPoint? near = null, int limit = 100,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.PageSize, 1, nameof(options));

        var filter = new List<(string Name, string Value)> { ("type", type) };
        if (!string.IsNullOrWhiteSpace(q))
        {
            filter.Add(("q", q));
        }

        if (!string.IsNullOrWhiteSpace(attrs))
        {
            filter.Add(("attrs", attrs));
        }

        if (near is not null)
        {
            filter.Add(("georel", "near;maxDistance==" + Format(near.MaxDistanceMeters)));
            filter.Add(("geometry", "Point"));
            filter.Add(("coordinates", $"[{Format(near.Longitude)},{Format(near.Latitude)}]"));
        }

        var entities = new List<NgsiLdEntity>();
        while (entities.Count < limit)
        {
            var pageSize = Math.Min(_options.PageSize, limit - entities.Count);
            var query = new List<(string Name, string Value)>(filter)
            {
                ("offset", entities.Count.ToString(CultureInfo.InvariantCulture)),
                ("limit", pageSize.ToString(CultureInfo.InvariantCulture)),
            };
            var root = await GetJsonAsync("ngsi-ld/v1/entities" + QueryString(query), cancellationToken);
            if (root is not JsonArray)
            {
                throw new LiveDataUnavailableException($"The NGSI-LD broker {_base.Authority} answered the query for {type} with no list of entities.");
            }

            var page = Parse(() => NgsiLdParser.ParseEntities(root), $"entities of type {type}");
            entities.AddRange(page.Take(pageSize));
            if (page.Count < pageSize)
            {
                break;
            }
        }

        return entities;
    }

    /// <summary>One entity (<c>GET /ngsi-ld/v1/entities/{id}</c>); an unknown id is a <see cref="LiveDataUnavailableException"/> (404).</summary>
    public async Task<NgsiLdEntity> GetEntityAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var root = await GetJsonAsync("ngsi-ld/v1/entities/" + Uri.EscapeDataString(id), cancellationToken);
        return Parse(() => NgsiLdParser.ParseEntity(root), $"entity {id}");
    }

    /// <summary>
    /// The history of one attribute between two instants (<c>GET /ngsi-ld/v1/temporal/entities/{id}?attrs=…&amp;timerel=between&amp;timeAt=…&amp;endTimeAt=…</c>),
    /// read from the normalized temporal representation (instances with <c>observedAt</c>) or the simplified one
    /// (<c>values</c> pairs), in time order. Returns <c>null</c> when the broker has no temporal API: status 501, an
    /// NGSI-LD problem of type <c>…/OperationNotSupported</c>, or a 404 that is no NGSI-LD problem (an unknown route);
    /// a 404 with the problem type <c>…/ResourceNotFound</c> (unknown entity) is a <see cref="LiveDataUnavailableException"/>.
    /// </summary>
    public async Task<ObservationSeries?> GetTemporalAsync(
        string id, string attribute, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(attribute);
        var query = QueryString(
        [
            ("attrs", attribute),
            ("timerel", "between"),
            ("timeAt", FormatTime(from)),
            ("endTimeAt", FormatTime(to)),
        ]);
        var root = await GetJsonAsync("ngsi-ld/v1/temporal/entities/" + Uri.EscapeDataString(id) + query, cancellationToken, temporal: true);
        if (root is null)
        {
            return null;
        }

        return Parse(() => NgsiLdParser.ParseTemporal(root, attribute), $"the history of {attribute} of {id}");
    }

    /// <summary>The parsed JSON answer, or (temporal only) null where the broker says it has no temporal API.</summary>
    private async Task<JsonNode?> GetJsonAsync(string relative, CancellationToken cancellationToken, bool temporal = false)
    {
        var url = new Uri(_base, relative);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/ld+json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json", 0.9));
        if (!string.IsNullOrWhiteSpace(_options.Tenant))
        {
            request.Headers.TryAddWithoutValidation("NGSILD-Tenant", _options.Tenant);
        }

        if (_options.ContextLink is { } context)
        {
            request.Headers.TryAddWithoutValidation("Link", $"<{context.AbsoluteUri}>; rel=\"{ContextRel}\"; type=\"application/ld+json\"");
        }

        var where = $"{_base.Authority} ({url.AbsolutePath})";
        var response = await LiveHttp.SendAsync(http, request, _options.MaxResponseBytes, "NGSI-LD broker", cancellationToken);
        var body = response.Body;
        if (!response.IsSuccess)
        {
            var problem = Problem(body);
            if (temporal && TemporalNotSupported(response.Status, problem.Type))
            {
                return null;
            }

            throw new LiveDataUnavailableException(ErrorMessage(where, response, problem));
        }

        if (body.Length == 0)
        {
            throw new LiveDataUnavailableException($"The NGSI-LD broker {where} answered with an empty body.");
        }

        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException exception)
        {
            throw new LiveDataUnavailableException($"The NGSI-LD broker {where} answered with malformed JSON: {exception.Message}", exception);
        }
    }

    private static T Parse<T>(Func<T> parse, string what)
    {
        try
        {
            return parse();
        }
        catch (Exception exception) when (exception is FormatException or InvalidOperationException or ArgumentException or JsonException)
        {
            throw new LiveDataUnavailableException($"The NGSI-LD broker sent {what} in a form that cannot be read: {exception.Message}", exception);
        }
    }

    private static bool TemporalNotSupported(HttpStatusCode status, string? problemType) =>
        status == HttpStatusCode.NotImplemented
        || (problemType is not null && problemType.EndsWith("/OperationNotSupported", StringComparison.Ordinal))
        || (status == HttpStatusCode.NotFound && (problemType is null || !problemType.Contains("uri.etsi.org/ngsi-ld/errors/", StringComparison.Ordinal)));

    private sealed record ProblemDetails(string? Type, string? Title, string? Detail);

    /// <summary>The NGSI-LD (RFC 7807) problem details of an error answer, or the start of its text.</summary>
    private static ProblemDetails Problem(byte[] body)
    {
        if (body.Length == 0)
        {
            return new ProblemDetails(null, null, null);
        }

        try
        {
            if (JsonNode.Parse(body) is JsonObject problem)
            {
                return new ProblemDetails(Text(problem["type"]), Text(problem["title"]), Text(problem["detail"]));
            }
        }
        catch (JsonException)
        {
            // Not JSON: an HTML or text error page.
        }

        var text = Encoding.UTF8.GetString(body).Trim();
        return new ProblemDetails(null, null, text.Length > MaxProblemChars ? text[..MaxProblemChars] + "…" : text);

        static string? Text(JsonNode? node) =>
            node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
    }

    private static string ErrorMessage(string where, LiveHttp.Response response, ProblemDetails problem)
    {
        var message = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"The NGSI-LD broker {where} answered {(int)response.Status} {response.ReasonPhrase}"));
        var explanation = string.Join(": ", new[] { problem.Title, problem.Detail }.Where(t => !string.IsNullOrWhiteSpace(t)));
        if (explanation.Length > 0)
        {
            message.Append(" – ").Append(explanation);
        }
        else if (problem.Type is not null)
        {
            message.Append(" – ").Append(problem.Type);
        }

        return message.Append('.').ToString();
    }

    private static string QueryString(IEnumerable<(string Name, string Value)> parameters) =>
        "?" + string.Join("&", parameters.Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value)));

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString(time.Millisecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
