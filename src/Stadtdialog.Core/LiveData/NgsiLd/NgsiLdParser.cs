using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Stadtdialog.LiveData.NgsiLd;

/// <summary>
/// Reads NGSI-LD entities (normalized and keyValues, compacted and expanded attribute names) and temporal
/// representations (normalized instances and the simplified <c>values</c> form). Throws <see cref="FormatException"/>
/// for JSON that is no entity.
/// </summary>
internal static class NgsiLdParser
{
    private static readonly HashSet<string> AttributeTypes = new(StringComparer.Ordinal)
    {
        "Property", "GeoProperty", "Relationship", "LanguageProperty", "VocabProperty", "JsonProperty", "ListProperty",
        "ListRelationship",
    };

    /// <summary>Members of an entity that are no attributes.</summary>
    private static readonly HashSet<string> EntityMembers = new(StringComparer.Ordinal)
    {
        "id", "type", "@context", "scope", "createdAt", "modifiedAt", "deletedAt", "observationSpace", "operationSpace",
    };

    /// <summary>
    /// The short name of an attribute or type: the part after the last <c>/</c> or <c>#</c> of an absolute IRI
    /// (<c>https://smartdatamodels.org/dataModel.Parking/availableSpotNumber</c> → <c>availableSpotNumber</c>,
    /// <c>https://uri.etsi.org/ngsi-ld/location</c> → <c>location</c>), a compact IRI's local part (<c>ngsi-ld:location</c>),
    /// and other names as they are. Entity ids (<c>urn:ngsi-ld:…</c>) are never passed here.
    /// </summary>
    public static string ShortName(string name)
    {
        if (name.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || name.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var cut = name.TrimEnd('/', '#').LastIndexOfAny(['/', '#']);
            var tail = cut < 0 ? name : name[(cut + 1)..].TrimEnd('/', '#');
            return tail.Length == 0 ? name : tail;
        }

        var colon = name.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && colon < name.Length - 1 && !name.StartsWith('@') ? name[(colon + 1)..] : name;
    }

    public static IReadOnlyList<NgsiLdEntity> ParseEntities(JsonNode? root) => root switch
    {
        JsonArray array => [.. array.Select(item => ParseEntity(item))],
        JsonObject single => [ParseEntity(single)],
        _ => throw new FormatException("The answer is neither an entity nor a list of entities."),
    };

    public static NgsiLdEntity ParseEntity(JsonNode? node)
    {
        if (node is not JsonObject entity)
        {
            throw new FormatException("An entity is not a JSON object.");
        }

        var members = ShortNames(entity);
        var id = StringOf(members.GetValueOrDefault("id") ?? members.GetValueOrDefault("@id"))
            ?? throw new FormatException("An entity has no id.");
        var typeNode = members.GetValueOrDefault("type") ?? members.GetValueOrDefault("@type");
        var type = (typeNode is JsonArray types ? StringOf(types.FirstOrDefault()) : StringOf(typeNode))
            ?? throw new FormatException($"Entity {id} has no type.");

        var properties = new Dictionary<string, NgsiLdProperty>(StringComparer.Ordinal);
        var relationships = new Dictionary<string, string>(StringComparer.Ordinal);
        NgsiLdPoint? location = null;
        NgsiLdPoint? anyPoint = null;
        foreach (var (name, raw) in members)
        {
            if (EntityMembers.Contains(name) || name.StartsWith('@'))
            {
                continue;
            }

            var attribute = FirstInstance(raw);
            if (attribute is JsonObject normalized && AttributeType(normalized) is { } attributeType)
            {
                switch (attributeType)
                {
                    case "Relationship":
                    case "ListRelationship":
                        if (RelationshipTarget(normalized) is { } target)
                        {
                            relationships[name] = target;
                        }

                        break;
                    case "GeoProperty":
                        var geoValue = Member(normalized, "value");
                        var point = PointOf(geoValue);
                        anyPoint ??= point;
                        if (name == "location")
                        {
                            location = point;
                        }

                        properties[name] = new NgsiLdProperty(geoValue?.DeepClone(), null, null, TimeOf(Member(normalized, "observedAt")), null);
                        break;
                    default:
                        properties[name] = PropertyOf(normalized, attributeType);
                        break;
                }

                continue;
            }

            // keyValues: the attribute is its value.
            if (PointOf(raw) is { } keyValuesPoint && raw is JsonObject)
            {
                anyPoint ??= keyValuesPoint;
                if (name == "location")
                {
                    location = keyValuesPoint;
                }
            }

            if (name.StartsWith("ref", StringComparison.Ordinal) && name.Length > 3 && char.IsUpper(name[3])
                && StringOf(raw) is { } reference && reference.Contains(':', StringComparison.Ordinal))
            {
                relationships[name] = reference;
                continue;
            }

            properties[name] = ValueProperty(raw, null, null);
        }

        return new NgsiLdEntity(id, ShortName(type), properties, relationships, location ?? anyPoint);
    }

    /// <summary>
    /// The instances of <paramref name="attribute"/> in a temporal representation of an entity: normalized (an array of
    /// property instances, or one) or simplified (<c>{"type":"Property","values":[[value, observedAt], …]}</c>).
    /// Instances without a time are left out; the result is in time order.
    /// </summary>
    public static ObservationSeries ParseTemporal(JsonNode? root, string attribute)
    {
        var entity = root switch
        {
            JsonObject single => single,
            JsonArray { Count: 1 } array when array[0] is JsonObject first => first,
            JsonArray { Count: 0 } => new JsonObject(),
            _ => throw new FormatException("The temporal answer is not one entity."),
        };
        var members = ShortNames(entity);
        var wanted = ShortName(attribute);
        var id = StringOf(members.GetValueOrDefault("id")) ?? "";
        var points = new List<Observation>();
        string? unit = null;
        var instances = members.GetValueOrDefault(wanted) switch
        {
            null => [],
            JsonArray array => array.ToList(),
            var one => [one],
        };
        foreach (var node in instances)
        {
            if (node is not JsonObject instance)
            {
                throw new FormatException($"An instance of {wanted} is not a JSON object.");
            }

            unit ??= StringOf(Member(instance, "unitCode"));
            if (Member(instance, "values") is JsonArray simplified)
            {
                foreach (var pair in simplified)
                {
                    if (pair is JsonArray { Count: >= 2 } tuple && TimeOf(tuple[1]) is { } at)
                    {
                        var value = ValueProperty(tuple[0], null, null);
                        points.Add(new Observation(at, value.Number, value.Number is null ? value.Text : null));
                    }
                }

                continue;
            }

            var property = PropertyOf(instance, AttributeType(instance) ?? "Property");
            if (property.ObservedAt is { } time)
            {
                points.Add(new Observation(time, property.Number, property.Number is null ? property.Text : null));
            }
        }

        var name = id.Length == 0 ? wanted : $"{id} – {wanted}";
        return new ObservationSeries(name, unit, [.. points.OrderBy(p => p.Time)]);
    }

    private static Dictionary<string, JsonNode?> ShortNames(JsonObject entity)
    {
        var members = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (name, value) in entity)
        {
            // A compacted name wins over an expanded duplicate.
            var shortName = ShortName(name);
            if (!members.ContainsKey(shortName) || shortName == name)
            {
                members[shortName] = value;
            }
        }

        return members;
    }

    private static JsonNode? Member(JsonObject attribute, string name)
    {
        if (attribute.TryGetPropertyValue(name, out var value))
        {
            return value;
        }

        foreach (var (key, member) in attribute)
        {
            if (ShortName(key) == name)
            {
                return member;
            }
        }

        return null;
    }

    /// <summary>A multi-attribute (several instances with datasetId) counts by its default instance, else its first.</summary>
    private static JsonNode? FirstInstance(JsonNode? raw)
    {
        if (raw is JsonArray array && array.Count > 0 && array.All(i => i is JsonObject o && AttributeType(o) is not null))
        {
            return array.FirstOrDefault(i => Member((JsonObject)i!, "datasetId") is null) ?? array[0];
        }

        return raw;
    }

    private static string? AttributeType(JsonObject attribute)
    {
        var type = StringOf(Member(attribute, "type"));
        return type is not null && AttributeTypes.Contains(ShortName(type)) ? ShortName(type) : null;
    }

    private static string? RelationshipTarget(JsonObject relationship) => Member(relationship, "object") switch
    {
        JsonArray targets => StringOf(targets.FirstOrDefault()) ?? (targets.FirstOrDefault() is JsonObject o ? StringOf(Member(o, "object")) : null),
        JsonObject target => StringOf(Member(target, "id") ?? Member(target, "@id")),
        var target => StringOf(target),
    } ?? (Member(relationship, "objectList") is JsonArray list ? list.Select(i => i is JsonObject o ? StringOf(Member(o, "object")) : StringOf(i)).FirstOrDefault() : null);

    private static NgsiLdProperty PropertyOf(JsonObject attribute, string attributeType)
    {
        var observedAt = TimeOf(Member(attribute, "observedAt"));
        var unitCode = StringOf(Member(attribute, "unitCode"));
        return attributeType switch
        {
            "LanguageProperty" => LanguageProperty(Member(attribute, "languageMap"), observedAt),
            "VocabProperty" => ValueProperty(Member(attribute, "vocab"), observedAt, unitCode),
            "JsonProperty" => ValueProperty(Member(attribute, "json"), observedAt, unitCode),
            "ListProperty" => ValueProperty(Member(attribute, "valueList"), observedAt, unitCode),
            _ => ValueProperty(Member(attribute, "value") ?? Member(attribute, "hasValue"), observedAt, unitCode),
        };
    }

    private static NgsiLdProperty LanguageProperty(JsonNode? map, DateTimeOffset? observedAt)
    {
        var text = map is JsonObject languages
            ? StringOf(languages["de"]) ?? StringOf(languages["en"]) ?? languages.Select(l => StringOf(l.Value)).FirstOrDefault(t => t is not null)
            : StringOf(map);
        return new NgsiLdProperty(map?.DeepClone(), null, text, observedAt, null);
    }

    private static NgsiLdProperty ValueProperty(JsonNode? value, DateTimeOffset? observedAt, string? unitCode)
    {
        // JSON-LD value objects: {"@type": "DateTime", "@value": "…"}.
        var plain = value is JsonObject typed && typed.TryGetPropertyValue("@value", out var inner) ? inner : value;
        double? number = null;
        string? text = null;
        if (plain is JsonValue scalar)
        {
            switch (scalar.GetValueKind())
            {
                case JsonValueKind.Number:
                    number = scalar.GetValue<double>();
                    break;
                case JsonValueKind.String:
                    text = scalar.GetValue<string>();
                    break;
            }
        }

        return new NgsiLdProperty(value?.DeepClone(), number, text, observedAt, unitCode);
    }

    /// <summary>A GeoJSON Point (a GeoProperty's value or a keyValues location), or null for other geometries.</summary>
    private static NgsiLdPoint? PointOf(JsonNode? geometry)
    {
        if (geometry is JsonObject geo && StringOf(geo["type"]) == "Point" && geo["coordinates"] is JsonArray { Count: >= 2 } c
            && NumberOf(c[0]) is { } lon && NumberOf(c[1]) is { } lat)
        {
            return new NgsiLdPoint(lon, lat);
        }

        return null;
    }

    private static double? NumberOf(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static DateTimeOffset? TimeOf(JsonNode? node)
    {
        var text = node is JsonObject typed ? StringOf(typed["@value"]) : StringOf(node);
        return text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;
    }
}
