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

    /// <summary>
    /// Sentences built around random everyday nouns ({N}, {N2}, {N3}), so that, as on real sites, most words of a page
    /// are specific to it and generic words ("Antrag", "Termin") do not end up in nearly every chunk.
    /// </summary>
    public static readonly string[] Frames =
    [
        "Informationen zum Thema {N} erhalten Sie beim {A}.",
        "Fragen zum Thema {N} und {N2} beantwortet das {A} im Ortsteil {O}.",
        "Im Zusammenhang mit {N} kann auch das Thema {N2} eine Rolle spielen.",
        "Für das Thema {N} gelten besondere Regeln, etwa bei {N2}.",
        "Bitte beachten Sie die Hinweise zu {N}, insbesondere zu {N2} und {N3}.",
        "Das {A} berät Sie zu {N} und {N2}.",
        "Seit dem 1. Januar gelten neue Vorgaben für {N}.",
        "Angaben zu {N} und {N2} sind freiwillig, erleichtern aber die Bearbeitung.",
        "Wer Fragen zu {N} hat, wendet sich an das {A}.",
        "Weitere Auskünfte zu {N} gibt es {C}.",
        "In {O} ist für {N} die Außenstelle am Rathausplatz zuständig.",
        "Auch Themen wie {N}, {N2} oder {N3} gehören zu den Aufgaben des {A}.",
        "Die Stadt unterstützt Projekte zu {N} mit Mitteln aus dem Haushalt.",
        "Änderungen bei {N} teilen Sie bitte formlos mit.",
        "Für {Z} gibt es zum Thema {N} eine eigene Sprechstunde.",
        "Eine Übersicht über {N}, {N2} und {N3} finden Sie im Bürgerportal.",
    ];

    /// <summary>Everyday nouns of municipal life, the bulk of a page's vocabulary.</summary>
    public static readonly string[] Nouns =
    [
        "Abfallwirtschaft", "Abwasser", "Akteneinsicht", "Altenpflege", "Altglas", "Amtsblatt", "Anliegerbeitrag",
        "Arbeitsmarkt", "Archiv", "Asyl", "Aufenthalt", "Ausbildung", "Ausschreibung", "Bauleitplanung", "Baulast",
        "Bebauungsplan", "Begegnungsstätte", "Behindertenparkplatz", "Beratungsstelle", "Bestattung", "Betreuung",
        "Bibliothek", "Bildungsurlaub", "Biotop", "Bodenschutz", "Brandschutz", "Breitband", "Brücke", "Bürgerhaushalt",
        "Bürgerhaus", "Bürgerbeteiligung", "Busverkehr", "Campingplatz", "Carsharing", "Datenschutz", "Denkmal",
        "Digitalisierung", "Dorfgemeinschaft", "Ehrenamt", "Einwohnerversammlung", "Elternbeirat", "Energieberatung",
        "Entwässerung", "Erbbaurecht", "Erschließung", "Fahrradstraße", "Fahrradständer", "Feiertag", "Ferienpass",
        "Feuerwehr", "Flächennutzungsplan", "Flohmarkt", "Flüchtlingshilfe", "Förderprogramm", "Freibad", "Friedhof",
        "Frühförderung", "Fundsache", "Fußgängerzone", "Gartenbau", "Gedenkstätte", "Gehweg", "Gemeinderat",
        "Gesundheitsamt", "Gewässer", "Gleichstellung", "Grünanlage", "Grundschule", "Grundwasser", "Hallenbad",
        "Haltestelle", "Handwerk", "Hausmeister", "Hebammen", "Heimatmuseum", "Hitzeschutz", "Hochwasser", "Hospiz",
        "Hundewiese", "Impfung", "Inklusion", "Integration", "Jugendzentrum", "Kanalisation", "Kinderschutz",
        "Kleingarten", "Klimaschutz", "Kommunalwahl", "Kreisverkehr", "Kultursommer", "Kunstschule", "Ladesäule",
        "Landschaftsschutz", "Lärmschutz", "Lebensmittelkontrolle", "Leerstand", "Luftreinhaltung", "Marktplatz",
        "Mehrgenerationenhaus", "Mietspiegel", "Migrationsberatung", "Mobilität", "Nachbarschaftshilfe", "Naturschutz",
        "Obdachlosenhilfe", "Ordnungswidrigkeit", "Ortsbeirat", "Parkhaus", "Parkraumbewirtschaftung", "Partnerstadt",
        "Pflegeberatung", "Photovoltaik", "Quartiersmanagement", "Radweg", "Ratsinformation", "Regenwasser",
        "Rettungsdienst", "Sanierung", "Schadstoffmobil", "Schulweg", "Schulsozialarbeit", "Schwimmkurs", "Seniorenbeirat",
        "Spielplatz", "Sportverein", "Stadtarchiv", "Stadtbahn", "Stadtentwicklung", "Stadtfest", "Stadtführung",
        "Stadtwerke", "Stellplatz", "Straßenbau", "Straßenreinigung", "Streuobstwiese", "Suchtberatung", "Tagespflege",
        "Tierheim", "Tourismus", "Trinkwasser", "Umweltzone", "Unterhaltsvorschuss", "Verkehrsberuhigung", "Vereinsförderung",
        "Volkshochschule", "Wahlbezirk", "Waldkindergarten", "Wanderweg", "Wasserversorgung", "Wirtschaftsförderung",
        "Wochenmarkt", "Wohnraumförderung", "Wohnungslosigkeit", "Zebrastreifen", "Zuschuss", "Zweckverband",
        "Bauhof", "Winterdienst", "Laubsammlung", "Baustelle", "Umleitung", "Sperrung", "Eichamt", "Heizkostenzuschuss",
        "Bildungsberatung", "Familienzentrum", "Seniorentreff", "Jugendberufshilfe", "Schuldnerberatung", "Mietrecht",
        "Nachtbus", "Parkscheinautomat", "Schrottfahrzeug", "Wildtiere", "Rattenbekämpfung", "Schädlingsbekämpfung",
        "Gewässerrandstreifen", "Starkregen", "Stadtklima", "Fassadenbegrünung", "Dachbegrünung", "Zisterne",
        "Trauerhalle", "Urnenwand", "Kolumbarium", "Stadtbücherei", "Medienausleihe", "Lesesaal", "Theaterkasse",
        "Konzertsaal", "Festhalle", "Sporthalle", "Kunstrasen", "Laufstrecke", "Skatepark", "Bolzplatz",
    ];

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
        "Wenn Sie {T} {V} möchten, benötigen Sie einen gültigen Identitätsnachweis.",
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
