using Stadtdialog.Handover;
using Stadtdialog.Retrieval;
using Xunit;

namespace Stadtdialog.Core.Tests.Handover;

public sealed class QueueRouterTests
{
    private static readonly GermanTextAnalysis German = GermanTextAnalysis.Default;

    private static readonly HandoverQueue Zentrale = new() { Id = "zentrale", Name = "Zentrale" };

    private static readonly HandoverQueue Buergerbuero = new()
    {
        Id = "buergerbuero",
        Name = "Bürgerbüro",
        Keywords = ["Ausweis", "Reisepass", "Ummeldung"],
        SourcePathPrefixes = ["/buergerservice/"],
        Email = "buergerbuero@example-stadt.de",
    };

    private static readonly HandoverQueue Ordnungsamt = new()
    {
        Id = "ordnungsamt",
        Name = "Ordnungsamt",
        Keywords = ["Hund", "Lärm", "Parkausweis"],
        SourcePathPrefixes = ["/ordnung/"],
    };

    private static readonly HandoverQueue Kfz = new()
    {
        Id = "kfz",
        Name = "Kfz-Zulassung",
        Keywords = ["Zulassung"],
        SourcePathPrefixes = ["/buergerservice/kfz/"],
    };

    private static readonly IReadOnlyList<HandoverQueue> Queues = [Zentrale, Buergerbuero, Ordnungsamt, Kfz];

    [Fact]
    public void Source_path_prefix_beats_keywords()
    {
        var routing = QueueRouter.Route(
            Queues,
            "Muss mein Hund einen Personalausweis haben?",
            ["https://www.example-stadt.de/buergerservice/personalausweis-beantragen", "https://www.example-stadt.de/kultur/museum"],
            German);

        Assert.Same(Buergerbuero, routing.Queue);
        Assert.Equal("Quellen unter „/buergerservice/“ (1 von 2 Quellen)", routing.Reason);
    }

    [Fact]
    public void The_longest_matching_prefix_wins_and_higher_ranked_sources_count_more()
    {
        var kfz = QueueRouter.Route(Queues, "Auto", ["https://stadt.de/buergerservice/kfz/abmelden"], German);
        Assert.Same(Kfz, kfz.Queue);

        var ranked = QueueRouter.Route(
            Queues, "Frage", ["https://stadt.de/ordnung/laerm", "https://stadt.de/buergerservice/a", "https://stadt.de/kultur"], German);
        Assert.Same(Ordnungsamt, ranked.Queue);
    }

    [Theory]
    [InlineData("Wo beantrage ich Personalausweise?", "buergerbuero")]
    [InlineData("Ich brauche einen neuen Ausweis", "buergerbuero")]
    [InlineData("Die Nachbarshunde bellen nachts", "ordnungsamt")]
    [InlineData("Wie bekomme ich einen Anwohnerparkausweis?", "ordnungsamt")]
    [InlineData("Fahrzeugzulassung online?", "kfz")]
    public void Keyword_stems_and_compound_parts_route_the_question(string question, string expected)
    {
        var routing = QueueRouter.Route(Queues, question, [], German);

        Assert.Equal(expected, routing.Queue.Id);
        Assert.StartsWith("Stichwort „", routing.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_source_or_keyword_match_the_first_queue_is_the_default()
    {
        var routing = QueueRouter.Route(Queues, "Wann hat das Schwimmbad geöffnet?", ["https://stadt.de/freizeit/baeder"], German);

        Assert.Same(Zentrale, routing.Queue);
        Assert.Equal("Kein Thema erkannt – Standard-Warteschlange", routing.Reason);
        Assert.Throws<ArgumentException>(() => QueueRouter.Route([], "Frage", [], German));
    }

    [Fact]
    public void Queue_validation_reports_slug_capacity_email_and_office_hours()
    {
        Assert.Empty(Buergerbuero.Validate());
        Assert.Equal(HandoverQueue.DefaultMaxConversationsPerAgent, Buergerbuero.MaxConversationsPerAgent);

        var bad = new HandoverQueue
        {
            Id = "Bürger Büro",
            Name = " ",
            Email = "kein-at",
            MaxConversationsPerAgent = 0,
            OfficeHours = new OfficeHours { PublicHolidays = "XY" },
        };

        Assert.Equal(5, bad.Validate().Count());
    }

    [Fact]
    public void Free_agent_needs_to_be_online_and_below_capacity()
    {
        var busy = Guid.NewGuid();
        var offline = Guid.NewGuid();

        Assert.False(AgentCapacity.HasFreeAgent([(busy, true, 3), (offline, false, 0)], 3));
        Assert.True(AgentCapacity.HasFreeAgent([(busy, true, 2), (offline, false, 0)], 3));
        Assert.False(AgentCapacity.HasFreeAgent([], 3));
    }

    [Fact]
    public void Pick_agent_takes_the_least_loaded_online_agent_below_capacity()
    {
        var full = Guid.NewGuid();
        var offline = Guid.NewGuid();
        var two = Guid.NewGuid();
        var one = Guid.NewGuid();
        var t = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(1));

        Assert.Equal(one, AgentCapacity.PickAgent(
            [(full, true, 3, t), (offline, false, 0, t), (two, true, 2, t), (one, true, 1, t)], 3));
        Assert.Null(AgentCapacity.PickAgent([(full, true, 3, t), (offline, false, 0, null)], 3));
        Assert.Null(AgentCapacity.PickAgent([(two, true, 2, t)], 2));
    }

    [Fact]
    public void Pick_agent_breaks_ties_by_longest_idle()
    {
        var recent = Guid.NewGuid();
        var idle = Guid.NewGuid();
        var never = Guid.NewGuid();
        var t = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(1));

        Assert.Equal(idle, AgentCapacity.PickAgent([(recent, true, 1, t), (idle, true, 1, t.AddMinutes(-30))], 3));
        Assert.Equal(never, AgentCapacity.PickAgent([(recent, true, 1, t), (never, true, 1, null), (idle, true, 1, t.AddHours(-1))], 3));
    }
}
