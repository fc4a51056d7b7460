using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Stadtdialog.Server.Features.OpenAi;
using Stadtdialog.Server.Features.Staff;
using Stadtdialog.Server.Tests.Infrastructure;
using Stadtdialog.Data;
using Xunit;

namespace Stadtdialog.Server.Tests.Scenarios;

/// <summary>
/// Staff accounts sign in with a cookie and reach exactly what their role in a municipality allows; no staff endpoint
/// answers without the right role. One server (with the demo municipality and a bootstrap platform admin) for the class;
/// each test uses accounts of its own.
/// </summary>
public sealed partial class StaffAccessTests(StaffAccessTests.StaffServer fixture) : IClassFixture<StaffAccessTests.StaffServer>
{
    private const string TenantA = StadtdialogFactory.DemoTenant;
    private const string TenantB = "staff-b";
    private const string Password = "Rathaus-Kaffee-2026";

    /// <summary>
    /// Every endpoint anyone may call without credentials ("METHOD pattern"). A new public endpoint must be added here
    /// consciously; a staff endpoint that forgets its policy makes this test fail.
    /// </summary>
    private static readonly string[] PublicEndpoints =
    [
        // Health probes, the API description and its viewer.
        "* /health/live",
        "* /health/ready",
        "GET /docs/favicon.svg",
        "GET /docs/scalar.aspnetcore.js",
        "GET /docs/scalar.js",
        "GET /docs/{documentName?}",
        "GET /openapi/{documentName}.json",

        // Citizens: the widget's municipality, assistants, conversations (by unguessable id), messages and feedback.
        "GET /api/tenants",
        "GET /api/tenants/{tenant}/",
        "GET /api/tenants/{tenant}/assistants",
        "GET /api/tenants/{tenant}/assistants/{assistant}",
        "GET /api/tenants/{tenant}/conversations/{conversationId:guid}",
        "POST /api/tenants/{tenant}/assistants/{assistant}/conversations",
        "POST /api/tenants/{tenant}/conversations/{conversationId:guid}/messages",
        "POST /api/tenants/{tenant}/conversations/{conversationId:guid}/messages/{messageId:guid}/feedback",

        // Citizens asking for a person and following their conversation live (by unguessable id).
        "GET /api/tenants/{tenant}/conversations/{conversationId:guid}/events",
        "POST /api/tenants/{tenant}/conversations/{conversationId:guid}/handover",
        "POST /api/tenants/{tenant}/conversations/{conversationId:guid}/typing",

        // Staff sign-in.
        "POST /api/auth/login",

        // The demo website and the demo urban data platform (only mapped when the demo is on).
        "GET /demo/files/{name}",
        "GET /demo/platform/events/{name}",
        "GET /demo/platform/ngsi-ld/v1/entities",
        "GET /demo/platform/ngsi-ld/v1/entities/{id}",
        "GET /demo/platform/ngsi-ld/v1/temporal/entities",
        "GET /demo/platform/ngsi-ld/v1/temporal/entities/{id}",
        "GET /demo/platform/ngsi-ld/{**rest}",
        "GET /demo/platform/sensorthings/v1.1/{**path}",
        "GET /demo/platform/{**rest}",
        "GET /demo/{**page}",
    ];

    /// <summary>Tenant endpoints agents may call (the staff inbox); every other tenant staff endpoint is editors' or admins'.</summary>
    private static readonly HashSet<string> AgentEndpoints =
    [
        "GET /api/tenants/{tenant}/inbox/conversations",
        "GET /api/tenants/{tenant}/inbox/conversations/{conversationId:guid}",
        "GET /api/tenants/{tenant}/inbox/events",
        "POST /api/tenants/{tenant}/inbox/conversations/{conversationId:guid}/close",
        "POST /api/tenants/{tenant}/inbox/conversations/{conversationId:guid}/handback",
        "POST /api/tenants/{tenant}/inbox/conversations/{conversationId:guid}/messages",
        "POST /api/tenants/{tenant}/inbox/conversations/{conversationId:guid}/takeover",
        "POST /api/tenants/{tenant}/inbox/conversations/{conversationId:guid}/typing",
    ];

    /// <summary>Tenant endpoints for tenant admins only (editors get 403).</summary>
    private const string TenantAdminRoutes = "/api/tenants/{tenant}/staff";

    private StadtdialogFactory Server => fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // --- Sign-in ----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Login_me_and_logout_work_with_a_real_cookie()
    {
        var email = await CreateStaffAsync(TenantA, "login", "Editor", "Erika Mustermann");
        using var client = CookieClient();

        await (await client.GetAsync("/api/auth/me", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        using (var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password = Password }, Ct))
        {
            await login.ShouldHaveStatusAsync(HttpStatusCode.OK);
            var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(StaffAuthentication.CookieName + "=", StringComparison.Ordinal));
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        }

        using (var me = await client.GetAsync("/api/auth/me", Ct))
        {
            await me.ShouldHaveStatusAsync(HttpStatusCode.OK);
            var body = await me.ReadJsonAsync<WireMe>();
            Assert.Equal("Erika Mustermann", body.Name);
            Assert.Equal(email, body.Email);
            Assert.False(body.PlatformAdmin);
            var membership = Assert.Single(body.Memberships);
            Assert.Equal((TenantA, "editor"), (membership.Tenant, membership.Role));
        }

        using (var logout = await client.PostAsync("/api/auth/logout", null, Ct))
        {
            await logout.ShouldHaveStatusAsync(HttpStatusCode.NoContent);
        }

        await (await client.GetAsync("/api/auth/me", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.GetAsync($"/api/tenants/{TenantA}/sources", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_wrong_password_or_an_unknown_address_gets_401_with_a_German_message()
    {
        var email = await CreateStaffAsync(TenantA, "wrong", "Agent");
        using var client = CookieClient();

        foreach (var (address, password) in new[] { (email, "Falsches-Passwort-123"), ("niemand@stadt.example", Password) })
        {
            using var response = await client.PostAsJsonAsync("/api/auth/login", new { email = address, password }, Ct);
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Equal("E-Mail-Adresse oder Passwort ist falsch.", problem.GetProperty("detail").GetString());
            Assert.False(response.Headers.Contains("Set-Cookie"), "A failed login must not set a cookie.");
        }

        await (await client.GetAsync("/api/auth/me", Ct)).ShouldHaveStatusAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_for_the_right_one()
    {
        var email = await CreateStaffAsync(TenantA, "lockout", "Editor");
        using var client = CookieClient();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            using var wrong = await client.PostAsJsonAsync("/api/auth/login", new { email, password = $"Falsch-{attempt}-abcdefgh" }, Ct);
            await wrong.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        }

        using (var fifth = await client.PostAsJsonAsync("/api/auth/login", new { email, password = "Falsch-5-abcdefgh" }, Ct))
        {
            await fifth.ShouldBeProblemAsync(HttpStatusCode.Locked);
        }

        using (var right = await client.PostAsJsonAsync("/api/auth/login", new { email, password = Password }, Ct))
        {
            var problem = await right.ShouldBeProblemAsync(HttpStatusCode.Locked);
            Assert.Contains("gesperrt", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        await (await client.GetAsync("/api/auth/me", Ct)).ShouldHaveStatusAsync(HttpStatusCode.Unauthorized);
    }

    // --- Roles per municipality -------------------------------------------------------------------------------------

    [Fact]
    public async Task An_editor_of_one_municipality_edits_it_and_gets_403_in_another()
    {
        var email = await CreateStaffAsync(TenantA, "editor", "Editor");
        using var editor = await SignInAsync(email);

        await (await editor.GetAsync($"/api/tenants/{TenantA}/sources", Ct)).ShouldHaveStatusAsync(HttpStatusCode.OK);
        await (await editor.PutAsJsonAsync($"/api/tenants/{TenantA}/model", new { dailyTokenBudget = 50_000 }, Ct))
            .ShouldHaveStatusAsync(HttpStatusCode.OK);
        var generation = await (await editor.GetAsync($"/api/tenants/{TenantA}/assistants/{StadtdialogFactory.DemoAssistant}/generation", Ct))
            .EnsureSuccessWithBodyAsync();
        var settings = JsonDocument.Parse(await generation.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("generation");
        await (await editor.PutAsJsonAsync($"/api/tenants/{TenantA}/assistants/{StadtdialogFactory.DemoAssistant}/generation", settings, Ct))
            .ShouldHaveStatusAsync(HttpStatusCode.OK);

        await (await editor.GetAsync($"/api/tenants/{TenantB}/sources", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await editor.PutAsJsonAsync($"/api/tenants/{TenantB}/model", new { dailyTokenBudget = 1 }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await editor.GetAsync($"/api/tenants/{TenantA}/staff", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);

        using var admin = Server.CreateAdminClient();
        var model = JsonDocument.Parse(await (await admin.GetAsync($"/api/tenants/{TenantB}/model", Ct)).Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.NotEqual(1, model.GetProperty("dailyTokenBudget").GetInt64());
    }

    [Fact]
    public async Task An_agent_gets_403_on_editor_and_admin_endpoints()
    {
        var email = await CreateStaffAsync(TenantA, "agent", "Agent");
        using var agent = await SignInAsync(email);

        await (await agent.GetAsync($"/api/tenants/{TenantA}/sources", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await agent.PutAsJsonAsync($"/api/tenants/{TenantA}/model", new { dailyTokenBudget = 1 }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await agent.GetAsync($"/api/tenants/{TenantA}/api-keys", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await agent.GetAsync($"/api/tenants/{TenantA}/staff", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await agent.GetAsync("/api/auth/me", Ct)).ShouldHaveStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_tenant_admin_manages_the_staff_of_the_own_municipality_only()
    {
        var email = await CreateStaffAsync(TenantA, "tenantadmin", "TenantAdmin");
        using var admin = await SignInAsync(email);

        var newcomer = Email("newcomer");
        using (var created = await admin.PostAsJsonAsync($"/api/tenants/{TenantA}/staff",
                   new { email = newcomer, displayName = "Neue Kollegin", role = "agent", initialPassword = Password }, Ct))
        {
            await created.ShouldHaveStatusAsync(HttpStatusCode.Created);
        }

        using (var weak = await admin.PostAsJsonAsync($"/api/tenants/{TenantA}/staff",
                   new { email = Email("weak"), displayName = "Schwach", role = "agent", initialPassword = "kurz" }, Ct))
        {
            var problem = await weak.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("mindestens 12 Zeichen", problem.GetRawText(), StringComparison.Ordinal);
        }

        var members = await (await admin.GetAsync($"/api/tenants/{TenantA}/staff", Ct)).ReadJsonAsync<List<WireMember>>();
        var member = Assert.Single(members, m => m.Email == newcomer);
        Assert.Equal("agent", member.Role);

        // The newcomer's own session gets the new role (the security stamp changes with the membership).
        using (var promoted = await admin.PutAsJsonAsync($"/api/tenants/{TenantA}/staff/{member.UserId}", new { role = "editor" }, Ct))
        {
            await promoted.ShouldHaveStatusAsync(HttpStatusCode.OK);
        }

        using (var newSession = await SignInAsync(newcomer))
        {
            await (await newSession.GetAsync($"/api/tenants/{TenantA}/sources", Ct)).ShouldHaveStatusAsync(HttpStatusCode.OK);
        }

        await (await admin.DeleteAsync($"/api/tenants/{TenantA}/staff/{member.UserId}", Ct)).ShouldHaveStatusAsync(HttpStatusCode.NoContent);
        using (var removed = await SignInAsync(newcomer))
        {
            await (await removed.GetAsync($"/api/tenants/{TenantA}/sources", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        }

        await (await admin.GetAsync($"/api/tenants/{TenantB}/staff", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await admin.PostAsJsonAsync($"/api/tenants/{TenantB}/staff",
                new { email = Email("intruder"), displayName = "X", role = "tenantAdmin", initialPassword = Password }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_bootstrap_platform_admin_signs_in_and_reaches_every_municipality()
    {
        using var admin = await SignInAsync(StaffServer.PlatformAdminEmail, StaffServer.PlatformAdminPassword);
        var me = await (await admin.GetAsync("/api/auth/me", Ct)).ReadJsonAsync<WireMe>();
        Assert.True(me.PlatformAdmin);
        Assert.Empty(me.Memberships);

        await (await admin.GetAsync($"/api/tenants/{TenantB}/staff", Ct)).ShouldHaveStatusAsync(HttpStatusCode.OK);
        await (await admin.GetAsync($"/api/tenants/{TenantB}/sources", Ct)).ShouldHaveStatusAsync(HttpStatusCode.OK);
    }

    // --- Every endpoint -----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Only_the_allow_listed_endpoints_are_public()
    {
        var actual = AllEndpoints().Where(e => e.Public).Select(e => $"{e.Method} {e.Route}").Distinct().Order(StringComparer.Ordinal).ToList();
        var expected = PublicEndpoints.Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.SequenceEqual(actual),
            "The endpoints without authorization differ from the allow-list. A new public endpoint must be added to " +
            "PublicEndpoints consciously; a staff endpoint needs a policy. Actual list:" + Environment.NewLine +
            string.Join(Environment.NewLine, actual.Select(a => $"        \"{a}\",")));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task No_protected_endpoint_answers_without_credentials_and_agents_get_403_on_editor_endpoints()
    {
        var agentEmail = await CreateStaffAsync(TenantA, "enum-agent", "Agent");
        var editorEmail = await CreateStaffAsync(TenantA, "enum-editor", "Editor");
        using var anonymous = Server.CreateClient();
        using var agent = await SignInAsync(agentEmail);
        using var editor = await SignInAsync(editorEmail);

        var protectedEndpoints = AllEndpoints().Where(e => !e.Public).ToList();
        var tenantStaffEndpoints = protectedEndpoints.Where(e => e.Route.StartsWith("/api/tenants/{tenant}/", StringComparison.Ordinal)
            && !e.Policies.Contains(OpenAiAuthentication.Policy)).ToList();
        Assert.True(tenantStaffEndpoints.Count >= 30, $"Expected the tenant administration endpoints, found {tenantStaffEndpoints.Count}.");

        var failures = new List<string>();
        foreach (var endpoint in protectedEndpoints)
        {
            using var response = await SendAsync(anonymous, endpoint);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                failures.Add(await HttpAssertions.DescribeAsync(response, $"401 without credentials ({endpoint})"));
            }
        }

        foreach (var endpoint in tenantStaffEndpoints)
        {
            // Expectations come from the route, not from the endpoint's own policy: a staff endpoint protected with a
            // too weak policy fails here as well.
            var agentAllowed = AgentEndpoints.Contains($"{endpoint.Method} {endpoint.Route}");
            using (var response = await SendAsync(agent, endpoint))
            {
                if (agentAllowed ? response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                        : response.StatusCode != HttpStatusCode.Forbidden)
                {
                    failures.Add(await HttpAssertions.DescribeAsync(response, $"{(agentAllowed ? "no 401/403" : "403")} for an agent ({endpoint})"));
                }
            }

            if (endpoint.Route.StartsWith(TenantAdminRoutes, StringComparison.Ordinal))
            {
                using var response = await SendAsync(editor, endpoint);
                if (response.StatusCode != HttpStatusCode.Forbidden)
                {
                    failures.Add(await HttpAssertions.DescribeAsync(response, $"403 for an editor ({endpoint})"));
                }
            }
        }

        // A staff cookie is no tenant API key: the OpenAI-compatible API and MCP stay closed to it.
        foreach (var endpoint in protectedEndpoints.Where(e => e.Policies.Contains(OpenAiAuthentication.Policy)))
        {
            using var response = await SendAsync(editor, endpoint);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                failures.Add(await HttpAssertions.DescribeAsync(response, $"401 for a staff cookie ({endpoint})"));
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine + Environment.NewLine, failures));
    }

    // --- Helpers ------------------------------------------------------------------------------------------------------

    private sealed record Endpoint(string Method, string Route, bool Public, IReadOnlySet<string> Policies, bool Multipart)
    {
        public override string ToString() => $"{Method} {Route} [{string.Join(", ", Policies)}]";
    }

    private List<Endpoint> AllEndpoints() => [.. Server.Services.GetRequiredService<EndpointDataSource>().Endpoints
        .OfType<RouteEndpoint>()
        .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? methods : ["*"])
            .Select(method => new Endpoint(
                method,
                e.RoutePattern.RawText ?? "",
                e.Metadata.GetMetadata<IAllowAnonymous>() is not null || e.Metadata.GetOrderedMetadata<IAuthorizeData>().Count == 0,
                e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy ?? "(default)").ToHashSet(StringComparer.Ordinal),
                e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.Contains("multipart/form-data") == true)))];

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Endpoint endpoint)
    {
        var path = RouteParameter().Replace(endpoint.Route, m => m.Groups[1].Value switch
        {
            "tenant" => TenantA,
            "assistant" => StadtdialogFactory.DemoAssistant,
            var name when m.Value.Contains(":guid", StringComparison.Ordinal) || name.EndsWith("id", StringComparison.OrdinalIgnoreCase) => Guid.NewGuid().ToString(),
            _ => "platzhalter",
        });
        var method = endpoint.Method == "*" ? "GET" : endpoint.Method;
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (endpoint.Multipart)
        {
            var form = new MultipartFormDataContent();
            form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes("# Eingeschleust")), "files", "eingeschleust.md");
            request.Content = form;
        }
        else if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = JsonContent.Create(new { });
        }

        using (request)
        {
            // Headers only: a permitted live stream (Server-Sent Events) would never end; its status is what counts.
            return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        }
    }

    private static string Email(string name) => $"{name}-{Guid.NewGuid():N}@stadt.example";

    private HttpClient CookieClient() => Server.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    private async Task<HttpClient> SignInAsync(string email, string password = Password)
    {
        var client = CookieClient();
        using var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password }, Ct);
        await login.ShouldHaveStatusAsync(HttpStatusCode.OK);
        return client;
    }

    /// <summary>Creates an account with a membership through the API (as operator); returns its e-mail address.</summary>
    private async Task<string> CreateStaffAsync(string tenant, string name, string role, string displayName = "Test Person")
    {
        var email = Email(name);
        using var admin = Server.CreateAdminClient();
        using var response = await admin.PostAsJsonAsync($"/api/tenants/{tenant}/staff",
            new { email, displayName, role, initialPassword = Password }, Ct);
        await response.ShouldHaveStatusAsync(HttpStatusCode.Created);
        return email;
    }

    [GeneratedRegex(@"\{\*{0,2}(\w+)(?::[^}]*)?\??\}")]
    private static partial Regex RouteParameter();

    private sealed record WireMembership(string Tenant, string TenantName, string Role);

    private sealed record WireMe(Guid Id, string Name, string Email, bool PlatformAdmin, List<WireMembership> Memberships);

    private sealed record WireMember(Guid UserId, string Email, string DisplayName, string Role);

    /// <summary>The server for this class: demo municipality, a second municipality and a bootstrap platform admin.</summary>
    public sealed class StaffServer : IAsyncLifetime
    {
        public const string PlatformAdminEmail = "plattform@stadtdialog.example";
        public const string PlatformAdminPassword = "Plattform-Passwort-2026";

        public StadtdialogFactory Server { get; } = new()
        {
            Settings = new Dictionary<string, string?>
            {
                ["Stadtdialog:Staff:BootstrapAdminEmail"] = PlatformAdminEmail,
                ["Stadtdialog:Staff:BootstrapAdminPassword"] = PlatformAdminPassword,
            },
        };

        public async ValueTask InitializeAsync() =>
            await Server.CreateEmptyTenantAsync(TenantB, "Stadt B", new ContactInfo { Name = "Bürgerbüro B", Phone = "01234 5678", Email = "post@b.example" });

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}
