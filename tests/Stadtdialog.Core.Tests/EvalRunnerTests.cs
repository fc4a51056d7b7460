using System.Globalization;
using Stadtdialog.Evaluation;
using Xunit;

namespace Stadtdialog.Core.Tests;

public sealed class EvalRunnerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ReadQuestions_parses_questions_with_and_without_expected_documents()
    {
        var path = _folder.Write("questions.jsonl", """
            {"question": "Wie beantrage ich einen neuen Personalausweis?", "expected": ["/demo/buergerservice/personalausweis"]}

            {"question": "Wie hoch ist der Mond?", "expected": []}
            {"question": "Was kostet der Reisepass?", "expected": ["reisepass.md", "", "/demo/buergerservice/reisepass"], "note": "egal"}
            {"question": "Außerhalb des Angebots?"}
            """);

        var questions = EvalRunner.ReadQuestions(path);

        Assert.Equal(4, questions.Count);
        Assert.Equal("Wie beantrage ich einen neuen Personalausweis?", questions[0].Question);
        Assert.Equal(["/demo/buergerservice/personalausweis"], questions[0].Expected);
        Assert.Empty(questions[1].Expected);
        Assert.Equal(["reisepass.md", "/demo/buergerservice/reisepass"], questions[2].Expected);
        Assert.Empty(questions[3].Expected);
    }

    [Theory]
    [InlineData("{\"question\": \"Wie?\", ", "3")]
    [InlineData("{\"expected\": [\"a\"]}", "3")]
    [InlineData("{\"question\": \"  \"}", "3")]
    [InlineData("{\"question\": 42}", "3")]
    [InlineData("[\"question\"]", "3")]
    [InlineData("nur Text", "3")]
    public void ReadQuestions_names_file_and_line_of_an_invalid_line(string badLine, string lineNumber)
    {
        var path = _folder.Write("questions.jsonl",
            "{\"question\": \"Erste Frage?\"}\n\n" + badLine + "\n{\"question\": \"Vierte Frage?\"}\n");

        var error = Assert.Throws<InvalidDataException>(() => EvalRunner.ReadQuestions(path));

        Assert.StartsWith($"{path}:{lineNumber}:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadQuestions_of_an_empty_file_is_empty()
    {
        Assert.Empty(EvalRunner.ReadQuestions(_folder.Write("leer.jsonl", "\n\n")));
    }

    [Fact]
    public void Summary_reports_the_metrics_with_two_decimals_in_invariant_format()
    {
        var report = new EvalReport(
        [
            Outcome(["a"], rank: 1, abstained: false),
            Outcome(["b"], rank: 2, abstained: false),
            Outcome(["c"], rank: null, abstained: true),
            Outcome(["d"], rank: 6, abstained: false),
            Outcome([], rank: null, abstained: true),
            Outcome([], rank: null, abstained: false),
        ]);

        // hit@1 1/4, hit@5 2/4, mrr (1 + 1/2 + 0 + 1/6) / 4 = 0.4167, abstain 1/2, false abstain 1/4.
        const string expected = "hit@1=0.25 hit@5=0.50 mrr=0.42 n=4 abstain=0.50 false_abstain=0.25";
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            Assert.Equal(expected, report.Summary);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }

        Assert.Equal(expected, report.Summary);
        Assert.Equal(4, report.Answerables);
    }

    [Fact]
    public void Summary_of_a_perfect_run_and_of_an_empty_run()
    {
        Assert.Equal("hit@1=1.00 hit@5=1.00 mrr=1.00 n=1 abstain=1.00 false_abstain=0.00",
            new EvalReport([Outcome(["a"], 1, false), Outcome([], null, true)]).Summary);
        Assert.Equal("hit@1=0.00 hit@5=0.00 mrr=0.00 n=0 abstain=0.00 false_abstain=0.00", new EvalReport([]).Summary);
    }

    [Fact]
    public void Rank_five_is_a_hit_at_five_and_rank_six_is_not()
    {
        Assert.Equal(1.0, new EvalReport([Outcome(["a"], 5, false)]).HitAt5);
        Assert.Equal(0.0, new EvalReport([Outcome(["a"], 6, false)]).HitAt5);
        Assert.Equal(0.2, new EvalReport([Outcome(["a"], 5, false)]).Mrr, 10);
    }

    [Fact]
    public void Answer_mix_counts_the_tiers_and_what_became_of_the_models_answers()
    {
        var report = new EvalReport(
        [
            Outcome(["a"], 1, false) with { AnswerType = "generative" },
            Outcome(["a"], 1, false) with { AnswerType = "generative" },
            Outcome(["a"], 1, false) with { AnswerType = "retrieval", FallbackReason = "grounding" },
            Outcome(["a"], 1, false) with { AnswerType = "retrieval", FallbackReason = "timeout" },
            Outcome([], null, true) with { AnswerType = "fallback", FallbackReason = "no-answer" },
        ]);

        Assert.Equal("answers: generative=2 retrieval=2 fallback=1 | model: grounded=2 rejected=1 no_answer=1 failed=1", report.AnswerMix);
        Assert.Equal("answers: retrieval=1", new EvalReport([Outcome(["a"], 1, false) with { AnswerType = "retrieval" }]).AnswerMix);
    }

    private static EvalOutcome Outcome(string[] expected, int? rank, bool abstained) =>
        new(new EvalQuestion("Frage?", expected), rank, abstained, [], 0.5);
}
