using System.Diagnostics;
using System.Globalization;
using System.Net;
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

    /// <summary>The operator API key this server accepts (<c>Stadtdialog:Admin:ApiKeys:0</c>), 32 characters.</summary>
    public const string AdminKey = "stadtdialog-test-admin-key-00001";

    private string? _allowedFolder;

    /// <summary>Folder with this server's SQLite database and search indexes.</summary>
    public string DataDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "stadtdialog-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Leave <see cref="DataDirectory"/> in place on dispose (to restart a server on the same data).</summary>
    public bool KeepData { get; init; }

    /// <summary>Chat messages per minute and client; 0 (the default here) switches the rate limit off.</summary>
    public int MessagesPerMinutePerClient { get; init; }

    public bool DemoEnabled { get; init; } = true;

    /// <summary>Replaces or adds services after the application's own registrations (e.g. a failing turn handler).</summary>
    public Action<IServiceCollection>? ConfigureTestServices { get; init; }

    /// <summary>Further configuration values (e.g. <c>Stadtdialog:Knowledge:Limits:MaxTextBytes</c>); they win over the defaults here.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// The server folder editors may register folder and file sources in (<c>Stadtdialog:Knowledge:AllowedFolders:0</c>);
    /// created on first use, beside <see cref="DataDirectory"/>, and deleted with it unless <see cref="KeepData"/>.
    /// </summary>
    public string AllowedFolder
    {
        get
        {
            var folder = _allowedFolder ??= DataDirectory + "-sources";
            Directory.CreateDirectory(folder);
            return folder;
        }
        init => _allowedFolder = value;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Stadtdialog:Data:Directory"] = DataDirectory,
            ["Stadtdialog:Demo:Enabled"] = DemoEnabled ? "true" : "false",
            ["Stadtdialog:Chat:MessagesPerMinutePerClient"] = MessagesPerMinutePerClient.ToString(CultureInfo.InvariantCulture),
            ["Stadtdialog:Admin:ApiKeys:0"] = AdminKey,
            ["Stadtdialog:Knowledge:AllowedFolders:0"] = AllowedFolder,
            ["Stadtdialog:Knowledge:Http:AllowPrivateNetworks"] = "true", // loopback test servers
            ["Stadtdialog:Knowledge:SchedulerIntervalSeconds"] = "1",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

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

    /// <summary>
    /// Creates a municipality with no knowledge yet, with the given assistants (none: the default citizens' assistant).
    /// </summary>
    public async Task CreateEmptyTenantAsync(string id, string name, ContactInfo contact, params AssistantConfig[] assistants)
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TenantProvisioning>().ApplyAsync(
            new TenantConfig { Id = id, Name = name, Contact = contact, Assistants = [.. assistants] }, TestContext.Current.CancellationToken);
    }

    /// <summary>A client of the administration API: it sends the operator key as bearer token.</summary>
    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    /// <summary>A staff password that satisfies the account rules.</summary>
    public const string StaffPassword = "Rathaus-Kaffee-2026";

    /// <summary>Creates a staff account with a role in <paramref name="tenant"/> (as operator) and returns a signed-in client (cookie).</summary>
    public async Task<HttpClient> SignInStaffAsync(string tenant, string email, string displayName, string role)
    {
        using (var admin = CreateAdminClient())
        {
            using var created = await admin.PostAsJsonAsync($"/api/tenants/{tenant}/staff",
                new { email, displayName, role, initialPassword = StaffPassword }, TestContext.Current.CancellationToken);
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        using var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password = StaffPassword }, TestContext.Current.CancellationToken);
        Assert.True(login.StatusCode == HttpStatusCode.OK, await login.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return client;
    }

    /// <summary>Creates a knowledge source (expects 201 Created with a Location header); returns the created source.</summary>
    public async Task<WireSource> CreateSourceAsync(string tenant, object request)
    {
        using var client = CreateAdminClient();
        using var response = await client.PostAsJsonAsync($"/api/tenants/{tenant}/sources", request, TestContext.Current.CancellationToken);
        await response.ShouldHaveStatusAsync(HttpStatusCode.Created);
        var source = await response.ReadJsonAsync<WireSource>();
        Assert.True(response.Headers.Location?.OriginalString == $"/api/tenants/{tenant}/sources/{source.Id}",
            $"Unexpected Location header '{response.Headers.Location}' for source {source.Id}.");
        return source;
    }

    /// <summary>
    /// Polls <c>GET /jobs/{id}</c> until the job has finished (succeeded, failed or cancelled) and returns it; fails with
    /// the last response body when it has not finished within <paramref name="timeout"/> (default 60 s).
    /// </summary>
    public async Task<WireJob> WaitForJobAsync(string tenant, Guid jobId, TimeSpan? timeout = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        using var client = CreateAdminClient();
        var clock = Stopwatch.StartNew();
        var last = "(no response)";
        while (true)
        {
            using (var response = await client.GetAsync($"/api/tenants/{tenant}/jobs/{jobId}", ct))
            {
                await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
                last = await response.Content.ReadAsStringAsync(ct);
                var job = await response.ReadJsonAsync<WireJob>();
                if (job.IsFinished)
                {
                    return job;
                }
            }

            if (clock.Elapsed > limit)
            {
                Assert.Fail($"Job {jobId} of {tenant} did not finish within {limit.TotalSeconds:0} s. Last response: {last}");
            }

            await Task.Delay(100, ct);
        }
    }

    /// <summary>
    /// Uploads files into an upload source as <c>multipart/form-data</c> (field <c>files</c>); returns the raw response
    /// (the caller asserts the status).
    /// </summary>
    public async Task<HttpResponseMessage> UploadAsync(string tenant, Guid sourceId, params (string Name, byte[] Content)[] files)
    {
        using var client = CreateAdminClient();
        using var form = new MultipartFormDataContent();
        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }

        return await client.PostAsync($"/api/tenants/{tenant}/sources/{sourceId}/files", form, TestContext.Current.CancellationToken);
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
    public async Task<StreamedAnswer> AskAsync(string tenant, Guid conversationId, string text, string? language = "de", bool? plainLanguage = null)
    {
        using var client = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{tenant}/conversations/{conversationId}/messages")
        {
            Content = JsonContent.Create(new { text, language, plainLanguage }),
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
        if (!KeepData)
        {
            DeleteQuietly(DataDirectory);
            if (_allowedFolder is not null)
            {
                DeleteQuietly(_allowedFolder);
            }
        }

        GC.SuppressFinalize(this);
    }

    private static void DeleteQuietly(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a file still held by a finalizer-bound handle stays in the temp folder.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
