using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Stadtdialog.Data;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Migrations.Sqlite;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting a host.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<StadtdialogDbContext>
{
    public StadtdialogDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<StadtdialogDbContext>()
            .UseSqlite("Data Source=design-time.db", b => b.MigrationsAssembly(StadtdialogCore.MigrationsAssembly))
            .Options;
        return new StadtdialogDbContext(options, new TenantContext());
    }
}
