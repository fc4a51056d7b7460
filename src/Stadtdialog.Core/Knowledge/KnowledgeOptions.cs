using System.ComponentModel.DataAnnotations;
using Stadtdialog.Knowledge.Readers;

namespace Stadtdialog.Knowledge;

/// <summary>Platform-wide ingestion settings (<c>Stadtdialog:Knowledge</c>); per-source settings live in the database.</summary>
public sealed class KnowledgeOptions
{
    public const string Section = "Stadtdialog:Knowledge";

    /// <summary>Size limits per document type.</summary>
    [Required]
    public ReaderLimits Limits { get; set; } = new();

    /// <summary>
    /// Server folders that editors may register as folder sources through the API (sources from configuration
    /// files may use any folder). Empty: no folder sources through the API.
    /// </summary>
    public List<string> AllowedFolders { get; set; } = [];

    /// <summary>Items written to the database and the index per batch (one short write transaction each).</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>Ingestion jobs run at once (never two of the same municipality).</summary>
    [Range(1, 16)]
    public int MaxParallelJobs { get; set; } = 2;

    /// <summary>How often the scheduler looks for sources due for refresh.</summary>
    [Range(1, 86_400)]
    public int SchedulerIntervalSeconds { get; set; } = 60;

    /// <summary>Largest accepted upload.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 50 * ReaderLimits.MiB;

    public bool IsAllowedFolder(string path)
    {
        var full = Path.GetFullPath(path);
        return AllowedFolders.Select(Path.GetFullPath).Any(root =>
            full.Equals(root, StringComparison.Ordinal)
            || full.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal));
    }
}
