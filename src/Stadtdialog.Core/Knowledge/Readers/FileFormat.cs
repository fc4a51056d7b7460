namespace Stadtdialog.Knowledge.Readers;

/// <summary>The formats Stadtdialog reads; detected from the media type or the file extension.</summary>
public enum FileFormat
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

public static class FileFormats
{
    private static readonly Dictionary<string, FileFormat> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = FileFormat.Html,
        [".htm"] = FileFormat.Html,
        [".xhtml"] = FileFormat.Html,
        [".md"] = FileFormat.Markdown,
        [".markdown"] = FileFormat.Markdown,
        [".txt"] = FileFormat.Text,
        [".pdf"] = FileFormat.Pdf,
        [".docx"] = FileFormat.Docx,
        [".xlsx"] = FileFormat.Xlsx,
        [".csv"] = FileFormat.Csv,
        [".ics"] = FileFormat.Calendar,
        [".ical"] = FileFormat.Calendar,
        [".jsonld"] = FileFormat.Catalogue,
        [".json"] = FileFormat.Catalogue,
    };

    private static readonly Dictionary<string, FileFormat> ByMediaType = new(StringComparer.OrdinalIgnoreCase)
    {
        ["text/html"] = FileFormat.Html,
        ["application/xhtml+xml"] = FileFormat.Html,
        ["text/markdown"] = FileFormat.Markdown,
        ["text/plain"] = FileFormat.Text,
        ["application/pdf"] = FileFormat.Pdf,
        ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"] = FileFormat.Docx,
        ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = FileFormat.Xlsx,
        ["text/csv"] = FileFormat.Csv,
        ["text/calendar"] = FileFormat.Calendar,
        ["application/ld+json"] = FileFormat.Catalogue,
        ["application/json"] = FileFormat.Catalogue,
    };

    /// <summary>Extensions a folder source picks up.</summary>
    public static IReadOnlyCollection<string> Extensions => ByExtension.Keys;

    /// <summary>
    /// The format of a file or response: a specific media type wins; a generic one (<c>text/plain</c>,
    /// <c>application/octet-stream</c>) or none falls back to the extension of the path.
    /// </summary>
    public static FileFormat Detect(string pathOrUrl, string? mediaType = null)
    {
        var media = mediaType?.Split(';', 2)[0].Trim();
        if (!string.IsNullOrEmpty(media) && ByMediaType.TryGetValue(media, out var fromMedia)
            && fromMedia is not FileFormat.Text)
        {
            return fromMedia;
        }

        var path = Uri.TryCreate(pathOrUrl, UriKind.Absolute, out var uri) && !uri.IsFile ? uri.AbsolutePath : pathOrUrl;
        var extension = Path.GetExtension(path);
        return ByExtension.TryGetValue(extension, out var fromExtension) ? fromExtension
            : media is "text/plain" ? FileFormat.Text : FileFormat.Unknown;
    }
}
