using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Stadtdialog.Data;

namespace Stadtdialog.Retrieval.Vectors;

/// <summary>
/// The embedding of one chunk by one embedding model (at most one per chunk: a new model replaces it). Removed with
/// its chunk by the database (cascade), so re-ingestion and deletion need no extra step.
/// </summary>
public sealed class ChunkEmbedding : ITenantScoped
{
    /// <summary>The chunk this vector belongs to; also the key.</summary>
    public Guid ChunkId { get; set; }

    public string TenantId { get; set; } = "";

    /// <summary>The chunk's document (denormalised so that a search can collapse hits to documents without a join).</summary>
    public Guid DocumentId { get; set; }

    /// <summary>Name of the embedding model; vectors of any other model than the tenant's current one are ignored.</summary>
    public required string Model { get; set; }

    public int Dimensions { get; set; }

    /// <summary>The vector as the model returned it: <see cref="Dimensions"/> float32 values, little-endian.</summary>
    public required byte[] Vector { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class ChunkEmbeddingConfiguration : IEntityTypeConfiguration<ChunkEmbedding>
{
    public const int MaxModelLength = 200;

    public void Configure(EntityTypeBuilder<ChunkEmbedding> builder)
    {
        builder.ToTable("ChunkEmbeddings");
        builder.HasKey(e => e.ChunkId);
        builder.Property(e => e.Model).HasMaxLength(MaxModelLength);
        builder.HasOne<Chunk>().WithOne().HasForeignKey<ChunkEmbedding>(e => e.ChunkId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(e => new { e.TenantId, e.Model });
    }
}
