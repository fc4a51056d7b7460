using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Stadtdialog.Knowledge.Readers;

/// <summary>
/// Reads the visible sheets of an Excel workbook (XLSX) as rows of cell texts, the way a German Excel shows them:
/// dates as <c>dd.MM.yyyy</c>, decimals with a comma and the format's number of decimals, booleans as WAHR/FALSCH.
/// Sheet data is read with the SAX reader, one row at a time, so a large sheet never becomes a DOM.
/// </summary>
public static class XlsxDocumentReader
{
    /// <summary>Columns read per row; cells further right are ignored (a stray value in column XFD must not blow up every row).</summary>
    public const int MaxColumns = 512;

    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    public static IReadOnlyList<SheetTable> ReadSheets(byte[] bytes, ReaderLimits limits)
    {
        OfficePackageGuard.EnsureSafe(bytes, limits);
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            using var document = SpreadsheetDocument.Open(stream, isEditable: false);
            return ReadSheets(document, limits);
        }
        catch (Exception e) when (DocxDocumentReader.IsCorruptFile(e))
        {
            throw new DocumentReadException($"The Excel file could not be read: {e.Message}", e);
        }
    }

    private static List<SheetTable> ReadSheets(SpreadsheetDocument document, ReaderLimits limits)
    {
        if (document.WorkbookPart is not { Workbook: { } workbook } workbookPart)
        {
            throw new DocumentReadException("The Excel file could not be read: it has no workbook part.");
        }

        var context = new CellContext(
            ReadSharedStrings(workbookPart.SharedStringTablePart),
            NumberFormats.From(workbookPart.WorkbookStylesPart?.Stylesheet),
            workbook.WorkbookProperties?.Date1904?.Value == true);

        var sheets = new List<SheetTable>();
        foreach (var sheet in workbook.Sheets?.Elements<Sheet>() ?? [])
        {
            if (sheet.State is { } state && (state.Value == SheetStateValues.Hidden || state.Value == SheetStateValues.VeryHidden))
            {
                continue;
            }

            if (sheet.Id?.Value is not { Length: > 0 } relationshipId
                || !workbookPart.TryGetPartById(relationshipId, out var part)
                || part is not WorksheetPart worksheetPart)
            {
                // A chart sheet or a dangling reference: no cells.
                continue;
            }

            var name = sheet.Name?.Value is { Length: > 0 } sheetName ? sheetName : $"Tabelle{sheets.Count + 1}";
            sheets.Add(new SheetTable(name, ReadRows(worksheetPart, context, limits.MaxSheetRows)));
        }

        return sheets;
    }

    /// <summary>The shared string table, read with the SAX reader: rich-text runs joined, phonetic hints left out.</summary>
    private static List<string> ReadSharedStrings(SharedStringTablePart? part)
    {
        var strings = new List<string>();
        if (part is null)
        {
            return strings;
        }

        var text = new StringBuilder();
        var inItem = false;
        var phonetic = false;
        using var reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            var type = reader.ElementType;
            if (type == typeof(SharedStringItem) && reader.IsStartElement)
            {
                // An item ends where the next begins (an empty <si/> may report no end element).
                if (inItem)
                {
                    strings.Add(text.ToString());
                }

                text.Clear();
                inItem = true;
                phonetic = false;
            }
            else if (type == typeof(PhoneticRun))
            {
                phonetic = reader.IsStartElement;
            }
            else if (type == typeof(Text) && reader.IsStartElement && !phonetic)
            {
                text.Append(reader.GetText());
            }
        }

        if (inItem)
        {
            strings.Add(text.ToString());
        }

        return strings;
    }

    /// <summary>The text of a shared string item or inline string: plain text or rich-text runs, without phonetic hints.</summary>
    private static string RichText(OpenXmlElement? item)
    {
        if (item is null)
        {
            return "";
        }

        var text = new StringBuilder();
        foreach (var child in item.ChildElements)
        {
            switch (child)
            {
                case Text t:
                    text.Append(t.Text);
                    break;
                case Run run:
                    text.Append(run.Text?.Text);
                    break;
                default:
                    break;
            }
        }

        return text.ToString();
    }

    private static List<IReadOnlyList<string>> ReadRows(WorksheetPart part, CellContext context, int maxRows)
    {
        var rows = new List<string[]>();
        using var reader = OpenXmlReader.Create(part);
        var more = reader.Read();
        while (more && rows.Count < maxRows)
        {
            if (reader.ElementType == typeof(Row) && reader.IsStartElement)
            {
                // One row at a time as a small DOM; loading moves the reader onto the next element.
                if (reader.LoadCurrentElement() is Row row && ReadRow(row, context) is { } cells)
                {
                    rows.Add(cells);
                }

                more = !reader.EOF;
            }
            else
            {
                more = reader.Read();
            }
        }

        if (rows.Count == 0)
        {
            return [];
        }

        // Sheets often start in column B or C: columns left of the first used one are dropped, gaps are kept.
        var first = rows.Min(r => Array.FindIndex(r, c => c.Length > 0));
        var width = rows.Max(r => r.Length) - first;
        return rows.Select(r =>
        {
            var cells = new string[width];
            Array.Fill(cells, "");
            Array.Copy(r, first, cells, 0, r.Length - first);
            return (IReadOnlyList<string>)cells;
        }).ToList();
    }

    /// <summary>The row's cells by column up to the last non-empty one; null for a row without any text.</summary>
    private static string[]? ReadRow(Row row, CellContext context)
    {
        var values = new List<(int Column, string Text)>();
        var column = -1;
        foreach (var cell in row.Elements<Cell>())
        {
            column = ColumnIndex(cell.CellReference?.Value) ?? column + 1;
            if (column >= MaxColumns)
            {
                continue;
            }

            var text = context.Text(cell);
            if (!string.IsNullOrWhiteSpace(text))
            {
                values.Add((column, text));
            }
        }

        if (values.Count == 0)
        {
            return null;
        }

        var cells = new string[values.Max(v => v.Column) + 1];
        Array.Fill(cells, "");
        foreach (var (index, text) in values)
        {
            cells[index] = text;
        }

        return cells;
    }

    /// <summary>"C7" → 2; null where the reference is missing or malformed.</summary>
    private static int? ColumnIndex(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        var index = 0;
        var letters = 0;
        foreach (var c in reference)
        {
            if (!char.IsAsciiLetter(c))
            {
                break;
            }

            index = (index * 26) + (char.ToUpperInvariant(c) - 'A' + 1);
            if (++letters > 3)
            {
                return null;
            }
        }

        return letters == 0 ? null : index - 1;
    }

    private sealed class CellContext(List<string> sharedStrings, NumberFormats formats, bool date1904)
    {
        public string Text(Cell cell)
        {
            var raw = cell.CellValue?.Text;
            var type = cell.DataType?.Value;
            if (type == CellValues.SharedString)
            {
                return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index)
                    && index >= 0 && index < sharedStrings.Count
                    ? sharedStrings[index]
                    : "";
            }

            if (type == CellValues.InlineString)
            {
                return cell.InlineString is { } inline ? RichText(inline) : raw ?? "";
            }

            if (type == CellValues.Boolean)
            {
                return raw is null ? "" : raw.Trim() is "1" or "true" ? "WAHR" : "FALSCH";
            }

            if (type == CellValues.Error)
            {
                return "";
            }

            if (type == CellValues.String)
            {
                return raw ?? "";
            }

            if (raw is null)
            {
                return "";
            }

            var style = formats.For(cell.StyleIndex?.Value);
            if (type == CellValues.Date)
            {
                return DateTime.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var date)
                    ? FormatDate(date, date.TimeOfDay == TimeSpan.Zero ? NumberKind.Date : NumberKind.DateTime, style.Seconds)
                    : raw;
            }

            return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? FormatNumber(number, style)
                : raw;
        }

        private string FormatNumber(double value, NumberStyle style)
        {
            switch (style.Kind)
            {
                case NumberKind.Date or NumberKind.DateTime or NumberKind.Time:
                    var serial = date1904 ? value + 1462 : value;
                    if (serial >= 0 && serial < 2_958_466)
                    {
                        return FormatDate(DateTime.FromOADate(serial), style.Kind, style.Seconds);
                    }

                    break;
                case NumberKind.Fixed:
                    return value.ToString("F" + style.Decimals.ToString(CultureInfo.InvariantCulture), German);
                case NumberKind.Percent:
                    return (value * 100).ToString("F" + style.Decimals.ToString(CultureInfo.InvariantCulture), German) + " %";
                default:
                    break;
            }

            return value.ToString("G15", German);
        }

        private static string FormatDate(DateTime value, NumberKind kind, bool seconds)
        {
            var time = seconds ? "HH:mm:ss" : "HH:mm";
            var pattern = kind switch
            {
                NumberKind.Time => time,
                NumberKind.DateTime => "dd.MM.yyyy " + time,
                _ => "dd.MM.yyyy",
            };
            return value.ToString(pattern, CultureInfo.InvariantCulture);
        }
    }

    private enum NumberKind
    {
        General,
        Fixed,
        Percent,
        Date,
        DateTime,
        Time,
    }

    private readonly record struct NumberStyle(NumberKind Kind, int Decimals = 0, bool Seconds = false);

    /// <summary>The number format of every cell style (<c>cellXfs</c>), classified once.</summary>
    private sealed class NumberFormats
    {
        private readonly List<NumberStyle> _byStyle = [];

        public NumberStyle For(uint? styleIndex) =>
            styleIndex is { } index && index < _byStyle.Count ? _byStyle[(int)index] : default;

        public static NumberFormats From(Stylesheet? stylesheet)
        {
            var formats = new NumberFormats();
            if (stylesheet?.CellFormats is not { } cellFormats)
            {
                return formats;
            }

            var custom = new Dictionary<uint, string>();
            foreach (var format in stylesheet.NumberingFormats?.Elements<NumberingFormat>() ?? [])
            {
                if (format.NumberFormatId?.Value is { } id && format.FormatCode?.Value is { } code)
                {
                    custom[id] = code;
                }
            }

            foreach (var format in cellFormats.Elements<CellFormat>())
            {
                var id = format.NumberFormatId?.Value ?? 0;
                formats._byStyle.Add(custom.TryGetValue(id, out var code) ? Classify(code) : BuiltIn(id));
            }

            return formats;
        }

        /// <summary>The built-in formats (ECMA-376 §18.8.30), including the locale-dependent currency and date ids.</summary>
        private static NumberStyle BuiltIn(uint id) => id switch
        {
            1 or 3 or 5 or 6 or 37 or 38 or 41 or 42 => new(NumberKind.Fixed, 0),
            2 or 4 or 7 or 8 or 39 or 40 or 43 or 44 => new(NumberKind.Fixed, 2),
            9 => new(NumberKind.Percent, 0),
            10 => new(NumberKind.Percent, 2),
            14 or 15 or 16 or 17 or (>= 27 and <= 31) or 34 or 35 or 36 or (>= 50 and <= 58) => new(NumberKind.Date),
            18 or 20 or 32 or 33 => new(NumberKind.Time),
            19 or 21 or 45 or 46 or 47 => new(NumberKind.Time, Seconds: true),
            22 => new(NumberKind.DateTime),
            _ => default,
        };

        /// <summary>Classifies a custom format code by its first section, ignoring literals, colours and locales.</summary>
        internal static NumberStyle Classify(string code)
        {
            if (code.Equals("General", StringComparison.OrdinalIgnoreCase))
            {
                return default;
            }

            var tokens = new StringBuilder();
            for (var i = 0; i < code.Length; i++)
            {
                var c = code[i];
                if (c == ';')
                {
                    break;
                }

                switch (c)
                {
                    case '"':
                        var end = code.IndexOf('"', i + 1);
                        i = end < 0 ? code.Length : end;
                        break;
                    case '\\' or '_' or '*':
                        i++;
                        break;
                    case '[':
                        var close = code.IndexOf(']', i + 1);
                        var inner = close < 0 ? "" : code[(i + 1)..close].ToLowerInvariant();
                        if (inner.Length > 0 && inner.Trim('h', 'm', 's').Length == 0)
                        {
                            tokens.Append(inner); // elapsed time: [h], [mm], [ss]
                        }

                        i = close < 0 ? code.Length : close;
                        break;
                    default:
                        tokens.Append(char.ToLowerInvariant(c));
                        break;
                }
            }

            var format = tokens.ToString();
            var hasDate = format.Contains('y') || format.Contains('d');
            var hasTime = format.Contains('h') || format.Contains('s');
            var seconds = format.Contains('s');
            if (hasDate || (format.Contains('m') && !hasTime && !format.Contains('0') && !format.Contains('#')))
            {
                return new(hasTime ? NumberKind.DateTime : NumberKind.Date, Seconds: seconds);
            }

            if (hasTime)
            {
                return new(NumberKind.Time, Seconds: seconds);
            }

            if (format.Contains('e'))
            {
                return default; // scientific
            }

            var decimals = 0;
            var point = format.IndexOf('.', StringComparison.Ordinal);
            if (point >= 0)
            {
                for (var i = point + 1; i < format.Length && format[i] is '0' or '#' or '?'; i++)
                {
                    decimals++;
                }
            }

            if (format.Contains('%'))
            {
                return new(NumberKind.Percent, decimals);
            }

            return format.Contains('0') || format.Contains('#') || format.Contains('?')
                ? new(NumberKind.Fixed, decimals)
                : default;
        }
    }
}
