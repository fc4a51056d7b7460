// Placeholders with the agreed signatures; each helper replaces its class with a real implementation in its own file.
namespace Stadtdialog.Knowledge.Readers;

/// <summary>One sheet (or CSV file) as rows of cell texts; the first row is the header.</summary>
public sealed record SheetTable(string Name, IReadOnlyList<IReadOnlyList<string>> Rows);

public static class PdfDocumentReader
{
    public static ExtractedDocument Read(byte[] bytes, string url, ReaderLimits limits) => throw new DocumentReadException("PDF: not implemented yet");
}

public static class CsvTable
{
    public static IReadOnlyList<IReadOnlyList<string>> Read(string text) => throw new DocumentReadException("CSV: not implemented yet");
}

public static class FaqTableReader
{
    public static bool IsFaqHeader(IReadOnlyList<string> header) => false;

    public static IReadOnlyList<ExtractedDocument> Read(IReadOnlyList<IReadOnlyList<string>> rows, string url) => throw new DocumentReadException("FAQ: not implemented yet");
}

public static class EventCalendarReader
{
    public static IReadOnlyList<ExtractedDocument> Read(string text, string url, DateTimeOffset now, TimeSpan window) => throw new DocumentReadException("iCal: not implemented yet");
}

/// <summary>One page of a catalogue response; <see cref="TotalCount"/> is set where the API reports it (CKAN).</summary>
public sealed record CataloguePage(IReadOnlyList<ExtractedDocument> Datasets, int? TotalCount);

public static class CatalogueReader
{
    public static CataloguePage Read(string json, string url) => throw new DocumentReadException("catalogue: not implemented yet");
}
