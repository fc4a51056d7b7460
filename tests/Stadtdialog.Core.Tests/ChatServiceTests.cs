using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stadtdialog.Chat;
using Stadtdialog.Data;
using Stadtdialog.Evaluation;
using Stadtdialog.Tenancy;
using Xunit;

namespace Stadtdialog.Core.Tests;

public sealed class ChatServiceTests : IAsyncLifetime
{
    private const string Tenant = "testtown";

    private CoreHost _host = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _host = await CoreHost.StartAsync(Token);
        foreach (var (key, markdown) in MunicipalCorpus.Pages)
        {
            _host.Content.Write(key, markdown);
        }

        await _host.IngestAsync(Token);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Asked_question_and_answer_are_stored_with_citations()
    {
        var (conversationId, turn) = await _host.InTenantAsync(Tenant, async sp =>
        {
            var chat = sp.GetRequiredService<ChatService>();
            var conversation = await chat.StartAsync(TenantProvisioning.DefaultAssistant, Token);
            _host.Time.Advance(TimeSpan.FromMinutes(2));
            return (conversation.Id, await chat.AskAsync(conversation.Id, "  Wie beantrage ich einen neuen Personalausweis?  ", "de-DE", Token));
        });

        Assert.Equal(AnswerTypes.Retrieval, turn.Answer.AnswerType);
        Assert.Equal("Wie beantrage ich einen neuen Personalausweis?", turn.UserMessage.Content);

        var stored = await _host.InTenantAsync(Tenant, sp => sp.GetRequiredService<ChatService>().GetConversationAsync(conversationId, Token));
        Assert.Equal(2, stored.Messages.Count);
        var answer = Assert.Single(stored.Messages, m => m.Role == MessageRole.Assistant);
        Assert.Equal(turn.Answer.Text, answer.Content);
        Assert.Equal(AnswerTypes.Retrieval, answer.AnswerType);
        Assert.Equal(MunicipalCorpus.Base + "personalausweis", answer.Citations[0].Url);
        Assert.Equal(_host.Time.GetUtcNow(), stored.LastActivityAt);
        Assert.True(stored.CreatedAt < stored.LastActivityAt);
    }

    [Fact]
    public async Task Conversation_lists_its_messages_in_the_order_they_were_said()
    {
        // Question and answer of a turn are stored in the same instant (the answer one tick later).
        string[] questions = ["Hallo", "Wie beantrage ich einen neuen Personalausweis?", "Knöllchen bezahlen", "Danke"];
        var conversationId = await _host.InTenantAsync(Tenant, async sp =>
        {
            var chat = sp.GetRequiredService<ChatService>();
            var conversation = await chat.StartAsync(TenantProvisioning.DefaultAssistant, Token);
            foreach (var question in questions)
            {
                _host.Time.Advance(TimeSpan.FromSeconds(20));
                await chat.AskAsync(conversation.Id, question, null, Token);
            }

            return conversation.Id;
        });

        var stored = await _host.InTenantAsync(Tenant, sp => sp.GetRequiredService<ChatService>().GetConversationAsync(conversationId, Token));

        var messages = stored.Messages;
        for (var i = 0; i + 1 < messages.Count; i++)
        {
            Assert.True(messages[i].CreatedAt < messages[i + 1].CreatedAt,
                $"messages {i} and {i + 1} were stored with the same time {messages[i].CreatedAt:O}, so their order is undefined");
        }

        Assert.Equal(questions.SelectMany(_ => new[] { MessageRole.User, MessageRole.Assistant }), messages.Select(m => m.Role));
        Assert.Equal(questions, stored.Messages.Where(m => m.Role == MessageRole.User).Select(m => m.Content));
    }

    [Fact]
    public async Task Uncovered_question_is_stored_as_fallback()
    {
        var turn = await _host.InTenantAsync(Tenant, async sp =>
        {
            var chat = sp.GetRequiredService<ChatService>();
            var conversation = await chat.StartAsync(TenantProvisioning.DefaultAssistant, Token);
            return await chat.AskAsync(conversation.Id, "Wie hoch ist der Mond?", null, Token);
        });

        Assert.Equal(AnswerTypes.Fallback, turn.AnswerMessage!.AnswerType);
        Assert.Empty(turn.AnswerMessage!.Citations);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Empty_question_is_refused(string question)
    {
        await _host.InTenantAsync(Tenant, async sp =>
        {
            var chat = sp.GetRequiredService<ChatService>();
            var conversation = await chat.StartAsync(TenantProvisioning.DefaultAssistant, Token);
            await Assert.ThrowsAsync<ArgumentException>(() => chat.AskAsync(conversation.Id, question, null, Token));
        });
    }

    [Fact]
    public async Task Over_long_question_is_refused()
    {
        await _host.InTenantAsync(Tenant, async sp =>
        {
            var chat = sp.GetRequiredService<ChatService>();
            var conversation = await chat.StartAsync(TenantProvisioning.DefaultAssistant, Token);
            await Assert.ThrowsAsync<ArgumentException>(() =>
                chat.AskAsync(conversation.Id, new string('a', ChatService.MaxQuestionLength + 1), null, Token));
        });
    }

    [Fact]
    public async Task Another_tenants_conversation_does_not_exist()
    {
        var conversationId = await _host.InTenantAsync(Tenant, async sp =>
            (await sp.GetRequiredService<ChatService>().StartAsync(TenantProvisioning.DefaultAssistant, Token)).Id);

        await _host.InTenantAsync("andere-stadt", async sp =>
        {
            var chat = sp.GetRequiredService<ChatService>();
            await Assert.ThrowsAsync<NotFoundException>(() => chat.GetConversationAsync(conversationId, Token));
            await Assert.ThrowsAsync<NotFoundException>(() => chat.AskAsync(conversationId, "Personalausweis?", null, Token));
        });
    }

    [Fact]
    public async Task Unknown_assistant_does_not_exist()
    {
        await _host.InTenantAsync(Tenant, async sp =>
            await Assert.ThrowsAsync<NotFoundException>(() => sp.GetRequiredService<ChatService>().StartAsync("gibt-es-nicht", Token)));
    }

    [Fact]
    public async Task Feedback_is_one_rating_per_answer_and_the_last_one_counts()
    {
        var (conversationId, messageId, userMessageId) = await _host.InTenantAsync(Tenant, async sp =>
        {
            var chat = sp.GetRequiredService<ChatService>();
            var conversation = await chat.StartAsync(TenantProvisioning.DefaultAssistant, Token);
            var turn = await chat.AskAsync(conversation.Id, "Knöllchen bezahlen", null, Token);
            return (conversation.Id, turn.AnswerMessage!.Id, turn.UserMessage.Id);
        });

        await _host.InTenantAsync(Tenant, sp => sp.GetRequiredService<ChatService>()
            .AddFeedbackAsync(conversationId, messageId, FeedbackRating.Down, "  zu knapp ", Token));
        await _host.InTenantAsync(Tenant, sp => sp.GetRequiredService<ChatService>()
            .AddFeedbackAsync(conversationId, messageId, FeedbackRating.Up, null, Token));

        var feedback = Assert.Single(await _host.InTenantAsync(Tenant, sp => sp.GetRequiredService<StadtdialogDbContext>().Feedback.ToListAsync(Token)));
        Assert.Equal(FeedbackRating.Up, feedback.Rating);
        Assert.Equal("zu knapp", feedback.Comment);

        await _host.InTenantAsync(Tenant, async sp => await Assert.ThrowsAsync<NotFoundException>(() =>
            sp.GetRequiredService<ChatService>().AddFeedbackAsync(conversationId, userMessageId, FeedbackRating.Up, null, Token)));
        await _host.InTenantAsync("andere-stadt", async sp => await Assert.ThrowsAsync<NotFoundException>(() =>
            sp.GetRequiredService<ChatService>().AddFeedbackAsync(conversationId, messageId, FeedbackRating.Down, null, Token)));
    }

    [Fact]
    public async Task Evaluation_measures_ranks_and_abstentions()
    {
        EvalQuestion[] questions =
        [
            new("Wie beantrage ich einen neuen Personalausweis?", [MunicipalCorpus.Base + "personalausweis/"]),
            new("Knöllchen bezahlen", ["/verwarnungsgeld.md"]),
            new("Wie hoch ist der Mond?", []),
        ];

        var report = await _host.InTenantAsync(Tenant, async sp =>
        {
            var chat = sp.GetRequiredService<ChatService>();
            var tenant = await chat.GetTenantAsync(Token);
            var assistant = await chat.GetAssistantAsync(TenantProvisioning.DefaultAssistant, Token);
            return await sp.GetRequiredService<EvalRunner>().RunAsync(tenant, assistant, questions, Token);
        });

        Assert.Equal([1, 1, null], report.Outcomes.Select(o => o.Rank));
        Assert.Equal([false, false, true], report.Outcomes.Select(o => o.Abstained));
        Assert.Equal("hit@1=1.00 hit@5=1.00 mrr=1.00 n=2 abstain=1.00 false_abstain=0.00", report.Summary);
    }
}
