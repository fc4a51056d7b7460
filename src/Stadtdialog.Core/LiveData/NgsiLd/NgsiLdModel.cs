using System.Text.Json.Nodes;

namespace Stadtdialog.LiveData.NgsiLd;

/// <summary>Settings of one NGSI-LD context broker (Orion-LD, Scorpio, Stellio …).</summary>
public sealed record NgsiLdClientOptions
{
    /// <summary>Sent as <c>NGSILD-Tenant</c> when set (multi-tenant brokers).</summary>
    public string? Tenant { get; init; }

    /// <summary>
    /// The JSON-LD context the broker should use to compact attribute names (e.g. the smart data models context), sent
    /// as <c>Link: &lt;…&gt;; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"</c> when set.
    /// </summary>
    public Uri? ContextLink { get; init; }

    /// <summary>The <c>limit</c> of one request while paging a query (brokers allow up to 1000; default 100).</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>The most bytes one response may have (default 16 MiB); larger answers count as unavailable.</summary>
    public long MaxResponseBytes { get; init; } = 16 * 1024 * 1024;
}

/// <summary>A point in WGS 84, longitude first as in GeoJSON.</summary>
public readonly record struct NgsiLdPoint(double Longitude, double Latitude);

/// <summary>A geo-query: entities whose location lies within <paramref name="MaxDistanceMeters"/> of a point.</summary>
public sealed record NearPoint(double Longitude, double Latitude, double MaxDistanceMeters);

/// <summary>
/// One attribute value of an entity. <see cref="Value"/> is the raw JSON value (a number, string, array or object);
/// <see cref="Number"/> is set when it is a number, <see cref="Text"/> when it is a string (or a JSON-LD typed value
/// <c>{"@type":"DateTime","@value":"…"}</c>, or the German/English/first text of a LanguageProperty).
/// <see cref="ObservedAt"/> and <see cref="UnitCode"/> (UN/CEFACT, e.g. <c>GQ</c> = µg/m³) come from the normalized form;
/// the keyValues form has neither.
/// </summary>
public sealed record NgsiLdProperty(JsonNode? Value, double? Number, string? Text, DateTimeOffset? ObservedAt, string? UnitCode);

/// <summary>
/// An NGSI-LD entity, read from the normalized or the keyValues representation. Attribute names are short names
/// (<c>availableSpotNumber</c>) also where the broker answered with expanded IRIs
/// (<c>https://smartdatamodels.org/dataModel.Parking/availableSpotNumber</c>).
/// </summary>
public sealed record NgsiLdEntity(
    string Id,
    string Type,
    IReadOnlyDictionary<string, NgsiLdProperty> Properties,
    IReadOnlyDictionary<string, string> Relationships,
    NgsiLdPoint? Location)
{
    /// <summary>The property <paramref name="name"/>, or null.</summary>
    public NgsiLdProperty? Property(string name) => Properties.GetValueOrDefault(name);

    /// <summary>The numeric value of property <paramref name="name"/>, or null.</summary>
    public double? Number(string name) => Property(name)?.Number;

    /// <summary>The text value of property <paramref name="name"/>, or null.</summary>
    public string? Text(string name) => Property(name)?.Text;
}
