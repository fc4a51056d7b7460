using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Stadtdialog.Server.Features.OpenAi;

/// <summary>Limits of the OpenAI-compatible API (section <c>Stadtdialog:OpenAi</c>).</summary>
public sealed class OpenAiApiOptions
{
    public const string Section = "Stadtdialog:OpenAi";

    /// <summary>
    /// Requests one API key may make per minute; 0 disables the limit. Per key, not per IP: a shared Open WebUI
    /// server sends all its users' questions from one address.
    /// </summary>
    [Range(0, 1_000_000)]
    public int RequestsPerMinutePerKey { get; set; } = 300;
}

/// <summary>
/// Applies <see cref="OpenAiApiOptions.RequestsPerMinutePerKey"/> to every <c>/v1</c> request after authentication
/// and answers over-limit requests the OpenAI way (429 with <c>Retry-After</c> and an error object), which clients
/// such as the OpenAI SDKs understand and retry.
/// </summary>
internal sealed class OpenAiRateLimitFilter(OpenAiKeyRateLimiter limiter) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var key = context.HttpContext.User.FindFirst(OpenAiAuthentication.KeyIdClaim)?.Value ?? "anonymous";
        using var lease = limiter.Limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
        {
            return await next(context);
        }

        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return OpenAiErrors.Create(StatusCodes.Status429TooManyRequests,
            $"Zu viele Anfragen mit diesem Schlüssel (höchstens {limiter.Limit} pro Minute). Bitte kurz warten.",
            type: "rate_limit_exceeded", code: "rate_limit_exceeded");
    }
}

/// <summary>The per-key windows, one per process (filters are created per endpoint; the counts must be shared).</summary>
internal sealed class OpenAiKeyRateLimiter : IDisposable
{
    public OpenAiKeyRateLimiter(IOptions<OpenAiApiOptions> options)
    {
        Limit = options.Value.RequestsPerMinutePerKey;
        Limiter = PartitionedRateLimiter.Create<string, string>(key => Limit <= 0
            ? RateLimitPartition.GetNoLimiter(key)
            : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = Limit, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
            }));
    }

    public int Limit { get; }

    public PartitionedRateLimiter<string> Limiter { get; }

    public void Dispose() => Limiter.Dispose();
}
