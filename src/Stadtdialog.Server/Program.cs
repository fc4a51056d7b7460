using Stadtdialog;
using Stadtdialog.Server.Features.Admin;
using Stadtdialog.Server.Features.Chat;
using Stadtdialog.Server.Features.Demo;
using Stadtdialog.Server.Features.Generative;
using Stadtdialog.Server.Features.Handover;
using Stadtdialog.Server.Features.Knowledge;
using Stadtdialog.Server.Features.LiveData;
using Stadtdialog.Server.Features.Mail;
using Stadtdialog.Server.Features.Mcp;
using Stadtdialog.Server.Features.OpenAi;
using Stadtdialog.Server.Features.Platform;
using Stadtdialog.Server.Features.Staff;
using Stadtdialog.Server.Features.Tenants;

var builder = WebApplication.CreateBuilder(args);

builder.AddPlatform();          // problem details, JSON, limits, CORS, health, OpenAPI, telemetry, migrations
builder.Services.AddStadtdialogCore();
builder.AddAdmin();             // operator API keys (act as platform admin)
builder.AddStaff();             // staff accounts, sign-in cookie, role policies per tenant
builder.AddTenants();           // tenant resolution per request
builder.AddChat();              // conversations, streamed turns, feedback
builder.AddKnowledge();         // ingestion jobs: worker and scheduler
builder.AddMail();              // e-mail outbox: delivery worker (SMTP)
builder.AddGenerative();        // language model settings, plain-language tool
builder.AddLiveDataFeature();   // data connections and tools; this server as the demo platform's host
builder.AddOpenAiCompatibleApi(); // tenant API keys, the /v1 authentication scheme
builder.AddMcp();               // MCP server per tenant (tools: knowledge search, sources, live data)
builder.AddDemo();              // demo municipality from samples/, demo website

var app = builder.Build();

app.UsePlatform();
app.UseAuthentication();
app.UseAuthorization();
app.MapPlatform();              // /health/*, /openapi/v1.json, /docs
app.MapTenants();               // /api/tenants
app.MapStaff();                 // /api/auth/login|logout|me, /api/tenants/{tenant}/staff (tenant admins)
app.MapChat();                  // /api/tenants/{tenant}/assistants/.../conversations, messages, feedback
app.MapKnowledge();             // /api/tenants/{tenant}/sources, jobs (editors)
app.MapGenerative();            // /api/tenants/{tenant}/model, plain-language, readability (editors)
app.MapHandover();              // /conversations/{id}/handover, events; /api/tenants/{tenant}/inbox (staff)
app.MapLiveData();              // /api/tenants/{tenant}/data/connections, tools, test console (editors)
app.MapOpenAiCompatibleApi();   // /v1/models, /v1/chat/completions; /api/tenants/{tenant}/api-keys (editors)
app.MapMcpServer();             // /api/tenants/{tenant}/mcp (Streamable HTTP, tenant API key)
app.MapDemo();                  // /, /widget.js, /demo/{page}, /demo/platform/ (demo urban data platform)

await app.RunAsync();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
