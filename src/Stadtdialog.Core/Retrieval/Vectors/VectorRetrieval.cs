using Microsoft.Extensions.DependencyInjection;

namespace Stadtdialog.Retrieval.Vectors;

/// <summary>Registers the optional vector side of retrieval (used only for tenants with an embedding model).</summary>
public static class VectorRetrieval
{
    public static IServiceCollection AddVectorRetrieval(this IServiceCollection services)
    {
        services.AddOptions<VectorOptions>().BindConfiguration(VectorOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IVectorStore, SqliteVectorStore>();
        services.AddSingleton<EmbeddingIndexer>();
        services.AddScoped<HybridSearch>();
        return services;
    }
}
