namespace Stadtdialog.Knowledge.Readers;

/// <summary>One sheet (or CSV file) as rows of cell texts; the first row is the header.</summary>
public sealed record SheetTable(string Name, IReadOnlyList<IReadOnlyList<string>> Rows);
