namespace Stadtdialog.Knowledge;

/// <summary>A document reduced to its structure: what readers produce and the chunker consumes.</summary>
public sealed record ExtractedDocument(
    string Url,
    string Title,
    string? Description,
    string Language,
    DateTimeOffset? LastModified,
    IReadOnlyList<ContentBlock> Blocks);

/// <summary>A structural element of a document's main content.</summary>
public abstract record ContentBlock;

public sealed record HeadingBlock(int Level, string Text, string? Anchor) : ContentBlock;

public sealed record ParagraphBlock(string Text) : ContentBlock;

public sealed record ListBlock(IReadOnlyList<string> Items) : ContentBlock;

/// <summary>A table; the header is repeated in every chunk that holds some of its rows.</summary>
public sealed record TableBlock(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) : ContentBlock;

/// <summary>A document that could not be read; the message is shown to editors as is.</summary>
public class DocumentReadException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A document that is deliberately not indexed (e.g. a navigation page that is mostly links).</summary>
public sealed class DocumentSkippedException(string message) : DocumentReadException(message);
