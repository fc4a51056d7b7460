// Placeholders with the agreed signatures; each helper replaces its class with a real implementation in its own file.
namespace Stadtdialog.Knowledge.Readers;

/// <summary>One sheet (or CSV file) as rows of cell texts; the first row is the header.</summary>
public sealed record SheetTable(string Name, IReadOnlyList<IReadOnlyList<string>> Rows);

public static class PdfDocumentReader
{
    public static ExtractedDocument Read(byte[] bytes, string url, ReaderLimits limits) => throw new DocumentReadException("PDF: not implemented yet");
}

