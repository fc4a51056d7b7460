using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stadtdialog.Data;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Generative;

/// <summary>
/// Tokens used per tenant and day (UTC), kept in the database so that every app node sees the same total. The
/// daily budget is checked before a model call and the usage added after it, with one upsert.
/// </summary>
public sealed class TokenBudgets(IServiceScopeFactory scopes, TimeProvider time)
{
    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>Tokens the tenant used today.</summary>
    public async Task<long> UsedTodayAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<StadtdialogDbContext>();
        var today = Today;
        return await db.TokenUsage.Where(u => u.Day == today).Select(u => u.InputTokens + u.OutputTokens)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Adds one call's tokens to today's total.</summary>
    public async Task AddAsync(string tenantId, long inputTokens, long outputTokens, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<StadtdialogDbContext>();
        var day = Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        // The same statement works on SQLite and PostgreSQL; concurrent calls add up instead of overwriting.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO "TokenUsage" ("TenantId", "Day", "InputTokens", "OutputTokens", "Calls")
            VALUES ({tenantId}, {day}, {inputTokens}, {outputTokens}, 1)
            ON CONFLICT ("TenantId", "Day") DO UPDATE SET
                "InputTokens" = "TokenUsage"."InputTokens" + excluded."InputTokens",
                "OutputTokens" = "TokenUsage"."OutputTokens" + excluded."OutputTokens",
                "Calls" = "TokenUsage"."Calls" + 1
            """, cancellationToken);
    }
}
