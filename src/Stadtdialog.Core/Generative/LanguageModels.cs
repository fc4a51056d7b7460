using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stadtdialog.Data;
using Stadtdialog.Generative.Safety;

namespace Stadtdialog.Generative;

/// <summary>
/// Platform defaults for language models (section <c>Stadtdialog:Llm</c>). Without an endpoint and model here or on
/// a tenant, Stadtdialog answers from retrieval only; nothing leaves the machine unless an operator configures it.
/// </summary>
public sealed class LlmOptions
{
    public const string Section = "Stadtdialog:Llm";

    /// <summary>Default OpenAI-compatible endpoint for tenants without their own, e.g. <c>http://localhost:11434/v1</c>.</summary>
    [Url]
    public string? Endpoint { get; set; }

    public string? Model { get; set; }

    /// <summary>API key of the default endpoint (use an environment variable or secret store, not a file).</summary>
    public string? ApiKey { get; set; }

    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 30;

    [Range(16, 16_000)]
    public int MaxOutputTokens { get; set; } = 600;

    [Range(0.0, 2.0)]
    public double Temperature { get; set; } = 0.2;

    public string? EmbeddingModel { get; set; }

    [Url]
    public string? EmbeddingEndpoint { get; set; }

    /// <summary>Consecutive failures of an endpoint after which it is not called for <see cref="BreakSeconds"/>.</summary>
    [Range(1, 100)]
    public int FailuresToOpen { get; set; } = 3;

    [Range(1, 3600)]
    public int BreakSeconds { get; set; } = 30;
}

/// <summary>The model a call goes to, after assistant → tenant → platform defaults were applied.</summary>
public sealed record EffectiveModel(Uri Endpoint, string Model, string? ApiKey, TimeSpan Timeout, int MaxOutputTokens, float Temperature)
{
    /// <summary>Identifies the endpoint, model and key (hashed) for caching clients and circuit breakers.</summary>
    public string CacheKey { get; } = $"{Endpoint}|{Model}|{Hash(ApiKey)}|{Timeout.TotalSeconds}";

    private static string Hash(string? key) =>
        key is null ? "" : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
}

/// <summary>A ready chat client with our middleware, and what it talks to.</summary>
public sealed record ModelHandle(IChatClient Client, EffectiveModel Model, CircuitBreaker Breaker);

/// <summary>Whether an assistant can use a language model, as shown in the UI and API.</summary>
public sealed record ModelStatus(bool Configured, string? Endpoint, string? Model, string Circuit, bool Embeddings, string? EmbeddingModel);

/// <summary>
/// Resolves the model of a tenant's assistant and builds its <see cref="IChatClient"/>: the OpenAI-compatible
/// client (the only seam to language models) wrapped in our policies, outermost first: grounding check, prompt
/// guard, PII redaction, token/time budgets, telemetry, circuit breaker. Clients are cached per endpoint, model and key.
/// </summary>
public sealed class LanguageModels(
    IOptions<LlmOptions> options,
    IHttpClientFactory http,
    IDataProtectionProvider protection,
    TokenBudgets budgets,
    TimeProvider time,
    ILoggerFactory loggers)
{
    public const string HttpClientName = "llm";
    private const string KeyPurpose = "Stadtdialog.ModelApiKey.v1";

    private readonly ConcurrentDictionary<string, ModelHandle> _handles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CircuitBreaker> _breakers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IEmbeddingGenerator<string, Embedding<float>>> _embedders = new(StringComparer.Ordinal);
    private readonly IDataProtector _protector = protection.CreateProtector(KeyPurpose);

    public string ProtectApiKey(string apiKey) => _protector.Protect(apiKey);

    /// <summary>The model for an assistant of a tenant, or null when none is configured anywhere.</summary>
    public EffectiveModel? Resolve(Tenant tenant, Assistant? assistant = null)
    {
        var defaults = options.Value;
        var own = assistant?.Model;
        var endpoint = Pick(own?.Endpoint, tenant.Model.Endpoint, defaults.Endpoint);
        var model = Pick(own?.Model, tenant.Model.Model, defaults.Model);
        if (endpoint is null || model is null)
        {
            return null;
        }

        var protectedKey = Pick(own?.ProtectedApiKey, tenant.Model.ProtectedApiKey, null);

        // The platform's key goes only to the platform's endpoint, never to one a tenant configured.
        var apiKey = protectedKey is not null ? Unprotect(protectedKey) : SameEndpoint(endpoint, defaults.Endpoint) ? defaults.ApiKey : null;
        return new EffectiveModel(
            OpenAiCompatible.NormalizeEndpoint(endpoint),
            model,
            apiKey,
            TimeSpan.FromSeconds(own?.TimeoutSeconds ?? tenant.Model.TimeoutSeconds ?? defaults.TimeoutSeconds),
            own?.MaxOutputTokens ?? tenant.Model.MaxOutputTokens ?? defaults.MaxOutputTokens,
            (float)(own?.Temperature ?? tenant.Model.Temperature ?? defaults.Temperature));
    }

    /// <summary>The chat client for an assistant, or null when no model is configured.</summary>
    public ModelHandle? Get(Tenant tenant, Assistant? assistant = null)
    {
        var model = Resolve(tenant, assistant);

        // The client is shared per endpoint, model and key; per-call settings (temperature, tokens) come fresh.
        return model is null ? null : _handles.GetOrAdd(model.CacheKey, _ => Build(model)) with { Model = model };
    }

    /// <summary>The tenant's embedding generator for hybrid retrieval, or null without an embedding model.</summary>
    public (IEmbeddingGenerator<string, Embedding<float>> Generator, string Model)? GetEmbeddings(Tenant tenant)
    {
        var defaults = options.Value;
        var model = Pick(tenant.Model.EmbeddingModel, defaults.EmbeddingModel, null);
        var endpoint = Pick(tenant.Model.EmbeddingEndpoint, tenant.Model.Endpoint, Pick(defaults.EmbeddingEndpoint, defaults.Endpoint, null));
        if (model is null || endpoint is null)
        {
            return null;
        }

        var apiKey = tenant.Model.ProtectedApiKey is { } p ? Unprotect(p)
            : SameEndpoint(endpoint, defaults.EmbeddingEndpoint ?? defaults.Endpoint) ? defaults.ApiKey : null;
        var uri = OpenAiCompatible.NormalizeEndpoint(endpoint);
        var key = $"{uri}|{model}|{apiKey?.GetHashCode(StringComparison.Ordinal)}";
        var generator = _embedders.GetOrAdd(key, _ => OpenAiCompatible.CreateEmbeddingGenerator(
            http.CreateClient(HttpClientName), uri, model, apiKey, TimeSpan.FromSeconds(defaults.TimeoutSeconds)));
        return (generator, model);
    }

    public ModelStatus Status(Tenant tenant, Assistant? assistant = null)
    {
        var model = Resolve(tenant, assistant);
        var embeddings = GetEmbeddings(tenant);
        var circuit = model is null ? "none"
            : _breakers.TryGetValue(BreakerKey(model), out var breaker) ? breaker.State.ToString().ToLowerInvariant() : "closed";
        return new ModelStatus(model is not null, model?.Endpoint.ToString(), model?.Model, circuit,
            embeddings is not null, embeddings?.Model);
    }

    private ModelHandle Build(EffectiveModel model)
    {
        var defaults = options.Value;
        var breaker = _breakers.GetOrAdd(BreakerKey(model), _ => new CircuitBreaker(
            new CircuitBreakerOptions { ConsecutiveFailures = defaults.FailuresToOpen, BreakDuration = TimeSpan.FromSeconds(defaults.BreakSeconds) },
            time));
        var raw = OpenAiCompatible.CreateChatClient(http.CreateClient(HttpClientName), model.Endpoint, model.Model, model.ApiKey, model.Timeout);
        var client = new ChatClientBuilder(raw)
            .UseGrounding()
            .UsePromptGuard()
            .UsePiiRedaction()
            .UseTokenBudget(budgets)
            .UseOpenTelemetry(loggers, "Stadtdialog.Llm", telemetry => telemetry.EnableSensitiveData = false)
            .UseCircuitBreaker(breaker)
            .Build();
        return new ModelHandle(client, model, breaker);
    }

    private static bool SameEndpoint(string endpoint, string? platform) =>
        platform is not null && OpenAiCompatible.NormalizeEndpoint(endpoint) == OpenAiCompatible.NormalizeEndpoint(platform);

    private static string BreakerKey(EffectiveModel model) => $"{model.Endpoint}|{model.Model}";

    private string? Unprotect(string protectedKey)
    {
        try
        {
            return _protector.Unprotect(protectedKey);
        }
        catch (CryptographicException)
        {
            // The key ring changed (keys folder lost): the key must be entered again; calls go without one.
            return null;
        }
    }

    private static string? Pick(string? first, string? second, string? third) =>
        !string.IsNullOrWhiteSpace(first) ? first.Trim()
        : !string.IsNullOrWhiteSpace(second) ? second.Trim()
        : !string.IsNullOrWhiteSpace(third) ? third.Trim()
        : null;
}
