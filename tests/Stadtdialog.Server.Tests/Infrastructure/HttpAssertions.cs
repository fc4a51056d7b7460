using System.Net;
using System.Text.Json;
using Xunit;

namespace Stadtdialog.Server.Tests.Infrastructure;

/// <summary>HTTP assertions whose failure messages include the response body.</summary>
public static class HttpAssertions
{
    public static async Task<HttpResponseMessage> EnsureSuccessWithBodyAsync(this HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            Assert.Fail(await DescribeAsync(response, "a success status code"));
        }

        return response;
    }

    public static async Task<HttpResponseMessage> ShouldHaveStatusAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            Assert.Fail(await DescribeAsync(response, $"{(int)expected} {expected}"));
        }

        return response;
    }

    /// <summary>Asserts an RFC 7807 problem response with the given status and a title; returns the problem document.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        await response.ShouldHaveStatusAsync(expected);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        Assert.True(mediaType == "application/problem+json",
            $"Expected application/problem+json but got '{mediaType}'. Body: {body}");
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.True(problem.TryGetProperty("title", out var title) && !string.IsNullOrWhiteSpace(title.GetString()),
            $"The problem has no title. Body: {body}");
        Assert.True(problem.TryGetProperty("status", out var status) && status.GetInt32() == (int)expected,
            $"The problem's status is not {(int)expected}. Body: {body}");
        return problem;
    }

    /// <summary>Reads the JSON body in the client's wire format; fails with the body when it does not parse or is null.</summary>
    public static async Task<T> ReadJsonAsync<T>(this HttpResponseMessage response)
        where T : class
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        try
        {
            if (JsonSerializer.Deserialize<T>(body, Wire.Json) is { } value)
            {
                return value;
            }
        }
        catch (JsonException ex)
        {
            Assert.Fail($"The body is not a {typeof(T).Name}: {ex.Message}{Environment.NewLine}Body: {body}");
        }

        Assert.Fail($"The body is not a {typeof(T).Name}.{Environment.NewLine}Body: {(body.Length == 0 ? "(empty)" : body)}");
        return null!;
    }

    public static async Task<string> DescribeAsync(HttpResponseMessage response, string expectation)
    {
        var body = response.Content is null ? "" : await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var request = response.RequestMessage is { } r ? $"{r.Method} {r.RequestUri?.PathAndQuery}" : "(request unknown)";
        return $"{request}: expected {expectation} but got {(int)response.StatusCode} {response.StatusCode} " +
            $"({response.Content?.Headers.ContentType}).{Environment.NewLine}Body: {(body.Length == 0 ? "(empty)" : body)}";
    }
}
