using System.Text;
using Stadtdialog.Data;

namespace Stadtdialog.Chat;

/// <summary>
/// The fixed sentences the assistant says itself (everything else is quoted from the tenant's content).
/// German first, English second; unknown languages get German.
/// </summary>
public static class Phrases
{
    public static string DontKnow(string language, Tenant tenant) => Pick(language,
        $"Dazu habe ich in den Informationen der {tenant.Name} leider keine verlässliche Antwort gefunden – " +
        "und ich möchte Ihnen nichts Falsches sagen. Gern hilft Ihnen ein Mensch aus der Verwaltung weiter.",
        $"I could not find a reliable answer to that in the information published by {tenant.Name}, " +
        "and I do not want to tell you anything wrong. A member of staff will be glad to help you.");

    /// <summary>How to reach a person: "Persönlich erreichen Sie das Bürgerbüro: Telefon …, E-Mail …".</summary>
    public static string OfferHuman(string language, ContactInfo contact)
    {
        var channels = new List<string>();
        if (!string.IsNullOrWhiteSpace(contact.Phone))
        {
            channels.Add(Pick(language, "Telefon ", "phone ") + contact.Phone);
        }

        if (!string.IsNullOrWhiteSpace(contact.Email))
        {
            channels.Add(Pick(language, "E-Mail ", "e-mail ") + contact.Email);
        }

        if (channels.Count == 0 && string.IsNullOrWhiteSpace(contact.Name))
        {
            return Pick(language, "Bitte wenden Sie sich direkt an Ihre Verwaltung.", "Please contact your administration directly.");
        }

        var builder = new StringBuilder(Pick(language, "Persönlich erreichen Sie ", "You can reach "))
            .Append(string.IsNullOrWhiteSpace(contact.Name) ? Pick(language, "die Verwaltung", "the administration") : contact.Name);
        if (channels.Count > 0)
        {
            builder.Append(": ").Append(string.Join(", ", channels));
        }

        builder.Append('.');
        if (!string.IsNullOrWhiteSpace(contact.OpeningHours))
        {
            builder.Append(' ').Append(Pick(language, "Erreichbar: ", "Available: ")).Append(contact.OpeningHours).Append('.');
        }

        return builder.ToString();
    }

    public static string Greeting(string language, Tenant tenant, Assistant assistant) =>
        !string.IsNullOrWhiteSpace(assistant.Greeting) && language == "de"
            ? assistant.Greeting
            : Pick(language,
                $"Guten Tag! Ich beantworte Ihre Fragen zu den Dienstleistungen der {tenant.Name}. Was möchten Sie wissen?",
                $"Hello! I answer your questions about the services of {tenant.Name}. What would you like to know?");

    public static string YouAreWelcome(string language) => Pick(language,
        "Gern geschehen! Fragen Sie jederzeit wieder.",
        "You're welcome! Ask me again any time.");

    public static string HumanRequested(string language) => Pick(language,
        "Gern verbinde ich Sie mit einem Menschen.",
        "Of course, let me put you in touch with a person.");

    /// <summary>Shown with a retrieval answer given because the language model failed.</summary>
    public static string ModelUnavailable(string language) => Pick(language,
        "Hinweis: Der KI-Dienst ist gerade nicht erreichbar. Diese Antwort ist direkt aus unseren Seiten zitiert.",
        "Note: the AI service is not available right now. This answer is quoted directly from our pages (in German).");

    /// <summary>Shown when plain language or another language was asked for but no language model is configured.</summary>
    public static string NoModelForRewrite(string language, bool plainLanguage) => plainLanguage
        ? Pick(language,
            "Hinweis: Einfache Sprache ist hier nur mit einem KI-Sprachmodell möglich, und es ist keines eingerichtet. Die Antwort ist aus unseren Seiten zitiert.",
            "Note: plain language needs an AI language model, and none is set up here. The answer is quoted from our pages.")
        : Pick(language,
            "Hinweis: Diese Antwort gibt es nur auf Deutsch.",
            "Note: this answer is only available in German.");

    private static string Pick(string language, string german, string english) =>
        language == "en" ? english : german;
}
