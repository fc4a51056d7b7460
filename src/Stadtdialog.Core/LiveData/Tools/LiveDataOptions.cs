using System.ComponentModel.DataAnnotations;

namespace Stadtdialog.LiveData.Tools;

/// <summary>Live data options (section <c>Stadtdialog:LiveData</c>).</summary>
public sealed class LiveDataOptions
{
    public const string Section = "Stadtdialog:LiveData";

    /// <summary>Time zone in which times are shown to citizens (IANA id).</summary>
    [Required]
    public string TimeZone { get; set; } = "Europe/Berlin";

    /// <summary>Upper bound for any connection's cache time: no value is ever reused longer than this.</summary>
    [Range(0, 86_400)]
    public int MaxCacheSeconds { get; set; } = 3600;

    /// <summary>
    /// Where connections with a path as base URL (the bundled demo platform) are reached; default: the server's own
    /// first HTTP address.
    /// </summary>
    public string? LocalBaseUrl { get; set; }

    /// <summary>
    /// Allow data connections to loopback, private and link-local addresses (a FROST-Server in the same cluster).
    /// Off by default: a tenant's editor must not be able to reach the installation's internal services. Connections
    /// whose base URL is a path (this server's demo platform) are always allowed.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Most items (garages, stations, events) one answer lists.</summary>
    [Range(1, 100)]
    public int MaxItems { get; set; } = 10;

    /// <summary>Most lines one chart draws.</summary>
    [Range(1, 12)]
    public int MaxSeries { get; set; } = 4;
}

/// <summary>
/// How connections whose base URL is a path reach this server itself (the bundled demo platform). The server
/// provides its listening address; without a server (CLI) such connections are unavailable.
/// </summary>
public interface ILocalPlatform
{
    /// <summary>The server's own base address, or null when it is not known (yet).</summary>
    Uri? BaseAddress { get; }

    /// <summary>The handler that reaches it (a new one per call; the caller disposes it).</summary>
    HttpMessageHandler CreateHandler();
}

/// <summary>No local server: connections with a path as base URL are unavailable (CLI, workers).</summary>
public sealed class NoLocalPlatform : ILocalPlatform
{
    public Uri? BaseAddress => null;

    public HttpMessageHandler CreateHandler() => new SocketsHttpHandler();
}
