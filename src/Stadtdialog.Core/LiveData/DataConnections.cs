using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Stadtdialog.LiveData;

public enum DataAuthKind
{
    None,

    /// <summary>A fixed key sent in a header (e.g. an APISIX or Kong gateway key).</summary>
    ApiKey,

    /// <summary>OAuth2 client credentials against an OIDC token endpoint (e.g. Keycloak in CIVITAS CORE).</summary>
    OAuth2ClientCredentials,
}

/// <summary>How Stadtdialog reaches one urban data platform of a tenant.</summary>
public sealed class DataConnectionSettings
{
    public required Uri BaseUrl { get; init; }

    public DataAuthKind Auth { get; init; }

    /// <summary>Header for <see cref="DataAuthKind.ApiKey"/>.</summary>
    public string ApiKeyHeader { get; init; } = "X-API-Key";

    /// <summary>Token endpoint for client credentials, e.g. <c>https://idp/realms/x/protocol/openid-connect/token</c>.</summary>
    public Uri? TokenEndpoint { get; init; }

    public string? ClientId { get; init; }

    public string? Scope { get; init; }

    /// <summary>Time for one request to the platform, retries included.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of a failed idempotent request (5xx, 408, 429, connection errors), with jittered back-off.</summary>
    public int Retries { get; init; } = 2;
}

/// <summary>The secrets of a connection, decrypted only for building its client.</summary>
public sealed record DataConnectionSecrets(string? ApiKey = null, string? ClientSecret = null);

/// <summary>
/// Builds the HTTP pipeline to an urban data platform: a total timeout, retries with jittered exponential back-off
/// and a circuit breaker (Microsoft.Extensions.Http.Resilience), then authentication (API key header or OAuth2
/// client credentials with a cached, refreshed token), then the network. The platform is protected from a chat
/// storm, and a slow or failing platform turns into <see cref="LiveDataUnavailableException"/> quickly.
/// </summary>
public static class DataConnections
{
    public static HttpClient CreateClient(DataConnectionSettings settings, DataConnectionSecrets secrets, TimeProvider time,
        HttpMessageHandler? network = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        network ??= new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AutomaticDecompression = DecompressionMethods.All };
        HttpMessageHandler handler = settings.Auth switch
        {
            DataAuthKind.ApiKey => new ApiKeyHandler(settings.ApiKeyHeader,
                secrets.ApiKey ?? throw new ArgumentException("The connection needs an API key.", nameof(secrets))) { InnerHandler = network },
            DataAuthKind.OAuth2ClientCredentials => new ClientCredentialsHandler(
                settings.TokenEndpoint ?? throw new ArgumentException("The connection needs a token endpoint.", nameof(settings)),
                settings.ClientId ?? throw new ArgumentException("The connection needs a client id.", nameof(settings)),
                secrets.ClientSecret ?? throw new ArgumentException("The connection needs a client secret.", nameof(secrets)),
                settings.Scope, time, new HttpClient(network, disposeHandler: false))
            { InnerHandler = network },
            _ => network,
        };

        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }.AddTimeout(settings.Timeout);
        if (settings.Retries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = settings.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
            });
        }

        var pipeline = builder
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5, MinimumThroughput = 6, SamplingDuration = TimeSpan.FromSeconds(30), BreakDuration = TimeSpan.FromSeconds(30),
            })
            .Build();
        return new HttpClient(new PlatformErrorHandler { InnerHandler = new ResilienceHandler(pipeline) { InnerHandler = handler } })
        {
            BaseAddress = settings.BaseUrl,
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }
}

/// <summary>The resilience pipeline's own refusals (open circuit, total timeout) in the platform's terms.</summary>
internal sealed class PlatformErrorHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        catch (Polly.CircuitBreaker.BrokenCircuitException ex)
        {
            throw new LiveDataUnavailableException("Die Datenplattform hat zuletzt wiederholt nicht geantwortet; sie wird gerade geschont.", ex);
        }
        catch (Polly.Timeout.TimeoutRejectedException ex)
        {
            throw new LiveDataUnavailableException("Die Datenplattform hat nicht rechtzeitig geantwortet.", ex);
        }
    }
}

/// <summary>Sends a fixed API key in a header.</summary>
internal sealed class ApiKeyHandler(string header, string key) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove(header);
        request.Headers.TryAddWithoutValidation(header, key);
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>
/// OAuth2 client credentials: fetches a token from the token endpoint, caches it until shortly before it expires
/// (one fetch at a time), and on a 401 from the platform fetches a fresh one and repeats the request once.
/// </summary>
internal sealed class ClientCredentialsHandler(
    Uri tokenEndpoint, string clientId, string clientSecret, string? scope, TimeProvider time, HttpClient tokenClient) : DelegatingHandler
{
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _expires;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await TokenAsync(forceRefresh: false, stale: null, cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || request.Content is not null and not { Headers.ContentLength: 0 })
        {
            return response;
        }

        // The token was revoked or expired early: one fresh token, one more try.
        response.Dispose();
        token = await TokenAsync(forceRefresh: true, stale: token, cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken);
    }

    private async Task<string> TokenAsync(bool forceRefresh, string? stale, CancellationToken cancellationToken)
    {
        if (!forceRefresh && _token is { } cached && time.GetUtcNow() < _expires)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Another request may have refreshed it while this one waited.
            if (_token is { } current && time.GetUtcNow() < _expires && (!forceRefresh || current != stale))
            {
                return current;
            }

            var form = new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = clientSecret,
            };
            if (!string.IsNullOrWhiteSpace(scope))
            {
                form["scope"] = scope;
            }

            using var content = new FormUrlEncodedContent(form);
            using var response = await tokenClient.PostAsync(tokenEndpoint, content, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new LiveDataUnavailableException(
                    $"Die Anmeldung bei der Datenplattform ist fehlgeschlagen (Token-Endpunkt: HTTP {(int)response.StatusCode}).");
            }

            try
            {
                using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
                var token = json.RootElement.GetProperty("access_token").GetString()
                    ?? throw new LiveDataUnavailableException("Der Token-Endpunkt hat kein Zugriffstoken geliefert.");
                var lifetime = json.RootElement.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds)
                    ? TimeSpan.FromSeconds(seconds)
                    : TimeSpan.FromMinutes(5);
                _token = token;
                _expires = time.GetUtcNow() + (lifetime > Skew * 2 ? lifetime - Skew : lifetime / 2);
                return token;
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new LiveDataUnavailableException("Der Token-Endpunkt hat keine gültige Antwort geliefert.", ex);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.Dispose();
            tokenClient.Dispose();
        }

        base.Dispose(disposing);
    }
}
