using System.Diagnostics;
using System.Globalization;
using Stadtdialog.Retrieval;

namespace Stadtdialog.Bench.Retrieval;

/// <summary>How long building an index took and how large it is on disk.</summary>
internal sealed record BuildStats(int Chunks, int Documents, TimeSpan Generate, TimeSpan Index, TimeSpan Commit, long Bytes)
{
    public TimeSpan Total => Generate + Index + Commit;
}

/// <summary>
/// Builds file-system indexes (as in production: <c>TenantSearchIndex.OpenFolder</c>) under
/// <c>{temp}/stadtdialog-bench</c>. BenchmarkDotNet runs every case in its own process, so a finished index is
/// kept and reused, keyed by size and by the build of Core and of this benchmark (a rebuilt Core gets a new index).
/// </summary>
internal static class BenchIndex
{
    public static string Root { get; } = Path.Combine(Path.GetTempPath(), "stadtdialog-bench");

    private const string CompleteMarker = "bench-complete.txt";

    /// <summary>Opens the cached index of this size, building it first if there is none.</summary>
    public static TenantSearchIndex OpenCached(GermanTextAnalysis analysis, int chunkCount)
    {
        var fingerprint = $"{typeof(TenantSearchIndex).Assembly.ManifestModule.ModuleVersionId:N}"[..8]
            + $"{typeof(BenchIndex).Assembly.ManifestModule.ModuleVersionId:N}"[..8];
        var folder = Path.Combine(Root, $"index-{chunkCount.ToString(CultureInfo.InvariantCulture)}-{fingerprint}");
        if (File.Exists(Path.Combine(folder, CompleteMarker)))
        {
            return TenantSearchIndex.OpenFolder(folder, analysis);
        }

        // Indexes of this size from earlier builds of Core or of the benchmark are stale: remove them.
        if (Directory.Exists(Root))
        {
            foreach (var stale in Directory.EnumerateDirectories(Root, $"index-{chunkCount.ToString(CultureInfo.InvariantCulture)}-*"))
            {
                Directory.Delete(stale, recursive: true);
            }
        }

        var index = TenantSearchIndex.OpenFolder(folder, analysis);
        var stats = Build(index, folder, chunkCount);
        File.WriteAllText(Path.Combine(folder, CompleteMarker), stats.ToString());
        return index;
    }

    /// <summary>A new, empty index folder (deleted with <see cref="Delete"/>).</summary>
    public static string NewFolder(int chunkCount)
    {
        var folder = Path.Combine(Root, $"fresh-{chunkCount.ToString(CultureInfo.InvariantCulture)}-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}");
        Delete(folder);
        return folder;
    }

    public static void Delete(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Generates the corpus, then writes it the way ingestion does: <c>ReplaceDocument</c> per page, one
    /// <c>Commit</c> at the end.
    /// </summary>
    public static BuildStats Build(TenantSearchIndex index, string folder, int chunkCount)
    {
        var watch = Stopwatch.StartNew();
        var documents = GermanCorpus.Generate(chunkCount).ToList();
        var generate = watch.Elapsed;

        watch.Restart();
        foreach (var document in documents)
        {
            index.ReplaceDocument(document.DocumentId, document.Chunks);
        }

        var indexing = watch.Elapsed;
        watch.Restart();
        index.Commit();
        var commit = watch.Elapsed;

        var chunks = documents.Sum(d => d.Chunks.Count);
        return new BuildStats(chunks, documents.Count, generate, indexing, commit, FolderBytes(folder));
    }

    public static long FolderBytes(string folder) =>
        new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => f.Name != CompleteMarker)
            .Sum(f => f.Length);
}
