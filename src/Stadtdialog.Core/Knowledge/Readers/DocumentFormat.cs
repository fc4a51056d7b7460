namespace Stadtdialog.Knowledge.Readers;

/// <summary>The formats Stadtdialog reads; detected from the media type or the file extension.</summary>
public enum DocumentFormat
{
    Unknown,
    Html,
    Markdown,
    Text,
    Pdf,
    Docx,
    Xlsx,
    Csv,
    Calendar,
    Catalogue,
}

public static class DocumentFormats
{
    private static readonly Dictionary<string, DocumentFormat> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = DocumentFormat.Html,
        [".htm"] = DocumentFormat.Html,
        [".xhtml"] = DocumentFormat.Html,
        [".md"] = DocumentFormat.Markdown,
        [".markdown"] = DocumentFormat.Markdown,
        [".txt"] = DocumentFormat.Text,
        [".pdf"] = DocumentFormat.Pdf,
        [".docx"] = DocumentFormat.Docx,
        [".xlsx"] = DocumentFormat.Xlsx,
        [".csv"] = DocumentFormat.Csv,
        [".ics"] = DocumentFormat.Calendar,
        [".ical"] = DocumentFormat.Calendar,
        [".jsonld"] = DocumentFormat.Catalogue,
        [".json"] = DocumentFormat.Catalogue,
    };

    private static readonly Dictionary<string, DocumentFormat> ByMediaType = new(StringComparer.OrdinalIgnoreCase)
    {
        ["text/html"] = DocumentFormat.Html,
        ["application/xhtml+xml"] = DocumentFormat.Html,
        ["text/markdown"] = DocumentFormat.Markdown,
        ["text/plain"] = DocumentFormat.Text,
        ["application/pdf"] = DocumentFormat.Pdf,
        ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"] = DocumentFormat.Docx,
        ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = DocumentFormat.Xlsx,
        ["text/csv"] = DocumentFormat.Csv,
        ["text/calendar"] = DocumentFormat.Calendar,
        ["application/ld+json"] = DocumentFormat.Catalogue,
        ["application/json"] = DocumentFormat.Catalogue,
    };

    /// <summary>Extensions a folder source picks up.</summary>
    public static IReadOnlyCollection<string> Extensions => ByExtension.Keys;

    /// <summary>
    /// The format of a file or response: a specific media type wins; a generic one (<c>text/plain</c>,
    /// <c>application/octet-stream</c>) or none falls back to the extension of the path.
    /// </summary>
    public static DocumentFormat Detect(string pathOrUrl, string? mediaType = null)
    {
        var media = mediaType?.Split(';', 2)[0].Trim();
        if (!string.IsNullOrEmpty(media) && ByMediaType.TryGetValue(media, out var fromMedia)
            && fromMedia is not DocumentFormat.Text)
        {
            return fromMedia;
        }

        var path = Uri.TryCreate(pathOrUrl, UriKind.Absolute, out var uri) && !uri.IsFile ? uri.AbsolutePath : pathOrUrl;
        var extension = Path.GetExtension(path);
        return ByExtension.TryGetValue(extension, out var fromExtension) ? fromExtension
            : media is "text/plain" ? DocumentFormat.Text : DocumentFormat.Unknown;
    }
}
