using CsvHelper;

namespace Stadtdialog.Knowledge.Readers;

/// <summary>
/// Reads CSV text into rows of trimmed cell texts (the first row is the header). The separator is detected from
/// the header line: <c>;</c> (what German Excel writes), <c>,</c> or tab. Quoted fields may contain separators,
/// doubled quotes and line breaks. Fully empty rows are dropped and short rows are padded to the widest row, so
/// every row has the same number of cells.
/// </summary>
/// <remarks>
/// Broken quoting that would shift or swallow cells (a quoted field that is never closed, text after a closing
/// quote) is an error naming the line; a lone quote inside an unquoted field (<c>19" Rack</c>) is kept as text.
/// Files that escape quotes as <c>\"</c> instead of doubling them are read in a second attempt.
/// </remarks>
public static class CsvTable
{
    private static readonly char[] Separators = [';', '\t', ','];

    public static IReadOnlyList<IReadOnlyList<string>> Read(string text)
    {
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        var separator = DetectSeparator(text);
        try
        {
            return Parse(text, separator);
        }
        catch (DocumentReadException) when (text.Contains("\\\"", StringComparison.Ordinal))
        {
            // Some exporters escape quotes inside quoted fields as \" instead of doubling them (RFC 4180).
            try
            {
                return Parse(text.Replace("\\\"", "\"\"", StringComparison.Ordinal), separator);
            }
            catch (DocumentReadException)
            {
                // Not that dialect either: report the error of the standard reading.
            }

            throw;
        }
    }

    private static List<string[]> Parse(string text, char separator)
    {
        CsvMalformedRecord? malformed = null;
        var options = new CsvReaderOptions
        {
            Separator = separator,
            HasHeader = false,
            AllowLineBreaksInQuotes = true,
            SkipEmptyLines = true,
            TrimWhitespace = true,
            TrimInsideQuotes = true,
            TrackLineNumbers = true,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MalformedData = CsvMalformedDataHandling.Recover,
            IncludeValuesInExceptions = false,
            OnMalformedRecord = record =>
            {
                if (malformed is null && record.Reason is CsvMalformedReason.UnterminatedQuote or CsvMalformedReason.TextAfterClosingQuote)
                {
                    malformed = record;
                }
            },
        };

        var rows = new List<string[]>();
        try
        {
            using var reader = CsvReader.FromText(text, options);
            while (reader.Read())
            {
                if (malformed is { } bad)
                {
                    throw Malformed(bad.LineNumber, bad.Reason);
                }

                var cells = new string[reader.FieldCount];
                for (var i = 0; i < cells.Length; i++)
                {
                    cells[i] = reader.GetString(i).Trim();
                }

                if (cells.Any(c => c.Length > 0))
                {
                    rows.Add(cells);
                }
            }
        }
        catch (CsvFormatException e)
        {
            throw new DocumentReadException($"The CSV file is malformed at line {e.LineNumber}.", e);
        }

        if (malformed is { } last)
        {
            throw Malformed(last.LineNumber, last.Reason);
        }

        var width = rows.Count == 0 ? 0 : rows.Max(r => r.Length);
        return [.. rows.Select(r => r.Length == width ? r : Pad(r, width))];
    }

    /// <summary>The separator that occurs most often outside quotes in the first line; ties prefer <c>;</c>, then tab.</summary>
    internal static char DetectSeparator(string text)
    {
        Span<int> counts = stackalloc int[Separators.Length];
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c is '\n' or '\r')
            {
                break;
            }
            else if (!quoted)
            {
                var index = Array.IndexOf(Separators, c);
                if (index >= 0)
                {
                    counts[index]++;
                }
            }
        }

        var best = 0;
        for (var i = 1; i < Separators.Length; i++)
        {
            // Strictly more: on a tie the earlier separator wins (';' before ',', since German numbers use ',').
            if (counts[i] > counts[best])
            {
                best = i;
            }
        }

        return counts[best] > 0 ? Separators[best] : ';';
    }

    private static string[] Pad(string[] row, int width)
    {
        var padded = new string[width];
        row.CopyTo(padded, 0);
        Array.Fill(padded, "", row.Length, width - row.Length);
        return padded;
    }

    private static DocumentReadException Malformed(long line, CsvMalformedReason reason)
    {
        var what = reason switch
        {
            CsvMalformedReason.UnterminatedQuote => "a quoted field is never closed",
            CsvMalformedReason.TextAfterClosingQuote => "there is text after the closing quote of a field",
            _ => "the quoting is broken",
        };
        return new DocumentReadException($"The CSV file is malformed at line {line}: {what}.");
    }
}
