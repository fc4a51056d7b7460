using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Stadtdialog.LiveData;
using Stadtdialog.Tests;
using Xunit;

namespace Stadtdialog.Core.Tests.LiveData;

/// <summary>Authentication and resilience of connections to urban data platforms, against real HTTP on loopback.</summary>
public sealed class DataConnectionsTests : IAsyncLifetime
{
    private LoopbackSite _platform = null!;
    private int _tokensIssued;
    private string _validToken = "";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _platform = await LoopbackSite.StartAsync(cancellationToken: Ct);
        _platform.Map("/token", async context =>
        {
            var form = await context.Request.ReadFormAsync(Ct);
            if (form["grant_type"] != "client_credentials" || form["client_id"] != "stadtdialog" || form["client_secret"] != "s3cret")
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            _validToken = $"token-{Interlocked.Increment(ref _tokensIssued)}";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""{"access_token":"{{_validToken}}","token_type":"Bearer","expires_in":300}""", Ct);
        });
        _platform.Map("/v1.1/Things", async context =>
        {
            if (context.Request.Headers.Authorization != $"Bearer {_validToken}" && context.Request.Headers["X-API-Key"] != "gateway-key")
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"value":[]}""", Ct);
        });
    }

    public async ValueTask DisposeAsync() => await _platform.DisposeAsync();

    private HttpClient OAuthClient() => DataConnections.CreateClient(new DataConnectionSettings
    {
        BaseUrl = _platform.Url("/v1.1/"),
        Auth = DataAuthKind.OAuth2ClientCredentials,
        TokenEndpoint = _platform.Url("/token"),
        ClientId = "stadtdialog",
        Scope = "sensorthings",
    }, new DataConnectionSecrets(ClientSecret: "s3cret"), _time);

    [Fact]
    public async Task A_client_credentials_token_is_fetched_once_and_reused_until_it_expires()
    {
        using var client = OAuthClient();

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync("Things", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, _tokensIssued);

        _time.Advance(TimeSpan.FromMinutes(5));
        using (var afterExpiry = await client.GetAsync("Things", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, afterExpiry.StatusCode);
        }

        Assert.Equal(2, _tokensIssued);
    }

    [Fact]
    public async Task A_401_with_a_revoked_token_fetches_a_new_one_and_repeats_the_request_once()
    {
        using var client = OAuthClient();
        using (var first = await client.GetAsync("Things", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        _validToken = "revoked-by-the-idp";
        using var second = await client.GetAsync("Things", Ct);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(2, _tokensIssued);
    }

    [Fact]
    public async Task A_refused_token_request_is_a_clear_platform_error()
    {
        using var client = DataConnections.CreateClient(new DataConnectionSettings
        {
            BaseUrl = _platform.Url("/v1.1/"), Auth = DataAuthKind.OAuth2ClientCredentials,
            TokenEndpoint = _platform.Url("/token"), ClientId = "stadtdialog",
        }, new DataConnectionSecrets(ClientSecret: "wrong"), _time);

        var error = await Assert.ThrowsAsync<LiveDataUnavailableException>(() => client.GetAsync("Things", Ct));

        Assert.Contains("Anmeldung", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_api_key_goes_in_its_header()
    {
        using var client = DataConnections.CreateClient(new DataConnectionSettings
        {
            BaseUrl = _platform.Url("/v1.1/"), Auth = DataAuthKind.ApiKey, ApiKeyHeader = "X-API-Key",
        }, new DataConnectionSecrets(ApiKey: "gateway-key"), _time);

        using var response = await client.GetAsync("Things", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the route answers 401 without the key header
    }

    [Fact]
    public async Task A_failing_platform_is_retried_and_then_left_alone_by_the_circuit_breaker()
    {
        _platform.SetStatus("/v1.1/Datastreams", StatusCodes.Status503ServiceUnavailable);
        using var client = DataConnections.CreateClient(new DataConnectionSettings
        {
            BaseUrl = _platform.Url("/v1.1/"), Retries = 1,
        }, new DataConnectionSecrets(), TimeProvider.System);

        using (var first = await client.GetAsync("Datastreams", Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        }

        Assert.Equal(2, _platform.RequestCount("/v1.1/Datastreams")); // one retry

        LiveDataUnavailableException? refused = null;
        for (var i = 0; i < 10 && refused is null; i++)
        {
            try
            {
                using var response = await client.GetAsync("Datastreams", Ct);
            }
            catch (LiveDataUnavailableException ex)
            {
                refused = ex;
            }
        }

        Assert.NotNull(refused);
        var calls = _platform.RequestCount("/v1.1/Datastreams");
        await Assert.ThrowsAsync<LiveDataUnavailableException>(() => client.GetAsync("Datastreams", Ct));
        Assert.Equal(calls, _platform.RequestCount("/v1.1/Datastreams")); // the open circuit does not call the platform
    }
}
