using Stadtdialog.Retrieval;
using Xunit;

namespace Stadtdialog.Core.Tests;

/// <summary>One writer per index folder: a second opener (a CLI beside the server) gets a clear error, not a corrupt index.</summary>
public sealed class SearchIndexLockTests
{
    private static readonly GermanTextAnalysis Analysis = new();

    [Fact]
    public void A_second_opener_of_the_same_index_is_refused_until_the_first_closes()
    {
        using var folder = new TempFolder();
        var first = TenantSearchIndex.OpenFolder(folder.Path, Analysis);

        var error = Assert.Throws<IndexInUseException>(() => TenantSearchIndex.OpenFolder(folder.Path, Analysis));
        Assert.Contains("in use by another process", error.Message, StringComparison.Ordinal);

        first.Dispose();
        using var second = TenantSearchIndex.OpenFolder(folder.Path, Analysis);
        Assert.Equal(0, second.ChunkCount);
    }
}
