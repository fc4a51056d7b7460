using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stadtdialog.Data;
using Xunit;

namespace Stadtdialog.Core.Tests;

public sealed class MigrationTests
{
    [Fact]
    public async Task The_model_has_no_changes_without_a_migration()
    {
        await using var host = await CoreHost.StartAsync(TestContext.Current.CancellationToken);
        var pending = await host.WithoutTenantAsync(sp =>
            Task.FromResult(sp.GetRequiredService<StadtdialogDbContext>().Database.HasPendingModelChanges()));

        Assert.False(pending,
            "The EF Core model changed without a migration. Run: dotnet ef migrations add <Name> " +
            "--project src/Stadtdialog.Migrations.Sqlite --startup-project src/Stadtdialog.Migrations.Sqlite -o .");
    }

    [Fact]
    public async Task A_new_database_is_in_WAL_mode()
    {
        await using var host = await CoreHost.StartAsync(TestContext.Current.CancellationToken);
        var mode = await host.WithoutTenantAsync(async sp =>
        {
            var db = sp.GetRequiredService<StadtdialogDbContext>();
            await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA journal_mode;";
            return (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        });

        Assert.Equal("wal", mode);
    }
}
