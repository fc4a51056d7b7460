using Stadtdialog.LiveData;
using Stadtdialog.LiveData.Tools;
using Stadtdialog.Retrieval;
using Stadtdialog.Tenancy;
using Xunit;

namespace Stadtdialog.Tests.LiveData;

/// <summary>The demo municipality's data tools against live-data questions and the knowledge questions they must leave alone.</summary>
public sealed class DataToolMatcherTests
{
    private static readonly IReadOnlyList<DataTool> DemoTools = LoadDemoTools();
    private readonly DataToolMatcher _matcher = new(GermanTextAnalysis.Default);

    [Theory]
    [InlineData("Wie viele Plätze sind im Parkhaus am Bahnhof frei?", "parkhausbelegung")]
    [InlineData("Sind in der Tiefgarage Marktplatz noch Plätze frei?", "parkhausbelegung")]
    [InlineData("Wie voll sind die Parkhäuser gerade?", "parkhausbelegung")]
    [InlineData("Wo gibt es freie Parkplätze?", "parkhausbelegung")]
    [InlineData("Zeig mir die Parkhausbelegung im Tagesverlauf am Bahnhof", "parkhausverlauf")]
    [InlineData("Wie ist die Luftqualität heute?", "luftqualitaet")]
    [InlineData("Wie hoch ist der Feinstaub am Westring?", "luftqualitaet")]
    [InlineData("Wie war die Luftqualität in den letzten 24 Stunden?", "feinstaubverlauf")]
    [InlineData("Feinstaub Verlauf Stadtpark", "feinstaubverlauf")]
    [InlineData("Welche Veranstaltungen für Kinder gibt es nächste Woche?", "veranstaltungen")]
    [InlineData("Was ist am Wochenende los?", "veranstaltungen")]
    [InlineData("Gibt es diese Woche Konzerte?", "veranstaltungen")]
    public void Live_data_questions_reach_their_tool(string question, string tool)
    {
        var match = _matcher.Match(question, DemoTools);

        Assert.NotNull(match);
        Assert.Equal(tool, match.Tool.Slug);
        Assert.True(match.Score >= DataToolMatcher.Threshold);
    }

    [Theory]
    [InlineData("Wie viele Plätze hat das neue Parkhaus am Bahnhof?")]
    [InlineData("Parkhaus Bahnhof Monatskarte")]
    [InlineData("Was kostet ein Anwohnerparkausweis?")]
    [InlineData("Wie reserviere ich Parkplätze für den Möbelwagen vor dem Haus?")]
    [InlineData("Wir wollen ein Straßenfest feiern. Was müssen wir beachten?")]
    [InlineData("Wie melde ich eine Veranstaltung an?")]
    [InlineData("Wann ist der Weihnachtsmarkt geöffnet?")]
    [InlineData("Wie wird das Wetter am Wochenende in Musterstadt?")]
    [InlineData("Wie beantrage ich einen neuen Personalausweis?")]
    [InlineData("Brauche ich eine Plakette für die Umweltzone?")]
    public void Knowledge_questions_are_left_to_the_knowledge_tiers(string question)
    {
        Assert.Null(_matcher.Match(question, DemoTools));
    }

    [Fact]
    public void An_excluded_keyword_rules_a_tool_out_even_when_its_keywords_match()
    {
        Assert.NotNull(_matcher.Match("Sind im Parkhaus Plätze frei?", DemoTools));
        Assert.Null(_matcher.Match("Was kostet es, wenn im Parkhaus Plätze frei sind?", DemoTools));
    }

    [Fact]
    public void Mentions_reports_a_shared_word_for_the_model_path()
    {
        Assert.True(_matcher.Mentions("Kann ich heute Abend irgendwo in der Innenstadt parken, Parkhaus egal?", DemoTools));
        Assert.False(_matcher.Mentions("Wie beantrage ich einen Reisepass?", DemoTools));
    }

    internal static IReadOnlyList<DataTool> LoadDemoTools()
    {
        var root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "Stadtdialog.slnx")))
        {
            root = Path.GetDirectoryName(root);
        }

        var config = TenantConfig.Load(Path.Combine(root!, "samples", "musterstadt", "tenant.json"));
        var connections = config.DataConnections.ToDictionary(c => c.Id, c => new DataConnection
        {
            Id = Guid.NewGuid(), Slug = c.Id, Name = c.Name, Kind = c.Kind, BaseUrl = c.BaseUrl,
        });
        return config.DataTools.Select(t => new DataTool
        {
            Id = Guid.NewGuid(), Slug = t.Id, Name = t.Name, Description = t.Description, Kind = t.Kind, Query = t.Query,
            Intents = t.Intents, AnswerTemplate = t.AnswerTemplate, Connection = connections[t.Connection],
        }).ToList();
    }
}
