using System.Text.Json.Nodes;

namespace Stadtdialog.LiveData.SensorThings;

/// <summary>
/// An OGC SensorThings Thing (a parking garage, an air-quality station). <see cref="Id"/> is the <c>@iot.id</c> as
/// text: servers use numbers or strings (empty when the server sent none, as in request bodies).
/// </summary>
public sealed record Thing(
    string Id,
    string Name,
    string? Description,
    JsonObject? Properties,
    IReadOnlyList<Location> Locations,
    IReadOnlyList<Datastream> Datastreams);

/// <summary>
/// Where a Thing is. <see cref="Longitude"/>/<see cref="Latitude"/> come from a GeoJSON Point (also inside a Feature);
/// null for other geometries.
/// </summary>
public sealed record Location(string Id, string Name, string? Description, double? Longitude, double? Latitude);

/// <summary>A series of observations of one property by one sensor of one Thing.</summary>
public sealed record Datastream(
    string Id,
    string Name,
    string? Description,
    UnitOfMeasurement? UnitOfMeasurement,
    ObservedProperty? ObservedProperty,
    string? ThingName);

/// <summary>The unit of a Datastream; symbol and definition are often empty or null in real data.</summary>
public sealed record UnitOfMeasurement(string? Name, string? Symbol, string? Definition);

/// <summary>What is observed ("PM10", "freie Stellplätze").</summary>
public sealed record ObservedProperty(string? Name, string? Definition);
