using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Stadtdialog.Data;
using Stadtdialog.Knowledge;
using Stadtdialog.Tenancy;
using Xunit;

namespace Stadtdialog.Server.Tests.Infrastructure;

/// <summary>
/// The real server on the in-memory test server, with its own SQLite database and search index in a temporary folder
/// (deleted on dispose). The demo municipality is provisioned on start unless <see cref="DemoEnabled"/> is off.
/// Tests talk to it through the intent methods below (or plain HTTP), not through its services.
/// </summary>
public sealed class StadtdialogFactory : WebApplicationFactory<Program>
{
    public const string DemoTenant = "musterstadt";
    public const string DemoAssistant = "buergerservice";

    /// <summary>Folder with this server's SQLite database and search indexes.</summary>
    public string DataDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "stadtdialog-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Leave <see cref="DataDirectory"/> in place on dispose (to restart a server on the same data).</summary>
    public bool KeepData { get; init; }

    /// <summary>Chat messages per minute and client; 0 (the default here) switches the rate limit off.</summary>
    public int MessagesPerMinutePerClient { get; init; }

    public bool DemoEnabled { get; init; } = true;

    /// <summary>Replaces or adds services after the application's own registrations (e.g. a failing turn handler).</summary>
    public Action<IServiceCollection>? ConfigureTestServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Stadtdialog:Data:Directory"] = DataDirectory,
            ["Stadtdialog:Demo:Enabled"] = DemoEnabled ? "true" : "false",
            ["Stadtdialog:Chat:MessagesPerMinutePerClient"] = MessagesPerMinutePerClient.ToString(CultureInfo.InvariantCulture),
        };

        builder.UseEnvironment(Environments.Development);
        foreach (var (key, value) in settings)
        {
            // Host settings are visible while Program.cs builds the app (the rate limit is read there) ...
            builder.UseSetting(key, value);
        }

        // ... and the same values as the last configuration source win over appsettings.json.
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
        builder.ConfigureLogging(logging => logging.AddProvider(new TestOutputLoggerProvider()));
        if (ConfigureTestServices is { } configure)
        {
            builder.ConfigureTestServices(configure);
        }
    }

    /// <summary>Creates a municipality with the default citizens' assistant and ingests a folder of Markdown/HTML pages.</summary>
    public async Task<IngestionReport> CreateTenantAsync(string id, string name, ContactInfo contact, string contentFolder)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TenantProvisioning>().ApplyAsync(
            new TenantConfig { Id = id, Name = name, Contact = contact }, ct);
        var report = await scope.ServiceProvider.GetRequiredService<KnowledgeIngestor>()
            .IngestFolderAsync(contentFolder, cancellationToken: ct);
        Assert.True(report.Failed == 0 && report.Chunks > 0,
            $"Ingesting {contentFolder} for {id} did not go cleanly: {report} {string.Join("; ", report.Errors)}");
        return report;
    }

    /// <summary>Starts a conversation; returns its id.</summary>
    public async Task<Guid> StartConversationAsync(string tenant, string assistant)
    {
        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync(
            $"/api/tenants/{tenant}/assistants/{assistant}/conversations", new { }, TestContext.Current.CancellationToken);
        await response.ShouldHaveStatusAsync(System.Net.HttpStatusCode.Created);
        var started = await response.Content.ReadFromJsonAsync<WireConversationStarted>(Wire.Json, TestContext.Current.CancellationToken);
        Assert.NotNull(started);
        Assert.NotEqual(Guid.Empty, started.Id);
        return started.Id;
    }

    /// <summary>Asks a question with <c>Accept: text/event-stream</c> and parses the streamed answer.</summary>
    public async Task<StreamedAnswer> AskAsync(string tenant, Guid conversationId, string text, string? language = "de")
    {
        using var client = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{tenant}/conversations/{conversationId}/messages")
        {
            Content = JsonContent.Create(new { text, language }),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        await response.EnsureSuccessWithBodyAsync();
        var raw = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.Content.Headers.ContentType?.MediaType == "text/event-stream",
            $"Expected text/event-stream but got {response.Content.Headers.ContentType}. Body: {raw}");
        return new StreamedAnswer(SseParser.Parse(raw), raw);
    }

    /// <summary>Asks a question in a new conversation with the tenant's default assistant.</summary>
    public async Task<(Guid ConversationId, StreamedAnswer Answer)> AskNewAsync(string tenant, string text, string assistant = DemoAssistant)
    {
        var id = await StartConversationAsync(tenant, assistant);
        return (id, await AskAsync(tenant, id, text));
    }

    public async Task<WireConversation> GetConversationAsync(string tenant, Guid conversationId)
    {
        using var client = CreateClient();
        using var response = await client.GetAsync($"/api/tenants/{tenant}/conversations/{conversationId}", TestContext.Current.CancellationToken);
        await response.EnsureSuccessWithBodyAsync();
        return await response.Content.ReadFromJsonAsync<WireConversation>(Wire.Json, TestContext.Current.CancellationToken)
            ?? throw new InvalidOperationException("empty conversation");
    }

    /// <summary>Sends feedback and returns the raw response (the caller asserts the status).</summary>
    public async Task<HttpResponseMessage> SendFeedbackAsync(string tenant, Guid conversationId, Guid messageId, object body)
    {
        using var client = CreateClient();
        return await client.PostAsJsonAsync(
            $"/api/tenants/{tenant}/conversations/{conversationId}/messages/{messageId}/feedback", body, TestContext.Current.CancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools(); // pooled connections keep the database file open
        try
        {
            if (!KeepData && Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a file still held by a finalizer-bound handle stays in the temp folder.
        }
        catch (UnauthorizedAccessException)
        {
        }

        GC.SuppressFinalize(this);
    }
}
