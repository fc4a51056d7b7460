using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Stadtdialog.Data;

namespace Stadtdialog.Tenancy;

/// <summary>
/// A municipality described as a file (<c>samples/&lt;tenant&gt;/tenant.json</c>): how the demo and new
/// installations are provisioned. Everything here can later be edited in the database.
/// </summary>
public sealed class TenantConfig
{
    [Required]
    public string Id { get; set; } = "";

    [Required]
    public string Name { get; set; } = "";

    public ContactInfo Contact { get; set; } = new();

    public List<string> Languages { get; set; } = ["de"];

    public List<string> Synonyms { get; set; } = [];

    public List<AssistantConfig> Assistants { get; set; } = [];

    /// <summary>Folders with content to ingest, relative to the config file (shorthand for folder sources).</summary>
    public List<string> Content { get; set; } = [];

    /// <summary>Knowledge sources of any type; file and folder locations are relative to the config file.</summary>
    public List<SourceConfig> Sources { get; set; } = [];

    /// <summary>Urban data platforms (SensorThings, NGSI-LD, catalogues, iCalendar feeds).</summary>
    public List<DataConnectionConfig> DataConnections { get; set; } = [];

    /// <summary>Data tools built on <see cref="DataConnections"/>.</summary>
    public List<DataToolConfig> DataTools { get; set; } = [];

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static TenantConfig Load(string path)
    {
        TenantConfig config;
        try
        {
            config = JsonSerializer.Deserialize<TenantConfig>(File.ReadAllText(path), JsonOptions)
                ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a valid tenant configuration: {ex.Message}", ex);
        }

        var errors = config.Validate();
        return errors.Count == 0
            ? config
            : throw new InvalidDataException($"{path}: {string.Join("; ", errors)}");
    }

    public List<string> Validate()
    {
        var errors = new List<string>();
        if (!TenantIds.IsValid(Id))
        {
            errors.Add($"id '{Id}' must be lower-case letters, digits and dashes");
        }

        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add("name is required");
        }

        foreach (var assistant in Assistants)
        {
            if (!TenantIds.IsValid(assistant.Id))
            {
                errors.Add($"assistant id '{assistant.Id}' must be lower-case letters, digits and dashes");
            }

            if (assistant.MinConfidence is < 0 or > 1)
            {
                errors.Add($"assistant '{assistant.Id}': minConfidence must be between 0 and 1");
            }
        }

        foreach (var source in Sources)
        {
            if (string.IsNullOrWhiteSpace(source.Location))
            {
                errors.Add($"source '{source.Name}': location is required");
            }

            if (source.RefreshMinutes is < 1)
            {
                errors.Add($"source '{source.Name}': refreshMinutes must be positive");
            }
        }

        foreach (var connection in DataConnections)
        {
            errors.AddRange(LiveData.DataConnectionRules.Validate(connection.Id, connection.Name, connection.BaseUrl, connection.Auth,
                connection.TokenEndpoint, connection.ClientId, connection.TimeoutSeconds, connection.CacheSeconds)
                .Select(e => $"data connection '{connection.Id}': {e}"));
        }

        foreach (var tool in DataTools)
        {
            if (DataConnections.All(c => c.Id != tool.Connection))
            {
                errors.Add($"data tool '{tool.Id}': connection '{tool.Connection}' is not defined");
            }

            errors.AddRange(LiveData.DataToolRules.Validate(tool.Id, tool.Name, tool.AnswerTemplate, tool.StaleAfterMinutes)
                .Select(e => $"data tool '{tool.Id}': {e}"));
        }

        errors.AddRange(Assistants.GroupBy(a => a.Id, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .Select(g => $"assistant id '{g.Key}' is used more than once"));
        errors.AddRange(Retrieval.SynonymSet.Invalid(Synonyms).Select(s => $"synonym rule '{s}' is not valid"));
        return errors;
    }
}

public sealed class AssistantConfig
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public AssistantAudience Audience { get; set; } = AssistantAudience.Citizens;

    public string Greeting { get; set; } = "";

    public List<string> SuggestedQuestions { get; set; } = [];

    public double MinConfidence { get; set; } = AnswerThresholds.DefaultMinConfidence;

    public int MaxCitations { get; set; } = 3;

    /// <summary>How the assistant uses a language model; null keeps what editors set (or the defaults).</summary>
    public GenerationSettings? Generation { get; set; }
}

/// <summary>A knowledge source in a tenant configuration file.</summary>
public sealed class SourceConfig
{
    public string Name { get; set; } = "";

    public KnowledgeSourceType Type { get; set; } = KnowledgeSourceType.Folder;

    /// <summary>URL, or a folder/file path relative to the configuration file.</summary>
    public string Location { get; set; } = "";

    public SourceSettings Settings { get; set; } = new();

    public int? RefreshMinutes { get; set; }

    /// <summary>The location resolved against the configuration file's folder (URLs stay as they are).</summary>
    public string ResolveLocation(string configFolder) =>
        Uri.TryCreate(Location, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? Location
            : Path.GetFullPath(Path.Combine(configFolder, Location));
}

/// <summary>A data connection in a tenant configuration file (secrets come from the environment, never from the file).</summary>
public sealed class DataConnectionConfig
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public LiveData.DataPlatformKind Kind { get; set; }

    /// <summary>The service root; a path starting with <c>/</c> means this server (the bundled demo platform).</summary>
    public string BaseUrl { get; set; } = "";

    public LiveData.DataAuthKind Auth { get; set; }

    public string? ApiKeyHeader { get; set; }

    /// <summary>Name of the environment variable with the API key.</summary>
    public string? ApiKeyVariable { get; set; }

    public string? TokenEndpoint { get; set; }

    public string? ClientId { get; set; }

    /// <summary>Name of the environment variable with the OAuth2 client secret.</summary>
    public string? ClientSecretVariable { get; set; }

    public string? Scope { get; set; }

    public int TimeoutSeconds { get; set; } = 10;

    public int Retries { get; set; } = 2;

    public int CacheSeconds { get; set; } = 60;

    public string? NgsiLdTenant { get; set; }

    public string? NgsiLdContext { get; set; }
}

/// <summary>A data tool in a tenant configuration file.</summary>
public sealed class DataToolConfig
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    /// <summary>The id of one of the file's data connections.</summary>
    public string Connection { get; set; } = "";

    public LiveData.DataToolKind Kind { get; set; }

    public LiveData.DataToolQuery Query { get; set; } = new();

    public LiveData.DataToolIntents Intents { get; set; } = new();

    public string AnswerTemplate { get; set; } = "";

    public string? SourceUrl { get; set; }

    public int StaleAfterMinutes { get; set; } = 60;

    public bool Enabled { get; set; } = true;
}
