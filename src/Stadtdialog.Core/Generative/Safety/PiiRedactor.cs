using System.Text;

namespace Stadtdialog.Generative.Safety;

/// <summary>
/// Finds personal data in citizens' messages (e-mail, phone, IBAN, tax numbers, ID documents, payment cards, street
/// addresses, names introduced by a cue) and replaces it by the placeholders of a <see cref="PiiMap"/>.
/// Prefers precision: municipal questions are full of capitalised nouns, dates, opening hours and fees, so numbers
/// are validated (check digits, formats) and names and addresses are only taken where a cue says what they are.
/// Stateless and thread-safe.
/// </summary>
public static class PiiRedactor
{
    // Earlier kinds win where matches overlap (an IBAN contains digit groups that look like a phone number).
    private static readonly PiiKind[] Priority =
    [
        PiiKind.Email, PiiKind.Iban, PiiKind.PaymentCard, PiiKind.TaxId, PiiKind.TaxNumber, PiiKind.IdDocument,
        PiiKind.Phone, PiiKind.Address, PiiKind.Name,
    ];

    /// <summary>
    /// The personal data in <paramref name="text"/>, non-overlapping and in text order. Names and addresses already
    /// in <paramref name="known"/> are found again where they appear without a cue.
    /// </summary>
    public static IReadOnlyList<PiiMatch> Find(string text, PiiMap? known = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return [];
        }

        var candidates = new List<PiiMatch>();
        PiiDetectors.FindEmails(text, candidates);
        PiiDetectors.FindIbans(text, candidates);
        PiiDetectors.FindPaymentCards(text, candidates);
        PiiDetectors.FindTaxIds(text, candidates);
        PiiDetectors.FindTaxNumbers(text, candidates);
        PiiDetectors.FindIdDocuments(text, candidates);
        PiiDetectors.FindPhones(text, candidates);
        PiiDetectors.FindAddresses(text, candidates);
        PiiDetectors.FindNames(text, candidates);
        if (known is not null)
        {
            FindKnownValues(text, known, PiiKind.Address, candidates);
            FindKnownValues(text, known, PiiKind.Name, candidates);
        }

        var ordered = candidates
            .OrderBy(m => Array.IndexOf(Priority, m.Kind))
            .ThenBy(m => m.Index)
            .ThenByDescending(m => m.Length);
        var taken = new bool[text.Length];
        var accepted = new List<PiiMatch>();
        foreach (var match in ordered)
        {
            if (Array.IndexOf(taken, true, match.Index, match.Length) >= 0)
            {
                continue;
            }

            Array.Fill(taken, true, match.Index, match.Length);
            accepted.Add(match);
        }

        accepted.Sort((a, b) => a.Index.CompareTo(b.Index));
        return accepted;
    }

    /// <summary>
    /// Replaces the personal data in <paramref name="text"/> by placeholders of <paramref name="map"/> (assigning
    /// new ones as needed). A name or address found by its cue is also replaced where it appears again in the text.
    /// </summary>
    public static RedactionResult Redact(string text, PiiMap map)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(map);
        var matches = Find(text, map);
        if (matches.Count == 0)
        {
            return new RedactionResult(text, matches);
        }

        var before = map.Count;
        foreach (var match in matches)
        {
            map.GetOrAddPlaceholder(match.Kind, match.Value);
        }

        if (map.Entries.Skip(before).Any(e => e.Kind is PiiKind.Name or PiiKind.Address))
        {
            // A name introduced later in the text ("…, ich heiße Anna Schmidt") may be mentioned before its cue.
            matches = Find(text, map);
        }

        var builder = new StringBuilder(text.Length);
        var position = 0;
        foreach (var match in matches)
        {
            builder.Append(text, position, match.Index - position);
            builder.Append(map.GetOrAddPlaceholder(match.Kind, match.Value));
            position = match.Index + match.Length;
        }

        builder.Append(text, position, text.Length - position);
        return new RedactionResult(builder.ToString(), matches);
    }

    private static void FindKnownValues(string text, PiiMap known, PiiKind kind, List<PiiMatch> candidates)
    {
        foreach (var entry in known.EntriesOf(kind))
        {
            var value = entry.Value;
            for (var index = text.IndexOf(value, StringComparison.Ordinal);
                 index >= 0;
                 index = text.IndexOf(value, index + value.Length, StringComparison.Ordinal))
            {
                var startsWord = index == 0 || !char.IsLetterOrDigit(text[index - 1]);
                var end = index + value.Length;
                var endsWord = end == text.Length || !char.IsLetterOrDigit(text[end]);
                if (startsWord && endsWord)
                {
                    candidates.Add(new PiiMatch(kind, index, value.Length, value));
                }
            }
        }
    }
}
