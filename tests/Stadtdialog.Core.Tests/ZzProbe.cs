using Stadtdialog.Knowledge;
using Xunit;

namespace Stadtdialog.Core.Tests;

public sealed class ZzProbe
{
    [Fact]
    public void Probe()
    {
        var monster = "Wort " + string.Concat(Enumerable.Repeat("ohne Punkt ", 100)).Trim() + ".";
        var chunks = new Chunker(maxChars: 200).Split(new ExtractedDocument("u", "t", null, "de", null, [new ParagraphBlock(monster)]));
        File.WriteAllText("/tmp/probe/out.txt", string.Join("\n=====\n", chunks.Select(c => c.Text.Replace(" ", "_", StringComparison.Ordinal))));
    }
}
