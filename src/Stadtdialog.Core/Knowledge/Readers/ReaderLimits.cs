using System.ComponentModel.DataAnnotations;

namespace Stadtdialog.Knowledge.Readers;

/// <summary>
/// Size limits per document type. A file over its limit becomes a per-document error; nothing larger is ever
/// loaded into memory. Bound from <c>Stadtdialog:Knowledge:Limits</c>.
/// </summary>
public sealed class ReaderLimits
{
    public const long MiB = 1024 * 1024;

    /// <summary>HTML, Markdown and plain text.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxTextBytes { get; set; } = 5 * MiB;

    [Range(1024, long.MaxValue)]
    public long MaxPdfBytes { get; set; } = 30 * MiB;

    /// <summary>DOCX and XLSX files as stored (compressed).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxOfficeBytes { get; set; } = 20 * MiB;

    /// <summary>CSV, iCalendar and JSON (catalogues).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxDataBytes { get; set; } = 20 * MiB;

    /// <summary>Office files are ZIP packages: the sum of their unpacked parts may not exceed this (zip bombs).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxUnpackedBytes { get; set; } = 200 * MiB;

    /// <summary>Largest allowed ratio of unpacked to packed size of one package part (zip bombs).</summary>
    [Range(2, 10_000)]
    public int MaxCompressionRatio { get; set; } = 200;

    [Range(1, 100_000)]
    public int MaxPdfPages { get; set; } = 2000;

    /// <summary>Spreadsheets: rows read per sheet; further rows are ignored and reported.</summary>
    [Range(1, 1_000_000)]
    public int MaxSheetRows { get; set; } = 20_000;

    public long MaxBytesFor(FileFormat format) => format switch
    {
        FileFormat.Pdf => MaxPdfBytes,
        FileFormat.Docx or FileFormat.Xlsx => MaxOfficeBytes,
        FileFormat.Csv or FileFormat.Calendar or FileFormat.Catalogue => MaxDataBytes,
        _ => MaxTextBytes,
    };
}
