using System.Globalization;
using System.Text;

namespace Stadtdialog.LiveData.Catalogues;

/// <summary>
/// A table read from a distribution: column names and rows of cell texts (every row as wide as <see cref="Columns"/>).
/// The helpers answer the simple questions ("how many …", "is there a … in …") without a query language.
/// </summary>
public sealed record TabularData(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// <summary>
    /// The index of a column, -1 where there is none: an exact match first, then one that differs only in case,
    /// umlaut spelling (<c>Straße</c> = <c>Strasse</c>, <c>Größe</c> = <c>groesse</c>), accents, spaces, <c>_</c> or <c>-</c>.
    /// </summary>
    public int ColumnIndex(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        var key = Normalize(name);
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Normalize(Columns[i]) == key)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The cell of <paramref name="row"/> in <paramref name="column"/>, null where the table has no such column.</summary>
    public string? Cell(IReadOnlyList<string> row, string column)
    {
        ArgumentNullException.ThrowIfNull(row);
        var index = ColumnIndex(column);
        return index >= 0 && index < row.Count ? row[index] : null;
    }

    /// <summary>How many rows satisfy <paramref name="predicate"/>.</summary>
    public int Count(Func<IReadOnlyList<string>, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return Rows.Count(predicate);
    }

    /// <summary>The rows whose cell in <paramref name="column"/> equals <paramref name="value"/> (case-insensitive, trimmed); none where the column is missing.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Find(string column, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var index = ColumnIndex(column);
        if (index < 0)
        {
            return [];
        }

        var wanted = value.Trim();
        return [.. Rows.Where(r => index < r.Count && string.Equals(r[index].Trim(), wanted, StringComparison.OrdinalIgnoreCase))];
    }

    /// <summary>Lower case, umlauts and ß spelt out, other accents removed, only letters and digits kept.</summary>
    private static string Normalize(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        foreach (var c in name.Trim().ToLowerInvariant())
        {
            switch (c)
            {
                case 'ä':
                    builder.Append("ae");
                    break;
                case 'ö':
                    builder.Append("oe");
                    break;
                case 'ü':
                    builder.Append("ue");
                    break;
                case 'ß':
                    builder.Append("ss");
                    break;
                default:
                    foreach (var d in c.ToString().Normalize(NormalizationForm.FormD))
                    {
                        if (char.IsLetterOrDigit(d) && CharUnicodeInfo.GetUnicodeCategory(d) != UnicodeCategory.NonSpacingMark)
                        {
                            builder.Append(d);
                        }
                    }

                    break;
            }
        }

        return builder.ToString();
    }
}
