using System.Net;
using System.Net.Http.Json;
using Stadtdialog.Data;
using Stadtdialog.Server.Tests.Infrastructure;
using Xunit;

namespace Stadtdialog.Server.Tests.Scenarios;

/// <summary>Two municipalities on one platform (next to the demo): neither sees the other's content or conversations.</summary>
public sealed class TenantIsolationTests(TenantIsolationTests.TwoTenants fixture) : IClassFixture<TenantIsolationTests.TwoTenants>
{
    private const string A = "stadt-a";
    private const string B = "stadt-b";
    private const string Assistant = "buergerservice";
    private const string DogTaxQuestion = "Wie melde ich meinen Hund für die Hundesteuer an?";
    private const string SpaTaxQuestion = "Wie hoch ist die Kurtaxe pro Nacht?";

    private StadtdialogFactory Server => fixture.Server;

    [Fact]
    public async Task Each_tenant_answers_from_its_own_pages()
    {
        var (_, a) = await Server.AskNewAsync(A, DogTaxQuestion, Assistant);
        var (_, b) = await Server.AskNewAsync(B, SpaTaxQuestion, Assistant);

        Assert.True(a.Done.AnswerType == "retrieval", $"A should answer about the dog tax. Stream:\n{a}");
        Assert.Contains(a.Citations, c => c.Url == TwoTenants.DogTaxUrl);
        Assert.True(b.Done.AnswerType == "retrieval", $"B should answer about the spa tax. Stream:\n{b}");
        Assert.Contains(b.Citations, c => c.Url == TwoTenants.SpaTaxUrl);
    }

    [Fact]
    public async Task Asking_b_about_a_topic_only_a_covers_falls_back_to_b_contact()
    {
        var (_, answer) = await Server.AskNewAsync(B, DogTaxQuestion, Assistant);

        Assert.True(answer.Done.AnswerType == "fallback", $"B has no dog tax page and must fall back. Stream:\n{answer}");
        Assert.DoesNotContain(answer.Citations, c => c.Url.Contains("stadt-a", StringComparison.Ordinal) || c.Url.StartsWith("/demo/", StringComparison.Ordinal));
        Assert.DoesNotContain("stadt-a", answer.Raw, StringComparison.Ordinal);
        Assert.DoesNotContain("96 Euro", answer.Text, StringComparison.Ordinal);
        Assert.Equal(TwoTenants.ContactB.Phone, answer.Done.Contact?.Phone);
    }

    [Fact]
    public async Task Conversation_of_b_cannot_be_used_under_a()
    {
        var (conversationB, answerB) = await Server.AskNewAsync(B, SpaTaxQuestion, Assistant);
        using var client = Server.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        using var post = await client.PostAsJsonAsync($"/api/tenants/{A}/conversations/{conversationB}/messages",
            new { text = DogTaxQuestion }, ct);
        await post.ShouldBeProblemAsync(HttpStatusCode.NotFound);

        using var get = await client.GetAsync($"/api/tenants/{A}/conversations/{conversationB}", ct);
        await get.ShouldBeProblemAsync(HttpStatusCode.NotFound);

        using var feedback = await Server.SendFeedbackAsync(A, conversationB, answerB.Done.MessageId, new { rating = "down" });
        await feedback.ShouldBeProblemAsync(HttpStatusCode.NotFound);

        // B still has its conversation, with only its own turn in it.
        var stored = await Server.GetConversationAsync(B, conversationB);
        Assert.Equal(2, stored.Messages.Count);
    }

    [Fact]
    public async Task Conversation_of_a_cannot_be_read_under_b_or_the_demo_tenant()
    {
        var (conversationA, _) = await Server.AskNewAsync(A, DogTaxQuestion, Assistant);
        using var client = Server.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        using var underB = await client.GetAsync($"/api/tenants/{B}/conversations/{conversationA}", ct);
        await underB.ShouldBeProblemAsync(HttpStatusCode.NotFound);

        using var underDemo = await client.GetAsync($"/api/tenants/{StadtdialogFactory.DemoTenant}/conversations/{conversationA}", ct);
        await underDemo.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Tenant_profiles_show_their_own_contact()
    {
        using var client = Server.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        using var a = await (await client.GetAsync($"/api/tenants/{A}", ct)).EnsureSuccessWithBodyAsync();
        using var b = await (await client.GetAsync($"/api/tenants/{B}", ct)).EnsureSuccessWithBodyAsync();

        Assert.Contains(TwoTenants.ContactA.Phone!, await a.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Contains(TwoTenants.ContactB.Phone!, await b.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    /// <summary>One server with tenants A (dog tax page) and B (spa tax page), each from its own folder.</summary>
    public sealed class TwoTenants : IAsyncLifetime
    {
        public const string DogTaxUrl = "https://www.stadt-a.example/finanzen/hundesteuer";
        public const string SpaTaxUrl = "https://www.stadt-b.example/tourismus/kurtaxe";

        public static readonly ContactInfo ContactA = new() { Name = "Bürgeramt Stadt A", Phone = "01111 1111", Email = "post@stadt-a.example" };
        public static readonly ContactInfo ContactB = new() { Name = "Gästeamt Stadt B", Phone = "02222 2222", Email = "post@stadt-b.example" };

        private readonly string _content = Path.Combine(Path.GetTempPath(), "stadtdialog-tests", "content-" + Guid.NewGuid().ToString("N"));

        public StadtdialogFactory Server { get; } = new();

        public async ValueTask InitializeAsync()
        {
            var folderA = Write("a/finanzen/hundesteuer.md", $"""
                ---
                title: Hundesteuer
                url: {DogTaxUrl}
                description: Hund anmelden und Hundesteuer zahlen in Stadt A.
                ---
                # Hundesteuer

                Wer in Stadt A einen Hund hält, muss den Hund innerhalb von zwei Wochen bei der Steuerabteilung zur
                Hundesteuer anmelden. Die Hundesteuer beträgt 96 Euro im Jahr für den ersten Hund und 120 Euro für
                jeden weiteren Hund.

                ## Hund anmelden

                Die Anmeldung des Hundes zur Hundesteuer erfolgt mit dem Formular „Hundeanmeldung“ bei der
                Steuerabteilung von Stadt A. Nach der Anmeldung erhalten Sie eine Hundesteuermarke.
                """);
            var folderB = Write("b/tourismus/kurtaxe.md", $"""
                ---
                title: Kurtaxe
                url: {SpaTaxUrl}
                description: Kurtaxe für Übernachtungsgäste in Stadt B.
                ---
                # Kurtaxe

                Übernachtungsgäste in Stadt B zahlen eine Kurtaxe von 2,50 Euro pro Person und Nacht. Die Kurtaxe
                wird von der Unterkunft eingezogen und an das Gästeamt abgeführt.

                ## Befreiung von der Kurtaxe

                Kinder unter 16 Jahren und Schwerbehinderte mit Merkzeichen B sind von der Kurtaxe befreit.
                Mit der Gästekarte nutzen Sie den Stadtbus kostenlos.
                """);

            await Server.CreateTenantAsync(A, "Stadt A", ContactA, folderA);
            await Server.CreateTenantAsync(B, "Stadt B", ContactB, folderB);
        }

        private string Write(string relativePath, string text)
        {
            var path = Path.Combine(_content, relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
            return Path.Combine(_content, relativePath.Split('/')[0]);
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            if (Directory.Exists(_content))
            {
                Directory.Delete(_content, recursive: true);
            }
        }
    }
}
