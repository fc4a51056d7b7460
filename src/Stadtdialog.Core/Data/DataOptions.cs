using System.ComponentModel.DataAnnotations;

namespace Stadtdialog.Data;

/// <summary>Where Stadtdialog keeps its state (section <c>Stadtdialog:Data</c>).</summary>
public sealed class DataOptions
{
    public const string Section = "Stadtdialog:Data";

    /// <summary>Folder for the SQLite database and the search indexes; relative paths resolve against the working directory.</summary>
    [Required]
    public string Directory { get; set; } = "data";

    /// <summary>Optional full connection string; defaults to <c>{Directory}/stadtdialog.db</c>.</summary>
    public string? ConnectionString { get; set; }

    public string FullDirectory => Path.GetFullPath(Directory);

    public string IndexDirectory => Path.Combine(FullDirectory, "index");

    public string ResolveConnectionString() =>
        ConnectionString ?? $"Data Source={Path.Combine(FullDirectory, "stadtdialog.db")};Cache=Private;Pooling=True";
}
