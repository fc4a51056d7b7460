using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Stadtdialog.Data;

namespace Stadtdialog.LiveData;

/// <summary>The open standard an urban data platform speaks.</summary>
public enum DataPlatformKind
{
    /// <summary>OGC SensorThings API v1.1 (FROST-Server, e.g. in CIVITAS CORE).</summary>
    SensorThings,

    /// <summary>ETSI NGSI-LD context broker (Orion-LD, Scorpio, Stellio) with FIWARE smart data models.</summary>
    NgsiLd,

    /// <summary>CKAN action API (<c>package_search</c>, <c>resource_show</c>).</summary>
    Ckan,

    /// <summary>piveau hub-search (DCAT-AP), e.g. Jena's WISSENsAllmende.</summary>
    PiveauHub,

    /// <summary>An iCalendar (RFC 5545) event feed.</summary>
    ICalendar,
}

/// <summary>
/// One urban data platform of a tenant, configured by its staff (not coded): where it is, how to sign in, how long
/// to wait and how long answers may be reused. Secrets are stored encrypted (ASP.NET Core Data Protection) and are
/// never returned by the API.
/// </summary>
public sealed class DataConnection : ITenantScoped
{
    public Guid Id { get; set; }

    public string TenantId { get; set; } = "";

    /// <summary>Identifier within the tenant (lower-case letters, digits and dashes).</summary>
    public required string Slug { get; set; }

    public required string Name { get; set; }

    public DataPlatformKind Kind { get; set; }

    /// <summary>
    /// The service root (e.g. <c>https://udp.example/FROST-Server/v1.1/</c>; for NGSI-LD the broker root
    /// <c>https://broker.example/</c> before <c>ngsi-ld/v1/</c>; for catalogues the CKAN or piveau root; for iCalendar the
    /// feed's URL). A path starting with <c>/</c> means this Stadtdialog server itself (the bundled demo platform).
    /// </summary>
    public required string BaseUrl { get; set; }

    public DataAuthKind Auth { get; set; }

    public string ApiKeyHeader { get; set; } = "X-API-Key";

    public string? TokenEndpoint { get; set; }

    public string? ClientId { get; set; }

    public string? Scope { get; set; }

    /// <summary>The API key, encrypted.</summary>
    public string? ProtectedApiKey { get; set; }

    /// <summary>The OAuth2 client secret, encrypted.</summary>
    public string? ProtectedClientSecret { get; set; }

    /// <summary>Time for one request to the platform, retries included.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    public int Retries { get; set; } = 2;

    /// <summary>How long a platform response is reused; 0: every question asks the platform.</summary>
    public int CacheSeconds { get; set; } = 60;

    /// <summary>NGSI-LD: the broker tenant (<c>NGSILD-Tenant</c>).</summary>
    public string? NgsiLdTenant { get; set; }

    /// <summary>NGSI-LD: the JSON-LD context sent as <c>Link</c> header (e.g. the smart data models context).</summary>
    public string? NgsiLdContext { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>True when <see cref="BaseUrl"/> points at this server (a path), as the bundled demo platform does.</summary>
    public bool IsLocal => BaseUrl.StartsWith('/');
}

/// <summary>What a data tool answers.</summary>
public enum DataToolKind
{
    /// <summary>The latest value(s) with their timestamp: free parking spaces, air quality now.</summary>
    Latest,

    /// <summary>Values over the last hours, with a chart: air quality over the last 24 h, parking over the day.</summary>
    Series,

    /// <summary>Events of an iCalendar feed in a time range ("Was ist am Wochenende los?").</summary>
    Events,

    /// <summary>A dataset of an open-data catalogue: a count or a lookup in its CSV/JSON/GeoJSON distribution.</summary>
    Dataset,
}

/// <summary>
/// A named tool an editor builds on a data connection: what it reads, which parameters it takes, how its answer
/// reads and which questions it answers. Used without a language model (intent patterns) and with one (offered as a
/// function with a JSON schema).
/// </summary>
public sealed class DataTool : ITenantScoped
{
    public Guid Id { get; set; }

    public string TenantId { get; set; } = "";

    /// <summary>The function name (lower-case letters, digits, dashes and underscores), e.g. <c>parkhausbelegung</c>.</summary>
    public required string Slug { get; set; }

    /// <summary>Display name, e.g. "Parkhausbelegung".</summary>
    public required string Name { get; set; }

    /// <summary>What the tool tells; shown to editors and offered to language models.</summary>
    public string Description { get; set; } = "";

    public Guid ConnectionId { get; set; }

    public DataConnection? Connection { get; set; }

    public DataToolKind Kind { get; set; }

    public DataToolQuery Query { get; set; } = new();

    public DataToolIntents Intents { get; set; } = new();

    /// <summary>
    /// The answer for one value or event, as a Liquid template, e.g.
    /// <c>Im {{ name }} sind um {{ time }} Uhr {{ value }} von {{ capacity }} Plätzen frei.</c> Empty: a default per kind.
    /// </summary>
    public string AnswerTemplate { get; set; } = "";

    /// <summary>Where citizens can see the data (a portal page); default: the platform request itself.</summary>
    public string? SourceUrl { get; set; }

    /// <summary>Values older than this are shown with a warning that they may be outdated.</summary>
    public int StaleAfterMinutes { get; set; } = 60;

    public bool Enabled { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>What a tool reads from its platform. Which fields count depends on the platform and the tool kind.</summary>
public sealed class DataToolQuery
{
    /// <summary>SensorThings: part of the ObservedProperty's name (e.g. "PM10"); empty: any.</summary>
    public string? ObservedProperty { get; set; }

    /// <summary>SensorThings: part of the Datastream's name (e.g. "freie Stellplätze").</summary>
    public string? DatastreamName { get; set; }

    /// <summary>SensorThings: only Things whose <c>properties.category</c> is this (e.g. "parking").</summary>
    public string? ThingCategory { get; set; }

    /// <summary>SensorThings: the Thing property with the capacity (e.g. "capacity").</summary>
    public string? CapacityProperty { get; set; }

    /// <summary>NGSI-LD: the entity type (e.g. <c>OffStreetParking</c>, <c>AirQualityObserved</c>).</summary>
    public string? EntityType { get; set; }

    /// <summary>NGSI-LD: the attributes with the values (e.g. <c>availableSpotNumber</c>; <c>pm10</c>, <c>no2</c>).</summary>
    public List<string> Attributes { get; set; } = [];

    /// <summary>NGSI-LD: the attribute with the capacity (e.g. <c>totalSpotNumber</c>).</summary>
    public string? CapacityAttribute { get; set; }

    /// <summary>NGSI-LD: the attribute with the display name.</summary>
    public string NameAttribute { get; set; } = "name";

    /// <summary>What one item is called in questions and answers (e.g. "Parkhaus", "Messstation").</summary>
    public string? ItemLabel { get; set; }

    /// <summary>Series: how many hours back (default 24).</summary>
    public int Hours { get; set; } = 24;

    /// <summary>Events: the time range when the question names none (days from today).</summary>
    public int Days { get; set; } = 7;

    /// <summary>Dataset: the dataset's id or search words in the catalogue.</summary>
    public string? Dataset { get; set; }

    /// <summary>Dataset: the column a lookup searches (e.g. "Name").</summary>
    public string? LookupColumn { get; set; }
}

/// <summary>Which questions a tool answers without a language model.</summary>
public sealed class DataToolIntents
{
    /// <summary>Words or phrases; a question must contain all words of at least one (German-aware: "Parkhäuser" matches "Parkhaus").</summary>
    public List<string> Keywords { get; set; } = [];

    /// <summary>Example questions; a question similar to one matches too.</summary>
    public List<string> Examples { get; set; } = [];

    /// <summary>Words that rule the tool out (e.g. "Gebühr", "kostet": a question about fees is not about free spaces).</summary>
    public List<string> ExcludedKeywords { get; set; } = [];
}

/// <summary>The parameters a tool call carries (from the intent patterns or filled in by a language model).</summary>
public sealed record DataToolArguments
{
    /// <summary>Latest/Series: which item (a garage, a station); null: the ones the question names, else all.</summary>
    public string? Name { get; init; }

    /// <summary>Latest/Series: which property of an item (PM10, NO2); null: the ones the question names, else all.</summary>
    public string? Property { get; init; }

    /// <summary>The citizen's question: items, properties, time ranges and topics it names count where no argument says otherwise.</summary>
    public string? Question { get; init; }

    /// <summary>Series: hours back.</summary>
    public int? Hours { get; init; }

    /// <summary>Events: first day (inclusive).</summary>
    public DateOnly? From { get; init; }

    /// <summary>Events: last day (inclusive).</summary>
    public DateOnly? To { get; init; }

    /// <summary>Events: a word the event must be about ("Kinder", "Konzert"); Dataset: the value to look up.</summary>
    public string? Keyword { get; init; }

    public static DataToolArguments None { get; } = new();
}

/// <summary>
/// One current value of one item: what it is, its value, and when it was measured (<see cref="Time"/> is null when
/// the platform gave no time; such a value always counts as <see cref="Stale"/>).
/// </summary>
public sealed record LiveValue(
    string Name,
    string? Property,
    double? Value,
    string? Text,
    string? Unit,
    DateTimeOffset? Time,
    double? Capacity,
    bool Stale);

/// <summary>One occurrence of an event.</summary>
public sealed record LiveEvent(
    string Title,
    DateTimeOffset Start,
    DateTimeOffset? End,
    bool AllDay,
    string? Location,
    string? Url,
    IReadOnlyList<string> Categories,
    string? Description = null);

/// <summary>One point of a chart series.</summary>
public sealed record ChartPoint(DateTimeOffset Time, double Value);

/// <summary>One line of a chart.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points);

/// <summary>
/// A time-series chart for the widget (rendered there as an accessible SVG with a data table).
/// <see cref="Summary"/> is its text alternative.
/// </summary>
public sealed record ChartData(string Title, string? Unit, IReadOnlyList<ChartSeries> Series, string Summary);

/// <summary>The answer of one tool call: the rendered text and the data it rests on.</summary>
public sealed record DataToolResult(
    string Tool,
    string Text,
    IReadOnlyList<LiveValue> Values,
    IReadOnlyList<LiveEvent> Events,
    ChartData? Chart,
    string SourceTitle,
    string? SourceUrl,
    DateTimeOffset RetrievedAt)
{
    /// <summary>Some value is older than the tool's <see cref="DataTool.StaleAfterMinutes"/>.</summary>
    public bool Stale => Values.Any(v => v.Stale);

    /// <summary>The platform could not deliver; <see cref="Text"/> says so honestly and nothing else.</summary>
    public bool Unavailable { get; init; }

    /// <summary>Why the platform could not deliver, for editors and the log (never shown to citizens).</summary>
    public string? Problem { get; init; }

    /// <summary>The data came from the cache (younger than the connection's cache time).</summary>
    public bool FromCache { get; init; }
}

internal sealed class DataConnectionConfiguration : IEntityTypeConfiguration<DataConnection>
{
    public void Configure(EntityTypeBuilder<DataConnection> builder)
    {
        builder.ToTable("DataConnections");
        builder.HasIndex(c => new { c.TenantId, c.Slug }).IsUnique();
        builder.Property(c => c.Slug).HasMaxLength(64);
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Auth).HasConversion<string>().HasMaxLength(32);
        builder.Property(c => c.BaseUrl).HasMaxLength(2000);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DataToolConfiguration : IEntityTypeConfiguration<DataTool>
{
    public void Configure(EntityTypeBuilder<DataTool> builder)
    {
        builder.ToTable("DataTools");
        builder.HasIndex(t => new { t.TenantId, t.Slug }).IsUnique();
        builder.Property(t => t.Slug).HasMaxLength(64);
        builder.Property(t => t.Name).HasMaxLength(200);
        builder.Property(t => t.Kind).HasConversion<string>().HasMaxLength(16);
        builder.OwnsOne(t => t.Query, q => q.ToJson());
        builder.OwnsOne(t => t.Intents, i => i.ToJson());
        builder.HasOne(t => t.Connection).WithMany().HasForeignKey(t => t.ConnectionId).OnDelete(DeleteBehavior.Cascade);
    }
}
