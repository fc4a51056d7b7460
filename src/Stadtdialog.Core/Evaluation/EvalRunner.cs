using System.Globalization;
using System.Text.Json;
using Stadtdialog.Chat;
using Stadtdialog.Data;

namespace Stadtdialog.Evaluation;

/// <summary>One line of an evaluation file: a question and the documents (URLs or paths) that answer it.</summary>
public sealed record EvalQuestion(string Question, IReadOnlyList<string> Expected);

/// <summary>The outcome for one question.</summary>
public sealed record EvalOutcome(EvalQuestion Question, int? Rank, bool Abstained, IReadOnlyList<string> Retrieved, double Confidence)
{
    public bool OutOfScope => Question.Expected.Count == 0;

    /// <summary>How the answer was produced (<see cref="Chat.AnswerTypes"/>).</summary>
    public string AnswerType { get; init; } = "";

    /// <summary>Why the language model's answer was not used, when one is configured.</summary>
    public string? FallbackReason { get; init; }
}

public sealed record EvalReport(IReadOnlyList<EvalOutcome> Outcomes)
{
    private IEnumerable<EvalOutcome> Answerable => Outcomes.Where(o => !o.OutOfScope);

    public int Answerables => Answerable.Count();

    public double HitAt1 => Share(Answerable, o => o.Rank == 1);

    public double HitAt5 => Share(Answerable, o => o.Rank is <= 5);

    public double Mrr => Answerables == 0 ? 0 : Answerable.Sum(o => o.Rank is { } r ? 1.0 / r : 0) / Answerables;

    public double Abstain => Share(Outcomes.Where(o => o.OutOfScope), o => o.Abstained);

    public double FalseAbstain => Share(Answerable, o => o.Abstained);

    /// <summary>
    /// How the answers were produced, and with a language model how many of its answers passed the grounding check:
    /// <c>answers: generative=40 retrieval=30 faq=5 fallback=6 | model: grounded=40 rejected=3 failed=1</c>.
    /// </summary>
    public string AnswerMix
    {
        get
        {
            var types = string.Join(' ', Outcomes.GroupBy(o => o.AnswerType).OrderByDescending(g => g.Count())
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}={g.Count()}")));
            var generative = Outcomes.Count(o => o.AnswerType == Chat.AnswerTypes.Generative);
            var rejected = Outcomes.Count(o => o.FallbackReason is Chat.FallbackReasons.Grounding or Chat.FallbackReasons.Blocked);
            var noAnswer = Outcomes.Count(o => o.FallbackReason == Chat.FallbackReasons.NoAnswer);
            var failed = Outcomes.Count(o => o.FallbackReason is Chat.FallbackReasons.Timeout or Chat.FallbackReasons.Unavailable
                or Chat.FallbackReasons.Error or Chat.FallbackReasons.Budget);
            return generative + rejected + noAnswer + failed == 0
                ? $"answers: {types}"
                : string.Create(CultureInfo.InvariantCulture,
                    $"answers: {types} | model: grounded={generative} rejected={rejected} no_answer={noAnswer} failed={failed}");
        }
    }

    /// <summary>The summary line, e.g. <c>hit@1=0.62 hit@5=0.91 mrr=0.74 n=81 abstain=0.80 false_abstain=0.05</c>.</summary>
    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"hit@1={HitAt1:0.00} hit@5={HitAt5:0.00} mrr={Mrr:0.00} n={Answerables} abstain={Abstain:0.00} false_abstain={FalseAbstain:0.00}");

    private static double Share(IEnumerable<EvalOutcome> outcomes, Func<EvalOutcome, bool> predicate)
    {
        var list = outcomes.ToList();
        return list.Count == 0 ? 0 : list.Count(predicate) / (double)list.Count;
    }
}

/// <summary>
/// Measures retrieval and abstention for a tenant's question set (<c>stadtdialog eval</c>): a hit is a retrieved
/// passage whose document's URL or relative path is expected; out-of-scope questions must get "don't know".
/// </summary>
public sealed class EvalRunner(ChatService chat)
{
    public static IReadOnlyList<EvalQuestion> ReadQuestions(string path)
    {
        var questions = new List<EvalQuestion>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var json = JsonDocument.Parse(line);
                var question = json.RootElement.GetProperty("question").GetString();
                var expected = json.RootElement.TryGetProperty("expected", out var e) && e.ValueKind == JsonValueKind.Array
                    ? e.EnumerateArray().Select(x => x.GetString() ?? "").Where(x => x.Length > 0).ToList()
                    : [];
                if (string.IsNullOrWhiteSpace(question))
                {
                    throw new InvalidDataException("\"question\" is empty");
                }

                questions.Add(new EvalQuestion(question, expected));
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or InvalidDataException)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: not a valid eval line ({ex.Message}).", ex);
            }
        }

        return questions;
    }

    public async Task<EvalReport> RunAsync(Tenant tenant, Assistant assistant, IReadOnlyList<EvalQuestion> questions,
        CancellationToken cancellationToken)
    {
        var outcomes = new List<EvalOutcome>();
        foreach (var question in questions)
        {
            var result = await chat.SearchAsync(tenant, question.Question, cancellationToken);
            var answer = await chat.AnswerAsync(tenant, assistant, question.Question, "de", cancellationToken);
            var retrieved = result.Hits.Select(h => h.Url).ToList();
            int? rank = null;
            for (var i = 0; i < result.Hits.Count; i++)
            {
                if (question.Expected.Any(e => Matches(e, result.Hits[i])))
                {
                    rank = i + 1;
                    break;
                }
            }

            outcomes.Add(new EvalOutcome(question, rank, answer.AnswerType == AnswerTypes.Fallback, retrieved, result.Confidence)
            {
                AnswerType = answer.AnswerType, FallbackReason = answer.FallbackReason,
            });
        }

        return new EvalReport(outcomes);
    }

    private static bool Matches(string expected, Retrieval.SearchHit hit) =>
        string.Equals(expected.TrimEnd('/'), hit.Url.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
        || string.Equals(expected.TrimStart('/'), hit.Key, StringComparison.OrdinalIgnoreCase);
}
