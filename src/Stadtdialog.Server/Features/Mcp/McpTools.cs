using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Stadtdialog.Chat;
using Stadtdialog.Data;
using Stadtdialog.LiveData;
using Stadtdialog.LiveData.Tools;
using Stadtdialog.Retrieval;
using Stadtdialog.Server.Features.OpenAi;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Server.Features.Mcp;

/// <summary>
/// The MCP tools of a municipality. Every call runs for the tenant of the caller's API key (the endpoint's policy has
/// checked that it is the one in the URL); the scope's <see cref="TenantContext"/> is set to it before any query, so
/// the EF query filters and the search index see only that municipality.
/// </summary>
/// <remarks>Parameter names are the tools' wire names (snake_case, as MCP clients expect them).</remarks>
[McpServerToolType]
internal sealed class McpTools(
    ChatService chat,
    StadtdialogDbContext db,
    TenantContext tenant,
    DataToolCatalog catalog,
    DataToolRunner runner,
    IHttpContextAccessor http)
{
    public const int MaxResults = 10;

    /// <summary>Longest passage returned per hit, in characters.</summary>
    private const int MaxPassageLength = 1500;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [McpServerTool(Name = "search_knowledge", Title = "Wissen durchsuchen", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Durchsucht das Wissen der Kommune (Website, Dokumente, FAQ, Veranstaltungen, offene Daten) und liefert " +
        "die besten Treffer mit Titel, Link, Abschnitt und Textstelle sowie die Trefferzuversicht (0..1). " +
        "Searches the municipality's knowledge; returns the best hits with title, url, section, passage and confidence. " +
        "Cite the url when you use a passage.")]
    public async Task<CallToolResult> SearchKnowledgeAsync(
        RequestContext<CallToolRequestParams> context,
        [Description("Suchanfrage bzw. Frage in natürlicher Sprache, z. B. \"Personalausweis beantragen\". Search query.")]
        string query,
        [Description("Höchstzahl der Treffer (1 bis 10, Standard 5). Maximum number of hits.")]
        [Range(1, MaxResults)]
        int max_results = 5,
        CancellationToken cancellationToken = default)
    {
        BindTenant(context);
        var cleaned = ChatService.WithoutPersonalData(query ?? "").Trim();
        if (cleaned.Length == 0)
        {
            return Error("Bitte geben Sie eine Suchanfrage an (query). / The query is empty.");
        }

        if (cleaned.Length > ChatService.MaxQuestionLength)
        {
            return Error($"Die Suchanfrage ist zu lang (höchstens {ChatService.MaxQuestionLength} Zeichen). / The query is too long.");
        }

        var municipality = await chat.GetTenantAsync(cancellationToken);
        var result = await chat.SearchAsync(municipality, cleaned, cancellationToken, Math.Clamp(max_results, 1, MaxResults));
        var hits = result.Hits.Select(Hit).ToList();
        var structured = new SearchKnowledgeResult(municipality.Id, municipality.Name, Math.Round(result.Confidence, 3), hits);

        var text = new StringBuilder();
        if (hits.Count == 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Keine Treffer im Wissen von {municipality.Name} für „{cleaned}“.");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{hits.Count} Treffer im Wissen von {municipality.Name} (Zuversicht {structured.Confidence.ToString("0.00", CultureInfo.InvariantCulture)}):");
            foreach (var (hit, index) in hits.Select((h, i) => (h, i + 1)))
            {
                text.Append(CultureInfo.InvariantCulture, $"\n\n[{index}] {hit.Title}\n{hit.Url}");
                if (hit.Section is { Length: > 0 } section)
                {
                    text.Append(CultureInfo.InvariantCulture, $"\nAbschnitt: {section}");
                }

                if (hit.Text.Length > 0)
                {
                    text.Append('\n').Append(hit.Text);
                }
            }
        }

        return Success(text.ToString(), structured);
    }

    [McpServerTool(Name = "list_sources", Title = "Quellen und Datenwerkzeuge", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Listet die Wissensquellen der Kommune (Name, Art, Adresse, letzter Lauf) und ihre Live-Datenwerkzeuge " +
        "(Name, Kennung/slug, Beschreibung, Art, Parameter als JSON-Schema) für get_live_data. " +
        "Lists the municipality's knowledge sources and its live data tools with their parameter schemas.")]
    public async Task<CallToolResult> ListSourcesAsync(
        RequestContext<CallToolRequestParams> context, CancellationToken cancellationToken = default)
    {
        var tenantId = BindTenant(context);
        var municipality = await chat.GetTenantAsync(cancellationToken);
        var sources = await db.KnowledgeSources.AsNoTracking().OrderBy(s => s.CreatedAt).ToListAsync(cancellationToken);
        var tools = await catalog.GetAsync(tenantId, cancellationToken);

        var structured = new ListSourcesResult(
            municipality.Id,
            municipality.Name,
            [.. sources.Select(s => new SourceInfo(s.Name, s.Type.ToString(), PublicLocation(s.Location), s.Enabled, s.LastRunAt))],
            [.. tools.Select(t => new DataToolInfo(t.Name, t.Slug, t.Description, t.Kind.ToString(), DataToolFunctions.Schema(t),
                Absolute(t.SourceUrl)))]);

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Wissensquellen von {municipality.Name}:");
        if (structured.Sources.Count == 0)
        {
            text.Append("\n- (keine)");
        }

        foreach (var source in structured.Sources)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n- {source.Name} ({source.Type})");
            if (source.Location is { } location)
            {
                text.Append(CultureInfo.InvariantCulture, $", {location}");
            }

            text.Append(source.LastRunAt is { } run
                ? string.Create(CultureInfo.InvariantCulture, $", zuletzt eingelesen {run:yyyy-MM-dd HH:mm} UTC")
                : ", noch nicht eingelesen");
        }

        text.Append("\n\nLive-Datenwerkzeuge (für get_live_data):");
        if (structured.DataTools.Count == 0)
        {
            text.Append("\n- (keine)");
        }

        foreach (var tool in structured.DataTools)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n- {tool.Slug}: {tool.Name} ({tool.Kind})");
            if (tool.Description.Length > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $" – {tool.Description}");
            }

            var parameters = tool.Parameters.TryGetProperty("properties", out var properties)
                ? string.Join(", ", properties.EnumerateObject().Select(p => p.Name))
                : "";
            text.Append(CultureInfo.InvariantCulture, $" Parameter: {(parameters.Length > 0 ? parameters : "keine")}");
        }

        return Success(text.ToString(), structured);
    }

    [McpServerTool(Name = "get_live_data", Title = "Live-Daten abrufen", ReadOnly = true, Idempotent = false, OpenWorld = true)]
    [Description("Ruft aktuelle Daten der Kommune mit einem ihrer Live-Datenwerkzeuge ab (z. B. freie Parkplätze, " +
        "Luftqualität, Veranstaltungen). Welche Werkzeuge es gibt und welche Parameter sie nehmen, liefert list_sources. " +
        "Runs one of the municipality's live data tools (see list_sources for slugs and parameter schemas); returns the " +
        "answer text with measurement times and the data as JSON.")]
    public async Task<CallToolResult> GetLiveDataAsync(
        RequestContext<CallToolRequestParams> context,
        [Description("Kennung (slug) des Datenwerkzeugs aus list_sources, z. B. \"parkhausbelegung\". The data tool's slug.")]
        string tool,
        [Description("Parameter des Werkzeugs als Objekt gemäß seinem Schema aus list_sources, z. B. {\"name\": \"Bahnhof\"}; " +
            "weglassen für alle. The tool's arguments (optional).")]
        JsonElement? arguments = null,
        CancellationToken cancellationToken = default)
    {
        var tenantId = BindTenant(context);
        var slug = (tool ?? "").Trim();
        var dataTool = slug.Length == 0 ? null : await catalog.FindAsync(tenantId, slug, cancellationToken);
        if (dataTool is null)
        {
            var known = (await catalog.GetAsync(tenantId, cancellationToken)).Select(t => t.Slug).ToList();
            return Error($"Das Datenwerkzeug „{slug}“ gibt es hier nicht. Verfügbar: " +
                $"{(known.Count > 0 ? string.Join(", ", known) : "keine")}. / Unknown data tool; see list_sources.");
        }

        if (arguments is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) })
        {
            return Error("Die Parameter (arguments) müssen ein JSON-Objekt sein. / arguments must be a JSON object.");
        }

        var values = arguments is { ValueKind: JsonValueKind.Object } obj
            ? obj.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone(), StringComparer.Ordinal)
            : null;
        var result = await runner.RunAsync(dataTool, DataToolFunctions.Arguments(dataTool, values, question: null), cancellationToken);

        var structured = new LiveDataResult(
            result.Tool,
            result.Text,
            [.. result.Values.Select(v => new LiveValueInfo(v.Name, v.Property, v.Value, v.Text, v.Unit, v.Time, v.Capacity, v.Stale))],
            [.. result.Events.Select(e => new LiveEventInfo(e.Title, e.Start, e.End, e.AllDay, e.Location, Absolute(e.Url), e.Categories))],
            result.Chart is { } chart
                ? new ChartInfo(chart.Title, chart.Unit, chart.Summary,
                    [.. chart.Series.Select(s => new SeriesInfo(s.Name, [.. s.Points.Select(p => new PointInfo(p.Time, p.Value))]))])
                : null,
            new SourceLink(result.SourceTitle, Absolute(result.SourceUrl)),
            result.RetrievedAt,
            result.Stale,
            result.Unavailable);

        var text = new StringBuilder(result.Text);
        if (structured.Source.Url is { } url)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n\nQuelle: {structured.Source.Title} ({url})");
        }
        else if (structured.Source.Title.Length > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n\nQuelle: {structured.Source.Title}");
        }

        return Success(text.ToString(), structured);
    }

    /// <summary>Sets the scope's tenant to the API key's tenant (a no-op when the authentication did so already).</summary>
    private string BindTenant(RequestContext<CallToolRequestParams> context)
    {
        var user = context.User ?? http.HttpContext?.User;
        var tenantId = user?.FindFirstValue(OpenAiAuthentication.TenantClaim)
            ?? throw new InvalidOperationException("An MCP tool was called without a tenant API key.");
        tenant.Set(tenantId);
        return tenantId;
    }

    private SearchHitInfo Hit(SearchHit hit)
    {
        var best = hit.Chunks.Count > 0 ? hit.Chunks[0] : null;
        var url = best?.Anchor is { Length: > 0 } anchor && !hit.Url.Contains('#', StringComparison.Ordinal)
            ? $"{hit.Url}#{anchor}"
            : hit.Url;
        var passage = best?.Text.Trim() ?? "";
        if (passage.Length > MaxPassageLength)
        {
            passage = passage[..MaxPassageLength].TrimEnd() + " …";
        }

        return new SearchHitInfo(hit.Title, Absolute(url) ?? url, best?.Section is { Length: > 0 } s ? s : null, passage,
            hit.Kind.ToString(), Math.Round(hit.Coverage, 3));
    }

    /// <summary>A site-relative link (<c>/demo/…</c>) as an absolute one on this server; other links as they are.</summary>
    private string? Absolute(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !url.StartsWith('/') || url.StartsWith("//", StringComparison.Ordinal)
            || http.HttpContext?.Request is not { } request)
        {
            return url;
        }

        return $"{request.Scheme}://{request.Host}{request.PathBase}{url}";
    }

    /// <summary>Only web addresses are shown; server folders and file paths stay internal.</summary>
    private static string? PublicLocation(string location) =>
        Uri.TryCreate(location, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? location
            : null;

    private static CallToolResult Success<T>(string text, T structured)
    {
        var json = JsonSerializer.SerializeToElement(structured, Json);
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = text }, new TextContentBlock { Text = json.GetRawText() }],
            StructuredContent = json,
        };
    }

    private static CallToolResult Error(string message) => new()
    {
        Content = [new TextContentBlock { Text = message }],
        IsError = true,
    };

    private sealed record SearchKnowledgeResult(string Tenant, string TenantName, double Confidence, IReadOnlyList<SearchHitInfo> Hits);

    private sealed record SearchHitInfo(string Title, string Url, string? Section, string Text, string Kind, double Coverage);

    private sealed record ListSourcesResult(string Tenant, string TenantName, IReadOnlyList<SourceInfo> Sources, IReadOnlyList<DataToolInfo> DataTools);

    private sealed record SourceInfo(string Name, string Type, string? Location, bool Enabled, DateTimeOffset? LastRunAt);

    private sealed record DataToolInfo(string Name, string Slug, string Description, string Kind, JsonElement Parameters, string? SourceUrl);

    private sealed record LiveDataResult(
        string Tool,
        string Text,
        IReadOnlyList<LiveValueInfo> Values,
        IReadOnlyList<LiveEventInfo> Events,
        ChartInfo? Chart,
        SourceLink Source,
        DateTimeOffset RetrievedAt,
        bool Stale,
        bool Unavailable);

    private sealed record LiveValueInfo(
        string Name, string? Property, double? Value, string? Text, string? Unit, DateTimeOffset? Time, double? Capacity, bool Stale);

    private sealed record LiveEventInfo(
        string Title, DateTimeOffset Start, DateTimeOffset? End, bool AllDay, string? Location, string? Url, IReadOnlyList<string> Categories);

    private sealed record ChartInfo(string Title, string? Unit, string Summary, IReadOnlyList<SeriesInfo> Series);

    private sealed record SeriesInfo(string Name, IReadOnlyList<PointInfo> Points);

    private sealed record PointInfo(DateTimeOffset Time, double Value);

    private sealed record SourceLink(string Title, string? Url);
}
