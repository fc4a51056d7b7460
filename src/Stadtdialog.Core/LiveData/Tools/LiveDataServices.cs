using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Stadtdialog.Chat;

namespace Stadtdialog.LiveData.Tools;

public static class LiveDataServices
{
    /// <summary>Data connections, data tools and the live-data tier of the turn pipeline.</summary>
    public static IServiceCollection AddLiveData(this IServiceCollection services)
    {
        services.AddOptions<LiveDataOptions>().BindConfiguration(LiveDataOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => TimeZoneExists(o.TimeZone), "Stadtdialog:LiveData:TimeZone must be an IANA time zone id such as Europe/Berlin.")
            .ValidateOnStart();
        services.AddMemoryCache();
        services.TryAddSingleton<ILocalPlatform, NoLocalPlatform>();
        services.AddSingleton<DataPlatformClients>();
        services.AddSingleton<DataToolTexts>();
        services.AddSingleton<DataToolRunner>();
        services.AddSingleton<DataToolMatcher>();
        services.AddSingleton<DataToolCatalog>();
        services.AddSingleton<ITurnHandler, DataToolHandler>();
        return services;
    }

    private static bool TimeZoneExists(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
}
