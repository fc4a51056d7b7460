using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Stadtdialog.LiveData.Tools;

/// <summary>
/// One HTTP pipeline per data connection (timeout, jittered retries, circuit breaker, authentication), kept as long
/// as the connection is unchanged so that the circuit breaker and the OAuth2 token survive between questions.
/// Connection secrets are encrypted with ASP.NET Core Data Protection and decrypted only here.
/// </summary>
public sealed class DataPlatformClients(
    IDataProtectionProvider protection, ILocalPlatform local, IOptions<LiveDataOptions> options, TimeProvider time) : IDisposable
{
    private const string SecretPurpose = "Stadtdialog.DataConnectionSecret.v1";
    private readonly IDataProtector _protector = protection.CreateProtector(SecretPurpose);
    private readonly ConcurrentDictionary<Guid, (DateTimeOffset Version, Lazy<HttpClient> Client)> _clients = new();
    private readonly Lazy<HttpClient> _download = new(() => DataConnections.CreateClient(
        new DataConnectionSettings { BaseUrl = new Uri("http://localhost/"), Timeout = TimeSpan.FromSeconds(30), Retries = 1 },
        new DataConnectionSecrets(), time, GuardedNetwork(options.Value)));

    public string Protect(string secret) => _protector.Protect(secret);

    /// <summary>The connection's base URL as an absolute URI (a path is resolved against this server).</summary>
    public Uri BaseUrl(DataConnection connection)
    {
        if (!connection.IsLocal)
        {
            return new Uri(connection.BaseUrl, UriKind.Absolute);
        }

        var root = options.Value.LocalBaseUrl is { Length: > 0 } configured ? new Uri(configured, UriKind.Absolute) : local.BaseAddress;
        return root is null
            ? throw new LiveDataUnavailableException("Die Demo-Datenplattform ist nur über den laufenden Server erreichbar.")
            : new Uri(root, connection.BaseUrl);
    }

    /// <summary>The HTTP client for a connection (shared; do not dispose).</summary>
    public HttpClient Get(DataConnection connection)
    {
        var entry = _clients.AddOrUpdate(connection.Id,
            _ => (connection.UpdatedAt, Create(connection)),
            (_, existing) => existing.Version == connection.UpdatedAt ? existing : Replace(existing, connection));
        return entry.Client.Value;
    }

    /// <summary>
    /// The client for downloading a file a catalogue points to: the connection's own when the file is on the
    /// platform's host, else one without the platform's credentials (they must never go to another host).
    /// </summary>
    public HttpClient Download(DataConnection connection, Uri url) =>
        string.Equals(BaseUrl(connection).Authority, url.Authority, StringComparison.OrdinalIgnoreCase) ? Get(connection) : _download.Value;

    /// <summary>Forgets a deleted or changed connection's client.</summary>
    public void Forget(Guid connectionId)
    {
        if (_clients.TryRemove(connectionId, out var old) && old.Client.IsValueCreated)
        {
            old.Client.Value.Dispose();
        }
    }

    private (DateTimeOffset, Lazy<HttpClient>) Replace((DateTimeOffset Version, Lazy<HttpClient> Client) old, DataConnection connection)
    {
        if (old.Client.IsValueCreated)
        {
            // Requests in flight still use the old client: dispose it once they are surely done.
            var client = old.Client.Value;
            _ = Task.Delay(TimeSpan.FromMinutes(3), time).ContinueWith(_ => client.Dispose(), TaskScheduler.Default);
        }

        return (connection.UpdatedAt, Create(connection));
    }

    private Lazy<HttpClient> Create(DataConnection connection) => new(() =>
    {
        var settings = new DataConnectionSettings
        {
            BaseUrl = BaseUrl(connection),
            Auth = connection.Auth,
            ApiKeyHeader = string.IsNullOrWhiteSpace(connection.ApiKeyHeader) ? "X-API-Key" : connection.ApiKeyHeader,
            TokenEndpoint = connection.TokenEndpoint is { Length: > 0 } t ? new Uri(t, UriKind.Absolute) : null,
            ClientId = connection.ClientId,
            Scope = connection.Scope,
            Timeout = TimeSpan.FromSeconds(Math.Clamp(connection.TimeoutSeconds, 1, 120)),
            Retries = Math.Clamp(connection.Retries, 0, 5),
        };
        var secrets = new DataConnectionSecrets(Unprotect(connection.ProtectedApiKey), Unprotect(connection.ProtectedClientSecret));
        return DataConnections.CreateClient(settings, secrets, time, connection.IsLocal ? local.CreateHandler() : GuardedNetwork(options.Value));
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The network to other hosts: internal addresses only where the operator allows them (DNS rebinding included).</summary>
    private static SocketsHttpHandler GuardedNetwork(LiveDataOptions options) => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = System.Net.DecompressionMethods.All,
        ConnectCallback = Knowledge.Sources.PrivateNetworkGuard.ConnectCallback(options.AllowPrivateNetworks,
            LiveDataOptions.Section + ":" + nameof(LiveDataOptions.AllowPrivateNetworks), "read live data from"),
    };

    private string? Unprotect(string? protectedSecret)
    {
        if (protectedSecret is null)
        {
            return null;
        }

        try
        {
            return _protector.Unprotect(protectedSecret);
        }
        catch (CryptographicException ex)
        {
            throw new LiveDataUnavailableException(
                "Das gespeicherte Zugangsgeheimnis der Datenverbindung kann nicht entschlüsselt werden (Schlüsselbund gewechselt?). Bitte neu eingeben.", ex);
        }
    }

    public void Dispose()
    {
        foreach (var (_, client) in _clients.Values)
        {
            if (client.IsValueCreated)
            {
                client.Value.Dispose();
            }
        }

        _clients.Clear();
        if (_download.IsValueCreated)
        {
            _download.Value.Dispose();
        }
    }
}
