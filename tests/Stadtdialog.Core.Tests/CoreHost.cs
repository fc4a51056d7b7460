using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Stadtdialog.Data;
using Stadtdialog.Knowledge;
using Stadtdialog.Retrieval;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Core.Tests;

/// <summary>
/// The core services as the server and CLI wire them, over a real SQLite file and real index folders in a temp
/// directory that is deleted on dispose. Time is a <see cref="FakeTimeProvider"/>. Work runs in a DI scope per
/// tenant, like a request does.
/// </summary>
public sealed class CoreHost : IAsyncDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ServiceProvider _services;

    private CoreHost(IReadOnlyDictionary<string, string?>? settings = null)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Stadtdialog:Data:Directory"] = DataDirectory,
                ["Stadtdialog:Knowledge:Http:AllowPrivateNetworks"] = "true", // loopback test servers
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(Time);
        services.AddLogging();
        services.AddStadtdialogCore();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public FakeTimeProvider Time { get; }

    public string DataDirectory => _folder.Combine("data");

    public string DatabaseFile => Path.Combine(DataDirectory, "stadtdialog.db");

    /// <summary>A folder for a tenant's content files.</summary>
    public TempFolder Content { get; } = new();

    /// <param name="settings">Extra configuration (e.g. <c>Stadtdialog:Mail:*</c>) over the defaults.</param>
    public static async Task<CoreHost> StartAsync(CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var host = new CoreHost(settings);
        await host._services.MigrateDatabaseAsync(cancellationToken);
        return host;
    }

    /// <summary>Runs <paramref name="work"/> in a fresh scope whose tenant is <paramref name="tenantId"/> (created on first use).</summary>
    public async Task<T> InTenantAsync<T>(string tenantId, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TenantProvisioning>().EnsureAsync(tenantId, CancellationToken.None);
        return await work(scope.ServiceProvider);
    }

    public Task InTenantAsync(string tenantId, Func<IServiceProvider, Task> work) =>
        InTenantAsync(tenantId, async sp =>
        {
            await work(sp);
            return true;
        });

    /// <summary>Runs <paramref name="work"/> in a fresh scope without a tenant.</summary>
    public async Task<T> WithoutTenantAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = _services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    public Task<IngestionReport> IngestAsync(string tenantId, string folder, CancellationToken cancellationToken,
        IProgress<IngestionProgress>? progress = null) =>
        InTenantAsync(tenantId, sp => sp.GetRequiredService<KnowledgeIngestor>().IngestFolderAsync(folder, progress, cancellationToken));

    public Task<IngestionReport> IngestAsync(CancellationToken cancellationToken) => IngestAsync("testtown", Content.Path, cancellationToken);

    /// <summary>Registers a source of the tenant (once) and runs it, like a job does.</summary>
    public Task<IngestionReport> RunSourceAsync(string tenantId, KnowledgeSourceType type, string location,
        CancellationToken cancellationToken, Action<SourceSettings>? configure = null) =>
        InTenantAsync(tenantId, async sp =>
        {
            var ingestor = sp.GetRequiredService<KnowledgeIngestor>();
            var source = await ingestor.EnsureSourceAsync(type, location, cancellationToken: cancellationToken);
            if (configure is not null)
            {
                var db = sp.GetRequiredService<StadtdialogDbContext>();
                var tracked = await db.KnowledgeSources.SingleAsync(s => s.Id == source.Id, cancellationToken);
                configure(tracked.Settings);
                db.Entry(tracked).Reference(s => s.Settings).IsModified = true;
                await db.SaveChangesAsync(cancellationToken);
            }

            return await ingestor.RunAsync(source.Id, cancellationToken: cancellationToken);
        });

    public SearchResult Search(string tenantId, string question)
    {
        var registry = _services.GetRequiredService<SearchIndexRegistry>();
        return _services.GetRequiredService<KnowledgeSearch>()
            .Search(registry.Get(tenantId), registry.Synonyms(tenantId, []), question);
    }

    public async ValueTask DisposeAsync()
    {
        var connectionString = _services.GetRequiredService<IOptions<DataOptions>>().Value.ResolveConnectionString();
        await _services.DisposeAsync();

        // Pooled connections keep the database file open; release only this host's pool (tests run in parallel).
        using (var connection = new SqliteConnection(connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        Content.Dispose();
        _folder.Dispose();
    }
}
