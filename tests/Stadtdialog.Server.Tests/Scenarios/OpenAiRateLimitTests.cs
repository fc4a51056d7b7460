using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Stadtdialog.Server.Tests.Infrastructure;
using Xunit;

namespace Stadtdialog.Server.Tests.Scenarios;

/// <summary>The OpenAI-compatible API limits requests per key (not per IP) and says so the OpenAI way.</summary>
public sealed class OpenAiRateLimitTests : IAsyncLifetime
{
    private readonly StadtdialogFactory _server = new()
    {
        Settings = new Dictionary<string, string?> { ["Stadtdialog:OpenAi:RequestsPerMinutePerKey"] = "2" },
    };

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_key_over_its_limit_gets_429_with_retry_after_while_another_key_goes_on()
    {
        var first = await CreateKeyAsync("client A");
        var second = await CreateKeyAsync("client B");

        Assert.Equal(HttpStatusCode.OK, await ModelsAsync(first));
        Assert.Equal(HttpStatusCode.OK, await ModelsAsync(first));

        using var client = _server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", first);
        using var limited = await client.GetAsync("/v1/models", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is set");
        var error = await limited.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("rate_limit_exceeded", error.GetProperty("error").GetProperty("code").GetString());

        Assert.Equal(HttpStatusCode.OK, await ModelsAsync(second));
    }

    private async Task<HttpStatusCode> ModelsAsync(string key)
    {
        using var client = _server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.GetAsync("/v1/models", TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    private async Task<string> CreateKeyAsync(string name)
    {
        using var admin = _server.CreateAdminClient();
        using var response = await admin.PostAsJsonAsync($"/api/tenants/{StadtdialogFactory.DemoTenant}/api-keys", new { name },
            TestContext.Current.CancellationToken);
        await response.EnsureSuccessWithBodyAsync();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("key").GetString()!;
    }
}
