using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Stadtdialog.Server.Features.Demo;

/// <summary>One recorded observation of a datastream (time as recorded, before the time shift).</summary>
internal sealed record DemoObservation(long Id, DateTimeOffset Time, JsonNode? Result);

/// <summary>A recorded datastream with its Thing (the full recorded objects, ObservedProperty included).</summary>
internal sealed record DemoDatastream(long Id, JsonObject Datastream, JsonObject Thing);

/// <summary>
/// The recorded answers of the demo urban data platform (<c>samples/&lt;tenant&gt;/platform/manifest.json</c>), parsed once.
/// All times are as recorded; <see cref="Shift"/> gives the offset that makes them current.
/// </summary>
internal sealed class DemoPlatformData
{
    public required DateTimeOffset RecordedAt { get; init; }

    /// <summary>Things with Locations and Datastreams (each with ObservedProperty), in id order.</summary>
    public required IReadOnlyList<JsonObject> Things { get; init; }

    public required IReadOnlyList<DemoDatastream> Datastreams { get; init; }

    /// <summary>Observations per datastream id, oldest first.</summary>
    public required IReadOnlyDictionary<long, IReadOnlyList<DemoObservation>> Observations { get; init; }

    /// <summary>NGSI-LD entities in the normalized representation.</summary>
    public required IReadOnlyList<JsonObject> Entities { get; init; }

    /// <summary>Entity id → attribute → the datastream whose observations are that attribute's history.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Temporal { get; init; }

    /// <summary>File name served under <c>events/</c> → full path.</summary>
    public required IReadOnlyDictionary<string, string> Events { get; init; }

    /// <summary>The offset added to every recorded time: the current hour (floored) minus the recording time.</summary>
    public TimeSpan Shift(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        var hour = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
        return hour - RecordedAt;
    }

    public static long IdOf(JsonObject entity) =>
        entity["@iot.id"] is JsonValue id && id.TryGetValue<long>(out var value)
            ? value
            : throw new InvalidDataException($"An entity has no numeric @iot.id: {entity.ToJsonString()[..Math.Min(80, entity.ToJsonString().Length)]}");

    public static DateTimeOffset? ParseTime(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;

    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads and checks the recording in <paramref name="folder"/>; throws <see cref="InvalidDataException"/>, <see cref="IOException"/> or <see cref="JsonException"/>.</summary>
    public static DemoPlatformData Load(string folder)
    {
        var manifest = ReadJson(folder, "manifest.json") as JsonObject
            ?? throw new InvalidDataException("manifest.json is not a JSON object.");
        var recordedAt = ParseTime(Text(manifest["recordedAt"]))
            ?? throw new InvalidDataException("manifest.json has no readable recordedAt.");

        var sensorThings = manifest["sensorThings"] as JsonObject ?? throw new InvalidDataException("manifest.json has no sensorThings section.");
        var thingsFile = Text(sensorThings["things"]) ?? throw new InvalidDataException("manifest.json names no sensorThings.things file.");
        var things = (ReadJson(folder, thingsFile)?["value"] as JsonArray ?? throw new InvalidDataException($"{thingsFile} has no \"value\" array."))
            .Select(t => t as JsonObject ?? throw new InvalidDataException($"{thingsFile} holds a Thing that is no object."))
            .OrderBy(IdOf)
            .ToList();
        var datastreams = new List<DemoDatastream>();
        foreach (var thing in things)
        {
            const string Member = "Datastreams";
            foreach (var datastream in thing[Member] as JsonArray ?? [])
            {
                var ds = datastream as JsonObject ?? throw new InvalidDataException($"{thingsFile} holds a Datastream that is no object.");
                datastreams.Add(new DemoDatastream(IdOf(ds), ds, thing));
            }
        }

        var observations = new Dictionary<long, IReadOnlyList<DemoObservation>>();
        foreach (var (key, file) in sensorThings["observations"] as JsonObject ?? [])
        {
            var id = long.Parse(key, NumberStyles.None, CultureInfo.InvariantCulture);
            var name = Text(file) ?? throw new InvalidDataException($"manifest.json names no observations file for datastream {key}.");
            var values = ReadJson(folder, name)?["value"] as JsonArray ?? throw new InvalidDataException($"{name} has no \"value\" array.");
            observations[id] = values
                .Select(v => v as JsonObject ?? throw new InvalidDataException($"{name} holds an observation that is no object."))
                .Select(o => new DemoObservation(IdOf(o),
                    ParseTime(Text(o["phenomenonTime"])) ?? throw new InvalidDataException($"{name} holds an observation without phenomenonTime."),
                    o["result"]?.DeepClone()))
                .OrderBy(o => o.Time)
                .ToList();
        }

        var unknown = observations.Keys.FirstOrDefault(k => datastreams.All(d => d.Id != k), -1);
        if (unknown >= 0)
        {
            throw new InvalidDataException($"manifest.json has observations for datastream {unknown}, which no Thing has.");
        }

        var ngsiLd = manifest["ngsiLd"] as JsonObject ?? throw new InvalidDataException("manifest.json has no ngsiLd section.");
        var entities = new List<JsonObject>();
        foreach (var file in ngsiLd["entities"] as JsonArray ?? [])
        {
            var name = Text(file) ?? throw new InvalidDataException("manifest.json names an NGSI-LD file that is no string.");
            var list = ReadJson(folder, name) as JsonArray ?? throw new InvalidDataException($"{name} is not a JSON array of entities.");
            foreach (var entity in list)
            {
                var e = entity as JsonObject ?? throw new InvalidDataException($"{name} holds an entity that is no object.");
                if (Text(e["id"]) is null || Text(e["type"]) is null)
                {
                    throw new InvalidDataException($"{name} holds an entity without id or type.");
                }

                entities.Add(e);
            }
        }

        var temporal = new Dictionary<string, IReadOnlyDictionary<string, long>>(StringComparer.Ordinal);
        foreach (var (entityId, attributes) in ngsiLd["temporal"] as JsonObject ?? [])
        {
            var map = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (attribute, datastream) in attributes as JsonObject ?? [])
            {
                var id = datastream is JsonValue v && v.TryGetValue<long>(out var n) ? n
                    : throw new InvalidDataException($"manifest.json maps {entityId}/{attribute} to no datastream id.");
                map[attribute] = observations.ContainsKey(id) ? id
                    : throw new InvalidDataException($"manifest.json maps {entityId}/{attribute} to datastream {id}, which has no observations.");
            }

            temporal[entityId] = map;
        }

        var events = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, file) in manifest["events"] as JsonObject ?? [])
        {
            events[name] = Path.GetFullPath(Path.Combine(folder, Text(file) ?? throw new InvalidDataException($"manifest.json names no file for {name}.")));
        }

        return new DemoPlatformData
        {
            RecordedAt = recordedAt,
            Things = things,
            Datastreams = datastreams,
            Observations = observations,
            Entities = entities,
            Temporal = temporal,
            Events = events,
        };
    }

    private static JsonNode? ReadJson(string folder, string relative)
    {
        var path = Path.GetFullPath(Path.Combine(folder, relative));
        try
        {
            return JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{relative} is not valid JSON (line {exception.LineNumber + 1}): {exception.Message}", exception);
        }
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}

/// <summary>
/// The recording, loaded on first use. A missing or broken recording does not stop the server: <see cref="Error"/>
/// says what is wrong and the endpoints answer 503.
/// </summary>
internal sealed partial class DemoPlatformStore(IOptions<DemoOptions> options, ILogger<DemoPlatformStore> logger)
{
    /// <summary>The folder holding <c>manifest.json</c> inside each tenant folder of the samples.</summary>
    public const string Folder = "platform";

    private readonly Lazy<(DemoPlatformData? Data, string? Error)> _loaded = new(() => Load(options.Value, logger));

    public DemoPlatformData? Data => _loaded.Value.Data;

    public string? Error => _loaded.Value.Error;

    private static (DemoPlatformData?, string?) Load(DemoOptions options, ILogger logger)
    {
        var samples = options.ResolveSamplesPath();
        var folder = Directory.Exists(samples)
            ? Directory.EnumerateDirectories(samples).Order(StringComparer.Ordinal)
                .Select(d => Path.Combine(d, Folder))
                .FirstOrDefault(d => File.Exists(Path.Combine(d, "manifest.json")))
            : null;
        if (folder is null)
        {
            var missing = $"No {Folder}/manifest.json was found in the samples folder {samples}.";
            LogUnavailable(logger, missing);
            return (null, missing);
        }

        try
        {
            return (DemoPlatformData.Load(folder), null);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidDataException
            or JsonException or FormatException or OverflowException or InvalidOperationException)
        {
            var message = $"The recording in {folder} cannot be read: {exception.Message}";
            LogUnavailable(logger, message);
            return (null, message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo data platform unavailable: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
