using Stadtdialog.Knowledge;
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

    /// <summary>
    /// Written with every ingestion batch and into the search index's commit: a difference after a crash shows
    /// that the index missed the last batch, and start-up rebuilds it from the database.
    /// </summary>
    public string? IndexStamp { get; set; }

    /// <summary>The tenant's language model; empty fields fall back to the platform default (if any).</summary>
    public ModelSettings Model { get; set; } = new();

    /// <summary>Tokens (prompt + answer) the tenant may use per day (UTC); 0 means no limit.</summary>
    public long DailyTokenBudget { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// An OpenAI-compatible model endpoint (Ollama, vLLM, llama.cpp server, LocalAI, a German cloud). Every field is
/// optional: on an assistant an empty field inherits the tenant's, on a tenant the platform default's.
/// </summary>
public sealed class ModelSettings
{
    /// <summary>Base URL, e.g. <c>http://localhost:11434/v1</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Model name as the endpoint knows it, e.g. <c>llama3.1:8b</c>.</summary>
    public string? Model { get; set; }

    /// <summary>The API key, encrypted with ASP.NET Core Data Protection; never returned by the API.</summary>
    public string? ProtectedApiKey { get; set; }

    public int? TimeoutSeconds { get; set; }

    public int? MaxOutputTokens { get; set; }

    public double? Temperature { get; set; }

    /// <summary>Embedding model for hybrid retrieval (same endpoint unless <see cref="EmbeddingEndpoint"/> is set).</summary>
    public string? EmbeddingModel { get; set; }

    public string? EmbeddingEndpoint { get; set; }
}

/// <summary>How an assistant uses the language model (the hybrid tier routing).</summary>
public sealed class GenerationSettings
{
    /// <summary>Use the language model when one is configured; off: retrieval answers only.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Extractive answers at or above this confidence are given without the model (fast, no tokens); 1 sends
    /// every answerable question to the model.
    /// </summary>
    public double DirectAnswerConfidence { get; set; } = 0.85;

    /// <summary>FAQ rows (curated answers) are given verbatim without the model.</summary>
    public bool CuratedWithoutModel { get; set; } = true;

    /// <summary>Answer in plain language (Einfache Sprache) by default.</summary>
    public bool PlainLanguage { get; set; }

    /// <summary>Token budget of one turn (prompt with sources and history plus answer).</summary>
    public int MaxTurnTokens { get; set; } = 6000;

    /// <summary>Earlier messages of the conversation sent along, newest first, up to this many tokens.</summary>
    public int HistoryTokens { get; set; } = 1200;
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

    /// <summary>Overrides of the tenant's model for this assistant (empty fields inherit).</summary>
    public ModelSettings Model { get; set; } = new();

    public GenerationSettings Generation { get; set; } = new();

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Default thresholds shared by the assistant entity and the configuration files.</summary>
public static class AnswerThresholds
{
    public const double DefaultMinConfidence = 0.5;
}

public enum KnowledgeSourceType
{
    /// <summary>A folder on the server (HTML, Markdown, text, PDF, DOCX, XLSX, CSV, iCalendar, catalogue JSON).</summary>
    Folder,

    /// <summary>Files uploaded by editors; kept in the platform's data folder.</summary>
    Upload,

    /// <summary>A website crawled from start URLs and/or sitemaps.</summary>
    Website,

    /// <summary>An FAQ table (CSV or XLSX file or URL): each row is a curated question and answer.</summary>
    Faq,

    /// <summary>An iCalendar feed (URL or file): each event is a document until its last occurrence.</summary>
    Events,

    /// <summary>Open-data catalogue metadata: a DCAT-AP JSON-LD catalogue or a CKAN <c>package_search</c> URL.</summary>
    Catalogue,
}

/// <summary>Where a tenant's knowledge comes from, and how often it is refreshed.</summary>
public sealed class KnowledgeSource : ITenantScoped
{
    public Guid Id { get; set; }

    public string TenantId { get; set; } = "";

    public required string Name { get; set; }

    public KnowledgeSourceType Type { get; set; }

    /// <summary>Folder path, file path or URL (the start URL of a website).</summary>
    public required string Location { get; set; }

    public SourceSettings Settings { get; set; } = new();

    /// <summary>How often the source is refreshed automatically; null: only on request.</summary>
    public TimeSpan? RefreshInterval { get; set; }

    /// <summary>Disabled sources are not refreshed; what they indexed stays searchable.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>When the scheduler runs the source next (set after every run from <see cref="RefreshInterval"/>).</summary>
    public DateTimeOffset? NextRunAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastRunAt { get; set; }

    public string? LastRunSummary { get; set; }

    public List<Document> Documents { get; set; } = [];
}

/// <summary>Per-source settings; each source type uses the ones that concern it.</summary>
public sealed class SourceSettings
{
    /// <summary>Website: further start URLs besides <see cref="KnowledgeSource.Location"/>.</summary>
    public List<string> StartUrls { get; set; } = [];

    /// <summary>Website: sitemap URLs (robots.txt <c>Sitemap:</c> lines are used too).</summary>
    public List<string> Sitemaps { get; set; } = [];

    /// <summary>Website: hosts that may be crawled; empty means the hosts of the start URLs.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Website: only paths starting with one of these are crawled; empty means all.</summary>
    public List<string> PathPrefixes { get; set; } = [];

    /// <summary>Website: paths starting with one of these are never crawled (e.g. <c>/suche</c>).</summary>
    public List<string> ExcludedPaths { get; set; } = [];

    /// <summary>Website: link depth from the start URLs (sitemap entries count as depth 1).</summary>
    public int MaxDepth { get; set; } = 5;

    public int MaxPages { get; set; } = 5000;

    /// <summary>Website: pause between two requests to the same host (robots.txt Crawl-delay wins if longer).</summary>
    public int RequestDelayMilliseconds { get; set; } = 250;

    /// <summary>Website: requests in flight at once.</summary>
    public int MaxConcurrency { get; set; } = 2;

    /// <summary>
    /// Folder and upload sources: the web address where the files are published (answers link there); without
    /// it answers cite the file name.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Events: how far ahead recurring events are expanded.</summary>
    public int EventWindowDays { get; set; } = 180;
}

public enum DocumentStatus
{
    Indexed,
    Failed,

    /// <summary>A PDF without a text layer (a scan): nothing to index until OCR has been run on it.</summary>
    NoText,
}

/// <summary>One page, file or entry (FAQ row, event, dataset) of a knowledge source.</summary>
public sealed class Document : ITenantScoped
{
    public Guid Id { get; set; }

    public string TenantId { get; set; } = "";

    public Guid SourceId { get; set; }

    public KnowledgeSource? Source { get; set; }

    /// <summary>Identity within the source: <see cref="ItemKey"/>, plus <c>#entry</c> for one entry of a file.</summary>
    public required string Key { get; set; }

    /// <summary>The file or URL this document was read from (several FAQ rows share one).</summary>
    public string ItemKey { get; set; } = "";

    /// <summary>The canonical URL (or relative path) cited to users.</summary>
    public required string Url { get; set; }

    public string Title { get; set; } = "";

    public string? Description { get; set; }

    public DocumentKind Kind { get; set; }

    public List<string> Keywords { get; set; } = [];

    public string Language { get; set; } = "de";

    /// <summary>SHA-256 of what was indexed (the extracted document); an unchanged hash skips re-indexing.</summary>
    public string ContentHash { get; set; } = "";

    /// <summary>SHA-256 of the raw item; an unchanged file is not even parsed again.</summary>
    public string? RawHash { get; set; }

    public DateTimeOffset? LastModified { get; set; }

    /// <summary>Events: start of the next occurrence.</summary>
    public DateTimeOffset? ValidFrom { get; set; }

    /// <summary>Not offered after this instant (events); removed by the next run.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>HTTP validators of the last fetch, for conditional GET.</summary>
    public string? ETag { get; set; }

    public string? LastModifiedHeader { get; set; }

    /// <summary>Website: links found on the page, so that crawling continues through unchanged pages.</summary>
    public List<string> Links { get; set; } = [];

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

    /// <summary>Who answers: the bot, nobody yet (waiting for a person), or a staff member (the bot is muted).</summary>
    public ConversationMode Mode { get; set; }

    /// <summary>The staff member who took the conversation over.</summary>
    public Guid? AgentId { get; set; }

    /// <summary>How the citizen sees that staff member ("Frau Schmidt, Bürgerbüro").</summary>
    public string? AgentName { get; set; }

    /// <summary>The queue (department) the handover went to.</summary>
    public string? QueueId { get; set; }

    /// <summary>Why a person was asked for (<see cref="Handover.HandoverReasons"/>).</summary>
    public string? HandoverReason { get; set; }

    public DateTimeOffset? HandoverRequestedAt { get; set; }

    public DateTimeOffset? AgentJoinedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public List<Message> Messages { get; set; } = [];
}

/// <summary>Who answers a conversation. Only <see cref="Bot"/> runs the turn pipeline.</summary>
public enum ConversationMode
{
    Bot,

    /// <summary>The citizen asked for a person; messages go to the queue, the bot stays silent.</summary>
    Waiting,

    /// <summary>A staff member owns the conversation; the bot stays silent until it is handed back.</summary>
    Agent,

    Closed,
}

public enum MessageRole
{
    User,
    Assistant,

    /// <summary>A staff member's message (live takeover).</summary>
    Agent,

    /// <summary>A notice of the system ("Sie schreiben jetzt mit …").</summary>
    System,
}

public sealed class Message : ITenantScoped
{
    public Guid Id { get; set; }

    public string TenantId { get; set; } = "";

    public Guid ConversationId { get; set; }

    public MessageRole Role { get; set; }

    public required string Content { get; set; }

    /// <summary>For assistant messages: <c>rules</c>, <c>retrieval</c>, <c>faq</c>, <c>generative</c> or <c>fallback</c>.</summary>
    public string? AnswerType { get; set; }

    public double? Confidence { get; set; }

    /// <summary>Language of the message (ISO 639-1).</summary>
    public string? Language { get; set; }

    /// <summary>Assistant messages: answered in plain language (Einfache Sprache).</summary>
    public bool PlainLanguage { get; set; }

    /// <summary>Assistant messages: Flesch–Amstad readability of the answer (0 hard … 100 easy).</summary>
    public double? Readability { get; set; }

    /// <summary>Assistant messages: the model that wrote the answer, if one did.</summary>
    public string? Model { get; set; }

    /// <summary>Why the generative tier was not used although configured (timeout, grounding, budget …).</summary>
    public string? FallbackReason { get; set; }

    /// <summary>Tokens used for this answer (prompt + completion), if a model was called.</summary>
    public int? Tokens { get; set; }

    public List<Citation> Citations { get; set; } = [];

    /// <summary>Assistant messages: the time-series chart that came with a live-data answer.</summary>
    public LiveData.ChartData? Chart { get; set; }

    /// <summary>Assistant messages: the data tool that answered (live data), if one did.</summary>
    public string? DataTool { get; set; }

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

public enum JobTrigger
{
    Manual,
    Scheduled,
    Upload,
    Startup,
}

public enum JobStatus
{
    Queued,
    Running,
    Succeeded,

    /// <summary>The run ended early (source unreachable, crash): nothing was removed from the index.</summary>
    Failed,
    Cancelled,
}

/// <summary>One run of a knowledge source, with its progress; persisted so that API and CLI can follow it.</summary>
public sealed class IngestionJob : ITenantScoped
{
    public Guid Id { get; set; }

    public string TenantId { get; set; } = "";

    public Guid SourceId { get; set; }

    public JobTrigger Trigger { get; set; }

    public JobStatus Status { get; set; }

    public DateTimeOffset QueuedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Items expected in total where known (files in a folder), else null while running.</summary>
    public int? Total { get; set; }

    public int Seen { get; set; }

    public int Added { get; set; }

    public int Updated { get; set; }

    public int Unchanged { get; set; }

    public int Removed { get; set; }

    public int Failed { get; set; }

    public int Skipped { get; set; }

    public int Chunks { get; set; }

    /// <summary>The item being processed.</summary>
    public string? Current { get; set; }

    /// <summary>Why the run failed as a whole.</summary>
    public string? Error { get; set; }

    /// <summary>Per-document errors of this run (the first 200).</summary>
    public List<JobDocumentError> Errors { get; set; } = [];
}

public sealed class JobDocumentError
{
    public required string Key { get; set; }

    public required string Message { get; set; }
}

/// <summary>Tokens a tenant used on one day (UTC), for the daily budget and reporting.</summary>
public sealed class TokenUsage : ITenantScoped
{
    public string TenantId { get; set; } = "";

    public DateOnly Day { get; set; }

    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public int Calls { get; set; }
}

/// <summary>
/// A key with which external clients (Open WebUI, LibreChat, OpenAI SDKs) use the tenant's assistants through the
/// OpenAI-compatible API. Only a hash is stored; the key is shown once when created.
/// </summary>
public sealed class TenantApiKey : ITenantScoped
{
    public Guid Id { get; set; }

    public string TenantId { get; set; } = "";

    public required string Name { get; set; }

    /// <summary>The first characters of the key, to recognise it in lists.</summary>
    public required string Prefix { get; set; }

    /// <summary>SHA-256 of the key (hex).</summary>
    public required string Hash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
