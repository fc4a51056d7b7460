namespace Stadtdialog.Bench;

/// <summary>A citizen's question and the demo page that should answer it.</summary>
/// <remarks>Shared by the retrieval benchmark and the load driver.</remarks>
internal sealed record BenchQuestion(string Text, string ExpectedUrl);

/// <summary>Realistic questions, formal and colloquial, rotated by every benchmark.</summary>
internal static class Questions
{
    public static readonly BenchQuestion[] All =
    [
        new("Wie beantrage ich einen neuen Personalausweis?", "/demo/buergerservice/personalausweis"),
        new("perso verloren", "/demo/buergerservice/personalausweis"),
        new("Knöllchen bezahlen", "/demo/verkehr/verwarnungsgeld"),
        new("Was kostet ein Reisepass und wie lange dauert es?", "/demo/buergerservice/reisepass"),
        new("Ich bin umgezogen, bis wann muss ich mich ummelden?", "/demo/buergerservice/wohnsitz-anmelden"),
        new("wo gibts gelbe säcke", "/demo/umwelt/abfallkalender"),
        new("Wie werde ich mein altes Sofa los?", "/demo/umwelt/sperrmuell"),
        new("Hat der Recyclinghof am Samstag offen?", "/demo/umwelt/wertstoffhof"),
        new("Wir wollen heiraten. Welche Papiere braucht das Standesamt?", "/demo/standesamt/eheschliessung"),
        new("Ab wann hat mein Kind Anspruch auf einen Krippenplatz?", "/demo/familie/kita-platz"),
        new("hund anmelden steuer", "/demo/finanzen/hundesteuer"),
        new("Wie bekomme ich einen Bewohnerparkausweis?", "/demo/verkehr/bewohnerparkausweis"),
        new("auto zulassen nach umzug", "/demo/verkehr/kfz-zulassung"),
        new("Führungszeugnis online beantragen", "/demo/buergerservice/fuehrungszeugnis"),
        new("Halteverbot für den Umzug einrichten lassen", "/demo/verkehr/halteverbot-umzug"),
        new("Ich brauche eine neue Geburtsurkunde", "/demo/standesamt/geburtsurkunde"),
        new("Wo kann ich mein Abiturzeugnis beglaubigen lassen?", "/demo/buergerservice/beglaubigung"),
        new("Wie funktioniert die Briefwahl?", "/demo/buergerservice/briefwahl"),
        new("Als Rentnerin reicht meine Rente kaum für die Miete. Kann ich einen Mietzuschuss bekommen?", "/demo/soziales/wohngeld"),
        new("Wie bekomme ich einen Termin beim Bürgeramt?", "/demo/buergerservice/termin"),
        new("Brauche ich eine Baugenehmigung für einen Carport?", "/demo/bauen/baugenehmigung"),
        new("handy im bus liegen lassen", "/demo/buergerservice/fundbuero"),
    ];
}
