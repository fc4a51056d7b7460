namespace Stadtdialog.Knowledge.Readers;

/// <summary>
/// Turns sheets (XLSX) or a CSV file into one document: per sheet a heading (when there are several) and a table
/// whose first row is the header. The chunker splits tables by rows and repeats the header in every chunk.
/// </summary>
public static class SpreadsheetReader
{
    public static ExtractedDocument ToDocument(IReadOnlyList<SheetTable> sheets, string url, string title)
    {
        var tables = new List<(string Name, TableBlock Table)>();
        foreach (var sheet in sheets)
        {
            if (ToTable(sheet.Rows) is { } table)
            {
                tables.Add((TextNormalizer.Clean(sheet.Name), table));
            }
        }

        if (tables.Count == 0)
        {
            throw new DocumentReadException("The spreadsheet has no data.");
        }

        var blocks = new List<ContentBlock>();
        foreach (var (name, table) in tables)
        {
            if (tables.Count > 1)
            {
                blocks.Add(new HeadingBlock(2, name.Length > 0 ? name : $"Tabelle {blocks.Count / 2 + 1}", null));
            }

            blocks.Add(table);
        }

        var cleanTitle = TextNormalizer.Clean(title);
        return new ExtractedDocument(url, cleanTitle.Length > 0 ? cleanTitle : url, null, "de", null, blocks);
    }

    /// <summary>Rows with text, all as wide as the widest; the first is the header. Null for a sheet without text.</summary>
    private static TableBlock? ToTable(IReadOnlyList<IReadOnlyList<string>> sheetRows)
    {
        var rows = sheetRows
            .Select(r => r.Select(TextNormalizer.Clean).ToList())
            .Where(r => r.Any(c => c.Length > 0))
            .ToList();
        if (rows.Count == 0)
        {
            return null;
        }

        // Trailing empty cells do not widen the table.
        var width = rows.Max(r => r.FindLastIndex(c => c.Length > 0) + 1);
        var padded = rows.Select(r =>
        {
            var cells = r.Count > width ? r.GetRange(0, width) : r;
            cells.AddRange(Enumerable.Repeat("", width - cells.Count));
            return (IReadOnlyList<string>)cells;
        }).ToList();

        // A single row is data without a header: as a header alone it would produce no chunk.
        return padded.Count == 1
            ? new TableBlock([], padded)
            : new TableBlock(padded[0], padded.GetRange(1, padded.Count - 1));
    }
}
