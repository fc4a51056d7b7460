namespace Stadtdialog.Knowledge.Readers;

/// <summary>One fetched file or response, before it is read.</summary>
/// <param name="Key">Identity within the source (relative path or URL).</param>
/// <param name="Url">Where users are sent (the page URL, or the file's public URL / relative path).</param>
/// <param name="Format">The detected format.</param>
/// <param name="Content">The raw bytes (already checked against the format's size limit).</param>
/// <param name="Charset">The charset declared by the server, if any.</param>
/// <param name="LastModified">The server's or file system's modification time.</param>
public sealed record RawDocument(
    string Key, string Url, FileFormat Format, byte[] Content, string? Charset = null, DateTimeOffset? LastModified = null);

/// <summary>How a source wants its files read.</summary>
public enum ReadHint
{
    /// <summary>By format (a CSV/XLSX with question and answer columns is read as FAQ table).</summary>
    Auto,

    /// <summary>A table that must be an FAQ table: other columns are an error.</summary>
    Faq,
}

public sealed record ReadContext(DateTimeOffset Now, ReaderLimits Limits, ReadHint Hint = ReadHint.Auto, int EventWindowDays = 180);

/// <summary>Reads any supported format into one or more documents; every failure is a <see cref="DocumentReadException"/>.</summary>
public static class DocumentReaders
{
    public static IReadOnlyList<ExtractedDocument> Read(RawDocument raw, ReadContext context)
    {
        var limit = context.Limits.MaxBytesFor(raw.Format);
        if (raw.Content.LongLength > limit)
        {
            throw new DocumentReadException(TooLarge(raw.Content.LongLength, limit));
        }

        return raw.Format switch
        {
            FileFormat.Html => [HtmlDocumentReader.Read(Text(raw), raw.Url)],
            FileFormat.Markdown => [MarkdownDocumentReader.Read(Text(raw), raw.Url)],
            FileFormat.Text => [PlainTextReader.Read(Text(raw), raw.Url)],
            FileFormat.Pdf => [PdfDocumentReader.Read(raw.Content, raw.Url, context.Limits)],
            FileFormat.Docx => [DocxDocumentReader.Read(raw.Content, raw.Url, context.Limits)],
            FileFormat.Xlsx => ReadTable(XlsxDocumentReader.ReadSheets(raw.Content, context.Limits), raw, context),
            FileFormat.Csv => ReadTable([new SheetTable(Path.GetFileNameWithoutExtension(raw.Key), CsvTable.Read(Text(raw)))], raw, context),
            FileFormat.Calendar => EventCalendarReader.Read(Text(raw), raw.Url, context.Now, TimeSpan.FromDays(context.EventWindowDays)),
            FileFormat.Catalogue => CatalogueReader.Read(Text(raw), raw.Url).Datasets,
            _ => throw new DocumentReadException("The file type is not supported."),
        };
    }

    public static string TooLarge(long bytes, long limit) =>
        $"The file is {Size(bytes, "0.0")}; the limit for this type is {Size(limit, "0.#")}.";

    private static string Size(long bytes, string format) => bytes >= ReaderLimits.MiB
        ? (bytes / (double)ReaderLimits.MiB).ToString(format, System.Globalization.CultureInfo.InvariantCulture) + " MB"
        : (bytes / 1024.0).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " KB";

    private static string Text(RawDocument raw) => TextDecoding.Decode(raw.Content, raw.Charset);

    private static IReadOnlyList<ExtractedDocument> ReadTable(IReadOnlyList<SheetTable> sheets, RawDocument raw, ReadContext context)
    {
        var faqSheets = sheets.Where(s => s.Rows.Count > 0 && FaqTableReader.IsFaqHeader(s.Rows[0])).ToList();
        if (faqSheets.Count > 0)
        {
            return [.. faqSheets.SelectMany(s => FaqTableReader.Read(s.Rows, raw.Url))];
        }

        if (context.Hint == ReadHint.Faq)
        {
            throw new DocumentReadException(
                "No FAQ table found: the first row needs a question column (Frage/Question) and an answer column (Antwort/Answer).");
        }

        return [SpreadsheetReader.ToDocument(sheets, raw.Url, Path.GetFileNameWithoutExtension(raw.Key))];
    }
}
