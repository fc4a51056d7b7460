using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using Stadtdialog.Chat;
using Stadtdialog.Retrieval;

namespace Stadtdialog.Bench.Retrieval;

/// <summary>
/// A short job (3 warm-up and 10 measured iterations, one launch) with median, P95 and max. These statistics are
/// over iterations (each the mean of many queries); per-query percentiles come from the <c>--latency</c> mode.
/// </summary>
public sealed class ShortRunConfig : ManualConfig
{
    public ShortRunConfig()
    {
        AddJob(Job.Default.WithId("Short").WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10));
        AddColumn(StatisticColumn.Median, StatisticColumn.P95, StatisticColumn.Max);
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}

/// <summary>
/// Retrieval latency over a file-system index of 1k / 10k / 100k chunks (real demo pages plus synthetic German
/// municipal pages), rotating over realistic questions. <see cref="Answer"/> measures the extractive answer alone on
/// prepared search results; <see cref="SearchAndAnswer"/> is the whole retrieval-tier turn without HTTP and database.
/// </summary>
[Config(typeof(ShortRunConfig))]
public class RetrievalBenchmarks
{
    private readonly GermanTextAnalysis _analysis = new();
    private TenantSearchIndex _index = null!;
    private KnowledgeSearch _search = null!;
    private SynonymSet _synonyms = null!;
    private ExtractiveAnswerer _answerer = null!;
    private SearchResult[] _results = [];
    private int _next;

    [Params(1_000, 10_000, 100_000)]
    public int Chunks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _index = BenchIndex.OpenCached(_analysis, Chunks);
        _search = new KnowledgeSearch(_analysis);
        _synonyms = SynonymSet.WithDefaults(_analysis, []);
        _answerer = new ExtractiveAnswerer(_analysis);
        _results = Questions.All
            .Select(q => _search.Search(_index, _synonyms, q.Text, 5))
            .Where(r => r.Hits.Count > 0)
            .ToArray();
        if (_results.Length == 0)
        {
            throw new InvalidOperationException("No question found anything; the corpus is broken.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _index.Dispose();
        (_answerer as IDisposable)?.Dispose();
    }

    [Benchmark]
    public SearchResult Search() => _search.Search(_index, _synonyms, NextQuestion(), 5);

    [Benchmark]
    public TurnAnswer Answer()
    {
        _next = (_next + 1) % _results.Length;
        return _answerer.Answer(_results[_next], 3);
    }

    [Benchmark]
    public TurnAnswer? SearchAndAnswer()
    {
        var result = _search.Search(_index, _synonyms, NextQuestion(), 5);
        return result.Hits.Count > 0 ? _answerer.Answer(result, 3) : null;
    }

    private string NextQuestion()
    {
        _next = (_next + 1) % Questions.All.Length;
        return Questions.All[_next].Text;
    }
}
