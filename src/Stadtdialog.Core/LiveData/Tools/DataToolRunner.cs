using System.Globalization;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stadtdialog.LiveData.Catalogues;
using Stadtdialog.LiveData.Events;
using Stadtdialog.LiveData.NgsiLd;
using Stadtdialog.LiveData.SensorThings;
using Stadtdialog.Retrieval;

namespace Stadtdialog.LiveData.Tools;

/// <summary>
/// Runs a data tool: reads its platform through the connection's resilient client, reuses responses for the
/// connection's cache time (never longer than <see cref="LiveDataOptions.MaxCacheSeconds"/>; failures are never
/// cached; concurrent questions share one request), and renders the answer with each value's time and a warning on
/// outdated values. When the platform cannot deliver, the answer says so and gives no number at all.
/// </summary>
public sealed partial class DataToolRunner(
    DataPlatformClients clients,
    DataToolTexts texts,
    IMemoryCache cache,
    GermanTextAnalysis german,
    IOptions<LiveDataOptions> options,
    TimeProvider time,
    ILogger<DataToolRunner> logger)
{
    private const int MaxSeriesPoints = 2000;
    private readonly DataPlatformClients _clients = clients;
    private readonly DataToolTexts _texts = texts;
    private readonly IMemoryCache _cache = cache;
    private readonly GermanTextAnalysis _german = german;
    private readonly IOptions<LiveDataOptions> _options = options;
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;
    private readonly Lock _cacheLock = new();
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public TimeZoneInfo TimeZone => _zone;

    /// <summary>Runs <paramref name="tool"/> (with its <see cref="DataTool.Connection"/> loaded).</summary>
    public async Task<DataToolResult> RunAsync(DataTool tool, DataToolArguments arguments, CancellationToken cancellationToken)
    {
        var connection = tool.Connection ?? throw new InvalidOperationException($"The connection of tool '{tool.Slug}' is not loaded.");
        var call = new Call(this, tool, connection, arguments);
        try
        {
            return tool.Kind switch
            {
                DataToolKind.Latest => await call.LatestAsync(cancellationToken),
                DataToolKind.Series => await call.SeriesAsync(cancellationToken),
                DataToolKind.Events => await call.EventsAsync(cancellationToken),
                DataToolKind.Dataset => await call.DatasetAsync(cancellationToken),
                _ => throw new LiveDataUnavailableException($"Unknown tool kind {tool.Kind}."),
            };
        }
        catch (Exception ex) when (ex is LiveDataUnavailableException or HttpRequestException or InvalidOperationException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogUnavailable(_logger, ex, tool.TenantId, tool.Slug, ex.Message);
            return Unavailable(tool, connection) with { Problem = Describe(ex) };
        }
    }

    /// <summary>The honest answer when the platform cannot deliver: no value, no guess, only where to look.</summary>
    public DataToolResult Unavailable(DataTool tool, DataConnection connection) =>
        new(tool.Slug,
            $"Die Daten zu „{tool.Name}“ sind gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal.",
            [], [], null, SourceTitle(tool, connection), tool.SourceUrl, _time.GetUtcNow())
        {
            Unavailable = true,
        };

    private static string SourceTitle(DataTool tool, DataConnection connection) => $"{tool.Name} – {connection.Name}";

    /// <summary>The failure and its causes in one line (e.g. a refused private address inside an HTTP error).</summary>
    private static string Describe(Exception ex)
    {
        var messages = new List<string>();
        for (var e = ex; e is not null && messages.Count < 4; e = e.InnerException)
        {
            if (!messages.Contains(e.Message))
            {
                messages.Add(e.Message);
            }
        }

        return string.Join(" → ", messages);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Data tool {Tool} of tenant {Tenant} could not read its platform: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string tenant, string tool, string reason);

    /// <summary>Reuses a platform response for the connection's cache time; one request for concurrent askers.</summary>
    private async Task<(T Value, bool FromCache)> CachedAsync<T>(DataConnection connection, string key, Func<CancellationToken, Task<T>> fetch,
        CancellationToken cancellationToken)
    {
        var seconds = Math.Min(Math.Max(connection.CacheSeconds, 0), _options.Value.MaxCacheSeconds);
        if (seconds == 0)
        {
            return (await fetch(cancellationToken), false);
        }

        var fullKey = $"live:{connection.TenantId}:{connection.Id}:{connection.UpdatedAt.UtcTicks}:{key}";
        Lazy<Task<T>> lazy;
        bool shared;

        // Look-up and insert under one lock: askers arriving together on a cold cache must find the same entry.
        lock (_cacheLock)
        {
            shared = _cache.TryGetValue(fullKey, out Lazy<Task<T>>? cached) && cached is not null;
            if (shared && cached is not null)
            {
                lazy = cached;
            }
            else
            {
                // The fetch is not tied to the first asker's cancellation: others may be waiting for it.
                lazy = new Lazy<Task<T>>(() => fetch(CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication);
                using var entry = _cache.CreateEntry(fullKey);
                entry.Value = lazy;
                entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(seconds);
                entry.Size = 1;
            }
        }

        try
        {
            return (await lazy.Value.WaitAsync(cancellationToken), shared);
        }
        catch when (!cancellationToken.IsCancellationRequested)
        {
            _cache.Remove(fullKey);
            throw;
        }
    }

    /// <summary>An item with values: a Thing's datastream or an entity's attribute.</summary>
    private sealed record Item(string Name, string? Property, string? Unit, double? Capacity, string? DatastreamId, NgsiLdEntity? Entity, string? Attribute);

    /// <summary>One tool call: the tool, its connection, its arguments.</summary>
    private sealed class Call(DataToolRunner runner, DataTool tool, DataConnection connection, DataToolArguments arguments)
    {
        private readonly DateTimeOffset _now = runner._time.GetUtcNow();
        private bool _fromCache = true;

        private HttpClient Http => runner._clients.Get(connection);

        private Uri BaseUrl => runner._clients.BaseUrl(connection);

        private async Task<T> Cached<T>(string key, Func<CancellationToken, Task<T>> fetch, CancellationToken cancellationToken)
        {
            var (value, fromCache) = await runner.CachedAsync(connection, key, fetch, cancellationToken);
            _fromCache &= fromCache;
            return value;
        }

        private HashSet<string> TopicTerms()
        {
            var terms = new HashSet<string>(StringComparer.Ordinal);
            foreach (var text in tool.Intents.Keywords.Append(tool.Query.ItemLabel ?? "").Append(tool.Name))
            {
                terms.UnionWith(runner._german.Terms(text));
            }

            return terms;
        }

        private async Task<IReadOnlyList<Item>> ItemsAsync(CancellationToken cancellationToken)
        {
            if (connection.Kind == DataPlatformKind.SensorThings)
            {
                var things = await Cached("st:things", ct => new SensorThingsClient(Http, BaseUrl).GetThingsAsync(cancellationToken: ct), cancellationToken);
                var query = tool.Query;
                return things
                    .Where(t => string.IsNullOrWhiteSpace(query.ThingCategory) || string.Equals(
                        t.Properties?["category"]?.ToString(), query.ThingCategory, StringComparison.OrdinalIgnoreCase))
                    .SelectMany(t => t.Datastreams.Select(d => (Thing: t, Stream: d)))
                    .Where(x => Contains(x.Stream.Name, query.DatastreamName)
                        && Contains(x.Stream.ObservedProperty?.Name ?? x.Stream.Name, query.ObservedProperty))
                    .Select(x => new Item(x.Thing.Name, PropertyName(x.Stream, x.Thing.Name),
                        x.Stream.UnitOfMeasurement is { } u ? (string.IsNullOrWhiteSpace(u.Symbol) ? null : u.Symbol) : null,
                        Capacity(x.Thing), x.Stream.Id, null, null))
                    .ToList();
            }

            if (connection.Kind == DataPlatformKind.NgsiLd)
            {
                var type = tool.Query.EntityType ?? throw new LiveDataUnavailableException("Das Werkzeug nennt keinen Entitätstyp.");
                var entities = await Cached($"ngsi:{type}", ct => Ngsi().QueryEntitiesAsync(type, cancellationToken: ct), cancellationToken);
                var attributes = tool.Query.Attributes.Count > 0 ? tool.Query.Attributes : ["value"];
                return entities
                    .SelectMany(e => attributes.Where(a => e.Property(a) is not null).Select(a => (Entity: e, Attribute: a)))
                    .Select(x => new Item(x.Entity.Text(tool.Query.NameAttribute) ?? x.Entity.Id,
                        attributes.Count > 1 ? AttributeLabel(x.Attribute) : null,
                        UnitOf(x.Entity.Property(x.Attribute)?.UnitCode),
                        tool.Query.CapacityAttribute is { } c ? x.Entity.Number(c) : null,
                        null, x.Entity, x.Attribute))
                    .ToList();
            }

            throw new LiveDataUnavailableException($"Eine Verbindung vom Typ {connection.Kind} liefert keine Messwerte.");
        }

        private NgsiLdClient Ngsi() => new(Http, BaseUrl, new NgsiLdClientOptions
        {
            Tenant = connection.NgsiLdTenant,
            ContextLink = connection.NgsiLdContext is { Length: > 0 } c ? new Uri(c, UriKind.Absolute) : null,
        });

        private double? Capacity(Thing thing) =>
            tool.Query.CapacityProperty is { Length: > 0 } name && thing.Properties?[name] is { } node
                && double.TryParse(node.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var capacity)
                ? capacity
                : null;

        /// <summary>The property as readers name it: the observed property, else the datastream name without the Thing's.</summary>
        private static string? PropertyName(Datastream stream, string thingName)
        {
            if (stream.ObservedProperty?.Name is { Length: > 0 } observed)
            {
                return observed;
            }

            var name = stream.Name;
            if (name.StartsWith(thingName, StringComparison.OrdinalIgnoreCase))
            {
                name = name[thingName.Length..].TrimStart(' ', '–', '-', ':', ',');
            }

            return name.Length == 0 ? null : name;
        }

        private static bool Contains(string? text, string? part) =>
            string.IsNullOrWhiteSpace(part) || (text?.Contains(part, StringComparison.OrdinalIgnoreCase) ?? false);

        /// <summary>The items the arguments (or the question) name, and whether an explicit name matched.</summary>
        private (IReadOnlyList<Item> Items, bool Matched) Select(IReadOnlyList<Item> items)
        {
            var ignore = TopicTerms();
            var (byName, matched) = ItemSelector.Select(items, i => i.Name, arguments.Name, arguments.Question, runner._german, ignore);

            // Several properties per item (PM10, PM2.5, NO2): a question may name one.
            var (byProperty, _) = ItemSelector.Select(byName, i => i.Property, arguments.Property, arguments.Question, runner._german, ignore);
            return (byProperty, matched);
        }

        public async Task<DataToolResult> LatestAsync(CancellationToken cancellationToken)
        {
            var all = await ItemsAsync(cancellationToken);
            var (items, matched) = Select(all);
            var values = new List<LiveValue>();
            foreach (var chunk in items.Take(runner._options.Value.MaxItems * 3).Chunk(4))
            {
                var read = await Task.WhenAll(chunk.Select(i => ReadLatestAsync(i, cancellationToken)));
                values.AddRange(read.OfType<LiveValue>());
            }

            var lines = values.Take(runner._options.Value.MaxItems).Select(v => LatestLine(v)).ToList();
            var text = new StringBuilder();
            if (!matched)
            {
                text.Append(CultureInfo.InvariantCulture, $"Zu „{arguments.Name}“ habe ich keine Daten gefunden. ");
            }

            if (lines.Count == 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"Die Datenplattform liefert zu „{tool.Name}“ gerade keine Werte.");
            }
            else
            {
                Join(text, lines, values.Count);
            }

            return Result(text.ToString(), values, [], null, SourceFor(items));
        }

        private async Task<LiveValue?> ReadLatestAsync(Item item, CancellationToken cancellationToken)
        {
            double? value;
            string? text;
            DateTimeOffset? at;
            if (item.DatastreamId is { } stream)
            {
                var observation = await Cached($"st:latest:{stream}",
                    ct => new SensorThingsClient(Http, BaseUrl).GetLatestObservationAsync(stream, ct), cancellationToken);
                if (observation is null)
                {
                    return null;
                }

                (value, text, at) = (observation.Value, observation.Text, observation.Time);
            }
            else
            {
                var property = item.Entity!.Property(item.Attribute!)!;
                var observed = property.ObservedAt ?? DateObserved(item.Entity);
                (value, text, at) = (property.Number, property.Text, observed);
            }

            var stale = at is not { } when || _now - when > TimeSpan.FromMinutes(Math.Max(1, tool.StaleAfterMinutes));
            return new LiveValue(item.Name, item.Property, value, text, item.Unit, at, item.Capacity, stale);
        }

        private static DateTimeOffset? DateObserved(NgsiLdEntity entity)
        {
            foreach (var name in (string[])["dateObserved", "dateModified", "dateLastValueReported"])
            {
                if (entity.Text(name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                {
                    return at;
                }
            }

            return null;
        }

        private string LatestLine(LiveValue v)
        {
            var zone = runner._zone;
            var free = v.Value is { } number ? DataToolTexts.Number(number) : v.Text ?? "–";
            var line = runner._texts.Render(tool, new Dictionary<string, object?>
            {
                ["name"] = v.Name,
                ["property"] = v.Property,
                ["value"] = free,
                ["unit"] = v.Unit,
                ["time"] = v.Time is { } t ? DataToolTexts.Time(t, zone) : null,
                ["date"] = v.Time is { } d ? DataToolTexts.Date(d, zone) : null,
                ["capacity"] = v.Capacity is { } c ? DataToolTexts.Number(c) : null,
                ["occupied"] = v.Capacity is { } c2 && v.Value is { } n2 ? DataToolTexts.Number(c2 - n2) : null,
                ["percent"] = v.Capacity is { } c3 and > 0 && v.Value is { } n3 ? DataToolTexts.Number(Math.Round(100 * n3 / c3)) : null,
                ["stale"] = v.Stale,
            });
            return DataToolTexts.WithTime(line, v, _now, zone, tool.StaleAfterMinutes);
        }

        public async Task<DataToolResult> SeriesAsync(CancellationToken cancellationToken)
        {
            var all = await ItemsAsync(cancellationToken);
            var (items, matched) = Select(all);
            var hours = Math.Clamp(arguments.Hours ?? tool.Query.Hours, 1, 24 * 14);
            var from = _now - TimeSpan.FromHours(hours);
            var picked = items.Take(runner._options.Value.MaxSeries).ToList();
            var series = new List<(Item Item, IReadOnlyList<Observation> Points)>();
            foreach (var item in picked)
            {
                series.Add((item, await ReadSeriesAsync(item, from, hours, cancellationToken)));
            }

            var zone = runner._zone;
            var lines = new List<string>();
            var values = new List<LiveValue>();
            foreach (var (item, points) in series)
            {
                var numbers = points.Where(p => p.Value is not null).ToList();
                if (numbers.Count == 0)
                {
                    lines.Add($"{item.Name}{(item.Property is null ? "" : " – " + item.Property)}: keine Werte in den letzten {hours} Stunden.");
                    continue;
                }

                var last = numbers[^1];
                var stale = _now - last.Time > TimeSpan.FromMinutes(Math.Max(1, tool.StaleAfterMinutes));
                var value = new LiveValue(item.Name, item.Property, last.Value, null, item.Unit, last.Time, item.Capacity, stale);
                values.Add(value);
                var line = runner._texts.Render(tool, new Dictionary<string, object?>
                {
                    ["name"] = item.Name,
                    ["property"] = item.Property,
                    ["unit"] = item.Unit,
                    ["hours"] = hours.ToString(CultureInfo.InvariantCulture),
                    ["min"] = DataToolTexts.Number(numbers.Min(p => p.Value!.Value)),
                    ["max"] = DataToolTexts.Number(numbers.Max(p => p.Value!.Value)),
                    ["average"] = DataToolTexts.Number(numbers.Average(p => p.Value!.Value)),
                    ["latest"] = DataToolTexts.Number(last.Value!.Value),
                    ["time"] = DataToolTexts.Time(last.Time, zone),
                    ["date"] = DataToolTexts.Date(last.Time, zone),
                    ["from"] = DataToolTexts.Time(numbers[0].Time, zone),
                    ["capacity"] = item.Capacity is { } c ? DataToolTexts.Number(c) : null,
                    ["count"] = numbers.Count.ToString(CultureInfo.InvariantCulture),
                });
                lines.Add(DataToolTexts.WithTime(line, value, _now, zone, tool.StaleAfterMinutes));
            }

            var text = new StringBuilder();
            if (!matched)
            {
                text.Append(CultureInfo.InvariantCulture, $"Zu „{arguments.Name}“ habe ich keine Daten gefunden. ");
            }

            Join(text, lines, lines.Count);
            var chartSeries = series.Where(s => s.Points.Any(p => p.Value is not null))
                .Select(s => new ChartSeries(s.Item.Property is null ? s.Item.Name : $"{s.Item.Name} – {s.Item.Property}",
                    s.Points.Where(p => p.Value is not null).Select(p => new ChartPoint(p.Time, p.Value!.Value)).ToList()))
                .ToList();
            var units = series.Select(s => s.Item.Unit).Distinct().ToList();
            var chart = chartSeries.Count == 0
                ? null
                : new ChartData($"{tool.Name} – letzte {hours} Stunden", units.Count == 1 ? units[0] : null, chartSeries, string.Join(" ", lines));
            return Result(text.ToString(), values, [], chart, SourceFor(picked));
        }

        private async Task<IReadOnlyList<Observation>> ReadSeriesAsync(Item item, DateTimeOffset from, int hours, CancellationToken cancellationToken)
        {
            if (item.DatastreamId is { } stream)
            {
                return await Cached($"st:series:{stream}:{hours}",
                    ct => new SensorThingsClient(Http, BaseUrl).GetObservationsAsync(stream, from, _now, MaxSeriesPoints, ct), cancellationToken);
            }

            var entity = item.Entity!;
            var temporal = await Cached($"ngsi:temporal:{entity.Id}:{item.Attribute}:{hours}",
                ct => Ngsi().GetTemporalAsync(entity.Id, item.Attribute!, from, _now, ct), cancellationToken);
            if (temporal is not null)
            {
                return temporal.Points;
            }

            // No temporal API at this broker: the current value is all there is.
            var property = entity.Property(item.Attribute!);
            return property?.ObservedAt is { } at ? [new Observation(at, property.Number, property.Text)] : [];
        }

        public async Task<DataToolResult> EventsAsync(CancellationToken cancellationToken)
        {
            var zone = runner._zone;
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(_now, zone).DateTime);
            var request = EventQuery.Parse(arguments.Question ?? "", today, Math.Clamp(tool.Query.Days, 1, 366));
            var fromDay = arguments.From ?? request.From;
            var toDay = arguments.To ?? request.To;
            if (toDay < fromDay)
            {
                (fromDay, toDay) = (toDay, fromDay);
            }

            if (toDay.DayNumber - fromDay.DayNumber > 366)
            {
                toDay = fromDay.AddDays(366);
            }

            var topic = arguments.Keyword ?? request.Topic;
            var range = arguments.From is null && arguments.To is null ? request.RangeLabel : RangeLabel(fromDay, toDay);
            var from = Start(fromDay, zone);
            var to = Start(toDay.AddDays(1), zone);
            var feed = BaseUrl;
            var events = await Cached($"ics:{fromDay:yyyyMMdd}:{toDay:yyyyMMdd}",
                ct => new ICalendarClient(Http, feed).GetEventsAsync(from, to, ct), cancellationToken);
            var matching = events.Where(e => topic is null || EventQuery.Matches(e, topic)).ToList();
            var about = topic is null ? "" : $" zum Thema „{topic}“";
            var text = new StringBuilder();
            if (matching.Count == 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"Im Veranstaltungskalender habe ich {range} keine Veranstaltungen{about} gefunden.");
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"Veranstaltungen{about} {range}:");

                // A recurring event (the Christmas market every day) is one line with its further dates.
                var groups = matching.GroupBy(e => (e.Title, e.Location)).ToList();
                var max = runner._options.Value.MaxItems;
                foreach (var group in groups.Take(max))
                {
                    var e = group.First();
                    var local = TimeZoneInfo.ConvertTime(e.Start, zone);
                    text.Append("\n- ").Append(runner._texts.Render(tool, new Dictionary<string, object?>
                    {
                        ["title"] = e.Title,
                        ["day"] = DataToolTexts.Day(e.Start, zone),
                        ["date"] = DataToolTexts.Date(e.Start, zone),
                        ["start"] = e.AllDay ? null : local.ToString("HH:mm", CultureInfo.GetCultureInfo("de-DE")),
                        ["end"] = e.End is { } end && !e.AllDay ? DataToolTexts.Time(end, zone) : null,
                        ["location"] = e.Location,
                        ["url"] = e.Url,
                        ["categories"] = string.Join(", ", e.Categories),
                    }));
                    var more = group.Skip(1).ToList();
                    if (more.Count is > 0 and <= 3)
                    {
                        text.Append(" (auch ").AppendJoin(", ", more.Select(m => DataToolTexts.Day(m.Start, zone))).Append(')');
                    }
                    else if (more.Count > 3)
                    {
                        text.Append(CultureInfo.InvariantCulture, $" (auch an {more.Count} weiteren Tagen bis {DataToolTexts.Day(more[^1].Start, zone)})");
                    }
                }

                if (groups.Count > max)
                {
                    text.Append(CultureInfo.InvariantCulture, $"\n… und {groups.Count - max} weitere.");
                }
            }

            return Result(text.ToString(), [], matching, null, LocalOrAbsolute(feed));
        }

        private static DateTimeOffset Start(DateOnly day, TimeZoneInfo zone)
        {
            var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
            return new DateTimeOffset(local, zone.GetUtcOffset(local));
        }

        private static string RangeLabel(DateOnly from, DateOnly to)
        {
            var german = CultureInfo.GetCultureInfo("de-DE");
            return from == to
                ? $"am {from.ToString("ddd, dd.MM.yyyy", german)}"
                : $"vom {from.ToString("dd.MM.", german)} bis {to.ToString("dd.MM.yyyy", german)}";
        }

        public async Task<DataToolResult> DatasetAsync(CancellationToken cancellationToken)
        {
            var api = connection.Kind switch
            {
                DataPlatformKind.Ckan => CatalogueApi.Ckan,
                DataPlatformKind.PiveauHub => CatalogueApi.PiveauHub,
                _ => throw new LiveDataUnavailableException($"Eine Verbindung vom Typ {connection.Kind} ist kein Datenkatalog."),
            };
            var query = tool.Query.Dataset ?? throw new LiveDataUnavailableException("Das Werkzeug nennt keinen Datensatz.");
            var datasets = await Cached($"catalogue:{query}",
                ct => new OpenDataCatalogClient(Http, BaseUrl, api).SearchDatasetsAsync(query, 5, 0, ct), cancellationToken);
            var dataset = datasets.FirstOrDefault(d => d.Distributions.Any(x => x.Url is not null && DistributionReader.FormatOf(x.Format ?? x.MediaType) is not null))
                ?? throw new LiveDataUnavailableException($"Im Katalog gibt es zu „{query}“ keinen lesbaren Datensatz.");
            var distribution = dataset.Distributions.First(x => x.Url is not null && DistributionReader.FormatOf(x.Format ?? x.MediaType) is not null);
            var table = await Cached($"distribution:{distribution.Url}",
                ct => DistributionReader.ReadAsync(runner._clients.Download(connection, distribution.Url!), distribution.Url!,
                    distribution.Format ?? distribution.MediaType, OpenDataCatalogClient.MaxResponseBytes, ct), cancellationToken);

            var text = new StringBuilder();
            var rows = table.Rows;
            if (arguments.Keyword is { Length: > 0 } keyword && tool.Query.LookupColumn is { Length: > 0 } column && table.ColumnIndex(column) >= 0)
            {
                rows = table.Rows.Where(r => table.Cell(r, column)?.Contains(keyword, StringComparison.OrdinalIgnoreCase) == true).ToList();
                text.Append(CultureInfo.InvariantCulture, $"Im Datensatz „{dataset.Title}“ passen {rows.Count} Einträge zu „{keyword}“");
                if (rows.Count > 0)
                {
                    text.Append(':');
                    foreach (var row in rows.Take(runner._options.Value.MaxItems))
                    {
                        text.Append("\n- ").Append(string.Join(", ", table.Columns.Zip(row)
                            .Where(c => !string.IsNullOrWhiteSpace(c.Second)).Take(6).Select(c => $"{c.First}: {c.Second}")));
                    }
                }
                else
                {
                    text.Append('.');
                }
            }
            else
            {
                text.Append(runner._texts.Render(tool, new Dictionary<string, object?>
                {
                    ["dataset"] = dataset.Title,
                    ["count"] = table.Rows.Count.ToString("#,0", CultureInfo.GetCultureInfo("de-DE")),
                    ["modified"] = dataset.Modified is { } m ? DataToolTexts.Date(m, runner._zone) : null,
                }));
            }

            if (dataset.Modified is { } modified && !text.ToString().Contains(DataToolTexts.Date(modified, runner._zone), StringComparison.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $" (Stand des Datensatzes: {DataToolTexts.Date(modified, runner._zone)})");
            }

            return Result(text.ToString(), [], [], null, dataset.LandingPage?.ToString() ?? distribution.Url!.ToString());
        }

        private static void Join(StringBuilder text, List<string> lines, int total)
        {
            if (lines.Count == 1)
            {
                text.Append(lines[0]);
                return;
            }

            foreach (var line in lines)
            {
                text.Append(text.Length == 0 ? "- " : "\n- ").Append(line);
            }

            if (total > lines.Count)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n… und {total - lines.Count} weitere.");
            }
        }

        /// <summary>The platform request behind the answer, as citizens can open it.</summary>
        private string SourceFor(IReadOnlyList<Item> items)
        {
            if (connection.Kind == DataPlatformKind.SensorThings)
            {
                return items.Count == 1 && items[0].DatastreamId is { } id
                    ? LocalOrAbsolute(new Uri(BaseUrl, $"Datastreams({id})/Observations"))
                    : LocalOrAbsolute(new Uri(BaseUrl, "Things"));
            }

            return items.Count == 1 && items[0].Entity is { } entity
                ? LocalOrAbsolute(new Uri(BaseUrl, "ngsi-ld/v1/entities/" + Uri.EscapeDataString(entity.Id)))
                : LocalOrAbsolute(new Uri(BaseUrl, "ngsi-ld/v1/entities?type=" + Uri.EscapeDataString(tool.Query.EntityType ?? "")));
        }

        /// <summary>For the bundled demo platform a path (valid behind any proxy), else the absolute URL.</summary>
        private string LocalOrAbsolute(Uri url) => connection.IsLocal ? url.PathAndQuery : url.ToString();

        private DataToolResult Result(string text, IReadOnlyList<LiveValue> values, IReadOnlyList<LiveEvent> events, ChartData? chart, string source) =>
            new(tool.Slug, text, values, events, chart, SourceTitle(tool, connection), tool.SourceUrl ?? source, _now)
            {
                FromCache = _fromCache,
            };
    }

    /// <summary>Readable names of common smart-data-model attributes.</summary>
    internal static string AttributeLabel(string attribute) => attribute switch
    {
        "pm10" => "PM10",
        "pm25" => "PM2.5",
        "no2" => "NO2",
        "o3" => "Ozon",
        "so2" => "SO2",
        "co" => "CO",
        "availableSpotNumber" => "freie Plätze",
        "temperature" => "Temperatur",
        "relativeHumidity" => "Luftfeuchtigkeit",
        "noiseLevel" or "LAeq" => "Lärmpegel",
        _ => attribute,
    };

    /// <summary>UN/CEFACT common codes used by smart data models, as symbols.</summary>
    internal static string? UnitOf(string? unitCode) => unitCode switch
    {
        null or "" => null,
        "GQ" => "µg/m³",
        "GP" => "mg/m³",
        "59" => "ppm",
        "61" => "ppb",
        "CEL" => "°C",
        "P1" => "%",
        "KMH" => "km/h",
        "MTR" => "m",
        "2N" => "dB",
        "C62" => null,
        _ => unitCode,
    };
}
