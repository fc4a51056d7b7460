using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Stadtdialog.Chat;
using Stadtdialog.Data;
using Stadtdialog.Evaluation;
using Stadtdialog.Generative;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Logging;
using Stadtdialog.Knowledge;
using Stadtdialog.LiveData.Tools;
using Stadtdialog.Mail;
using Stadtdialog.Knowledge.Jobs;
using Stadtdialog.Knowledge.Sources;
using Stadtdialog.Retrieval;
using Stadtdialog.Retrieval.Vectors;
using Stadtdialog.Tenancy;

namespace Stadtdialog;

/// <summary>Registers the core services shared by the server, the CLI and the workers.</summary>
public static class StadtdialogCore
{
    public const string MigrationsAssembly = "Stadtdialog.Migrations.Sqlite";

    public static IServiceCollection AddStadtdialogCore(this IServiceCollection services)
    {
        services.AddOptions<DataOptions>().BindConfiguration(DataOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<TenantContext>();
        services.AddSingleton<TenantDirectory>();
        services.AddDbContext<StadtdialogDbContext>((sp, options) =>
        {
            var data = sp.GetRequiredService<IOptions<DataOptions>>().Value;
            Directory.CreateDirectory(data.FullDirectory);
            options.UseSqlite(data.ResolveConnectionString(), sqlite => sqlite.MigrationsAssembly(MigrationsAssembly))
                .AddInterceptors(new SqlitePragmas());
        });

        services.AddSingleton(_ => new GermanTextAnalysis());
        services.AddSingleton<SearchIndexRegistry>();
        services.AddSingleton<KnowledgeSearch>();
        services.AddVectorRetrieval();
        services.AddSingleton<ExtractiveAnswerer>();
        services.AddSingleton<ITurnHandler, RulesHandler>();
        services.AddSingleton<ITurnHandler, RetrievalHandler>();
        services.AddSingleton<ITurnHandler, GenerativeHandler>();
        services.AddLiveData();
        services.AddOptions<LlmOptions>().BindConfiguration(LlmOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(LanguageModels.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddDataProtection().SetApplicationName("Stadtdialog");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<DataOptions>, ILoggerFactory>((keys, data, loggers) =>
            keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(data.Value.FullDirectory, "keys")), loggers));
        services.AddSingleton<TokenBudgets>();
        services.AddSingleton<LanguageModels>();
        services.AddSingleton(_ => LanguageDetection.Instance);
        services.AddSingleton<QueryTranslation>();
        services.AddSingleton<TurnPipeline>();
        services.AddScoped<ChatService>();
        services.AddSingleton<Handover.ConversationHub>();
        services.AddScoped<Handover.HandoverService>();
        services.AddOptions<KnowledgeOptions>().BindConfiguration(KnowledgeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddKnowledgeHttp();
        services.AddSingleton<IKnowledgeConnector, FolderConnector>();
        services.AddSingleton<IKnowledgeConnector, FeedConnector>();
        services.AddSingleton<IKnowledgeConnector, WebsiteConnector>();
        services.AddScoped<KnowledgeIngestor>();
        services.AddSingleton<IngestionQueue>();
        services.AddScoped<IngestionJobs>();
        services.AddSingleton<IngestionJobRunner>();
        services.AddScoped<TenantProvisioning>();
        services.AddScoped<EvalRunner>();
        services.AddMail();
        return services;
    }

    /// <summary>Applies pending migrations (creates the database on first start).</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StadtdialogDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
    }
}
