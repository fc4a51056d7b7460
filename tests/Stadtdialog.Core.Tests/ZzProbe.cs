using Stadtdialog.Chat;
using Xunit;

namespace Stadtdialog.Core.Tests;

public sealed class ZzProbe(MunicipalCorpus corpus) : IClassFixture<MunicipalCorpus>
{
    [Fact]
    public void Probe()
    {
        var answerer = new ExtractiveAnswerer(corpus.Analysis);
        var sb = new System.Text.StringBuilder();
        foreach (var q in new[] { "Hundesteuer und Sperrmüll", "Was kostet der Reisepass und was kostet der Personalausweis?", "Reisepass und Personalausweis verloren", "Hund anmelden und Wohnsitz anmelden", "Kinderreisepass oder Personalausweis für Kinder unter 16 Jahren" })
        {
            var r = corpus.Ask(q);
            var a = answerer.Answer(r, 3);
            sb.Append("Q: ").Append(q).Append('\n').Append(a.Text).Append("\nCIT: ").Append(string.Join(" | ", a.Citations.Select(c => c.Url + " [" + c.Section + "]")))
              .Append("\nFU: ").Append(string.Join(" | ", a.FollowUps)).Append("\nHITS: ").Append(string.Join(" | ", r.Hits.Select(h => h.Key + " " + h.Coverage.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " " + string.Join(",", h.Chunks.Select(c => c.Section))))).Append("\n\n");
        }

        File.WriteAllText("/tmp/probe/out.txt", sb.ToString());
    }
}
