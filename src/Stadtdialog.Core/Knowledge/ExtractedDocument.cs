namespace Stadtdialog.Knowledge;

/// <summary>What kind of knowledge a document is; decides how the retrieval tier may answer from it.</summary>
public enum DocumentKind
{
    /// <summary>A web page or file: answers are extracted from its passages.</summary>
    Page,

    /// <summary>A curated question and answer (FAQ table row): the answer is given verbatim.</summary>
    Faq,

    /// <summary>An event from a calendar feed; expires after its last occurrence.</summary>
    Event,

    /// <summary>An open-data catalogue entry (DCAT-AP / CKAN dataset).</summary>
    Dataset,
}

/// <summary>A document reduced to its structure: what readers produce and the chunker consumes.</summary>
public sealed record ExtractedDocument(
    string Url,
    string Title,
    string? Description,
    string Language,
    DateTimeOffset? LastModified,
    IReadOnlyList<ContentBlock> Blocks)
{
    /// <summary>
    /// Identity of this document inside a file that holds many (an FAQ row, an event UID, a dataset id); null
    /// for a file that is one document. Must be stable across runs so that unchanged entries are recognised.
    /// </summary>
    public string? SubKey { get; init; }

    public DocumentKind Kind { get; init; } = DocumentKind.Page;

    /// <summary>Search terms curated by editors (FAQ keywords, dataset keywords, event categories).</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];

    /// <summary>For events: start of the next occurrence.</summary>
    public DateTimeOffset? ValidFrom { get; init; }

    /// <summary>After this instant the document is no longer offered (events after their last occurrence).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}

/// <summary>A structural element of a document's main content.</summary>
public abstract record ContentBlock;

public sealed record HeadingBlock(int Level, string Text, string? Anchor) : ContentBlock;

public sealed record ParagraphBlock(string Text) : ContentBlock;

public sealed record ListBlock(IReadOnlyList<string> Items) : ContentBlock;

/// <summary>A table; the header is repeated in every chunk that holds some of its rows.</summary>
public sealed record TableBlock(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) : ContentBlock;

/// <summary>Marks the start of a page (PDF): chunks that begin after it cite <c>#page=N</c>.</summary>
public sealed record PageBlock(int Number) : ContentBlock;

/// <summary>A document that could not be read; the message is shown to editors as is.</summary>
public class DocumentReadException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A document that is deliberately not indexed (e.g. a navigation page that is mostly links).</summary>
public sealed class DocumentSkippedException(string message) : DocumentReadException(message);

/// <summary>A PDF that holds only images (a scan): there is no text to index until someone runs OCR on it.</summary>
public sealed class NoTextLayerException(string message) : DocumentReadException(message);
