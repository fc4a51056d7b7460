using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Stadtdialog.Bench.Retrieval;

// Two modes:
//   (default)   BenchmarkDotNet: mean/median/P95 of Search, Answer and SearchAndAnswer at 1k/10k/100k chunks.
//   --latency   per-query Stopwatch latencies (p50/p95/p99/max), index build time and size, parallel throughput.
if (args.Contains("--latency"))
{
    try
    {
        return LatencyRunner.Run(LatencyOptions.Parse(args));
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine(e.Message);
        Console.Error.WriteLine("usage: --latency [--sizes 1000,10000,100000] [--queries 20000] [--warmup 2000] " +
            "[--long-tail 2000] [--parallel-seconds 5] [--directory open-folder|mmap|nio|ram] [--keep-index]");
        return 2;
    }
}

var config = DefaultConfig.Instance.WithArtifactsPath(ArtifactsPath());
BenchmarkSwitcher.FromTypes([typeof(RetrievalBenchmarks)]).Run(args, config);
return 0;

// Results go to bench/artifacts/retrieval in the repository (ignored by git), wherever the command is started.
static string ArtifactsPath()
{
    for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Stadtdialog.slnx")))
        {
            return Path.Combine(dir.FullName, "bench", "artifacts", "retrieval");
        }
    }

    return Path.Combine(Environment.CurrentDirectory, "BenchmarkDotNet.Artifacts");
}
