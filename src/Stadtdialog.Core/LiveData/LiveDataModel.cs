namespace Stadtdialog.LiveData;

/// <summary>One measured or reported value at an instant (a parking garage's free spaces at 14:05, PM10 at noon).</summary>
public sealed record Observation(DateTimeOffset Time, double? Value, string? Text = null);

/// <summary>A named series of observations with its unit (e.g. "Parkhaus Am Bahnhof – freie Plätze", "Plätze").</summary>
public sealed record ObservationSeries(string Name, string? Unit, IReadOnlyList<Observation> Points);

/// <summary>
/// The urban data platform could not deliver (unreachable, timeout, 4xx/5xx, malformed response). Callers say so
/// honestly ("Die Daten sind gerade nicht erreichbar") and never show a made-up or stale-forever value.
/// </summary>
public sealed class LiveDataUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
