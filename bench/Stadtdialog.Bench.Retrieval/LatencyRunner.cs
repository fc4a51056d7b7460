using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Lucene.Net.Store;
using Stadtdialog.Chat;
using Stadtdialog.Retrieval;

namespace Stadtdialog.Bench.Retrieval;

internal sealed record LatencyOptions(
    IReadOnlyList<int> Sizes, int Queries, int Warmup, int LongTail, double ParallelSeconds, bool KeepIndex, string Directory)
{
    /// <summary>How the built index is opened for querying; "open-folder" is production's TenantSearchIndex.OpenFolder.</summary>
    public static readonly string[] Directories = ["open-folder", "mmap", "nio", "ram"];

    public static LatencyOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LatencyOptions([1_000, 10_000, 100_000], 20_000, 2_000, 2_000, 5, false, "open-folder");
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--latency" => options,
                "--sizes" => options with { Sizes = Value().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList() },
                "--queries" => options with { Queries = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--warmup" => options with { Warmup = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--long-tail" => options with { LongTail = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--parallel-seconds" => options with { ParallelSeconds = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--keep-index" => options with { KeepIndex = true },
                "--directory" => options with { Directory = Value() },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        if (options.Sizes.Count == 0 || options.Sizes.Any(s => s < 100 || s > 2_000_000) || options.Queries < 100
            || options.Warmup < 0 || options.LongTail < 0 || options.ParallelSeconds is < 0 or > 120
            || !Directories.Contains(options.Directory))
        {
            throw new ArgumentException("Sizes must be 100..2,000,000, --queries ≥ 100, --parallel-seconds 0..120, " +
                $"--directory one of {string.Join(", ", Directories)}.");
        }

        return options;
    }
}

/// <summary>Per-query latency with a <see cref="Stopwatch"/>: p50/p95/p99/max for each corpus size.</summary>
internal static class LatencyRunner
{
    private sealed record SizeReport(
        BuildStats Build, int Top1, int Answered, Summary Search, Summary Answer, Summary Turn, Summary LongTail,
        double BytesPerTurn, double CpuMsPerTurn, int Gen0, int Gen1, int Gen2, double ParallelTurnsPerSecond, double ParallelCpuMsPerTurn);

    public static int Run(LatencyOptions options)
    {
        Console.WriteLine($"Stadtdialog retrieval latency – {TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}");
        Console.WriteLine($"  .NET {Environment.Version}, {Environment.ProcessorCount} logical CPUs, " +
            $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC, index under {BenchIndex.Root}");
        Console.WriteLine($"  load average at start: {MachineInfo.LoadAverage()} (other processes on the machine add noise)");
        Console.WriteLine($"  queries run on: {(options.Directory == "open-folder" ? "TenantSearchIndex.OpenFolder (as in production)" : options.Directory + " directory")}");
        Console.WriteLine($"  {options.Queries} measured queries after {options.Warmup} warm-up, rotating over {Questions.All.Length} questions;" +
            $" {options.LongTail} long-tail questions; {options.ParallelSeconds} s parallel run");
        Console.WriteLine();

        var analysis = new GermanTextAnalysis();
        var synonyms = SynonymSet.WithDefaults(analysis, []);
        var reports = new List<SizeReport>();
        foreach (var size in options.Sizes)
        {
            var folder = BenchIndex.NewFolder(size);
            try
            {
                // Built as ingestion does (OpenFolder, ReplaceDocument per page, one Commit), then reopened for queries
                // as the server does after a restart, or with another Lucene directory to compare.
                Console.WriteLine($"== {size:N0} chunks ==");
                BuildStats build;
                using (var writer = TenantSearchIndex.OpenFolder(folder, analysis))
                {
                    build = BenchIndex.Build(writer, folder, size);
                }

                Console.WriteLine($"  built: {build.Chunks:N0} chunks in {build.Documents:N0} pages; generate {Ms(build.Generate)}, " +
                    $"index {Ms(build.Index)}, commit {Ms(build.Commit)}; {Mb(build.Bytes)} on disk");
                using var index = Open(options.Directory, folder, analysis);
                reports.Add(Measure(options, analysis, synonyms, index, build));
            }
            finally
            {
                if (!options.KeepIndex)
                {
                    BenchIndex.Delete(folder);
                }
            }
        }

        PrintTables(reports);
        return 0;
    }

    private static SizeReport Measure(LatencyOptions options, GermanTextAnalysis analysis, SynonymSet synonyms,
        TenantSearchIndex index, BuildStats build)
    {

        var search = new KnowledgeSearch(analysis);
        var answerer = new ExtractiveAnswerer(analysis);
        try
        {
            return MeasureWith(options, synonyms, index, build, search, answerer);
        }
        finally
        {
            // The answerer owns a cache (IDisposable in current Core); dispose it when it is disposable.
            (answerer as IDisposable)?.Dispose();
        }
    }

    private static SizeReport MeasureWith(LatencyOptions options, SynonymSet synonyms, TenantSearchIndex index,
        BuildStats build, KnowledgeSearch search, ExtractiveAnswerer answerer)
    {

        // Sanity: the real page should still win against the synthetic ones.
        var top1 = 0;
        foreach (var question in Questions.All)
        {
            var result = search.Search(index, synonyms, question.Text, 5);
            if (result.Hits.Count > 0 && result.Hits[0].Url == question.ExpectedUrl)
            {
                top1++;
            }
            else
            {
                Console.WriteLine($"  note: \"{question.Text}\" → {(result.Hits.Count > 0 ? result.Hits[0].Url : "no hit")} " +
                    $"(expected {question.ExpectedUrl})");
            }
        }

        for (var i = 0; i < options.Warmup; i++)
        {
            Turn(search, answerer, index, synonyms, Questions.All[i % Questions.All.Length].Text);
        }

        // The long tail after a JIT warm-up on the realistic questions; most of its pages are not yet in the
        // per-reader document-terms cache, so this is the cold path.
        var longTail = new List<double>(options.LongTail);
        foreach (var question in GermanCorpus.LongTailQuestions(options.LongTail))
        {
            var start = Stopwatch.GetTimestamp();
            search.Search(index, synonyms, question, 5);
            longTail.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var searchTimes = new double[options.Queries];
        var answerTimes = new List<double>(options.Queries);
        var turnTimes = new double[options.Queries];
        var answered = 0;
        var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var cpu = Environment.CpuUsage.TotalTime;
        var pause = GC.GetTotalPauseDuration();
        var perQuestion = new double[Questions.All.Length];
        for (var i = 0; i < options.Queries; i++)
        {
            var question = Questions.All[i % Questions.All.Length].Text;
            var start = Stopwatch.GetTimestamp();
            var result = search.Search(index, synonyms, question, 5);
            var searched = Stopwatch.GetTimestamp();
            if (result.Hits.Count > 0)
            {
                answerer.Answer(result, 3);
                answered++;
                answerTimes.Add(Stopwatch.GetElapsedTime(searched).TotalMilliseconds);
            }

            searchTimes[i] = Stopwatch.GetElapsedTime(start, searched).TotalMilliseconds;
            perQuestion[i % Questions.All.Length] += searchTimes[i];
            turnTimes[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        var bytesPerTurn = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)options.Queries;

        // Process CPU time (all threads, GC included) per turn: less sensitive to other load on the machine than latency.
        var cpuMsPerTurn = (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds / options.Queries;
        var pauseMs = (GC.GetTotalPauseDuration() - pause).TotalMilliseconds;
        var rounds = (double)options.Queries / Questions.All.Length;
        var slowest = perQuestion.Select((total, q) => (Mean: total / rounds, Questions.All[q].Text))
            .OrderByDescending(x => x.Mean).Take(3)
            .Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Mean:F2} ms \"{x.Text}\""));
        (gen0, gen1, gen2) = (GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2);

        var (parallel, parallelCpu) = options.ParallelSeconds > 0 ? Parallel(options.ParallelSeconds, search, answerer, index, synonyms) : (0, 0);
        var report = new SizeReport(build, top1, answered,
            Summary.Of(searchTimes), Summary.Of(answerTimes), Summary.Of(turnTimes), Summary.Of(longTail),
            bytesPerTurn, cpuMsPerTurn, gen0, gen1, gen2, parallel, parallelCpu);

        Console.WriteLine($"  top-1 is the expected page for {top1}/{Questions.All.Length} questions");
        Console.WriteLine($"  {answered}/{options.Queries} measured queries had hits and were answered");
        Console.WriteLine($"  search          {report.Search}");
        Console.WriteLine($"  answer          {report.Answer}");
        Console.WriteLine($"  search+answer   {report.Turn}");
        Console.WriteLine($"  long-tail search (cold document-terms cache) {report.LongTail}");
        Console.WriteLine($"  process CPU {cpuMsPerTurn:F2} ms per turn; allocated {bytesPerTurn / 1024:N0} KiB per turn; GCs gen0/1/2 = {gen0}/{gen1}/{gen2}, " +
            $"GC pauses {pauseMs:N0} ms in all");
        Console.WriteLine($"  slowest questions (mean search): {string.Join("; ", slowest)}");
        Console.WriteLine($"  {Environment.ProcessorCount} threads in parallel: {parallel:N0} search+answer turns/s, process CPU {parallelCpu:F2} ms per turn");
        Console.WriteLine($"  load average now: {MachineInfo.LoadAverage()}");
        Console.WriteLine();
        return report;
    }

    private static TenantSearchIndex Open(string directory, string folder, GermanTextAnalysis analysis)
    {
        var path = new DirectoryInfo(folder);
        return directory switch
        {
            "mmap" => new TenantSearchIndex(new MMapDirectory(path), analysis),
            "nio" => new TenantSearchIndex(new NIOFSDirectory(path), analysis),
            "ram" => new TenantSearchIndex(new RAMDirectory(new MMapDirectory(path), IOContext.DEFAULT), analysis),
            _ => TenantSearchIndex.OpenFolder(folder, analysis),
        };
    }

    private static TurnAnswer? Turn(KnowledgeSearch search, ExtractiveAnswerer answerer, TenantSearchIndex index,
        SynonymSet synonyms, string question)
    {
        var result = search.Search(index, synonyms, question, 5);
        return result.Hits.Count > 0 ? answerer.Answer(result, 3) : null;
    }

    /// <summary>
    /// Search and answer on every logical CPU at once: the retrieval tier's ceiling without HTTP and database.
    /// Returns turns per second and process CPU milliseconds per turn.
    /// </summary>
    private static (double TurnsPerSecond, double CpuMsPerTurn) Parallel(double seconds, KnowledgeSearch search,
        ExtractiveAnswerer answerer, TenantSearchIndex index, SynonymSet synonyms)
    {
        var threads = Environment.ProcessorCount;
        var counts = new long[threads];
        var cpu = Environment.CpuUsage.TotalTime;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var n = 0L;
            for (var i = t * 7; clock.Elapsed.TotalSeconds < seconds; i++)
            {
                Turn(search, answerer, index, synonyms, Questions.All[i % Questions.All.Length].Text);
                n++;
            }

            counts[t] = n;
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        var turns = counts.Sum();
        return (turns / clock.Elapsed.TotalSeconds, (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds / Math.Max(1, turns));
    }

    private static void PrintTables(List<SizeReport> reports)
    {
        Console.WriteLine("Markdown summary (times in ms):");
        Console.WriteLine();
        Console.WriteLine("| Chunks | Pages | Build total | of which indexing + commit | Index size | top-1 ok |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var r in reports)
        {
            Console.WriteLine($"| {r.Build.Chunks:N0} | {r.Build.Documents:N0} | {r.Build.Total.TotalSeconds:N1} s | " +
                $"{(r.Build.Index + r.Build.Commit).TotalSeconds:N1} s | {Mb(r.Build.Bytes)} | {r.Top1}/{Questions.All.Length} |");
        }

        Console.WriteLine();
        Console.WriteLine("| Chunks | Search mean | p50 | p95 | p99 | max | Answer mean | p50 | p99 | Search+answer p50 | p99 | Long-tail search p50 | p99 | CPU ms/turn | KiB/turn | Parallel turns/s | CPU ms/turn (parallel) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in reports)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Build.Chunks:N0} | {r.Search.Mean:F2} | {r.Search.P50:F2} | {r.Search.P95:F2} | {r.Search.P99:F2} | {r.Search.Max:F1} | " +
                $"{r.Answer.Mean:F2} | {r.Answer.P50:F2} | {r.Answer.P99:F2} | {r.Turn.P50:F2} | {r.Turn.P99:F2} | " +
                $"{r.LongTail.P50:F2} | {r.LongTail.P99:F2} | {r.CpuMsPerTurn:F2} | {r.BytesPerTurn / 1024:N0} | " +
                $"{r.ParallelTurnsPerSecond:N0} | {r.ParallelCpuMsPerTurn:F2} |"));
        }
    }

    private static string Ms(TimeSpan time) => string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds:N0} ms");

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):N1} MiB");
}

/// <summary>Latency statistics in milliseconds (nearest-rank percentiles).</summary>
internal sealed record Summary(int Count, double Mean, double P50, double P95, double P99, double Max)
{
    public static Summary Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return new Summary(0, 0, 0, 0, 0, 0);
        }

        var sorted = values.Order().ToArray();
        double Percentile(double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Summary(sorted.Length, sorted.Average(), Percentile(50), Percentile(95), Percentile(99), sorted[^1]);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"n={Count,6}  mean {Mean,7:F3}  p50 {P50,7:F3}  p95 {P95,7:F3}  p99 {P99,7:F3}  max {Max,8:F3} ms");
}
