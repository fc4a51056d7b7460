using System.Net;
using Microsoft.AspNetCore.Http;
using Stadtdialog.Server.Tests.Infrastructure;
using Xunit;

namespace Stadtdialog.Server.Tests.Scenarios;

/// <summary>Health, the demo website, the widget script and embedding it on other origins.</summary>
public sealed class PlatformTests(StadtdialogFactory server) : IClassFixture<StadtdialogFactory>
{
    private static readonly string?[] JavaScriptTypes = ["text/javascript", "application/javascript"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_are_healthy(string path)
    {
        using var client = server.CreateClient();

        using var response = await client.GetAsync(path, Ct);

        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Demo_page_embeds_the_widget_for_the_demo_tenant()
    {
        using var client = server.CreateClient();

        using var response = await client.GetAsync("/", Ct);

        await response.EnsureSuccessWithBodyAsync();
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(Ct);
        var tag = html[html.IndexOf("<script src=\"/widget.js\"", StringComparison.Ordinal)..];
        tag = tag[..tag.IndexOf('>', StringComparison.Ordinal)];
        Assert.Contains($"data-tenant=\"{StadtdialogFactory.DemoTenant}\"", tag, StringComparison.Ordinal);
        Assert.Contains($"data-assistant=\"{StadtdialogFactory.DemoAssistant}\"", tag, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Widget_script_is_javascript_loadable_from_any_origin()
    {
        using var client = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/widget.js");
        request.Headers.Add("Origin", "https://www.other-city.example");

        using var response = await client.SendAsync(request, Ct);

        await response.EnsureSuccessWithBodyAsync();
        Assert.Contains(response.Content.Headers.ContentType?.MediaType, JavaScriptTypes);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Contains("attachShadow", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_website_page_is_rendered_from_the_sample_markdown()
    {
        using var client = server.CreateClient();

        using var response = await client.GetAsync("/demo/buergerservice/personalausweis", Ct);

        await response.EnsureSuccessWithBodyAsync();
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("<title>Personalausweis beantragen", html, StringComparison.Ordinal);
        Assert.Contains("<h1", html, StringComparison.Ordinal);
        Assert.Contains("<script src=\"/widget.js\" data-tenant=\"musterstadt\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/demo/../../etc/passwd")]
    [InlineData("/demo/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/demo/%2E%2E/%2E%2E/etc/passwd")]
    [InlineData("/demo/buergerservice/../../../tenant")]
    [InlineData("/demo/gibt-es-nicht")]
    public async Task Demo_website_never_serves_files_outside_its_content(string rawPath)
    {
        // Sent as a raw path: HttpClient would remove the dot segments before the server could see them.
        var context = await server.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Get;
            c.Request.Path = PathString.FromUriComponent(rawPath);
        }, Ct);

        Assert.Equal(StatusCodes.Status404NotFound, context.Response.StatusCode);
        using var reader = new StreamReader(context.Response.Body);
        var body = await reader.ReadToEndAsync(Ct);
        Assert.DoesNotContain("root:", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_website_path_traversal_through_http_client_is_not_found()
    {
        using var client = server.CreateClient();

        using var response = await client.GetAsync("/demo/../../etc/passwd", Ct);

        await response.ShouldHaveStatusAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Cors_preflight_for_sending_a_message_allows_any_origin()
    {
        using var client = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Options,
            $"/api/tenants/{StadtdialogFactory.DemoTenant}/conversations/{Guid.NewGuid()}/messages");
        request.Headers.Add("Origin", "https://www.other-city.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type,accept");

        using var response = await client.SendAsync(request, Ct);

        await response.EnsureSuccessWithBodyAsync();
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("POST", string.Join(",", response.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task Api_reference_is_served()
    {
        using var client = server.CreateClient();

        using var response = await client.GetAsync("/docs", Ct);

        await response.EnsureSuccessWithBodyAsync();
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
