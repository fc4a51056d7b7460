using Stadtdialog.Knowledge;
using Stadtdialog.Knowledge.Readers;
using Stadtdialog.Retrieval;

namespace Stadtdialog.Core.Tests;

/// <summary>
/// Six small pages of a fictional town's citizens' service, read and chunked the way ingestion does it, in an
/// in-memory search index. Shared by the retrieval and answer tests (read-only after construction).
/// </summary>
public sealed class MunicipalCorpus : IDisposable
{
    public const string Base = "https://www.musterstadt.de/buergerservice/";

    public static readonly (string Key, string Markdown)[] Pages =
    [
        ("personalausweis.md", """
            ---
            title: Personalausweis beantragen
            url: https://www.musterstadt.de/buergerservice/personalausweis
            ---
            # Personalausweis beantragen

            Einen neuen Personalausweis beantragen Sie persönlich im Bürgerbüro der Stadt Musterstadt. Die Herstellung dauert etwa drei bis vier Wochen. Den fertigen Ausweis holen Sie ebenfalls im Bürgerbüro ab.

            ## Benötigte Unterlagen

            - ein aktuelles biometrisches Passfoto
            - der bisherige Personalausweis oder eine Geburtsurkunde
            - bei Kindern unter 16 Jahren die Zustimmung beider Sorgeberechtigten

            ## Gebühren

            | Antragsteller | Gebühr |
            |---|---|
            | Personen ab 24 Jahren | 37,00 Euro |
            | Personen unter 24 Jahren | 22,80 Euro |
            | vorläufiger Personalausweis | 10,00 Euro |

            ## Ausweis verloren oder gestohlen

            Haben Sie Ihren Personalausweis verloren oder wurde er gestohlen, melden Sie den Verlust sofort im Bürgerbüro oder bei der Polizei. Die Online-Ausweisfunktion sperren Sie über die Sperrhotline 116 116.
            """),
        ("reisepass.md", """
            ---
            title: Reisepass beantragen
            url: https://www.musterstadt.de/buergerservice/reisepass
            ---
            # Reisepass beantragen

            Für Reisen in viele Länder außerhalb der Europäischen Union brauchen Sie einen Reisepass. Den Reisepass beantragen Sie mit Termin im Bürgerbüro.

            ## Gebühren

            Ein Reisepass kostet für Personen ab 24 Jahren 70,00 Euro. Der Expresspass ist innerhalb von drei Werktagen fertig und kostet 102,00 Euro.

            ## Kinderreisepass

            Für Kinder stellen wir einen Kinderreisepass aus. Er ist ein Jahr gültig und kostet 13,00 Euro.
            """),
        ("wohnsitz-anmelden.md", """
            ---
            title: Wohnsitz anmelden
            url: https://www.musterstadt.de/buergerservice/wohnsitz-anmelden
            ---
            # Wohnsitz anmelden

            Nach einem Umzug nach Musterstadt oder innerhalb der Stadt melden Sie Ihren neuen Wohnsitz innerhalb von zwei Wochen im Bürgerbüro an. Die Anmeldung ist gebührenfrei.

            ## Benötigte Unterlagen

            - Personalausweis oder Reisepass
            - die Wohnungsgeberbestätigung Ihres Vermieters
            """),
        ("verwarnungsgeld.md", """
            ---
            title: Verwarnungsgeld bezahlen
            url: https://www.musterstadt.de/ordnung/verwarnungsgeld
            ---
            # Verwarnungsgeld bezahlen

            Wenn Sie wegen Falschparkens ein Verwarnungsgeld erhalten haben, überweisen Sie den Betrag innerhalb einer Woche an die Stadtkasse. Geben Sie dabei unbedingt das Aktenzeichen an.

            ## Einspruch

            Sind Sie mit der Verwarnung nicht einverstanden, zahlen Sie nicht. Sie erhalten dann einen Anhörungsbogen, auf dem Sie Ihre Sicht schildern können.
            """),
        ("sperrmuell.md", """
            ---
            title: Sperrmüll anmelden
            url: https://www.musterstadt.de/umwelt/sperrmuell
            ---
            # Sperrmüll anmelden

            Sperrmüll wie Möbel, Matratzen und Teppiche holt die Stadtreinigung zweimal im Jahr kostenlos an Ihrem Haus ab. Melden Sie die Abholung online oder telefonisch an.

            ## Was ist kein Sperrmüll?

            Bauschutt, Autoreifen und Farben nimmt die Sperrmüllabfuhr nicht mit. Bringen Sie diese Abfälle zum Wertstoffhof.
            """),
        ("hundesteuer.md", """
            ---
            title: Hundesteuer
            url: https://www.musterstadt.de/finanzen/hundesteuer
            ---
            # Hundesteuer

            Wer in Musterstadt einen Hund hält, muss ihn innerhalb von zwei Wochen bei der Steuerabteilung anmelden. Die Hundesteuer beträgt 96 Euro im Jahr für den ersten Hund und 144 Euro für jeden weiteren Hund.

            ## Steuerbefreiung

            Für Blindenführhunde und Rettungshunde wird keine Hundesteuer erhoben.
            """),
    ];

    public MunicipalCorpus()
    {
        Analysis = GermanTextAnalysis.Default;
        Search = new KnowledgeSearch(Analysis);
        Synonyms = SynonymSet.WithDefaults(Analysis, []);
        Index = Build(Analysis, Pages);
    }

    public GermanTextAnalysis Analysis { get; }

    public KnowledgeSearch Search { get; }

    public SynonymSet Synonyms { get; }

    public TenantSearchIndex Index { get; }

    public SearchResult Ask(string question) => Search.Search(Index, Synonyms, question);

    /// <summary>A stable document id per key, so tests can name the expected document.</summary>
    public static Guid IdOf(string key) => new(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))[..16]);

    public static TenantSearchIndex Build(GermanTextAnalysis analysis, IEnumerable<(string Key, string Markdown)> pages)
    {
        var index = TenantSearchIndex.InMemory(analysis);
        var chunker = new Chunker();
        foreach (var (key, markdown) in pages)
        {
            var document = MarkdownDocumentReader.Read(markdown, key);
            var documentId = IdOf(key);
            index.ReplaceDocument(documentId, chunker.Split(document).Select(c => new IndexedChunk(
                IdOf(key + "#" + c.Ordinal), documentId, document.Url, key, document.Title, c.Section, c.Anchor, c.Text, c.Ordinal)));
        }

        index.Commit();
        return index;
    }

    public void Dispose() => Index.Dispose();
}
