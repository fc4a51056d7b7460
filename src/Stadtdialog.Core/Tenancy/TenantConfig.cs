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
