using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Stadtdialog.Server.Features.Demo;

/// <summary>
/// The demo urban data platform of Musterstadt under <c>/demo/platform/</c>: recorded answers (samples/*/platform/)
/// served like a FROST-Server (OGC SensorThings API v1.1), an NGSI-LD broker (entities and temporal API) and an
/// iCalendar feed, so that the data connectors can be shown and tested against it exactly as against real platforms.
/// Every timestamp is shifted by (now floored to the hour − recording time), observations after now are never served,
/// and every answer carries <c>X-Demo-Data: true</c>.
/// </summary>
internal static partial class DemoPlatform
{
    public const string Prefix = "/demo/platform";
    public const string SensorThingsPath = Prefix + "/sensorthings/v1.1/";
    public const string NgsiLdPath = Prefix + "/ngsi-ld/v1/";
    public const string DemoHeader = "X-Demo-Data";

    private const int DefaultTop = 100;
    /// <summary>
    /// The largest page (FROST-Server's maxTop, 1000 by default there): deliberately small, so that clients show they follow
    /// <c>@iot.nextLink</c> as they must with any server whose maxTop is below the <c>$top</c> they ask for.
    /// </summary>
    private const int MaxTop = 12;
    private const int DefaultLimit = 20;
    private const int MaxLimit = 1000;
    private const string NgsiLdErrors = "https://uri.etsi.org/ngsi-ld/errors/";
    private const string CoreContext = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld";

    // API answers, never embedded in HTML: no escaping of &, + or umlauts, as FROST and the brokers write them.
    private static readonly JsonSerializerOptions JsonOutput = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly HashSet<string> CollectionOptions = new(StringComparer.Ordinal) { "$filter", "$expand", "$top", "$skip", "$count", "$orderby" };

    private static readonly string[] EntitySets = ["Things", "Locations", "Datastreams", "ObservedProperties", "Observations"];

    private static readonly HashSet<string> TimeMembers = new(StringComparer.Ordinal) { "observedAt", "createdAt", "modifiedAt" };

    /// <summary>Maps the demo platform (before the <c>/demo/{**page}</c> catch-all, which it is more specific than).</summary>
    public static IEndpointRouteBuilder MapDemoPlatform(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).ExcludeFromDescription();
        group.AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers[DemoHeader] = "true";
            var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<DemoOptions>>().Value;
            if (!options.Enabled)
            {
                return TypedResults.NotFound();
            }

            var store = context.HttpContext.RequestServices.GetRequiredService<DemoPlatformStore>();
            if (store.Data is null)
            {
                return TypedResults.Problem(
                    title: "Demo-Datenplattform nicht verfügbar",
                    detail: "Die aufgezeichneten Demodaten konnten nicht geladen werden. " + store.Error,
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            try
            {
                return await next(context);
            }
            catch (DemoQueryException exception)
            {
                return context.HttpContext.Request.Path.StartsWithSegments(Prefix + "/ngsi-ld", StringComparison.Ordinal)
                    ? NgsiProblem(StatusCodes.Status400BadRequest, "BadRequestData", "Ungültige Anfrage", exception.Message)
                    : FrostError(StatusCodes.Status400BadRequest, exception.Message);
            }
        });

        group.MapGet("/sensorthings/v1.1/{**path}", (string? path, HttpContext http, DemoPlatformStore store, TimeProvider time) =>
            SensorThings(path ?? "", http, store.Data!, time.GetUtcNow()));
        group.MapGet("/ngsi-ld/v1/entities", (HttpContext http, DemoPlatformStore store, TimeProvider time) =>
            QueryEntities(http, store.Data!, time.GetUtcNow(), temporal: false));
        group.MapGet("/ngsi-ld/v1/entities/{id}", (string id, HttpContext http, DemoPlatformStore store, TimeProvider time) =>
            GetEntity(id, http, store.Data!, time.GetUtcNow(), temporal: false));
        group.MapGet("/ngsi-ld/v1/temporal/entities", (HttpContext http, DemoPlatformStore store, TimeProvider time) =>
            QueryEntities(http, store.Data!, time.GetUtcNow(), temporal: true));
        group.MapGet("/ngsi-ld/v1/temporal/entities/{id}", (string id, HttpContext http, DemoPlatformStore store, TimeProvider time) =>
            GetEntity(id, http, store.Data!, time.GetUtcNow(), temporal: true));
        group.MapGet("/ngsi-ld/{**rest}", () =>
            NgsiProblem(StatusCodes.Status404NotFound, "ResourceNotFound", "Nicht gefunden", "The demo broker offers entities and temporal/entities only."));
        group.MapGet("/events/{name}", (string name, DemoPlatformStore store) =>
            store.Data!.Events.TryGetValue(name, out var file)
                ? File.Exists(file)
                    ? Results.File(file, "text/calendar; charset=utf-8")
                    : TypedResults.Problem(title: "Demo-Datenplattform nicht verfügbar",
                        detail: $"Die Kalenderdatei {name} der Demodaten fehlt.", statusCode: StatusCodes.Status503ServiceUnavailable)
                : TypedResults.NotFound());
        group.MapGet("/{**rest}", () => TypedResults.NotFound());
        return app;
    }

    // ───────────────────────────── SensorThings ─────────────────────────────

    [GeneratedRegex(@"^(?<set>[A-Za-z]+)(?:\((?<id>[^()]*)\))?(?:/(?<nav>[A-Za-z]+))?/?$")]
    private static partial Regex ResourcePath();

    private sealed record Expand(Dictionary<string, Expand> Children)
    {
        public Expand? this[string name] => Children.GetValueOrDefault(name);
    }

    private static ContentHttpResult SensorThings(string path, HttpContext http, DemoPlatformData data, DateTimeOffset now)
    {
        var root = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{SensorThingsPath}";
        var shift = data.Shift(now);
        if (path.Length == 0)
        {
            return Json(new JsonObject
            {
                ["value"] = new JsonArray([.. EntitySets.Select(n => (JsonNode)new JsonObject { ["name"] = n, ["url"] = root + n })]),
                ["serverSettings"] = new JsonObject { ["conformance"] = new JsonArray("http://www.opengis.net/spec/iot_sensing/1.1/req/request-data") },
            }, "application/json");
        }

        var match = ResourcePath().Match(path);
        if (!match.Success)
        {
            return FrostError(StatusCodes.Status404NotFound, "Nothing found.");
        }

        var set = match.Groups["set"].Value;
        var nav = match.Groups["nav"].Success ? match.Groups["nav"].Value : null;
        long? id = match.Groups["id"].Success ? ParseKey(match.Groups["id"].Value) : null;
        var query = http.Request.Query;

        switch (set, id is null, nav)
        {
            case ("Things", true, null):
                CheckOptions(query, collection: true);
                var thingExpand = ParseExpand(query["$expand"], "Thing");
                return Collection(http, data.Things, t => t, t => ThingJson(t, thingExpand, root, shift));
            case ("Things", false, null):
                CheckOptions(query, collection: false);
                return data.Things.FirstOrDefault(t => DemoPlatformData.IdOf(t) == id) is { } thing
                    ? Json(ThingJson(thing, ParseExpand(query["$expand"], "Thing"), root, shift), "application/json")
                    : NotFound();
            case ("Things", false, "Datastreams"):
            case ("Datastreams", true, null):
                CheckOptions(query, collection: true);
                var dsExpand = ParseExpand(query["$expand"], "Datastream");
                var streams = data.Datastreams.Where(d => nav is null || DemoPlatformData.IdOf(d.Thing) == id).ToList();
                if (nav is not null && !data.Things.Any(t => DemoPlatformData.IdOf(t) == id))
                {
                    return NotFound();
                }

                return Collection(http, streams, FilterView, d => DatastreamJson(d, dsExpand, root, shift));
            case ("Things", false, "Locations"):
                CheckOptions(query, collection: true);
                return data.Things.FirstOrDefault(t => DemoPlatformData.IdOf(t) == id) is { } owner
                    ? Collection(http, (owner["Locations"] as JsonArray ?? []).OfType<JsonObject>().ToList(), l => l, l => LocationJson(l, root))
                    : NotFound();
            case ("Datastreams", false, null):
                CheckOptions(query, collection: false);
                return data.Datastreams.FirstOrDefault(d => d.Id == id) is { } datastream
                    ? Json(DatastreamJson(datastream, ParseExpand(query["$expand"], "Datastream"), root, shift), "application/json")
                    : NotFound();
            case ("Datastreams", false, "Thing"):
                CheckOptions(query, collection: false);
                return data.Datastreams.FirstOrDefault(d => d.Id == id) is { } of
                    ? Json(ThingJson(of.Thing, ParseExpand(query["$expand"], "Thing"), root, shift), "application/json")
                    : NotFound();
            case ("Datastreams", false, "ObservedProperty"):
                CheckOptions(query, collection: false);
                ParseExpand(query["$expand"], "ObservedProperty");
                return data.Datastreams.FirstOrDefault(d => d.Id == id) is { } observedOf && observedOf.Datastream["ObservedProperty"] is JsonObject op
                    ? Json(ObservedPropertyJson(op, root), "application/json")
                    : NotFound();
            case ("Datastreams", false, "Observations"):
                CheckOptions(query, collection: true);
                ParseExpand(query["$expand"], "Observation");
                if (data.Datastreams.All(d => d.Id != id))
                {
                    return NotFound();
                }

                var observations = data.Observations.GetValueOrDefault(id!.Value, [])
                    .Select(o => o with { Time = o.Time + shift })
                    .Where(o => o.Time <= now)
                    .ToList();
                return Collection(http, observations, o => ObservationJson(o, id.Value, root), o => ObservationJson(o, id.Value, root));
            default:
                return FrostError(StatusCodes.Status404NotFound, "Nothing found.");
        }
    }

    private static long ParseKey(string key)
    {
        var text = key.Length >= 2 && key[0] == '\'' && key[^1] == '\'' ? key[1..^1] : key;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new DemoQueryException($"The id '{key}' is not valid: the demo platform uses numeric ids.");
    }

    private static void CheckOptions(IQueryCollection query, bool collection)
    {
        foreach (var name in query.Keys.Where(k => k.StartsWith('$')))
        {
            if (collection ? !CollectionOptions.Contains(name) : name != "$expand")
            {
                throw new DemoQueryException($"The query option {name} is not supported here by the demo platform.");
            }
        }
    }

    /// <summary><c>Locations,Datastreams/ObservedProperty</c> → a tree, checked against the navigation properties of each entity type.</summary>
    private static Expand ParseExpand(string? text, string entityType)
    {
        var root = new Expand([]);
        if (string.IsNullOrWhiteSpace(text))
        {
            return root;
        }

        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (item.Contains('(', StringComparison.Ordinal) || item.Contains('$', StringComparison.Ordinal))
            {
                throw new DemoQueryException($"Failed to parse $expand: nested query options ('{item}') are not supported by the demo platform.");
            }

            var node = root;
            var type = entityType;
            foreach (var segment in item.Split('/'))
            {
                type = (type, segment) switch
                {
                    ("Thing", "Locations") => "Location",
                    ("Thing", "Datastreams") => "Datastream",
                    ("Datastream", "Thing") => "Thing",
                    ("Datastream", "ObservedProperty") => "ObservedProperty",
                    _ => throw new DemoQueryException($"Invalid path for $expand: '{item}' ({segment} is no navigation property of {type} in the demo platform)."),
                };
                if (!node.Children.TryGetValue(segment, out var child))
                {
                    node.Children[segment] = child = new Expand([]);
                }

                node = child;
            }
        }

        return root;
    }

    /// <summary>Filters, orders and pages a collection, FROST-style (<c>@iot.count</c>, <c>@iot.nextLink</c>, <c>value</c>).</summary>
    private static ContentHttpResult Collection<T>(HttpContext http, IReadOnlyList<T> items, Func<T, JsonObject> view, Func<T, JsonObject> render)
    {
        var query = http.Request.Query;
        var top = Number(query, "$top", DefaultTop, 0, int.MaxValue);
        top = Math.Min(top, MaxTop);
        var skip = Number(query, "$skip", 0, 0, int.MaxValue);
        var count = query["$count"].ToString() switch
        {
            "" or "true" => true,
            "false" => false,
            var other => throw new DemoQueryException($"Failed to parse $count: '{other}' is neither true nor false."),
        };

        IEnumerable<T> selected = items;
        if (query["$filter"].ToString() is { Length: > 0 } filterText)
        {
            var filter = DemoODataQuery.ParseFilter(filterText);
            selected = selected.Where(item =>
            {
                var v = view(item);
                return filter(p => DemoODataQuery.Resolve(v, p));
            });
        }

        if (query["$orderby"].ToString() is { Length: > 0 } orderText)
        {
            var orders = DemoODataQuery.ParseOrderBy(orderText);
            var views = selected.Select(item => (Item: item, View: view(item))).ToList();
            views.Sort((a, b) =>
            {
                foreach (var (path, descending) in orders)
                {
                    var order = DemoODataQuery.Compare(DemoODataQuery.Resolve(a.View, path), DemoODataQuery.Resolve(b.View, path));
                    if (order != 0)
                    {
                        return descending ? -order : order;
                    }
                }

                return DemoODataQuery.Compare(DemoODataQuery.Resolve(a.View, "id"), DemoODataQuery.Resolve(b.View, "id"));
            });
            selected = views.Select(v => v.Item);
        }

        var all = selected.ToList();
        var result = new JsonObject();
        if (count)
        {
            result["@iot.count"] = all.Count;
        }

        if (skip + (long)top < all.Count)
        {
            var next = new QueryBuilder(query.Where(p => p.Key is not ("$skip" or "$top")).SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v ?? ""))))
            {
                { "$top", top.ToString(CultureInfo.InvariantCulture) },
                { "$skip", (skip + top).ToString(CultureInfo.InvariantCulture) },
            };
            result["@iot.nextLink"] = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{http.Request.Path}{next.ToQueryString()}";
        }

        result["value"] = new JsonArray([.. all.Skip(skip).Take(top).Select(i => (JsonNode)render(i))]);
        return Json(result, "application/json");
    }

    private static int Number(IQueryCollection query, string name, int fallback, int min, int max)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new DemoQueryException($"Failed to parse {name}: '{text}' is not a number from {min} up.");
    }

    /// <summary>What <c>$filter</c> and <c>$orderby</c> of Datastreams see: the recorded Datastream with its Thing.</summary>
    private static JsonObject FilterView(DemoDatastream datastream)
    {
        var view = (JsonObject)datastream.Datastream.DeepClone();
        var thing = (JsonObject)datastream.Thing.DeepClone();
        thing.Remove("Datastreams");
        view["Thing"] = thing;
        return view;
    }

    private static JsonObject ThingJson(JsonObject thing, Expand expand, string root, TimeSpan shift)
    {
        var id = DemoPlatformData.IdOf(thing);
        var self = $"{root}Things({id.ToString(CultureInfo.InvariantCulture)})";
        var json = new JsonObject
        {
            ["@iot.id"] = id,
            ["@iot.selfLink"] = self,
            ["name"] = thing["name"]?.DeepClone(),
            ["description"] = thing["description"]?.DeepClone(),
        };
        if (thing["properties"] is JsonObject properties)
        {
            json["properties"] = properties.DeepClone();
        }

        json["Locations@iot.navigationLink"] = self + "/Locations";
        json["HistoricalLocations@iot.navigationLink"] = self + "/HistoricalLocations";
        json["Datastreams@iot.navigationLink"] = self + "/Datastreams";
        if (expand["Locations"] is not null)
        {
            json["Locations"] = new JsonArray([.. (thing["Locations"] as JsonArray ?? []).OfType<JsonObject>().Select(l => (JsonNode)LocationJson(l, root))]);
        }

        if (expand["Datastreams"] is { } datastreams)
        {
            json["Datastreams"] = new JsonArray([.. (thing["Datastreams"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(d => (JsonNode)DatastreamJson(new DemoDatastream(DemoPlatformData.IdOf(d), d, thing), datastreams, root, shift))]);
        }

        return json;
    }

    private static JsonObject LocationJson(JsonObject location, string root)
    {
        var self = $"{root}Locations({DemoPlatformData.IdOf(location).ToString(CultureInfo.InvariantCulture)})";
        var json = (JsonObject)location.DeepClone();
        json.Insert(1, "@iot.selfLink", self);
        json["Things@iot.navigationLink"] = self + "/Things";
        return json;
    }

    private static JsonObject ObservedPropertyJson(JsonObject observed, string root)
    {
        var self = $"{root}ObservedProperties({DemoPlatformData.IdOf(observed).ToString(CultureInfo.InvariantCulture)})";
        var json = (JsonObject)observed.DeepClone();
        json.Insert(1, "@iot.selfLink", self);
        json["Datastreams@iot.navigationLink"] = self + "/Datastreams";
        return json;
    }

    private static JsonObject DatastreamJson(DemoDatastream datastream, Expand expand, string root, TimeSpan shift)
    {
        var self = $"{root}Datastreams({datastream.Id.ToString(CultureInfo.InvariantCulture)})";
        var json = new JsonObject { ["@iot.id"] = datastream.Id, ["@iot.selfLink"] = self };
        foreach (var (name, value) in datastream.Datastream)
        {
            if (name is "@iot.id" or "ObservedProperty" or "Thing" or "Observations")
            {
                continue;
            }

            json[name] = name is "phenomenonTime" or "resultTime" && value is JsonValue interval
                ? ShiftInterval(interval.GetValue<string>(), shift)
                : value?.DeepClone();
        }

        json["Thing@iot.navigationLink"] = self + "/Thing";
        json["Sensor@iot.navigationLink"] = self + "/Sensor";
        json["ObservedProperty@iot.navigationLink"] = self + "/ObservedProperty";
        json["Observations@iot.navigationLink"] = self + "/Observations";
        if (expand["ObservedProperty"] is not null && datastream.Datastream["ObservedProperty"] is JsonObject observed)
        {
            json["ObservedProperty"] = ObservedPropertyJson(observed, root);
        }

        if (expand["Thing"] is { } thing)
        {
            json["Thing"] = ThingJson(datastream.Thing, thing, root, shift);
        }

        return json;
    }

    private static JsonObject ObservationJson(DemoObservation observation, long datastream, string root)
    {
        var self = $"{root}Observations({observation.Id.ToString(CultureInfo.InvariantCulture)})";
        var time = DemoPlatformData.FormatTime(observation.Time);
        return new JsonObject
        {
            ["@iot.id"] = observation.Id,
            ["@iot.selfLink"] = self,
            ["phenomenonTime"] = time,
            ["resultTime"] = time,
            ["result"] = observation.Result?.DeepClone(),
            ["Datastream@iot.navigationLink"] = $"{root}Datastreams({datastream.ToString(CultureInfo.InvariantCulture)})",
            ["FeatureOfInterest@iot.navigationLink"] = self + "/FeatureOfInterest",
        };
    }

    private static string ShiftInterval(string interval, TimeSpan shift) => string.Join('/', interval.Split('/')
        .Select(part => DemoPlatformData.ParseTime(part) is { } t ? DemoPlatformData.FormatTime(t + shift) : part));

    private static ContentHttpResult NotFound() => FrostError(StatusCodes.Status404NotFound, "Nothing found.");

    /// <summary>FROST-Server's error body: <c>{"code":400,"type":"error","message":"…"}</c>.</summary>
    private static ContentHttpResult FrostError(int status, string message) =>
        Json(new JsonObject { ["code"] = status, ["type"] = "error", ["message"] = message }, "application/json", status);

    private static ContentHttpResult Json(JsonNode node, string contentType, int status = StatusCodes.Status200OK) =>
        TypedResults.Text(node.ToJsonString(JsonOutput), contentType, Encoding.UTF8, status);

    // ───────────────────────────── NGSI-LD ─────────────────────────────

    private static ContentHttpResult QueryEntities(HttpContext http, DemoPlatformData data, DateTimeOffset now, bool temporal)
    {
        var query = http.Request.Query;
        var types = List(query["type"]);
        var ids = List(query["id"]);
        var q = query["q"].ToString();
        var georel = query["georel"].ToString();
        if (types.Count == 0 && ids.Count == 0 && q.Length == 0 && georel.Length == 0 && query["attrs"].ToString().Length == 0)
        {
            throw new DemoQueryException("An entity query needs at least one of type, id, q, attrs or a geo-query.");
        }

        var limit = Number(query, "limit", DefaultLimit, 0, MaxLimit);
        var offset = Number(query, "offset", 0, 0, int.MaxValue);
        var matches = data.Entities
            .Where(e => types.Count == 0 || types.Any(t => ShortName(t) == ShortName(e["type"]!.GetValue<string>())))
            .Where(e => ids.Count == 0 || ids.Contains(e["id"]!.GetValue<string>()));
        if (q.Length > 0)
        {
            var test = ParseNgsiQuery(q);
            matches = matches.Where(test);
        }

        if (georel.Length > 0)
        {
            var (lon, lat, min, max) = ParseNear(georel, query["geometry"].ToString(), query["coordinates"].ToString());
            matches = matches
                .Select(e => (Entity: e, Distance: LocationOf(e) is { } p ? Haversine(lon, lat, p.Lon, p.Lat) : double.NaN))
                .Where(m => !double.IsNaN(m.Distance) && m.Distance <= max && m.Distance >= min)
                .OrderBy(m => m.Distance)
                .Select(m => m.Entity);
        }

        var all = matches.ToList();
        if (query["count"].ToString() == "true")
        {
            http.Response.Headers["NGSILD-Results-Count"] = all.Count.ToString(CultureInfo.InvariantCulture);
        }

        var ld = WantsJsonLd(http);
        var page = all.Skip(offset).Take(limit)
            .Select(e => (JsonNode)(temporal ? TemporalJson(e, http, data, now, ld) : EntityJson(e, http, data.Shift(now), ld)));
        return NgsiJson(http, new JsonArray([.. page]), ld);
    }

    private static ContentHttpResult GetEntity(string id, HttpContext http, DemoPlatformData data, DateTimeOffset now, bool temporal)
    {
        var entity = data.Entities.FirstOrDefault(e => e["id"]!.GetValue<string>() == id);
        if (entity is null)
        {
            return NgsiProblem(StatusCodes.Status404NotFound, "ResourceNotFound", "Entität nicht gefunden", $"The entity {id} does not exist.");
        }

        var ld = WantsJsonLd(http);
        return NgsiJson(http, temporal ? TemporalJson(entity, http, data, now, ld) : EntityJson(entity, http, data.Shift(now), ld), ld);
    }

    /// <summary>An entity as stored (normalized), times shifted, reduced to <c>attrs</c>, or simplified with <c>options=keyValues</c>.</summary>
    private static JsonObject EntityJson(JsonObject entity, HttpContext http, TimeSpan shift, bool ld)
    {
        var attrs = List(http.Request.Query["attrs"]);
        var options = List(http.Request.Query["options"]);
        var keyValues = options.Contains("keyValues") || http.Request.Query["format"].ToString() is "keyValues" or "simplified";
        var json = new JsonObject();
        foreach (var (name, value) in entity)
        {
            if (name == "@context")
            {
                continue;
            }

            if (name is not ("id" or "type") && attrs.Count > 0 && !attrs.Contains(name))
            {
                continue;
            }

            var copy = value?.DeepClone();
            ShiftTimes(copy, shift);
            json[name] = keyValues && copy is JsonObject attribute && name is not ("id" or "type")
                ? (attribute["value"] ?? attribute["object"])?.DeepClone()
                : copy;
        }

        if (ld)
        {
            json["@context"] = entity["@context"]?.DeepClone() ?? CoreContext;
        }

        return json;
    }

    /// <summary>
    /// The temporal representation: for each attribute with recorded history (manifest <c>ngsiLd.temporal</c>) the
    /// instances from the hourly observations, shifted, none after now; <c>timerel</c> before/after/between,
    /// <c>lastN</c>, <c>attrs</c> and <c>options=temporalValues</c> (simplified <c>values</c> pairs).
    /// </summary>
    private static JsonObject TemporalJson(JsonObject entity, HttpContext http, DemoPlatformData data, DateTimeOffset now, bool ld)
    {
        var query = http.Request.Query;
        var shift = data.Shift(now);
        var attrs = List(query["attrs"]);
        var simplified = List(query["options"]).Contains("temporalValues") || query["format"].ToString() == "temporalValues";
        var timerel = query["timerel"].ToString();
        var timeAt = TimeParameter(query, "timeAt", required: timerel.Length > 0);
        var endTimeAt = TimeParameter(query, "endTimeAt", required: timerel == "between");
        Func<DateTimeOffset, bool> inRange = timerel switch
        {
            "" => _ => true,
            "before" => t => t < timeAt,
            "after" => t => t > timeAt,
            "between" => t => t >= timeAt && t <= endTimeAt,
            _ => throw new DemoQueryException($"timerel '{timerel}' is not one of before, after, between."),
        };
        var lastN = Number(query, "lastN", 0, 1, MaxLimit);

        var id = entity["id"]!.GetValue<string>();
        var json = new JsonObject { ["id"] = id, ["type"] = entity["type"]!.DeepClone() };
        foreach (var (attribute, datastream) in data.Temporal.GetValueOrDefault(id) ?? new Dictionary<string, long>())
        {
            if (attrs.Count > 0 && !attrs.Contains(attribute))
            {
                continue;
            }

            var unitCode = entity[attribute]?["unitCode"]?.DeepClone();
            var instances = data.Observations[datastream]
                .Select(o => o with { Time = o.Time + shift })
                .Where(o => o.Time <= now && inRange(o.Time))
                .ToList();
            if (lastN > 0)
            {
                instances = instances.TakeLast(lastN).ToList();
            }

            if (simplified)
            {
                var values = new JsonObject { ["type"] = "Property" };
                values["values"] = new JsonArray([.. instances.Select(o => (JsonNode)new JsonArray(o.Result?.DeepClone(), DemoPlatformData.FormatTime(o.Time)))]);
                if (unitCode is not null)
                {
                    values["unitCode"] = unitCode;
                }

                json[attribute] = values;
                continue;
            }

            json[attribute] = new JsonArray([.. instances.Select(o =>
            {
                var instance = new JsonObject
                {
                    ["type"] = "Property",
                    ["value"] = o.Result?.DeepClone(),
                    ["observedAt"] = DemoPlatformData.FormatTime(o.Time),
                    ["instanceId"] = "urn:ngsi-ld:attribute:instance:musterstadt-" + o.Id.ToString(CultureInfo.InvariantCulture),
                };
                if (unitCode is not null)
                {
                    instance["unitCode"] = unitCode.DeepClone();
                }

                return (JsonNode)instance;
            })]);
        }

        if (ld)
        {
            json["@context"] = entity["@context"]?.DeepClone() ?? CoreContext;
        }

        return json;
    }

    private static DateTimeOffset TimeParameter(IQueryCollection query, string name, bool required)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            return required ? throw new DemoQueryException($"{name} is required for this timerel.") : default;
        }

        return DemoPlatformData.ParseTime(text) ?? throw new DemoQueryException($"{name} '{text}' is not an ISO 8601 instant.");
    }

    /// <summary>Shifts <c>observedAt</c>/<c>createdAt</c>/<c>modifiedAt</c> and JSON-LD DateTime values inside an attribute.</summary>
    private static void ShiftTimes(JsonNode? node, TimeSpan shift)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["@type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String && type.GetValue<string>() == "DateTime"
                    && o["@value"] is JsonValue value && DemoPlatformData.ParseTime(value.GetValue<string>()) is { } at)
                {
                    o["@value"] = DemoPlatformData.FormatTime(at + shift);
                }

                foreach (var name in o.Select(p => p.Key).ToList())
                {
                    if (TimeMembers.Contains(name) && o[name] is JsonValue text && text.GetValueKind() == JsonValueKind.String
                        && DemoPlatformData.ParseTime(text.GetValue<string>()) is { } time)
                    {
                        o[name] = DemoPlatformData.FormatTime(time + shift);
                    }
                    else
                    {
                        ShiftTimes(o[name], shift);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    ShiftTimes(item, shift);
                }

                break;
        }
    }

    /// <summary><c>attr==value;attr2&gt;3</c> (terms joined by <c>;</c>, all must hold): ==, !=, &gt;, &gt;=, &lt;, &lt;=; a bare name tests existence.</summary>
    private static Func<JsonObject, bool> ParseNgsiQuery(string q)
    {
        if (q.Contains('|', StringComparison.Ordinal) || q.Contains('(', StringComparison.Ordinal))
        {
            throw new DemoQueryException("The demo broker supports q as terms joined by ';' only (no '|' or parentheses).");
        }

        var tests = new List<Func<JsonObject, bool>>();
        foreach (var term in q.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var match = NgsiTerm().Match(term);
            if (!match.Success)
            {
                throw new DemoQueryException($"The q term '{term}' cannot be read by the demo broker.");
            }

            var attribute = match.Groups["attr"].Value;
            if (!match.Groups["op"].Success)
            {
                tests.Add(e => e[attribute] is not null);
                continue;
            }

            var op = match.Groups["op"].Value;
            var literal = match.Groups["value"].Value;
            object expected = literal.Length >= 2 && literal[0] == '"' && literal[^1] == '"' ? literal[1..^1]
                : double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n
                : literal is "true" or "false" ? literal == "true"
                : literal;
            tests.Add(e =>
            {
                var value = e[attribute] is JsonObject a ? a["value"] : e[attribute];
                object? actual = value is JsonObject typed ? typed["@value"]?.ToString() : value is JsonValue v
                    ? v.GetValueKind() switch
                    {
                        JsonValueKind.Number => v.GetValue<double>(),
                        JsonValueKind.String => v.GetValue<string>(),
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => null,
                    }
                    : null;
                if (actual is null || actual.GetType() != expected.GetType())
                {
                    return op == "!=";
                }

                var order = DemoODataQuery.Compare(actual, expected);
                return op switch
                {
                    "==" => order == 0,
                    "!=" => order != 0,
                    ">" => order > 0,
                    ">=" => order >= 0,
                    "<" => order < 0,
                    _ => order <= 0,
                };
            });
        }

        return e => tests.All(t => t(e));
    }

    [GeneratedRegex("""^(?<attr>[A-Za-z_][A-Za-z0-9_]*)(?:(?<op>==|!=|>=|<=|>|<)(?<value>"[^"]*"|[^"<>=!;]+))?$""")]
    private static partial Regex NgsiTerm();

    private static (double Lon, double Lat, double Min, double Max) ParseNear(string georel, string geometry, string coordinates)
    {
        var parts = georel.Split(';', StringSplitOptions.TrimEntries);
        if (parts[0] != "near")
        {
            throw new DemoQueryException($"georel '{parts[0]}' is not supported by the demo broker (near only).");
        }

        double min = 0, max = double.PositiveInfinity;
        foreach (var modifier in parts.Skip(1))
        {
            var pair = modifier.Split("==");
            if (pair.Length != 2 || !double.TryParse(pair[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var meters) || meters < 0)
            {
                throw new DemoQueryException($"The georel modifier '{modifier}' is not maxDistance==N or minDistance==N.");
            }

            switch (pair[0])
            {
                case "maxDistance":
                    max = meters;
                    break;
                case "minDistance":
                    min = meters;
                    break;
                default:
                    throw new DemoQueryException($"The georel modifier '{pair[0]}' is not maxDistance or minDistance.");
            }
        }

        if (geometry != "Point")
        {
            throw new DemoQueryException("georel=near needs geometry=Point.");
        }

        try
        {
            var point = JsonNode.Parse(coordinates) as JsonArray;
            if (point is { Count: 2 } && point[0] is JsonValue x && point[1] is JsonValue y)
            {
                return (x.GetValue<double>(), y.GetValue<double>(), min, max);
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            // Reported below.
        }

        throw new DemoQueryException($"coordinates '{coordinates}' is not [longitude,latitude].");
    }

    private static (double Lon, double Lat)? LocationOf(JsonObject entity) =>
        entity["location"]?["value"] is JsonObject { } geo && geo["type"]?.ToString() == "Point"
            && geo["coordinates"] is JsonArray { Count: >= 2 } c && c[0] is JsonValue lon && c[1] is JsonValue lat
            ? (lon.GetValue<double>(), lat.GetValue<double>())
            : null;

    /// <summary>Great-circle distance in metres (mean earth radius 6,371,008.8 m).</summary>
    internal static double Haversine(double lon1, double lat1, double lon2, double lat2)
    {
        const double Radius = 6_371_008.8;
        var dLat = double.DegreesToRadians(lat2 - lat1);
        var dLon = double.DegreesToRadians(lon2 - lon1);
        var a = Math.Pow(Math.Sin(dLat / 2), 2)
            + Math.Cos(double.DegreesToRadians(lat1)) * Math.Cos(double.DegreesToRadians(lat2)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * Radius * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    private static List<string> List(Microsoft.Extensions.Primitives.StringValues values) =>
        [.. values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];

    private static string ShortName(string name)
    {
        var cut = name.LastIndexOfAny(['/', '#']);
        return cut >= 0 ? name[(cut + 1)..] : name;
    }

    private static bool WantsJsonLd(HttpContext http) =>
        http.Request.Headers.Accept.Any(a => a is not null && a.Contains("application/ld+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>application/ld+json with <c>@context</c> in the body, or application/json with the context in a Link header.</summary>
    private static ContentHttpResult NgsiJson(HttpContext http, JsonNode body, bool ld)
    {
        if (!ld)
        {
            http.Response.Headers.Link = $"<{CoreContext}>; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\"";
        }

        return Json(body, ld ? "application/ld+json" : "application/json");
    }

    /// <summary>An NGSI-LD problem (RFC 7807) with an ETSI error type.</summary>
    private static ContentHttpResult NgsiProblem(int status, string type, string title, string detail) =>
        Json(new JsonObject { ["type"] = NgsiLdErrors + type, ["title"] = title, ["status"] = status, ["detail"] = detail },
            "application/problem+json", status);
}
