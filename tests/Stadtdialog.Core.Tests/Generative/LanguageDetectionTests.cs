using Stadtdialog.Generative;
using Xunit;

namespace Stadtdialog.Core.Tests;

public sealed class LanguageDetectionTests
{
    private static readonly string[] All = ["de", "en", "tr", "ar", "ru", "uk", "pl", "ro", "fr", "es", "it", "fa", "vi", "hr", "sr", "bs", "el", "bg"];

    private static LanguageDetection Detector => LanguageDetection.Instance;

    private static readonly (string Language, string Question)[] Questions =
    [
        ("de", "Wie beantrage ich einen neuen Personalausweis?"),
        ("de", "Wann hat das Bürgeramt am Samstag geöffnet?"),
        ("de", "Ich bin umgezogen und muss mich ummelden. Was brauche ich dafür?"),
        ("de", "Wie viel kostet ein Reisepass für mein Kind?"),
        ("de", "Wo kann ich Sperrmüll anmelden?"),
        ("de", "Mein Hund muss angemeldet werden, wie hoch ist die Hundesteuer?"),
        ("de", "Brauche ich einen Termin für die Zulassungsstelle?"),
        ("de", "Wie bekomme ich einen Bewohnerparkausweis?"),
        ("de", "Wer ist für die Straßenlaterne vor meinem Haus zuständig?"),
        ("de", "Kann ich meine Geburtsurkunde online bestellen?"),
        ("de", "Wie melde ich mein Kind in der Kita an?"),
        ("de", "Wo finde ich das Formular für den Wohngeldantrag?"),

        ("en", "How do I apply for a new ID card?"),
        ("en", "When is the citizens' office open on Saturday?"),
        ("en", "I just moved to the city. How do I register my new address?"),
        ("en", "How much does a passport for my child cost?"),
        ("en", "Where can I dispose of old furniture?"),
        ("en", "Do I need an appointment to register my car?"),
        ("en", "How can I get a residential parking permit?"),
        ("en", "Who is responsible for the broken street light in front of my house?"),
        ("en", "Can I order a copy of my birth certificate online?"),
        ("en", "How do I find a place in a daycare centre for my daughter?"),
        ("en", "Where can I find the application form for housing benefit?"),
        ("en", "I lost my wallet with my driving licence, what should I do?"),

        ("tr", "Yeni kimlik kartı için nasıl başvurabilirim?"),
        ("tr", "Vatandaşlık bürosu cumartesi günü açık mı?"),
        ("tr", "Yeni taşındım, adresimi nasıl kaydettirebilirim?"),
        ("tr", "Çocuğum için pasaport ne kadar tutuyor?"),
        ("tr", "Eski mobilyalarımı nereye atabilirim?"),
        ("tr", "Arabamı kaydettirmek için randevu almam gerekiyor mu?"),
        ("tr", "Oturum izni için hangi belgeleri getirmem gerekiyor?"),
        ("tr", "Çocuğumu kreşe nasıl kaydettirebilirim?"),
        ("tr", "Doğum belgemi internetten sipariş edebilir miyim?"),
        ("tr", "Konut yardımı başvuru formunu nerede bulabilirim?"),
        ("tr", "Ehliyetimi kaybettim, ne yapmalıyım?"),
        ("tr", "Belediyenin telefon numarası nedir?"),

        ("ar", "كيف يمكنني التقدم بطلب للحصول على بطاقة هوية جديدة؟"),
        ("ar", "متى يفتح مكتب المواطنين يوم السبت؟"),
        ("ar", "انتقلت إلى شقة جديدة، كيف أسجل عنواني الجديد؟"),
        ("ar", "كم تكلفة جواز السفر لطفلي؟"),
        ("ar", "أين يمكنني التخلص من الأثاث القديم؟"),
        ("ar", "هل أحتاج إلى موعد لتسجيل سيارتي؟"),
        ("ar", "ما هي الوثائق المطلوبة لتصريح الإقامة؟"),
        ("ar", "كيف أسجل طفلي في روضة الأطفال؟"),
        ("ar", "هل يمكنني طلب شهادة الميلاد عبر الإنترنت؟"),
        ("ar", "أين أجد استمارة طلب إعانة السكن؟"),
        ("ar", "فقدت رخصة القيادة، ماذا أفعل؟"),
        ("ar", "ما هو رقم هاتف البلدية؟"),

        ("uk", "Як отримати нове посвідчення особи?"),
        ("uk", "Коли працює бюро громадян у суботу?"),
        ("uk", "Я переїхав на нову квартиру. Як зареєструвати нову адресу?"),
        ("uk", "Скільки коштує закордонний паспорт для дитини?"),
        ("uk", "Куди можна викинути старі меблі?"),
        ("uk", "Чи потрібен запис на прийом, щоб зареєструвати автомобіль?"),
        ("uk", "Які документи потрібні для дозволу на проживання?"),
        ("uk", "Як записати дитину до дитячого садка?"),
        ("uk", "Чи можна замовити свідоцтво про народження онлайн?"),
        ("uk", "Де знайти форму заяви на житлову допомогу?"),
        ("uk", "Я загубив посвідчення водія, що мені робити?"),
        ("uk", "Який номер телефону міської ради?"),

        ("ru", "Как получить новое удостоверение личности?"),
        ("ru", "Когда работает бюро по делам граждан в субботу?"),
        ("ru", "Я переехал на новую квартиру. Как зарегистрировать новый адрес?"),
        ("ru", "Сколько стоит загранпаспорт для ребёнка?"),
        ("ru", "Куда можно выбросить старую мебель?"),
        ("ru", "Нужна ли запись на приём, чтобы зарегистрировать машину?"),
        ("ru", "Какие документы нужны для вида на жительство?"),
        ("ru", "Как записать ребёнка в детский сад?"),
        ("ru", "Можно ли заказать свидетельство о рождении онлайн?"),
        ("ru", "Где найти бланк заявления на пособие на жильё?"),
        ("ru", "Я потерял водительские права, что мне делать?"),
        ("ru", "Какой номер телефона городской администрации?"),

        ("pl", "Jak mogę złożyć wniosek o nowy dowód osobisty?"),
        ("pl", "Kiedy biuro obsługi obywateli jest otwarte w sobotę?"),
        ("pl", "Przeprowadziłem się. Jak zameldować się pod nowym adresem?"),
        ("pl", "Ile kosztuje paszport dla dziecka?"),
        ("pl", "Gdzie mogę wyrzucić stare meble?"),
        ("pl", "Czy muszę umówić wizytę, żeby zarejestrować samochód?"),
        ("pl", "Jakie dokumenty są potrzebne do zezwolenia na pobyt?"),
        ("pl", "Jak zapisać dziecko do przedszkola?"),
        ("pl", "Czy mogę zamówić akt urodzenia przez internet?"),
        ("pl", "Gdzie znajdę formularz wniosku o dodatek mieszkaniowy?"),
        ("pl", "Zgubiłem prawo jazdy, co mam zrobić?"),
        ("pl", "Jaki jest numer telefonu urzędu miasta?"),

        ("fr", "Comment demander une nouvelle carte d'identité ?"),
        ("fr", "Quand le bureau des citoyens est-il ouvert le samedi ?"),
        ("fr", "Je viens de déménager. Comment déclarer ma nouvelle adresse ?"),
        ("fr", "Combien coûte un passeport pour mon enfant ?"),
        ("fr", "Où puis-je jeter mes vieux meubles ?"),
        ("fr", "Dois-je prendre rendez-vous pour immatriculer ma voiture ?"),
        ("fr", "Quels documents faut-il pour un titre de séjour ?"),
        ("fr", "Comment inscrire mon enfant à la crèche ?"),
        ("fr", "Puis-je commander un acte de naissance en ligne ?"),
        ("fr", "Où trouver le formulaire de demande d'aide au logement ?"),
        ("fr", "J'ai perdu mon permis de conduire, que dois-je faire ?"),
        ("fr", "Quel est le numéro de téléphone de la mairie ?"),

        ("es", "¿Cómo puedo solicitar un nuevo documento de identidad?"),
        ("it", "Come posso richiedere una nuova carta d'identità?"),
        ("ro", "Cum pot solicita o carte de identitate nouă?"),
        ("fa", "چگونه می توانم برای کارت شناسایی جدید درخواست بدهم؟"),
        ("vi", "Làm thế nào để tôi xin cấp thẻ căn cước mới?"),
        ("el", "Πώς μπορώ να κάνω αίτηση για νέα ταυτότητα;"),
        ("bg", "Как мога да кандидатствам за нова лична карта?"),
    ];

    public static TheoryData<string, string> CitizenQuestions { get; } = new(Questions);

    [Theory]
    [MemberData(nameof(CitizenQuestions))]
    public void Detects_the_language_of_citizen_questions(string expected, string question)
    {
        var guess = Detector.Detect(question, All);

        Assert.Equal(expected, guess.Language);
        Assert.Equal(expected, guess.Detected);
        Assert.False(guess.IsFallback);
        Assert.InRange(guess.Confidence, 0.0, 1.0);
    }

    [Theory]
    [InlineData("Perso beantragen")]
    [InlineData("Öffnungszeiten Bürgeramt")]
    [InlineData("Sperrmüll")]
    [InlineData("Hundesteuer")]
    [InlineData("Kita Platz")]
    [InlineData("Termin")]
    [InlineData("Parken")]
    [InlineData("Handy Parken")]
    [InlineData("Bus Ticket")]
    [InlineData("Wohngeld")]
    [InlineData("Ummelden")]
    [InlineData("Online Termin buchen")]
    [InlineData("Baby Kita anmelden")]
    [InlineData("Mülltonne kaputt")]
    [InlineData("Kfz Zulassung")]
    [InlineData("Rathaus")]
    public void Short_german_questions_are_german(string question)
    {
        var guess = Detector.Detect(question, All);

        Assert.Equal("de", guess.Language);
        Assert.False(guess.IsFallback);
    }

    [Theory]
    [InlineData("Wo ist das Open Data Portal?")]
    [InlineData("Gibt es WLAN im Rathaus?")]
    [InlineData("Wie funktioniert das Online Banking der Stadtkasse?")]
    [InlineData("Ich brauche einen Termin beim Jobcenter.")]
    [InlineData("Wo kann ich die Smart City App downloaden?")]
    [InlineData("Gibt es ein Repair Café in der Stadt?")]
    [InlineData("Wann ist das nächste Public Viewing?")]
    [InlineData("Wie kann ich mich für den Newsletter anmelden?")]
    public void German_with_english_loanwords_is_german(string question)
    {
        var guess = Detector.Detect(question, All);

        Assert.Equal("de", guess.Language);
        Assert.False(guess.IsFallback);
    }

    [Fact]
    public void A_language_that_is_not_allowed_gives_the_fallback_and_says_what_was_detected()
    {
        var guess = Detector.Detect("Yeni kimlik kartı için nasıl başvurabilirim?", ["de", "en"]);

        Assert.Equal("de", guess.Language);
        Assert.True(guess.IsFallback);
        Assert.Equal("tr", guess.Detected);
        Assert.True(guess.Confidence > 0.9);
    }

    [Fact]
    public void The_fallback_can_be_another_language()
    {
        var guess = Detector.Detect("Jak mogę złożyć wniosek o nowy dowód osobisty?", ["en"], fallback: "en");

        Assert.Equal("en", guess.Language);
        Assert.True(guess.IsFallback);
        Assert.Equal("pl", guess.Detected);
    }

    [Fact]
    public void Allowed_codes_are_compared_case_insensitively_and_regions_are_ignored()
    {
        var guess = Detector.Detect("How do I apply for a new ID card?", ["DE-de", "en-GB"]);

        Assert.Equal("en", guess.Language);
        Assert.False(guess.IsFallback);
    }

    [Fact]
    public void Empty_allowed_set_allows_only_the_fallback()
    {
        var guess = Detector.Detect("How do I apply for a new ID card?", []);

        Assert.Equal("de", guess.Language);
        Assert.True(guess.IsFallback);
        Assert.Equal("en", guess.Detected);
    }

    [Fact]
    public void Short_german_is_not_german_when_german_is_not_allowed()
    {
        var guess = Detector.Detect("Perso beantragen", ["en"], fallback: "en");

        Assert.Equal("en", guess.Language);
        Assert.True(guess.IsFallback);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("thanks")]
    [InlineData("OK")]
    public void Short_ambiguous_text_gives_the_fallback_without_a_detected_language(string text)
    {
        var guess = Detector.Detect(text, All);

        Assert.Equal("de", guess.Language);
        Assert.True(guess.IsFallback);
        Assert.Null(guess.Detected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("12345 ?!")]
    [InlineData("https://www.stadt.de/buergeramt")]
    [InlineData("buergeramt@stadt.de")]
    public void Text_without_words_gives_the_fallback(string text)
    {
        var guess = Detector.Detect(text, All, fallback: "de");

        Assert.Equal(new LanguageGuess("de", 0, IsFallback: true), guess);
    }

    [Fact]
    public void Short_text_in_an_unambiguous_script_is_detected()
    {
        var guess = Detector.Detect("Ευχαριστώ πολύ", All);

        Assert.Equal("el", guess.Language);
        Assert.False(guess.IsFallback);
    }

    [Fact]
    public void Urls_do_not_make_german_english()
    {
        var guess = Detector.Detect(
            "Wo finde ich https://www.example.com/open-data/download/latest/english-version.html?", All);

        Assert.Equal("de", guess.Language);
    }

    [Fact]
    public void Croatian_stands_in_for_bosnian_and_serbian()
    {
        const string croatian = "Kako mogu podnijeti zahtjev za novu osobnu iskaznicu?";

        var asCroatian = Detector.Detect(croatian, All);
        var asBosnian = Detector.Detect(croatian, ["de", "bs"]);

        Assert.True(asCroatian.Language is "hr" or "bs", asCroatian.Language);
        Assert.True(asCroatian.Confidence > 0.9, $"pooled confidence {asCroatian.Confidence}");
        Assert.Equal("bs", asBosnian.Language);
        Assert.False(asBosnian.IsFallback);
    }

    [Fact]
    public void Detection_is_safe_from_many_threads()
    {
        var results = new (string Expected, string Actual)[Questions.Length];
        Parallel.For(0, Questions.Length, i =>
            results[i] = (Questions[i].Language, Detector.Detect(Questions[i].Question, All).Language));

        Assert.All(results, r => Assert.Equal(r.Expected, r.Actual));
    }

    [Fact]
    public void Instance_is_a_singleton()
    {
        Assert.Same(LanguageDetection.Instance, LanguageDetection.Instance);
    }

    [Theory]
    [InlineData("en", "de", "Englisch")]
    [InlineData("en", "en", "English")]
    [InlineData("tr", "de", "Türkisch")]
    [InlineData("tr", "en", "Turkish")]
    [InlineData("uk", "de", "Ukrainisch")]
    [InlineData("uk", "en", "Ukrainian")]
    [InlineData("de", "de", "Deutsch")]
    [InlineData("de", "en", "German")]
    [InlineData("ar", "de", "Arabisch")]
    [InlineData("fa", "de", "Persisch")]
    [InlineData("ro", "de", "Rumänisch")]
    [InlineData("EN", "de-DE", "Englisch")]
    [InlineData("ku", "de", "Kurdisch")]
    [InlineData("xx", "de", "xx")]
    public void DisplayName_names_languages_in_german_and_english(string iso, string inLanguage, string expected)
    {
        Assert.Equal(expected, LanguageDetection.DisplayName(iso, inLanguage));
    }

    [Fact]
    public void Every_supported_language_has_a_german_and_an_english_name()
    {
        Assert.Contains("de", LanguageDetection.SupportedLanguages);
        Assert.All(LanguageDetection.SupportedLanguages, iso =>
        {
            Assert.NotEqual(iso, LanguageDetection.DisplayName(iso, "de"));
            Assert.NotEqual(iso, LanguageDetection.DisplayName(iso, "en"));
        });
    }
}

public sealed class PlainlyGermanTests
{
    [Theory]
    [InlineData("Wie beantrage ich einen neuen Personalausweis?", true)]
    [InlineData("Wo ist das Bürgerbüro?", true)]
    [InlineData("Was kostet der Ausweis und wann ist das Amt offen?", true)]
    [InlineData("How do I apply for a new identity card?", false)]
    [InlineData("I want to die in the Bürgeramt", false)]
    [InlineData("Perso beantragen", false)]
    [InlineData("Yeni kimlik kartı için nasıl başvurabilirim?", false)]
    public void Two_german_function_words_decide_without_a_model(string text, bool expected)
    {
        Assert.Equal(expected, Stadtdialog.Generative.LanguageDetection.IsPlainlyGerman(text));
    }
}
