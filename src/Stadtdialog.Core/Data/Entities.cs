using Stadtdialog.Tenancy;

namespace Stadtdialog.Data;

/// <summary>Marks an entity that belongs to one municipality; filtered by <see cref="TenantContext"/>.</summary>
public interface ITenantScoped
{
    string TenantId { get; set; }
}

/// <summary>A municipality (town, district, Amt) on the platform.</summary>
public sealed class Tenant
{
    /// <summary>URL-safe slug, e.g. <c>musterstadt</c>.</summary>
    public required string Id { get; set; }

    public required string Name { get; set; }

    public ContactInfo Contact { get; set; } = new();

    /// <summary>Languages the tenant answers in (ISO 639-1), German first.</summary>
    public List<string> Languages { get; set; } = ["de"];

    /// <summary>Tenant-specific synonym rules (<c>perso =&gt; personalausweis</c> or <c>a, b, c</c>).</summary>
    public List<string> Synonyms { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>How citizens reach a person at the administration; offered whenever the assistant does not know.</summary>
public sealed class ContactInfo
{
    public string? Name { get; set; }

    public string? Phone { get; set; }

    public string? Email { get; set; }

    public string? Url { get; set; }

    public string? OpeningHours { get; set; }
}

public enum AssistantAudience
{
    Citizens,
    Staff,
}

/// <summary>A chatbot of a tenant (e.g. the citizens' service assistant).</summary>
public sealed class Assistant : ITenantScoped
{
    public Guid Id { get; set; }

    public string TenantId { get; set; } = "";

    /// <summary>URL-safe name, unique within the tenant, e.g. <c>buergerservice</c>.</summary>
    public required string Slug { get; set; }

    public required string Name { get; set; }

    public AssistantAudience Audience { get; set; } = AssistantAudience.Citizens;

    public string Greeting { get; set; } = "";

    public List<string> SuggestedQuestions { get; set; } = [];

    /// <summary>Below this confidence (0..1) the assistant says it does not know and offers a human.</summary>
    public double MinConfidence { get; set; } = AnswerThresholds.DefaultMinConfidence;

    /// <summary>Maximum number of sources cited per answer (1..3).</summary>
    public int MaxCitations { get; set; } = 3;

    public bool Published { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Default thresholds shared by the assistant entity and the configuration files.</summary>
public static class AnswerThresholds
{
    public const double DefaultMinConfidence = 0.5;
}

public enum KnowledgeSourceType
{
    Folder,
}

/// <summary>Where a tenant's knowledge comes from (a folder, later websites, feeds, FAQ tables ...).</summary>
public sealed class KnowledgeSource : ITenantScoped
{
    public Guid Id { get; set; }

    public string TenantId { get; set; } = "";

    public required string Name { get; set; }

    public KnowledgeSourceType Type { get; set; }

    /// <summary>Folder path or URL.</summary>
    public required string Location { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastRunAt { get; set; }

    public string? LastRunSummary { get; set; }

    public List<Document> Documents { get; set; } = [];
}

public enum DocumentStatus
{
    Indexed,
    Failed,
}

/// <summary>One page or file of a knowledge source.</summary>
public sealed class Document : ITenantScoped
{
    public Guid Id { get; set; }

    public string TenantId { get; set; } = "";

    public Guid SourceId { get; set; }

    public KnowledgeSource? Source { get; set; }

    /// <summary>Identity within the source: the relative path of a file or the URL of a page.</summary>
    public required string Key { get; set; }

    /// <summary>The canonical URL (or relative path) cited to users.</summary>
    public required string Url { get; set; }

    public string Title { get; set; } = "";

    public string? Description { get; set; }

    public string Language { get; set; } = "de";

    /// <summary>SHA-256 of the raw content; an unchanged hash skips re-indexing.</summary>
    public string ContentHash { get; set; } = "";

    public DateTimeOffset? LastModified { get; set; }

    public DateTimeOffset IngestedAt { get; set; }

    public DocumentStatus Status { get; set; }

    /// <summary>Why the latest attempt failed; the previous good version stays searchable.</summary>
    public string? Error { get; set; }

    public List<Chunk> Chunks { get; set; } = [];
}

/// <summary>A passage of a document (one section, or part of a long one), the unit of retrieval.</summary>
public sealed class Chunk : ITenantScoped
{
    public Guid Id { get; set; }

    public string TenantId { get; set; } = "";

    public Guid DocumentId { get; set; }

    public Document? Document { get; set; }

    public int Ordinal { get; set; }

    /// <summary>Heading path, e.g. <c>Gebühren</c> or <c>Unterlagen › Für Kinder</c>; empty for the lead.</summary>
    public string Section { get; set; } = "";

    /// <summary>Fragment id of the section's heading, for deep links.</summary>
    public string? Anchor { get; set; }

    public required string Text { get; set; }
}

public sealed class Conversation : ITenantScoped
{
    public Guid Id { get; set; }

    public string TenantId { get; set; } = "";

    public Guid AssistantId { get; set; }

    public Assistant? Assistant { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset LastActivityAt { get; set; }

    public List<Message> Messages { get; set; } = [];
}

public enum MessageRole
{
    User,
    Assistant,
}

public sealed class Message : ITenantScoped
{
    public Guid Id { get; set; }

    public string TenantId { get; set; } = "";

    public Guid ConversationId { get; set; }

    public MessageRole Role { get; set; }

    public required string Content { get; set; }

    /// <summary>For assistant messages: <c>rules</c>, <c>retrieval</c> or <c>fallback</c>.</summary>
    public string? AnswerType { get; set; }

    public double? Confidence { get; set; }

    public List<Citation> Citations { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A source an answer rests on, stored with the message.</summary>
public sealed class Citation
{
    public int Index { get; set; }

    public required string Title { get; set; }

    public required string Url { get; set; }

    public string? Section { get; set; }

    public Guid? DocumentId { get; set; }
}

public enum FeedbackRating
{
    Down = -1,
    Up = 1,
}

public sealed class Feedback : ITenantScoped
{
    public Guid Id { get; set; }

    public string TenantId { get; set; } = "";

    public Guid MessageId { get; set; }

    public FeedbackRating Rating { get; set; }

    public string? Comment { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
