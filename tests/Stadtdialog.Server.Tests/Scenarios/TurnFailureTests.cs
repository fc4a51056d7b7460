using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Stadtdialog.Chat;
using Stadtdialog.Server.Tests.Infrastructure;
using Xunit;

namespace Stadtdialog.Server.Tests.Scenarios;

/// <summary>A tier that breaks after the question was accepted: the citizen gets a clear error, never a broken stream.</summary>
public sealed class TurnFailureTests : IAsyncLifetime
{
    private readonly StadtdialogFactory _server = new()
    {
        ConfigureTestServices = services => services.AddSingleton<ITurnHandler, BrokenTier>(),
    };

    [Fact]
    public async Task A_failing_tier_ends_the_stream_with_an_error_event_and_no_answer()
    {
        var (_, answer) = await _server.AskNewAsync(StadtdialogFactory.DemoTenant, "Wie beantrage ich einen neuen Personalausweis?");

        var names = answer.Events.Select(e => e.Name).ToList();
        Assert.True(names.SequenceEqual(["error"]), $"Expected exactly one error event. Stream:\n{answer}");
        var error = answer.Events[0].As<WireError>();
        Assert.False(string.IsNullOrWhiteSpace(error.Title));
        Assert.DoesNotContain("broken on purpose", answer.Raw, StringComparison.Ordinal); // details stay in the log
    }

    [Fact]
    public async Task A_failing_tier_without_streaming_is_a_500_problem()
    {
        var conversation = await _server.StartConversationAsync(StadtdialogFactory.DemoTenant, StadtdialogFactory.DemoAssistant);
        using var client = _server.CreateClient();

        using var response = await client.PostAsJsonAsync(
            $"/api/tenants/{StadtdialogFactory.DemoTenant}/conversations/{conversation}/messages",
            new { text = "Wie beantrage ich einen neuen Personalausweis?" }, TestContext.Current.CancellationToken);

        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.InternalServerError, $"Got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("broken on purpose", body, StringComparison.Ordinal);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private sealed record WireError(string Title, string Detail);

    private sealed class BrokenTier : ITurnHandler
    {
        public int Order => 0;

        public ValueTask<TurnAnswer?> TryAnswerAsync(TurnContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("broken on purpose");
    }
}
