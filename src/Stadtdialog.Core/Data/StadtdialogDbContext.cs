using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Stadtdialog.Retrieval.Vectors;
using Stadtdialog.Staff;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Data;

/// <summary>
/// The single unit of work over Stadtdialog's data. Every <see cref="ITenantScoped"/> entity is filtered by the
/// scope's <see cref="TenantContext"/> and stamped with it on insert; writing another tenant's row throws.
/// Staff accounts (ASP.NET Core Identity) and their memberships are platform-wide and not tenant-filtered.
/// </summary>
public sealed class StadtdialogDbContext(DbContextOptions<StadtdialogDbContext> options, TenantContext tenant)
    : IdentityDbContext<StaffUser, IdentityRole<Guid>, Guid>(options)
{
    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<Assistant> Assistants => Set<Assistant>();

    public DbSet<KnowledgeSource> KnowledgeSources => Set<KnowledgeSource>();

    public DbSet<Document> Documents => Set<Document>();

    public DbSet<Chunk> Chunks => Set<Chunk>();

    public DbSet<ChunkEmbedding> ChunkEmbeddings => Set<ChunkEmbedding>();

    public DbSet<IngestionJob> IngestionJobs => Set<IngestionJob>();

    public DbSet<Conversation> Conversations => Set<Conversation>();

    public DbSet<Message> Messages => Set<Message>();

    public DbSet<Feedback> Feedback => Set<Feedback>();

    public DbSet<TokenUsage> TokenUsage => Set<TokenUsage>();

    public DbSet<TenantApiKey> TenantApiKeys => Set<TenantApiKey>();

    public DbSet<LiveData.DataConnection> DataConnections => Set<LiveData.DataConnection>();

    public DbSet<LiveData.DataTool> DataTools => Set<LiveData.DataTool>();

    public DbSet<Mail.OutboxMail> OutboxMails => Set<Mail.OutboxMail>();

    public DbSet<StaffMembership> StaffMemberships => Set<StaffMembership>();

    /// <summary>Read by the global query filters; evaluated per query, not per model.</summary>
    private string? CurrentTenantId => tenant.TenantId;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare DateTimeOffset values stored as text; store UTC ticks instead.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder); // Identity's tables

        builder.Entity<StaffUser>(b =>
        {
            b.Property(u => u.DisplayName).HasMaxLength(StaffUser.MaxDisplayNameLength);
        });

        builder.Entity<StaffMembership>(b =>
        {
            b.HasKey(m => new { m.TenantId, m.UserId });
            b.Property(m => m.TenantId).HasMaxLength(64);
            b.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
            b.HasIndex(m => m.UserId);
            b.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<StaffUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Tenant>(b =>
        {
            b.Property(t => t.Id).HasMaxLength(64);
            b.Property(t => t.Name).HasMaxLength(200);
            b.OwnsOne(t => t.Contact, c => c.ToJson());
            b.OwnsOne(t => t.Model, m => m.ToJson());
        });

        builder.Entity<Assistant>(b =>
        {
            b.HasIndex(a => new { a.TenantId, a.Slug }).IsUnique();
            b.Property(a => a.Slug).HasMaxLength(64);
            b.Property(a => a.Name).HasMaxLength(200);
            b.Property(a => a.Audience).HasConversion<string>().HasMaxLength(16);
            b.OwnsOne(a => a.Model, m => m.ToJson());
            b.OwnsOne(a => a.Generation, g => g.ToJson());
            b.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<KnowledgeSource>(b =>
        {
            b.Property(s => s.Type).HasConversion<string>().HasMaxLength(32);
            b.OwnsOne(s => s.Settings, o => o.ToJson());
            b.HasIndex(s => s.NextRunAt);
            b.HasIndex(s => new { s.TenantId, s.Type, s.Location }).IsUnique();
            b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
            b.HasMany(s => s.Documents).WithOne(d => d.Source).HasForeignKey(d => d.SourceId)
                .OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Document>(b =>
        {
            b.HasIndex(d => new { d.SourceId, d.Key }).IsUnique();
            b.HasIndex(d => new { d.TenantId, d.Url });
            b.HasIndex(d => new { d.SourceId, d.ItemKey });
            b.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
            b.Property(d => d.Kind).HasConversion<string>().HasMaxLength(16);
            b.HasMany(d => d.Chunks).WithOne(c => c.Document).HasForeignKey(c => c.DocumentId)
                .OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<IngestionJob>(b =>
        {
            b.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
            b.Property(j => j.Trigger).HasConversion<string>().HasMaxLength(16);
            b.OwnsMany(j => j.Errors, e => e.ToJson());
            b.HasOne<KnowledgeSource>().WithMany().HasForeignKey(j => j.SourceId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(j => new { j.SourceId, j.QueuedAt });
            b.HasIndex(j => j.Status);
        });

        builder.Entity<Chunk>(b => b.HasIndex(c => new { c.DocumentId, c.Ordinal }));

        builder.ApplyConfiguration(new ChunkEmbeddingConfiguration());
        builder.ApplyConfiguration(new LiveData.DataConnectionConfiguration());
        builder.ApplyConfiguration(new LiveData.DataToolConfiguration());
        builder.ApplyConfiguration(new Mail.OutboxMailConfiguration());

        builder.Entity<Conversation>(b =>
        {
            b.HasOne(c => c.Assistant).WithMany().HasForeignKey(c => c.AssistantId).OnDelete(DeleteBehavior.Cascade);
            b.HasMany(c => c.Messages).WithOne().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(c => new { c.TenantId, c.LastActivityAt });
            b.Property(c => c.Mode).HasConversion<string>().HasMaxLength(16);
            b.Property(c => c.AgentName).HasMaxLength(200);
            b.Property(c => c.QueueId).HasMaxLength(64);
            b.Property(c => c.HandoverReason).HasMaxLength(32);
            b.HasIndex(c => new { c.TenantId, c.Mode });
        });

        builder.Entity<Message>(b =>
        {
            b.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
            b.Property(m => m.AnswerType).HasMaxLength(16);
            b.OwnsMany(m => m.Citations, c => c.ToJson());
            b.Property(m => m.Language).HasMaxLength(8);
            b.Property(m => m.Model).HasMaxLength(200);
            b.Property(m => m.FallbackReason).HasMaxLength(32);
            b.Property(m => m.DataTool).HasMaxLength(64);
            b.Property(m => m.Chart).HasConversion(
                chart => System.Text.Json.JsonSerializer.Serialize(chart, System.Text.Json.JsonSerializerOptions.Web),
                json => System.Text.Json.JsonSerializer.Deserialize<LiveData.ChartData>(json, System.Text.Json.JsonSerializerOptions.Web));
            b.HasIndex(m => new { m.ConversationId, m.CreatedAt });
        });

        builder.Entity<Feedback>(b =>
        {
            b.Property(f => f.Rating).HasConversion<string>().HasMaxLength(8);
            b.HasOne<Message>().WithMany().HasForeignKey(f => f.MessageId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(f => f.MessageId).IsUnique();
        });

        builder.Entity<TokenUsage>(b =>
        {
            b.HasKey(u => new { u.TenantId, u.Day });
            b.HasOne<Tenant>().WithMany().HasForeignKey(u => u.TenantId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<TenantApiKey>(b =>
        {
            b.Property(k => k.Name).HasMaxLength(200);
            b.Property(k => k.Prefix).HasMaxLength(16);
            b.Property(k => k.Hash).HasMaxLength(64);
            b.HasIndex(k => k.Hash).IsUnique();
            b.HasOne<Tenant>().WithMany().HasForeignKey(k => k.TenantId).OnDelete(DeleteBehavior.Cascade);
        });

        ApplyTenantFilter<Assistant>(builder);
        ApplyTenantFilter<TokenUsage>(builder);
        ApplyTenantFilter<TenantApiKey>(builder);
        ApplyTenantFilter<KnowledgeSource>(builder);
        ApplyTenantFilter<Document>(builder);
        ApplyTenantFilter<Chunk>(builder);
        ApplyTenantFilter<ChunkEmbedding>(builder);
        ApplyTenantFilter<IngestionJob>(builder);
        ApplyTenantFilter<Conversation>(builder);
        ApplyTenantFilter<Message>(builder);
        ApplyTenantFilter<Feedback>(builder);
        ApplyTenantFilter<LiveData.DataConnection>(builder);
        ApplyTenantFilter<LiveData.DataTool>(builder);
        ApplyTenantFilter<Mail.OutboxMail>(builder);
    }

    private void ApplyTenantFilter<T>(ModelBuilder modelBuilder)
        where T : class, ITenantScoped
    {
        modelBuilder.Entity<T>().Property(e => e.TenantId).HasMaxLength(64);
        modelBuilder.Entity<T>().HasIndex(e => e.TenantId);
        modelBuilder.Entity<T>().HasQueryFilter(e => e.TenantId == CurrentTenantId);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampTenant();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampTenant();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void StampTenant()
    {
        foreach (EntityEntry<ITenantScoped> entry in ChangeTracker.Entries<ITenantScoped>())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached)
            {
                continue;
            }

            var current = tenant.RequireTenantId();
            if (entry.State == EntityState.Added && string.IsNullOrEmpty(entry.Entity.TenantId))
            {
                entry.Entity.TenantId = current;
            }
            else if (!string.Equals(entry.Entity.TenantId, current, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"Refusing to write a {entry.Metadata.ClrType.Name} of tenant '{entry.Entity.TenantId}' " +
                    $"in a unit of work for tenant '{current}'.");
            }
        }
    }
}
