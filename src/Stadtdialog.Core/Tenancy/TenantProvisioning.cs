using Microsoft.EntityFrameworkCore;
using Stadtdialog.Data;
using Stadtdialog.LiveData;
using Stadtdialog.LiveData.Tools;

namespace Stadtdialog.Tenancy;

/// <summary>Creates and updates tenants and their assistants (platform-level operations).</summary>
public sealed class TenantProvisioning(
    StadtdialogDbContext db, TenantContext tenant, TenantDirectory directory, DataPlatformClients platforms, DataToolCatalog tools, TimeProvider time)
{
    public const string DefaultAssistant = "buergerservice";

    public Task<bool> ExistsAsync(string tenantId, CancellationToken cancellationToken) =>
        db.Tenants.AnyAsync(t => t.Id == tenantId, cancellationToken);

    /// <summary>Creates or updates the tenant described by <paramref name="config"/> and sets it as the scope's tenant.</summary>
    public async Task<Tenant> ApplyAsync(TenantConfig config, CancellationToken cancellationToken)
    {
        var errors = config.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(config));
        }

        tenant.Set(config.Id);
        var now = time.GetUtcNow();
        var entity = await db.Tenants.SingleOrDefaultAsync(t => t.Id == config.Id, cancellationToken);
        if (entity is null)
        {
            entity = new Tenant { Id = config.Id, Name = config.Name, CreatedAt = now };
            db.Tenants.Add(entity);
        }

        entity.Name = config.Name;
        entity.Contact = new ContactInfo
        {
            Name = config.Contact.Name, Phone = config.Contact.Phone, Email = config.Contact.Email,
            Url = config.Contact.Url, OpeningHours = config.Contact.OpeningHours,
        };
        entity.Languages = config.Languages.Count > 0 ? config.Languages.ToList() : ["de"];
        entity.Synonyms = config.Synonyms.ToList();

        var assistants = config.Assistants.Count > 0 ? config.Assistants : [DefaultAssistantConfig(config.Name)];
        var existing = await db.Assistants.ToDictionaryAsync(a => a.Slug, cancellationToken);
        foreach (var a in assistants)
        {
            if (!existing.TryGetValue(a.Id, out var assistant))
            {
                assistant = new Assistant { Id = Guid.CreateVersion7(now), Slug = a.Id, Name = a.Name, CreatedAt = now };
                db.Assistants.Add(assistant);
            }

            assistant.Name = string.IsNullOrWhiteSpace(a.Name) ? a.Id : a.Name;
            assistant.Audience = a.Audience;
            assistant.Greeting = a.Greeting;
            assistant.SuggestedQuestions = a.SuggestedQuestions.ToList();
            assistant.MinConfidence = a.MinConfidence;
            assistant.MaxCitations = Math.Clamp(a.MaxCitations, 1, 3);
            assistant.Published = true;
            if (a.Generation is { } generation)
            {
                assistant.Generation = generation;
            }
        }

        await ApplyDataToolsAsync(config, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        directory.Invalidate(entity.Id);
        tools.Invalidate(entity.Id);
        return entity;
    }

    /// <summary>
    /// Creates or updates the file's data connections and tools (matched by id). Secrets come from the environment
    /// variables the file names. Connections and tools that editors added in the database are left alone.
    /// </summary>
    private async Task ApplyDataToolsAsync(TenantConfig config, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var connections = await db.DataConnections.ToDictionaryAsync(c => c.Slug, cancellationToken);
        foreach (var c in config.DataConnections)
        {
            if (!connections.TryGetValue(c.Id, out var connection))
            {
                connection = new DataConnection { Id = Guid.CreateVersion7(now), Slug = c.Id, Name = c.Name, BaseUrl = c.BaseUrl, CreatedAt = now };
                db.DataConnections.Add(connection);
                connections[c.Id] = connection;
            }

            var apiKey = Secret(c.ApiKeyVariable);
            var clientSecret = Secret(c.ClientSecretVariable);
            var changed = connection.Name != c.Name || connection.Kind != c.Kind || connection.BaseUrl != c.BaseUrl || connection.Auth != c.Auth
                || connection.ApiKeyHeader != (c.ApiKeyHeader ?? "X-API-Key") || connection.TokenEndpoint != c.TokenEndpoint
                || connection.ClientId != c.ClientId || connection.Scope != c.Scope || connection.TimeoutSeconds != c.TimeoutSeconds
                || connection.Retries != c.Retries || connection.CacheSeconds != c.CacheSeconds || connection.NgsiLdTenant != c.NgsiLdTenant
                || connection.NgsiLdContext != c.NgsiLdContext || apiKey is not null || clientSecret is not null;
            if (!changed)
            {
                continue;
            }

            connection.Name = c.Name;
            connection.Kind = c.Kind;
            connection.BaseUrl = c.BaseUrl;
            connection.Auth = c.Auth;
            connection.ApiKeyHeader = c.ApiKeyHeader ?? "X-API-Key";
            connection.TokenEndpoint = c.TokenEndpoint;
            connection.ClientId = c.ClientId;
            connection.Scope = c.Scope;
            connection.TimeoutSeconds = c.TimeoutSeconds;
            connection.Retries = c.Retries;
            connection.CacheSeconds = c.CacheSeconds;
            connection.NgsiLdTenant = c.NgsiLdTenant;
            connection.NgsiLdContext = c.NgsiLdContext;
            connection.ProtectedApiKey = apiKey is null ? connection.ProtectedApiKey : platforms.Protect(apiKey);
            connection.ProtectedClientSecret = clientSecret is null ? connection.ProtectedClientSecret : platforms.Protect(clientSecret);
            connection.UpdatedAt = now;
        }

        var existing = await db.DataTools.ToDictionaryAsync(t => t.Slug, cancellationToken);
        foreach (var t in config.DataTools)
        {
            if (!existing.TryGetValue(t.Id, out var tool))
            {
                tool = new DataTool { Id = Guid.CreateVersion7(now), Slug = t.Id, Name = t.Name, CreatedAt = now };
                db.DataTools.Add(tool);
            }

            tool.Name = t.Name;
            tool.Description = t.Description;
            tool.ConnectionId = connections[t.Connection].Id;
            tool.Kind = t.Kind;
            tool.Query = t.Query;
            tool.Intents = t.Intents;
            tool.AnswerTemplate = t.AnswerTemplate;
            tool.SourceUrl = t.SourceUrl;
            tool.StaleAfterMinutes = t.StaleAfterMinutes;
            tool.Enabled = t.Enabled;
            tool.UpdatedAt = now;
        }
    }

    private static string? Secret(string? variable) =>
        string.IsNullOrWhiteSpace(variable) ? null : Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : null;

    /// <summary>Creates a tenant with default settings and one citizens' assistant, if it does not exist yet.</summary>
    public async Task<Tenant> EnsureAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (!TenantIds.IsValid(tenantId))
        {
            throw new ArgumentException(
                $"'{tenantId}' is not a valid tenant id (lower-case letters, digits and dashes, at most 64).", nameof(tenantId));
        }

        var existing = await db.Tenants.SingleOrDefaultAsync(t => t.Id == tenantId, cancellationToken);
        if (existing is not null)
        {
            tenant.Set(tenantId);
            return existing;
        }

        var name = char.ToUpperInvariant(tenantId[0]) + tenantId[1..];
        return await ApplyAsync(new TenantConfig
        {
            Id = tenantId, Name = name, Assistants = [DefaultAssistantConfig(name)],
        }, cancellationToken);
    }

    private static AssistantConfig DefaultAssistantConfig(string tenantName) => new()
    {
        Id = DefaultAssistant,
        Name = "Bürgerservice-Assistent",
        Greeting = $"Guten Tag! Ich beantworte Ihre Fragen zu den Dienstleistungen von {tenantName}.",
    };
}
