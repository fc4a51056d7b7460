using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Stadtdialog.Generative;
using Stadtdialog.Generative.Safety;
using Xunit;

namespace Stadtdialog.Core.Tests.Generative;

public sealed partial class PiiRedactionTests
{
    private const string CitizenMessage =
        "Ich heiße Anna Schmidt, wohne in der Goethestraße 12, 07743 Jena, erreichbar unter 0171 2345678 oder " +
        "anna.schmidt@example.de, IBAN DE89 3704 0044 0532 0130 00. Kann ich die Hundesteuer per Lastschrift zahlen?";

    private const string SourcesText =
        "<quellen>\n<quelle nr=\"1\" titel=\"Hundesteuer\" url=\"https://www.jena.de/hundesteuer\">\n" +
        "Steuerbüro der Stadt Jena, Am Anger 15, 07743 Jena, Telefon (03641) 49-0, steuern@jena.de. " +
        "Lastschrift mit SEPA-Mandat ist möglich.\n</quelle>\n</quellen>";

    private static readonly string[] CitizenValues =
    [
        "Anna Schmidt", "Schmidt", "Goethestraße 12", "Goethestraße 12, 07743", "0171 2345678", "01712345678", "2345678",
        "anna.schmidt@example.de", "anna.schmidt", "DE89 3704 0044 0532 0130 00", "DE89370400440532013000",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // ---- detectors ------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("Schreiben Sie mir an anna.schmidt@example.de, danke.", PiiKind.Email, "anna.schmidt@example.de")]
    [InlineData("Mail: Max_Mustermann+stadt@mail.gemeinde-beispiel.de", PiiKind.Email, "Max_Mustermann+stadt@mail.gemeinde-beispiel.de")]
    [InlineData("Rufen Sie mich an: +49 361 123456.", PiiKind.Phone, "+49 361 123456")]
    [InlineData("Tel. +49 (0) 3641 49-0", PiiKind.Phone, "+49 (0) 3641 49-0")]
    [InlineData("Mobil 0049 171 2345678", PiiKind.Phone, "0049 171 2345678")]
    [InlineData("Meine Nummer ist 0361 123456.", PiiKind.Phone, "0361 123456")]
    [InlineData("Handy: 0171/1234567", PiiKind.Phone, "0171/1234567")]
    [InlineData("Zentrale (03641) 49-0 bitte", PiiKind.Phone, "(03641) 49-0")]
    [InlineData("erreichbar unter 01712345678", PiiKind.Phone, "01712345678")]
    [InlineData("call me at +491712345678", PiiKind.Phone, "+491712345678")]
    [InlineData("Festnetz 030 12345678", PiiKind.Phone, "030 12345678")]
    [InlineData("Telefon 0361 / 65 50 12", PiiKind.Phone, "0361 / 65 50 12")]
    [InlineData("IBAN DE89 3704 0044 0532 0130 00 bitte abbuchen", PiiKind.Iban, "DE89 3704 0044 0532 0130 00")]
    [InlineData("IBAN: DE89370400440532013000.", PiiKind.Iban, "DE89370400440532013000")]
    [InlineData("Konto AT61 1904 3002 3457 3201", PiiKind.Iban, "AT61 1904 3002 3457 3201")]
    [InlineData("GB82 WEST 1234 5698 7654 32 is my account", PiiKind.Iban, "GB82 WEST 1234 5698 7654 32")]
    [InlineData("compte FR14 2004 1010 0505 0001 3M02 606", PiiKind.Iban, "FR14 2004 1010 0505 0001 3M02 606")]
    [InlineData("NL91ABNA0417164300", PiiKind.Iban, "NL91ABNA0417164300")]
    [InlineData("CH93 0076 2011 6238 5295 7", PiiKind.Iban, "CH93 0076 2011 6238 5295 7")]
    [InlineData("kleingeschrieben de89 3704 0044 0532 0130 00", PiiKind.Iban, "de89 3704 0044 0532 0130 00")]
    [InlineData("Karte 4111 1111 1111 1111, gültig bis 12/27", PiiKind.PaymentCard, "4111 1111 1111 1111")]
    [InlineData("Mastercard 5500-0000-0000-0004", PiiKind.PaymentCard, "5500-0000-0000-0004")]
    [InlineData("Amex 378282246310005", PiiKind.PaymentCard, "378282246310005")]
    [InlineData("Meine Steuer-ID ist 86095742719.", PiiKind.TaxId, "86095742719")]
    [InlineData("Steueridentifikationsnummer 86 095 742 719", PiiKind.TaxId, "86 095 742 719")]
    [InlineData("Die Nummer 47036892816 steht auf dem Brief.", PiiKind.TaxId, "47036892816")]
    [InlineData("Steuer-Identifikationsnummer 12345678901 (vielleicht vertippt)", PiiKind.TaxId, "12345678901")]
    [InlineData("Steuernummer 151/815/08156", PiiKind.TaxNumber, "151/815/08156")]
    [InlineData("St.-Nr. 93815/08152", PiiKind.TaxNumber, "93815/08152")]
    [InlineData("Personalausweisnummer L01X00T47", PiiKind.IdDocument, "L01X00T47")]
    [InlineData("Ausweis-Nr. T22000129 verloren", PiiKind.IdDocument, "T22000129")]
    [InlineData("Meine Passnummer: C01X00T47", PiiKind.IdDocument, "C01X00T47")]
    [InlineData("Die Zeile lautet T220001293 laut Dokument", PiiKind.IdDocument, "T220001293")]
    [InlineData("Ich wohne in der Goethestraße 12, 07743 Jena.", PiiKind.Address, "Goethestraße 12, 07743 Jena")]
    [InlineData("Anschrift: Karl-Marx-Allee 5a, Berlin", PiiKind.Address, "Karl-Marx-Allee 5a")]
    [InlineData("Wir sind in die Karl-Liebknecht-Str. 5 gezogen.", PiiKind.Address, "Karl-Liebknecht-Str. 5")]
    [InlineData("Bitte an Am Markt 3 schicken.", PiiKind.Address, "Am Markt 3")]
    [InlineData("Lindenweg 7, 99084 Erfurt", PiiKind.Address, "Lindenweg 7, 99084 Erfurt")]
    [InlineData("Ich wohne am Schillerplatz 4.", PiiKind.Address, "Schillerplatz 4")]
    [InlineData("Umzug in die Neue Straße 5.", PiiKind.Address, "Neue Straße 5")]
    [InlineData("Hauptstrasse 10-12\n07745 Jena", PiiKind.Address, "Hauptstrasse 10-12\n07745 Jena")]
    [InlineData("Mein Name ist Anna Schmidt.", PiiKind.Name, "Anna Schmidt")]
    [InlineData("Ich heiße Max Mustermann und habe eine Frage.", PiiKind.Name, "Max Mustermann")]
    [InlineData("Guten Tag, ich bin Max Mustermann aus Lobeda.", PiiKind.Name, "Max Mustermann")]
    [InlineData("Ich hatte mit Herrn Dr. Müller gesprochen.", PiiKind.Name, "Müller")]
    [InlineData("Frau Anna Schmidt hat angerufen.", PiiKind.Name, "Anna Schmidt")]
    [InlineData("My name is John Smith.", PiiKind.Name, "John Smith")]
    [InlineData("Mein Name ist Ursula von der Leyen.", PiiKind.Name, "Ursula von der Leyen")]
    [InlineData("Danke im Voraus.\n\nMit freundlichen Grüßen\nAnna Schmidt", PiiKind.Name, "Anna Schmidt")]
    [InlineData("Passt schon. Gruß, Peter", PiiKind.Name, "Peter")]
    [InlineData("Viele Grüße\nPeter Meier-Lüdenscheidt", PiiKind.Name, "Peter Meier-Lüdenscheidt")]
    [InlineData("Name: Anna Schmidt\nAnliegen: Sperrmüll", PiiKind.Name, "Anna Schmidt")]
    public void Finds_personal_data(string text, PiiKind kind, string value)
    {
        var matches = PiiRedactor.Find(text);

        Assert.Contains(matches, m => m.Kind == kind && m.Value == value);
        Assert.Equal(value, text.Substring(matches.Single(m => m.Value == value).Index, value.Length));
    }

    [Theory]
    [InlineData("Mein Termin ist am 12.03.2025 um 14:30 Uhr.")]
    [InlineData("Die Postleitzahl von Jena-Lobeda ist 07747.")]
    [InlineData("Nach Paragraf 12 Absatz 3 der Satzung ist das erlaubt?")]
    [InlineData("Die Gebühr beträgt 37,00 Euro, ermäßigt 0,50 Euro.")]
    [InlineData("Öffnungszeiten: Mo–Fr 08:00 - 12:00 und 13:00 - 16:00 Uhr")]
    [InlineData("Seit 2019 wohne ich in Jena, im Jahr 2025 ziehe ich um.")]
    [InlineData("Aktenzeichen Az. 32-123/2024, Bescheid vom 01.04.2025")]
    [InlineData("Ist der Parkplatz 24 Stunden geöffnet?")]
    [InlineData("Wann ist der Wochenmarkt 2025 auf dem Marktplatz?")]
    [InlineData("Ich bin Rentner und brauche einen Schwerbehindertenausweis.")]
    [InlineData("Wo beantrage ich einen Personalausweis im Bürgerbüro?")]
    [InlineData("Ich heiße Sie herzlich willkommen in unserer Stadt.")]
    [InlineData("Frau Bürgermeisterin, wann öffnet das Freibad?")]
    [InlineData("Wie teuer ist ein Anwohnerparkausweis für 12 Monate?")]
    [InlineData("Ich habe eine Frage zur Grundsteuer 2025 für mein Grundstück.")]
    [InlineData("Die Sperrmüllabholung kostet 25 € pro 3 m³.")]
    [InlineData("Viele Grüße aus Jena!")]
    [InlineData("Bitte rufen Sie mich morgen zwischen 9 und 12 Uhr an.")]
    [InlineData("Die Kita Sonnenschein hat 120 Plätze, der Spielplatz 3 Schaukeln.")]
    [InlineData("Ich bin Alleinerziehende Mutter von 2 Kindern.")]
    [InlineData("Bauantrag für das Flurstück 123/45 in der Gemarkung Lobeda")]
    [InlineData("Haushaltsplan 2024/2025, Seite 112, Produkt 1.1.1.01")]
    [InlineData("Die Steuer für meinen Hund beträgt 120 Euro im Jahr.")]
    [InlineData("Termin am 15.06.2025 im Standesamt, Zimmer 204, Wartenummer 17.")]
    [InlineData("Der Ausweis kostet 37,00 Euro und ist 10 Jahre gültig.")]
    [InlineData("Ich bin Student und suche eine Wohnung in der Nähe der Universität.")]
    [InlineData("Der Radweg 3 km entlang der Saale ist gesperrt.")]
    [InlineData("Version 2.0.1 der App, Build 20250312")]
    [InlineData("Können Sie mir die Formulare A1 und B12 schicken? Danke!")]
    [InlineData("Ich komme am 3.5. gegen 10:15 Uhr mit 2 Personen.")]
    public void Leaves_ordinary_municipal_text_alone(string text)
    {
        var matches = PiiRedactor.Find(text);

        Assert.True(matches.Count == 0, "Unexpected: " + string.Join(", ", matches.Select(m => $"{m.Kind} '{m.Value}'")));
    }

    [Theory]
    [InlineData("DE89 3704 0044 0532 0130 01")] // wrong check digits
    [InlineData("4111 1111 1111 1112")] // fails Luhn
    [InlineData("Die Nummer 12345678901 steht auf dem Brief.")] // no cue, no valid Steuer-ID
    [InlineData("Zeile T220001294 im Dokument")] // wrong ICAO check digit, no cue
    [InlineData("Vorgang 151/815/08156")] // tax number format without cue
    public void Rejects_numbers_that_fail_their_check(string text)
    {
        Assert.Empty(PiiRedactor.Find(text));
    }

    [Fact]
    public void Same_value_gets_the_same_placeholder_and_can_be_restored()
    {
        var map = new PiiMap();

        var first = PiiRedactor.Redact("Mail an anna@example.de oder Tel. +49 171 2345678", map);
        var second = PiiRedactor.Redact("Nochmal: ANNA@example.de, 0171 2345678, bob@example.de", map);

        Assert.Equal("Mail an [E-MAIL_1] oder Tel. [TELEFON_1]", first.Text);
        Assert.Equal("Nochmal: [E-MAIL_1], [TELEFON_1], [E-MAIL_2]", second.Text);
        Assert.Equal("Schreibe an anna@example.de und bob@example.de", map.Restore("Schreibe an [E-MAIL_1] und [e-mail_2]"));
        Assert.Equal("[NAME_1] und [1] bleiben", map.Restore("[NAME_1] und [1] bleiben"));
    }

    [Fact]
    public void A_name_found_by_its_cue_is_replaced_everywhere()
    {
        var map = new PiiMap();

        var result = PiiRedactor.Redact("Anna Schmidt fragt: Mein Name ist Anna Schmidt, was kostet ein Pass?", map);

        Assert.Equal("[NAME_1] fragt: Mein Name ist [NAME_1], was kostet ein Pass?", result.Text);
    }

    [Fact]
    public void Redactor_is_safe_to_share_between_threads()
    {
        string[] givenNames = ["Anna", "Peter", "Julia", "Max"];
        var texts = Enumerable.Range(0, 64).Select(i => $"Ich heiße {givenNames[i % 4]} Schmidt, Tel. 0171 23456{i:00}").ToArray();

        var results = texts.AsParallel().Select(t => PiiRedactor.Redact(t, new PiiMap()).Text).ToArray();

        Assert.All(results, r => Assert.Equal("Ich heiße [NAME_1], Tel. [TELEFON_1]", r));
    }

    // ---- middleware -----------------------------------------------------------------------------------------

    [Fact]
    public async Task Citizen_data_never_reaches_the_model_but_comes_back_in_the_answer()
    {
        var fake = CallbackChatClient.Answering(EchoPlaceholders);
        using var client = new ChatClientBuilder(fake).UsePiiRedaction().Build();
        var policy = new TurnPolicy { TenantId = "jena", SourceCount = 1 };
        var messages = Conversation();

        var response = await client.GetResponseAsync(messages, new ChatOptions().WithTurnPolicy(policy), Ct);

        var sent = JsonSerializer.Serialize(fake.LastMessages, AIJsonUtilities.DefaultOptions);
        Assert.All(CitizenValues, value => Assert.DoesNotContain(value, sent, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(JsonEncodedText.Encode("Goethestraße").ToString(), sent, StringComparison.Ordinal);

        // Sources (public content) and the system prompt go out unchanged.
        Assert.Same(messages[0], fake.LastMessages[0]);
        Assert.Same(messages[1], fake.LastMessages[1]);
        Assert.Contains("(03641) 49-0", fake.LastMessages[1].Text, StringComparison.Ordinal);
        Assert.Contains("Am Anger 15, 07743 Jena", fake.LastMessages[1].Text, StringComparison.Ordinal);

        var user = fake.LastMessages[2].Text;
        Assert.Contains("[NAME_1]", user, StringComparison.Ordinal);
        Assert.Contains("[ADRESSE_1]", user, StringComparison.Ordinal);
        Assert.Contains("[TELEFON_1]", user, StringComparison.Ordinal);
        Assert.Contains("[E-MAIL_1]", user, StringComparison.Ordinal);
        Assert.Contains("[IBAN_1]", user, StringComparison.Ordinal);
        Assert.Contains("Kann ich die Hundesteuer per Lastschrift zahlen?", user, StringComparison.Ordinal);

        Assert.Equal(
            "Antwort an Anna Schmidt: Goethestraße 12, 07743 Jena | 0171 2345678 | anna.schmidt@example.de | " +
            "DE89 3704 0044 0532 0130 00",
            response.Text);
        Assert.Equal(1, policy.Redactions["name"]);
        Assert.Equal(1, policy.Redactions["address"]);
        Assert.Equal(1, policy.Redactions["phone"]);
        Assert.Equal(1, policy.Redactions["email"]);
        Assert.Equal(1, policy.Redactions["iban"]);
    }

    [Fact]
    public async Task Caller_messages_and_options_are_not_mutated()
    {
        var fake = CallbackChatClient.Answering(_ => "ok");
        using var client = new ChatClientBuilder(fake).UsePiiRedaction().Build();
        var messages = Conversation();
        var userContent = messages[2].Contents.Single();
        messages[2].RawRepresentation = new object();
        var options = new ChatOptions { Temperature = 0.1f }.WithTurnPolicy(new TurnPolicy { TenantId = "jena" });
        var before = JsonSerializer.Serialize(messages, AIJsonUtilities.DefaultOptions);

        await client.GetResponseAsync(messages, options, Ct);

        Assert.Equal(before, JsonSerializer.Serialize(messages, AIJsonUtilities.DefaultOptions));
        Assert.Same(userContent, messages[2].Contents.Single());
        Assert.Equal(CitizenMessage, messages[2].Text);
        Assert.NotNull(messages[2].RawRepresentation);
        Assert.Null(fake.LastMessages[2].RawRepresentation);
        Assert.Same(options, fake.ReceivedOptions[^1]);
    }

    [Fact]
    public async Task Works_without_a_policy_and_redacts_history_but_not_system_messages()
    {
        var fake = CallbackChatClient.Answering(_ => "ok");
        using var client = new ChatClientBuilder(fake).UsePiiRedaction().Build();
        List<ChatMessage> messages =
        [
            new(ChatRole.System, "Kontakt der Verwaltung: info@jena.de"),
            new(ChatRole.User, "Schreiben Sie an hans@example.de"),
            new(ChatRole.Assistant, "Gern schreibe ich an hans@example.de."),
            new(ChatRole.User, "Und an Frau Meier?"),
        ];

        await client.GetResponseAsync(messages, options: null, Ct);

        Assert.Equal("Kontakt der Verwaltung: info@jena.de", fake.LastMessages[0].Text);
        Assert.Equal("Schreiben Sie an [E-MAIL_1]", fake.LastMessages[1].Text);
        Assert.Equal("Gern schreibe ich an [E-MAIL_1].", fake.LastMessages[2].Text);
        Assert.Equal("Und an Frau [NAME_1]?", fake.LastMessages[3].Text);
    }

    [Fact]
    public async Task A_name_introduced_later_is_redacted_in_earlier_messages()
    {
        var fake = CallbackChatClient.Answering(_ => "ok");
        using var client = new ChatClientBuilder(fake).UsePiiRedaction().Build();
        List<ChatMessage> messages =
        [
            new(ChatRole.User, "Hallo, Jonas Weber hier wegen des Bauantrags."),
            new(ChatRole.User, "Mein Name ist Jonas Weber, Aktenzeichen 123/2025."),
        ];

        await client.GetResponseAsync(messages, options: null, Ct);

        var sent = JsonSerializer.Serialize(fake.LastMessages, AIJsonUtilities.DefaultOptions);
        Assert.DoesNotContain("Weber", sent, StringComparison.Ordinal);
        Assert.Equal("Hallo, [NAME_1] hier wegen des Bauantrags.", fake.LastMessages[0].Text);
    }

    [Fact]
    public async Task Streaming_restores_placeholders_split_at_every_offset()
    {
        const string answer = "Wir schreiben an [E-MAIL_1] und rufen [TELEFON_1] an, Quelle [1].";
        const string expected = "Wir schreiben an anna.schmidt@example.de und rufen 0171 2345678 an, Quelle [1].";
        for (var split = 0; split <= answer.Length; split++)
        {
            string[] chunks = [answer[..split], answer[split..]];
            var (text, updates) = await StreamThroughRedaction(chunks);

            Assert.Equal(expected, text);
            Assert.All(updates, chunk => Assert.DoesNotMatch(HalfPlaceholderRegex(), chunk));
        }

        for (var size = 1; size <= 12; size++)
        {
            var (text, updates) = await StreamThroughRedaction(CallbackChatClient.Chunks(answer, size));

            Assert.Equal(expected, text);
            Assert.All(updates, chunk => Assert.DoesNotMatch(HalfPlaceholderRegex(), chunk));
        }
    }

    [Fact]
    public async Task Streaming_passes_other_contents_through_and_flushes_an_unfinished_placeholder()
    {
        var usage = new UsageContent(new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 });
        var fake = new CallbackChatClient(getStreamingResponse: (_, _, ct) => CallbackChatClient.Stream(
        [
            new ChatResponseUpdate(ChatRole.Assistant, "Ihre Adresse: [E-MA"),
            new ChatResponseUpdate(ChatRole.Assistant, [usage]),
            new ChatResponseUpdate(ChatRole.Assistant, "IL_1] und [E-MA"),
        ], ct));
        using var client = new ChatClientBuilder(fake).UsePiiRedaction().Build();

        var updates = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, CitizenMessage)], options: null, Ct).ToListAsync(Ct);

        Assert.Same(usage, updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single());
        Assert.Equal("Ihre Adresse: anna.schmidt@example.de und [E-MA", string.Concat(updates.Select(u => u.Text)));
        Assert.DoesNotContain(updates.Take(2), u => u.Text.Contains('[', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Streaming_without_personal_data_passes_updates_unchanged()
    {
        var update = new ChatResponseUpdate(ChatRole.Assistant, "Öffnungszeiten: [1]");
        var fake = new CallbackChatClient(getStreamingResponse: (_, _, ct) => CallbackChatClient.Stream([update], ct));
        using var client = new ChatClientBuilder(fake).UsePiiRedaction().Build();

        var updates = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Wann hat das Amt offen?")], options: null, Ct).ToListAsync(Ct);

        Assert.Same(update, Assert.Single(updates));
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static List<ChatMessage> Conversation() =>
    [
        new(ChatRole.System, "Du bist der Bürgerassistent der Stadt Jena. Antworte nur aus den Quellen."),
        new ChatMessage(ChatRole.User, SourcesText).AsSources(),
        new(ChatRole.User, CitizenMessage),
    ];

    /// <summary>A model that addresses the citizen using every placeholder it was sent, in order.</summary>
    private static string EchoPlaceholders(IList<ChatMessage> messages)
    {
        var placeholders = messages
            .Where(m => m.Role == ChatRole.User && !m.IsSources())
            .SelectMany(m => PlaceholderRegex().Matches(m.Text).Select(x => x.Value))
            .Distinct()
            .ToList();
        var name = placeholders.First(p => p.StartsWith("[NAME", StringComparison.Ordinal));
        return $"Antwort an {name}: " + string.Join(" | ", placeholders.Where(p => p != name));
    }

    private static async Task<(string Text, List<string> Chunks)> StreamThroughRedaction(IEnumerable<string> chunks)
    {
        var fake = CallbackChatClient.Streaming(_ => chunks);
        using var client = new ChatClientBuilder(fake).UsePiiRedaction().Build();
        var updates = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, CitizenMessage)], options: null, Ct).ToListAsync(Ct);
        var texts = updates.Select(u => u.Text).Where(t => t.Length > 0).ToList();
        var builder = new StringBuilder();
        texts.ForEach(t => builder.Append(t));
        return (builder.ToString(), texts);
    }

    [GeneratedRegex(@"\[[A-Z][A-Z\-]*_\d+\]")]
    private static partial Regex PlaceholderRegex();

    // A chunk may contain (a piece of) the citation "[1]" but never a piece of a placeholder such as "[E-MA",
    // "IL_1]" or "_1]".
    [GeneratedRegex(@"\[(?:[A-Z]|$)|E-MA|TELEF|_\d\]")]
    private static partial Regex HalfPlaceholderRegex();
}
