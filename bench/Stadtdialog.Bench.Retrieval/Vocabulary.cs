namespace Stadtdialog.Bench.Retrieval;

/// <summary>Words and sentence templates of German municipal service pages, for the synthetic corpus.</summary>
internal static class Vocabulary
{
    public static readonly (string Topic, string[] Verbs)[] Topics =
    [
        ("Hundesteuer", ["anmelden", "abmelden", "bezahlen"]),
        ("Gewerbe", ["anmelden", "ummelden", "abmelden"]),
        ("Baugenehmigung", ["beantragen", "verlängern"]),
        ("Bauvoranfrage", ["stellen", "einreichen"]),
        ("Sondernutzungserlaubnis", ["beantragen", "verlängern"]),
        ("Fischereischein", ["beantragen", "verlängern"]),
        ("Schwerbehindertenausweis", ["beantragen", "verlängern"]),
        ("Elterngeld", ["beantragen"]),
        ("Wohngeld", ["beantragen", "weiterbewilligen lassen"]),
        ("Grundsteuer", ["bezahlen", "stunden lassen"]),
        ("Zweitwohnungsteuer", ["anmelden", "abmelden"]),
        ("Baumfällung", ["beantragen", "anzeigen"]),
        ("Straßenschaden", ["melden"]),
        ("Straßenbeleuchtung", ["Störung melden"]),
        ("Veranstaltung", ["anmelden", "genehmigen lassen"]),
        ("Gaststättenerlaubnis", ["beantragen"]),
        ("Marktstand", ["mieten", "kündigen"]),
        ("Plakatierung", ["beantragen"]),
        ("Grabstelle", ["verlängern", "erwerben"]),
        ("Urnenbeisetzung", ["anmelden"]),
        ("Kirchenaustritt", ["erklären"]),
        ("Namensänderung", ["beantragen"]),
        ("Einbürgerung", ["beantragen"]),
        ("Aufenthaltstitel", ["verlängern", "beantragen"]),
        ("Anwohnerparkausweis", ["beantragen", "verlängern"]),
        ("Umweltplakette", ["kaufen"]),
        ("Schwertransport", ["genehmigen lassen"]),
        ("Ferienbetreuung", ["buchen", "stornieren"]),
        ("Schulanmeldung", ["vornehmen"]),
        ("Musikschulunterricht", ["anmelden", "kündigen"]),
        ("Bibliotheksausweis", ["beantragen", "verlängern"]),
        ("Abwassergebühren", ["bezahlen", "prüfen lassen"]),
        ("Waffenbesitzkarte", ["beantragen"]),
        ("Führerschein", ["umtauschen", "ersetzen"]),
        ("Lebensbescheinigung", ["ausstellen lassen"]),
        ("Ehrenamtskarte", ["beantragen"]),
        ("Hausnummer", ["beantragen", "ändern"]),
        ("Bodenrichtwertauskunft", ["anfordern"]),
        ("Denkmalschutzgenehmigung", ["beantragen"]),
        ("Brennholz", ["bestellen"]),
        ("Gartenabfall", ["entsorgen"]),
        ("Wahlhelfertätigkeit", ["übernehmen"]),
        ("Geburtsanzeige", ["einreichen"]),
        ("Vaterschaftsanerkennung", ["beurkunden lassen"]),
        ("Gästekarte", ["beantragen"]),
        ("Sportplatz", ["mieten", "buchen"]),
        ("Lärmbelästigung", ["melden"]),
        ("Taxikonzession", ["beantragen", "verlängern"]),
    ];

    public static readonly string[] Sections =
    [
        "Voraussetzungen", "Benötigte Unterlagen", "Gebühren", "Bearbeitungsdauer", "Zuständige Stelle", "Fristen",
        "Ablauf", "Online-Antrag", "Hinweise", "Rechtsgrundlagen", "Ansprechpartner", "Öffnungszeiten",
        "Häufige Fragen", "Ermäßigungen", "Formulare", "Barrierefreiheit",
    ];

    public static readonly string[] Offices =
    [
        "Bürgerbüro", "Ordnungsamt", "Bauamt", "Steueramt", "Standesamt", "Sozialamt", "Jugendamt",
        "Straßenverkehrsamt", "Umweltamt", "Friedhofsamt", "Amt für Schule und Sport", "Grünflächenamt",
        "Tiefbauamt", "Ausländeramt", "Kulturamt", "Liegenschaftsamt",
    ];

    public static readonly string[] Documents =
    [
        "gültiger Personalausweis oder Reisepass", "Meldebescheinigung", "Geburtsurkunde", "Mietvertrag",
        "Wohnungsgeberbestätigung", "Einkommensnachweise der letzten drei Monate", "Lageplan im Maßstab 1:500",
        "Bauzeichnungen", "schriftliche Vollmacht", "Gewerbeschein", "Handelsregisterauszug", "letzter Steuerbescheid",
        "Rentenbescheid", "ärztliches Attest", "biometrisches Passbild", "Zulassungsbescheinigung Teil I",
        "Nachweis der Haftpflichtversicherung", "Sachkundenachweis", "Eheurkunde", "Kontoauszug mit IBAN",
    ];

    public static readonly string[] Groups =
    [
        "Familien mit Kindern", "Studierende", "Rentnerinnen und Rentner", "Menschen mit Behinderung",
        "Inhaber der Ehrenamtskarte", "Gewerbetreibende", "Vereine", "Auszubildende", "Alleinerziehende",
    ];

    public static readonly string[] Districts =
    [
        "Altstadt", "Nordviertel", "Südstadt", "Westend", "Oberdorf", "Unterdorf", "Am Hafen", "Lindenhof",
        "Birkenau", "Eichenfeld", "Neumühle", "Sonnenberg",
    ];

    public static readonly string[] Channels =
    [
        "online über das Serviceportal", "persönlich mit Termin", "schriftlich per Post", "per E-Mail",
        "telefonisch über die Behördennummer 115", "im Bürgerbüro am Marktplatz",
    ];

    public static readonly string[] Forms =
    [
        "Antrag auf Erteilung", "Änderungsanzeige", "Abmeldeformular", "Erklärung zur Ermäßigung",
        "Einzugsermächtigung", "Vollmachtsformular",
    ];

    public static readonly string[] FeeItems =
    [
        "Grundgebühr", "Ausfertigung", "Verlängerung", "Ersatzausstellung", "Eilbearbeitung", "Zustellung per Post",
        "Ermäßigte Gebühr", "Beglaubigte Kopie",
    ];

    public static readonly string[] FeeNotes = ["je Antrag", "je Jahr", "je Stück", "einmalig", "zzgl. Auslagen", "–"];

    /// <summary>Slots: {T} topic, {V} verb, {A} office, {O} district, {W}/{N} numbers, {M} amount, {C} channel,
    /// {Z} group, {F} form, {D}/{D2} documents, {X} another topic.</summary>
    public static readonly string[] Sentences =
    [
        "Den Antrag für {T} stellen Sie {C} beim {A}.",
        "Bitte bringen Sie zum Termin folgende Unterlagen mit: {D} und {D2}.",
        "Die Gebühr beträgt {M} Euro und ist bei Antragstellung fällig.",
        "Die Bearbeitung dauert in der Regel {W} Wochen, in der Urlaubszeit auch länger.",
        "Zuständig ist das {A} im Verwaltungsgebäude {O}.",
        "Für {Z} gelten besondere Regelungen, die Ihnen das {A} gern erläutert.",
        "Das Formular {F} finden Sie im Serviceportal der Stadt zum Herunterladen.",
        "Bei Fragen erreichen Sie das {A} telefonisch unter der Behördennummer 115 oder per E-Mail.",
        "Ohne vollständige Unterlagen kann der Antrag leider nicht bearbeitet werden.",
        "Termine vergibt das {A} online sowie telefonisch, spontane Vorsprachen sind nur begrenzt möglich.",
        "Änderungen müssen Sie innerhalb von {N} Wochen schriftlich mitteilen.",
        "Die Frist beginnt mit dem Tag nach der Zustellung des Bescheids.",
        "Gegen den Bescheid können Sie innerhalb eines Monats Widerspruch beim {A} einlegen.",
        "Das {A} ist montags bis freitags von 8 bis 12 Uhr und donnerstags zusätzlich von 14 bis 18 Uhr geöffnet.",
        "Ermäßigungen erhalten {Z} gegen Vorlage eines aktuellen Nachweises.",
        "Die Rechtsgrundlage bildet die Satzung der Stadt über {T} in der jeweils gültigen Fassung.",
        "Wenn Sie {T} {V} möchten, benötigen Sie einen gültigen Personalausweis oder Reisepass.",
        "Eine Vertretung ist mit schriftlicher Vollmacht und dem Ausweis der bevollmächtigten Person möglich.",
        "Der Bescheid wird Ihnen per Post an Ihre Meldeadresse zugestellt.",
        "Die Zahlung ist per Überweisung, Lastschrift oder mit Girocard möglich, Barzahlung nur an der Stadtkasse.",
        "Im Ortsteil {O} übernimmt die Verwaltungsstelle vor Ort die Bearbeitung.",
        "Ein barrierefreier Zugang befindet sich am Haupteingang des Bürgerzentrums {O}.",
        "Wer {T} {V} will, sollte den Antrag mindestens {W} Wochen vorher stellen.",
        "Nach der Prüfung erhalten Sie eine Eingangsbestätigung mit Ihrem Aktenzeichen.",
        "Sie können den Bearbeitungsstand jederzeit im Serviceportal einsehen.",
        "Unvollständige Anträge sendet das {A} mit einem Hinweis auf die fehlenden Unterlagen zurück.",
        "Die Verwaltung prüft außerdem, ob Angaben zu {X} erforderlich sind.",
        "Bei Verlust des Bescheids stellt das {A} gegen eine Gebühr von {M} Euro eine Zweitschrift aus.",
        "Für Rückfragen halten Sie bitte Ihr Aktenzeichen und Ihre Kundennummer bereit.",
        "In dringenden Fällen ist eine Eilbearbeitung gegen Aufpreis möglich.",
        "Die Entscheidung wird Ihnen schriftlich mitgeteilt und ist {N} Jahre gültig.",
        "Informationen in leichter Sprache und in Englisch erhalten Sie im Bürgerbüro.",
    ];
}
