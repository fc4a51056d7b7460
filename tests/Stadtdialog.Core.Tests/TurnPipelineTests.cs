using Stadtdialog.Chat;
using Stadtdialog.Data;
using Stadtdialog.Retrieval;
using Xunit;

namespace Stadtdialog.Core.Tests;

public sealed class TurnPipelineTests(MunicipalCorpus corpus) : IClassFixture<MunicipalCorpus>
{
    private static readonly Tenant Town = new()
    {
        Id = "musterstadt",
        Name = "Stadt Musterstadt",
        Contact = new ContactInfo { Name = "Bürgerbüro", Phone = "0123 456-0", Email = "buergerbuero@musterstadt.de", OpeningHours = "Mo–Fr 8–12 Uhr" },
    };

    private static readonly Assistant Helper = new()
    {
        Slug = "buergerservice",
        Name = "Bürgerservice-Assistent",
        Greeting = "Guten Tag! Wie kann ich helfen?",
        SuggestedQuestions = ["Personalausweis beantragen", "Sperrmüll anmelden", "Hundesteuer", "Wohnsitz anmelden"],
    };

    private int _searches;

    private TurnPipeline Pipeline => new([new RetrievalHandler(new ExtractiveAnswerer(corpus.Analysis)), new RulesHandler()]);

    private TurnContext Context(string text, string language = "de", Assistant? assistant = null) =>
        new(Town, assistant ?? Helper, text, language, () =>
        {
            _searches++;
            return corpus.Ask(text);
        });

    private async Task<TurnAnswer> AskAsync(string text, string language = "de", Assistant? assistant = null) =>
        await Pipeline.AnswerAsync(Context(text, language, assistant), TestContext.Current.CancellationToken);

    [Theory]
    [InlineData("Hallo")]
    [InlineData("hallo!")]
    [InlineData("Guten Morgen")]
    [InlineData("Moin")]
    public async Task Greeting_is_answered_by_the_rules_without_searching(string greeting)
    {
        var answer = await AskAsync(greeting);

        Assert.Equal(AnswerTypes.Rules, answer.AnswerType);
        Assert.Equal("Guten Tag! Wie kann ich helfen?", answer.Text);
        Assert.Equal(Helper.SuggestedQuestions.Take(3), answer.FollowUps);
        Assert.Equal(0, _searches);
    }

    [Theory]
    [InlineData("Danke")]
    [InlineData("Vielen Dank!")]
    [InlineData("Vielen Dank für die Hilfe!")]
    [InlineData("Dankeschön")]
    public async Task Thanks_are_answered_by_the_rules(string thanks)
    {
        var answer = await AskAsync(thanks);

        Assert.Equal(AnswerTypes.Rules, answer.AnswerType);
        Assert.Equal(Phrases.YouAreWelcome("de"), answer.Text);
        Assert.Equal(0, _searches);
    }

    [Theory]
    [InlineData("Kann ich bitte mit einem Menschen sprechen?")]
    [InlineData("Ich möchte mit einer Sachbearbeiterin reden")]
    [InlineData("I want to talk to a human")]
    public async Task Request_for_a_person_gets_the_contact(string request)
    {
        var answer = await AskAsync(request);

        Assert.Equal(AnswerTypes.Rules, answer.AnswerType);
        Assert.Same(Town.Contact, answer.Contact);
        Assert.Contains("0123 456-0", answer.Text, StringComparison.Ordinal);
        Assert.Equal(0, _searches);
    }

    [Theory]
    [InlineData("Hallo, wie beantrage ich einen neuen Personalausweis?")]
    [InlineData("Danke, aber wie beantrage ich einen neuen Personalausweis?")]
    public async Task Greeting_or_thanks_inside_a_real_question_does_not_swallow_it(string question)
    {
        var answer = await AskAsync(question);

        Assert.Equal(AnswerTypes.Retrieval, answer.AnswerType);
        Assert.Equal(MunicipalCorpus.Base + "personalausweis", answer.Citations[0].Url);
    }

    [Fact]
    public async Task Covered_question_gets_a_retrieval_answer_searching_once()
    {
        var answer = await AskAsync("Wie beantrage ich einen neuen Personalausweis?");

        Assert.Equal(AnswerTypes.Retrieval, answer.AnswerType);
        Assert.NotEmpty(answer.Citations);
        Assert.Equal(1, _searches);
    }

    [Fact]
    public async Task Uncovered_question_falls_back_to_dont_know_with_the_contact()
    {
        var answer = await AskAsync("Wie hoch ist der Mond?");

        Assert.Equal(AnswerTypes.Fallback, answer.AnswerType);
        Assert.StartsWith(Phrases.DontKnow("de", Town), answer.Text, StringComparison.Ordinal);
        Assert.Contains("0123 456-0", answer.Text, StringComparison.Ordinal);
        Assert.Contains("buergerbuero@musterstadt.de", answer.Text, StringComparison.Ordinal);
        Assert.Empty(answer.Citations);
        Assert.Same(Town.Contact, answer.Contact);
        Assert.True(answer.Confidence < 0.5);
        Assert.Equal(1, _searches);
    }

    [Fact]
    public async Task Fallback_is_in_English_when_asked_in_English()
    {
        var answer = await AskAsync("How high is the moon?", language: "en");

        Assert.Equal(AnswerTypes.Fallback, answer.AnswerType);
        Assert.StartsWith(Phrases.DontKnow("en", Town), answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assistant_threshold_decides_between_answer_and_fallback()
    {
        var strict = new Assistant { Slug = "streng", Name = "Streng", MinConfidence = 1.01 };

        var answer = await AskAsync("Wie beantrage ich einen neuen Personalausweis?", assistant: strict);

        Assert.Equal(AnswerTypes.Fallback, answer.AnswerType);
        Assert.Contains("Personalausweis beantragen", answer.FollowUps);
    }

    [Fact]
    public async Task Handlers_run_in_order_and_the_first_answer_wins()
    {
        var calls = new List<string>();
        var pipeline = new TurnPipeline(
        [
            new ScriptedHandler(300, null, calls),
            new ScriptedHandler(100, null, calls),
            new ScriptedHandler(200, new TurnAnswer("zwei", "test", 1, [], []), calls),
            new ScriptedHandler(400, new TurnAnswer("vier", "test", 1, [], []), calls),
        ]);

        var answer = await pipeline.AnswerAsync(Context("egal"), TestContext.Current.CancellationToken);

        Assert.Equal("zwei", answer.Text);
        Assert.Equal(["100", "200"], calls);
    }

    private sealed class ScriptedHandler(int order, TurnAnswer? answer, List<string> calls) : ITurnHandler
    {
        public int Order => order;

        public ValueTask<TurnAnswer?> TryAnswerAsync(TurnContext context, CancellationToken cancellationToken)
        {
            calls.Add(order.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return ValueTask.FromResult(answer);
        }
    }
}
