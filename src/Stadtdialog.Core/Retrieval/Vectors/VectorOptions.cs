using System.ComponentModel.DataAnnotations;

namespace Stadtdialog.Retrieval.Vectors;

/// <summary>
/// Platform-wide settings of vector retrieval (<c>Stadtdialog:Vectors</c>). Whether a tenant uses vectors at all, and
/// with which embedding model, is the tenant's setting; these only tune how.
/// </summary>
public sealed class VectorOptions
{
    public const string Section = "Stadtdialog:Vectors";

    /// <summary>Characters of a chunk's input text (title, section, text) sent to the embedding model.</summary>
    [Range(100, 100_000)]
    public int MaxInputChars { get; set; } = 2000;

    /// <summary>Texts per embedding request.</summary>
    [Range(1, 2048)]
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// Cosine similarity a vector hit needs to count at all (to re-rank a keyword hit or to add a document keyword
    /// search did not find). Depends on the model: models with a compressed similarity range (e.g. e5) need more.
    /// </summary>
    [Range(0.0, 1.0)]
    public double MinSimilarity { get; set; } = HybridRanking.DefaultMinSimilarity;

    /// <summary>Nearest chunks fetched per question before they are collapsed to documents.</summary>
    [Range(1, 1000)]
    public int Candidates { get; set; } = 40;

    /// <summary>The k of reciprocal rank fusion (1 / (k + rank)); 60 is the value of the original paper.</summary>
    [Range(1, 1000)]
    public int RrfK { get; set; } = HybridRanking.DefaultK;
}
