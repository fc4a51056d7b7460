using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Stadtdialog.Generative.Safety;

/// <summary>
/// The detectors behind <see cref="PiiRedactor"/>: a candidate pattern per kind, then validation in code (check
/// digits, digit counts, cue words before the candidate). Patterns are written so that they cannot backtrack
/// catastrophically (separators between digit groups are mandatory, quantifiers are bounded).
/// </summary>
internal static partial class PiiDetectors
{
    private const int CueWindow = 48;

    // ---- e-mail ---------------------------------------------------------------------------------------------

    public static void FindEmails(string text, List<PiiMatch> found)
    {
        if (!text.Contains('@', StringComparison.Ordinal))
        {
            return;
        }

        foreach (var match in EmailRegex().EnumerateMatches(text))
        {
            Add(found, PiiKind.Email, text, match.Index, match.Length);
        }
    }

    // ---- phone ----------------------------------------------------------------------------------------------

    public static void FindPhones(string text, List<PiiMatch> found)
    {
        foreach (Match match in PhoneRegex().Matches(text))
        {
            var digits = match.Value.Replace("(0)", string.Empty, StringComparison.Ordinal).Count(char.IsAsciiDigit);
            var international = match.Groups["intl"].Success;
            var cue = HasCue(text, match.Index, PhoneCueRegex());
            var enough = international ? digits is >= 8 and <= 15 : digits is >= 7 and <= 14 || (cue && digits == 6);
            if (enough)
            {
                Add(found, PiiKind.Phone, text, match.Index, match.Length);
            }
        }
    }

    // ---- IBAN -----------------------------------------------------------------------------------------------

    public static void FindIbans(string text, List<PiiMatch> found)
    {
        var start = 0;
        while (start < text.Length)
        {
            var match = IbanCandidateRegex().Match(text, start);
            if (!match.Success)
            {
                return;
            }

            var length = LongestValid(text, match.Index, match.Length, IsValidIban);
            if (length > 0)
            {
                Add(found, PiiKind.Iban, text, match.Index, length);
                start = match.Index + length;
            }
            else
            {
                start = match.Index + 1;
            }
        }
    }

    /// <summary>ISO 13616: 15 to 34 characters, country code, check digits, mod-97 remainder 1.</summary>
    internal static bool IsValidIban(ReadOnlySpan<char> candidate)
    {
        Span<char> compact = stackalloc char[34];
        var length = 0;
        foreach (var c in candidate)
        {
            if (c == ' ')
            {
                continue;
            }

            if (length == compact.Length || !char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }

            compact[length++] = char.ToUpperInvariant(c);
        }

        if (length < 15 || !char.IsAsciiLetter(compact[0]) || !char.IsAsciiLetter(compact[1])
            || !char.IsAsciiDigit(compact[2]) || !char.IsAsciiDigit(compact[3]))
        {
            return false;
        }

        var remainder = 0;
        for (var i = 0; i < length; i++)
        {
            var c = compact[(i + 4) % length];
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else
            {
                remainder = ((remainder * 100) + (c - 'A' + 10)) % 97;
            }
        }

        return remainder == 1;
    }

    // ---- payment cards --------------------------------------------------------------------------------------

    public static void FindPaymentCards(string text, List<PiiMatch> found)
    {
        var start = 0;
        while (start < text.Length)
        {
            var match = CardCandidateRegex().Match(text, start);
            if (!match.Success)
            {
                return;
            }

            var length = LongestValid(text, match.Index, match.Length, IsValidCardNumber);
            if (length > 0)
            {
                Add(found, PiiKind.PaymentCard, text, match.Index, length);
                start = match.Index + length;
            }
            else
            {
                start = match.Index + 1;
            }
        }
    }

    /// <summary>13 to 19 digits passing the Luhn check.</summary>
    internal static bool IsValidCardNumber(ReadOnlySpan<char> candidate)
    {
        var sum = 0;
        var count = 0;
        for (var i = candidate.Length - 1; i >= 0; i--)
        {
            var c = candidate[i];
            if (!char.IsAsciiDigit(c))
            {
                continue;
            }

            var digit = c - '0';
            if (count % 2 == 1)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
            count++;
        }

        return count is >= 13 and <= 19 && sum % 10 == 0;
    }

    // ---- tax identification number and tax number -----------------------------------------------------------

    public static void FindTaxIds(string text, List<PiiMatch> found)
    {
        foreach (var match in TaxIdRegex().EnumerateMatches(text))
        {
            var value = text.AsSpan(match.Index, match.Length);
            if (HasCue(text, match.Index, TaxIdCueRegex()) || IsValidTaxId(value))
            {
                Add(found, PiiKind.TaxId, text, match.Index, match.Length);
            }
        }
    }

    /// <summary>
    /// The Steuer-ID: 11 digits, no leading zero, in the first ten exactly one digit repeated (twice or three
    /// times), and the ISO 7064 MOD 11,10 check digit last.
    /// </summary>
    internal static bool IsValidTaxId(ReadOnlySpan<char> candidate)
    {
        Span<int> digits = stackalloc int[11];
        var length = 0;
        foreach (var c in candidate)
        {
            if (char.IsAsciiDigit(c))
            {
                if (length == digits.Length)
                {
                    return false;
                }

                digits[length++] = c - '0';
            }
        }

        if (length != 11 || digits[0] == 0)
        {
            return false;
        }

        Span<int> counts = stackalloc int[10];
        for (var i = 0; i < 10; i++)
        {
            counts[digits[i]]++;
        }

        var repeated = 0;
        foreach (var count in counts)
        {
            if (count > 3)
            {
                return false;
            }

            if (count > 1)
            {
                repeated++;
            }
        }

        if (repeated != 1)
        {
            return false;
        }

        var product = 10;
        for (var i = 0; i < 10; i++)
        {
            var sum = (digits[i] + product) % 10;
            if (sum == 0)
            {
                sum = 10;
            }

            product = sum * 2 % 11;
        }

        var check = 11 - product;
        return (check == 10 ? 0 : check) == digits[10];
    }

    public static void FindTaxNumbers(string text, List<PiiMatch> found)
    {
        foreach (var match in TaxNumberRegex().EnumerateMatches(text))
        {
            if (HasCue(text, match.Index, TaxNumberCueRegex()))
            {
                Add(found, PiiKind.TaxNumber, text, match.Index, match.Length);
            }
        }
    }

    // ---- ID card and passport -------------------------------------------------------------------------------

    public static void FindIdDocuments(string text, List<PiiMatch> found)
    {
        foreach (var match in IdDocumentRegex().EnumerateMatches(text))
        {
            var value = text.AsSpan(match.Index, match.Length);
            if (!value.ContainsAnyInRange('0', '9') || !value.ContainsAnyInRange('A', 'Z'))
            {
                continue;
            }

            var checkDigitValid = value.Length == 10 && IcaoCheckDigit(value[..9]) == value[9] - '0';
            if (checkDigitValid || HasCue(text, match.Index, IdDocumentCueRegex()))
            {
                Add(found, PiiKind.IdDocument, text, match.Index, match.Length);
            }
        }
    }

    /// <summary>The ICAO 9303 check digit (weights 7, 3, 1; letters count A = 10 … Z = 35).</summary>
    internal static int IcaoCheckDigit(ReadOnlySpan<char> value)
    {
        ReadOnlySpan<int> weights = [7, 3, 1];
        var sum = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var number = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            sum += number * weights[i % 3];
        }

        return sum % 10;
    }

    // ---- street addresses -----------------------------------------------------------------------------------

    public static void FindAddresses(string text, List<PiiMatch> found)
    {
        foreach (Match match in AddressRegex().Matches(text))
        {
            var core = match.Groups["core"].Value;
            var suffix = match.Groups["suffix"].Value;
            var streetSuffix = suffix.StartsWith("str", StringComparison.OrdinalIgnoreCase);
            var strongSuffix = streetSuffix
                || suffix.Equals("allee", StringComparison.OrdinalIgnoreCase)
                || suffix.Equals("gasse", StringComparison.OrdinalIgnoreCase);
            if (StreetNounStopList.Contains(core) || (char.IsLower(core[0]) && !streetSuffix))
            {
                continue;
            }

            // Leading capitalised words that merely start a sentence ("Ich", "Der") are not part of the street.
            var start = match.Index;
            var preWords = match.Groups["pre"].Captures;
            var kept = 0;
            foreach (Capture word in preWords)
            {
                if (kept == 0 && PreWordStopList.Contains(word.Value.TrimEnd(' ', '-', '.')))
                {
                    start = word.Index + word.Length;
                    continue;
                }

                kept++;
            }

            if (kept == 0 && core.Length == suffix.Length)
            {
                continue; // just "Straße 5" or "Weg 3"
            }

            var end = match.Index + match.Length;
            var numberEnd = match.Groups["no"].Index + match.Groups["no"].Length;
            if (!match.Groups["city"].Success && UnitAfterNumberRegex().IsMatch(text.AsSpan(numberEnd)))
            {
                continue; // "Parkplatz 24 Stunden", "Sportplatz 3 km"
            }

            var strong = strongSuffix || kept > 0 || match.Groups["city"].Success || HasCue(text, start, AddressCueRegex());
            if (strong)
            {
                Add(found, PiiKind.Address, text, start, end - start);
            }
        }
    }

    // ---- names ----------------------------------------------------------------------------------------------

    public static void FindNames(string text, List<PiiMatch> found)
    {
        foreach (Match cue in NameIntroCueRegex().Matches(text))
        {
            AddName(found, text, cue.Index + cue.Length, maxTokens: 3, requireGivenName: false, wholeLine: false);
        }

        foreach (Match cue in NameSelfCueRegex().Matches(text))
        {
            AddName(found, text, cue.Index + cue.Length, maxTokens: 3, requireGivenName: true, wholeLine: false);
        }

        foreach (Match cue in NameHonorificCueRegex().Matches(text))
        {
            AddName(found, text, cue.Index + cue.Length, maxTokens: 2, requireGivenName: false, wholeLine: false, surnameOnlyUnlessGiven: true);
        }

        foreach (Match cue in NameLabelCueRegex().Matches(text))
        {
            AddName(found, text, cue.Index + cue.Length, maxTokens: 3, requireGivenName: false, wholeLine: true);
        }

        foreach (Match cue in SignatureCueRegex().Matches(text))
        {
            var newline = cue.Groups["sep"].Value.Contains('\n', StringComparison.Ordinal);
            var comma = cue.Groups["sep"].Value.Contains(',', StringComparison.Ordinal);
            var thanks = cue.Groups["thanks"].Success;
            if (newline || (!thanks && comma) || cue.Groups["gruss"].Success)
            {
                AddName(found, text, cue.Index + cue.Length, maxTokens: 3, requireGivenName: false, wholeLine: true);
            }
        }
    }

    private static void AddName(
        List<PiiMatch> found,
        string text,
        int start,
        int maxTokens,
        bool requireGivenName,
        bool wholeLine,
        bool surnameOnlyUnlessGiven = false)
    {
        var position = start;
        var end = -1;
        var tokens = 0;
        while (tokens < maxTokens)
        {
            var tokenEnd = ReadNameToken(text, position);
            if (tokenEnd < 0)
            {
                break;
            }

            var token = text[position..tokenEnd];
            if (NameStopList.Contains(token))
            {
                break;
            }

            if (tokens == 0 && requireGivenName && !GivenNames.Contains(token))
            {
                return;
            }

            tokens++;
            end = tokenEnd;
            if (tokens == 1 && surnameOnlyUnlessGiven && !GivenNames.Contains(token))
            {
                break;
            }

            // Next token: one space, optionally particles ("von", "van der").
            var next = tokenEnd;
            if (next >= text.Length || text[next] != ' ')
            {
                break;
            }

            next++;
            for (var particles = 0; particles < 2; particles++)
            {
                var particleEnd = next;
                while (particleEnd < text.Length && char.IsLower(text[particleEnd]))
                {
                    particleEnd++;
                }

                if (particleEnd < text.Length && text[particleEnd] == ' ' && NameParticles.Contains(text[next..particleEnd]))
                {
                    next = particleEnd + 1;
                }
                else
                {
                    break;
                }
            }

            position = next;
        }

        if (end < 0)
        {
            return;
        }

        if (wholeLine && !RestOfLineIsEmpty(text, end))
        {
            return;
        }

        Add(found, PiiKind.Name, text, start, end - start);
    }

    /// <summary>The end of a capitalised name token at <paramref name="position"/> ("Anna", "Müller-Lüdenscheidt", "O'Brien"), or -1.</summary>
    private static int ReadNameToken(string text, int position)
    {
        var i = position;
        while (true)
        {
            if (i >= text.Length || !char.IsUpper(text[i]))
            {
                return -1;
            }

            i++;
            var lower = 0;
            while (i < text.Length && (char.IsLower(text[i]) || ((text[i] == '\'' || text[i] == '’') && lower > 0)))
            {
                i++;
                lower++;
            }

            if (lower == 0)
            {
                return -1;
            }

            if (i + 1 < text.Length && text[i] == '-' && char.IsUpper(text[i + 1]))
            {
                i++;
                continue;
            }

            return i < text.Length && char.IsLetterOrDigit(text[i]) ? -1 : i;
        }
    }

    private static bool RestOfLineIsEmpty(string text, int position)
    {
        for (var i = position; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n' || c == '\r')
            {
                return true;
            }

            if (c is not (' ' or '\t' or '.' or '!'))
            {
                return false;
            }
        }

        return true;
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static void Add(List<PiiMatch> found, PiiKind kind, string text, int index, int length) =>
        found.Add(new PiiMatch(kind, index, length, text.Substring(index, length)));

    private static bool HasCue(string text, int index, Regex cue)
    {
        var start = Math.Max(0, index - CueWindow);
        return cue.IsMatch(text.AsSpan(start, index - start));
    }

    /// <summary>
    /// The longest prefix of the candidate (ending on a letter or digit at a token boundary) that passes
    /// <paramref name="isValid"/>; 0 if none. A greedy candidate may have swallowed a following word.
    /// </summary>
    private static int LongestValid(string text, int index, int length, Func<ReadOnlySpan<char>, bool> isValid)
    {
        for (var candidateLength = length; candidateLength > 0; candidateLength--)
        {
            var end = index + candidateLength;
            if (!char.IsLetterOrDigit(text[end - 1]) || (end < text.Length && char.IsLetterOrDigit(text[end])))
            {
                continue;
            }

            if (isValid(text.AsSpan(index, candidateLength)))
            {
                return candidateLength;
            }
        }

        return 0;
    }

    // ---- patterns -------------------------------------------------------------------------------------------

    [GeneratedRegex(@"(?<![\p{L}\p{N}._%+\-])[\p{L}\p{N}._%+\-]{1,64}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]{0,61}[\p{L}\p{N}])?\.){1,8}\p{L}{2,24}(?![\p{L}\p{N}\-])")]
    private static partial Regex EmailRegex();

    // International (+49 …, 0049 …) or national with an area code (0361 …, (03641) …, 0171/…) and digit groups
    // separated by one space, "-" or "/"; or a national number written without separators (01712345678). Not
    // inside a longer run of digit groups (an IBAN with a typo is not a phone number).
    [GeneratedRegex(@"(?<![\p{L}\p{N}+/.,:\-])(?<!\d[ \t])(?:(?<intl>(?:\+|00)[1-9]\d{0,3})(?:[ \t]?\(0\))?(?:(?:[ \t]?[\-/][ \t]?|[ \t])\(?\d{1,8}\)?){1,5}|(?:\(0\d{2,5}\)|0\d{2,5})(?:(?:[ \t]?[\-/][ \t]?|[ \t])\d{1,8}){1,4}|0[1-9]\d{6,11}|(?<intl>\+[1-9]\d{7,14}))(?![\p{L}\p{N}]|[.,:/]\d)")]
    private static partial Regex PhoneRegex();

    [GeneratedRegex(@"(?i)\b(?:tel|telefon\w*|handy\w*|mobil\w*|fax|rufnummer|nummer|erreichbar|anrufen|ruf|phone|call)\b")]
    private static partial Regex PhoneCueRegex();

    [GeneratedRegex(@"(?<![\p{L}\p{N}])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}")]
    private static partial Regex IbanCandidateRegex();

    [GeneratedRegex(@"(?<![\p{L}\p{N}+\-/.,])(?<!\d[ \t])[2-6]\d{3}(?:[ \-]?\d){9,15}")]
    private static partial Regex CardCandidateRegex();

    [GeneratedRegex(@"(?<![\p{L}\p{N}+/.,\-])[1-9]\d(?:[ ]?\d{3}){3}(?![\p{L}\p{N}]|[.,/\-]\d)")]
    private static partial Regex TaxIdRegex();

    [GeneratedRegex(@"(?i)(?:steuer|\bidnr|identifikationsnummer|\btin\b|\btax\b)")]
    private static partial Regex TaxIdCueRegex();

    [GeneratedRegex(@"(?<![\p{L}\p{N}/.\-])(?:\d{2,3}/\d{3,4}/\d{4,5}|\d{5}/\d{5}|\d{10,13})(?![\p{L}\p{N}/]|[.,]\d)")]
    private static partial Regex TaxNumberRegex();

    [GeneratedRegex(@"(?i)(?:steuer\s*-?\s*(?:nummer|nr)|\bst\.?\s*-?\s*nr|\bstnr)")]
    private static partial Regex TaxNumberCueRegex();

    [GeneratedRegex(@"(?<![\p{L}\p{N}])[CFGHJKLMNPRTVWXYZ0-9]{9}[0-9]?(?![\p{L}\p{N}])")]
    private static partial Regex IdDocumentRegex();

    [GeneratedRegex(@"(?i)(?:ausweis|reisepass|\bpass(?:nummer|-?nr)?\b|passport|\bid[ -]?card|dokumentennummer)")]
    private static partial Regex IdDocumentCueRegex();

    // Street (optionally preceded by up to three capitalised words: "Karl-Marx-Allee", "Am Markt", "Alter Weg"),
    // house number ("12", "5a", "12-14"), optionally postal code and town.
    [GeneratedRegex(@"(?<![\p{L}\p{N}\-.])(?<pre>\p{Lu}\p{Ll}*\.?[ \-]){0,3}(?<core>\p{Lu}?\p{Ll}*?(?<suffix>[Ss]tra(?:ß|ss)e|[Ss]tr\.|[Ww]eg|[Pp]latz|[Aa]llee|[Gg]asse|[Rr]ing|[Dd]amm|[Uu]fer|[Mm]arkt))[ \t]+(?<no>\d{1,3}(?:[ \t]?[a-zA-Z](?!\p{L}))?(?:[ \t]?[\-–/][ \t]?\d{1,3}[a-zA-Z]?)?)(?!\d|[.,:]\d)(?<city>,?[ \t]*(?:\r?\n[ \t]*)?\d{5}[ \t]+\p{Lu}[\p{L}\-]*\p{L}(?:[ \t]?/[ \t]?\p{Lu}\p{L}+)?)?")]
    private static partial Regex AddressRegex();

    [GeneratedRegex(@"^[ \t]*(?:Stunden|Std\b|Minuten|Min\b|Sekunden|Euro|EUR\b|€|km\b|Kilometer|m\b|Meter|Uhr\b|Prozent|%|Jahre|Jahr\b|Tage|Wochen|Monate|Plätze|Personen|Kinder|Mal\b|mal\b|x\b|Zimmer|Seiten)")]
    private static partial Regex UnitAfterNumberRegex();

    [GeneratedRegex(@"(?i)\b(?:wohne|wohnen|wohnhaft|wohnort|wohnsitz|wohnung|adresse|anschrift|lebe|gemeldet|umgezogen|ziehe|live|address)\b")]
    private static partial Regex AddressCueRegex();

    [GeneratedRegex(@"\b(?:[Mm]ein(?:\s+(?:vollständiger|voller|ganzer))?\s+Name\s+(?:ist|lautet|war)|[Ii]ch\s+hei(?:ß|ss)e|[Mm]y\s+(?:full\s+)?name\s+is|[Mm]y\s+name's)\s*:?[ \t]+")]
    private static partial Regex NameIntroCueRegex();

    [GeneratedRegex(@"\b(?:[Ii]ch\s+bin|I\s+am|I['’]m|[Hh]ier\s+(?:ist|spricht|schreibt))[ \t]+")]
    private static partial Regex NameSelfCueRegex();

    [GeneratedRegex(@"\b(?:Herrn?|Frau|Hr\.|Fr\.|Mr\.?|Mrs\.?|Ms\.?|Familie)[ \t]+(?:(?:Dr|Prof|Dipl\.-Ing|Dipl\.-Kfm|med|rer\.[ ]?nat|jur|phil)\.?[ \t]+){0,3}")]
    private static partial Regex NameHonorificCueRegex();

    [GeneratedRegex(@"(?m)^[ \t]*(?:Name|Vorname|Nachname|Vor-\s+und\s+Nachname|Full\s+name|Antragsteller(?:in)?|Absender(?:in)?)[ \t]*:[ \t]*")]
    private static partial Regex NameLabelCueRegex();

    // A greeting closing a message, then the sender's name alone on the rest of the line: on the next line, or on
    // the same line after a comma; after a plain space only for "Gruß"/"Grüße" forms ("Viele Grüße Anna").
    [GeneratedRegex(@"(?<!\p{L})(?:(?<gruss>Mit\s+freundlichen\s+Grü(?:ß|ss)en|Freundliche\s+Grü(?:ß|ss)e|(?:Viele|Beste|Liebe|Herzliche|Schöne|Sonnige)\s+Grü(?:ß|ss)e|(?:Viele|Beste|Liebe|Herzliche)n?\s+Gru(?:ß|ss)|Gru(?:ß|ss)|Grü(?:ß|ss)e)|MfG|LG|VG|Best\s+regards|Kind\s+regards|Regards|Cheers|(?<thanks>Thanks|Danke|Vielen\s+Dank))(?<sep>[ \t]*[,!.]?[ \t]*(?:\r?\n[ \t]*){1,3}|[ \t]*,[ \t]*|[ \t]+)")]
    private static partial Regex SignatureCueRegex();

    // ---- word lists -----------------------------------------------------------------------------------------

    /// <summary>Capitalised words that follow a name cue but are not names ("ich heiße Sie willkommen", "Frau Bürgermeisterin").</summary>
    private static readonly FrozenSet<string> NameStopList = FrozenSet.Create(StringComparer.Ordinal,
    [
        "Sie", "Ihnen", "Ihr", "Ihre", "Ihrer", "Ich", "Wir", "Er", "Es", "Der", "Die", "Das", "Dem", "Den", "Ein", "Eine",
        "Und", "Oder", "Aber", "Kein", "Keine", "Nicht", "Auch", "Noch", "Hier", "Da", "So", "Herr", "Frau", "Team",
        "Stadt", "Stadtverwaltung", "Gemeinde", "Amt", "Verwaltung", "Bürgerbüro", "Bürgeramt", "Bürgerservice",
        "Bürger", "Bürgerin", "Einwohner", "Einwohnerin", "Rentner", "Rentnerin", "Student", "Studentin", "Schüler",
        "Schülerin", "Mutter", "Vater", "Eltern", "Mieter", "Mieterin", "Vermieter", "Vermieterin", "Eigentümer",
        "Eigentümerin", "Anwohner", "Anwohnerin", "Nachbar", "Nachbarin", "Kollege", "Kollegin", "Bürgermeister",
        "Bürgermeisterin", "Oberbürgermeister", "Oberbürgermeisterin", "Ortsteilbürgermeister", "Landrat", "Landrätin",
        "Stadtrat", "Stadträtin", "Präsident", "Präsidentin", "Minister", "Ministerin", "Direktor", "Direktorin",
        "Doktor", "Professor", "Professorin", "Pfarrer", "Pfarrerin", "Sachbearbeiter", "Sachbearbeiterin",
        "Vorsitzende", "Vorsitzender", "Abgeordnete", "Abgeordneter", "Dezernent", "Dezernentin", "Amtsleiter",
        "Amtsleiterin", "Beigeordnete", "Beigeordneter", "Alleinerziehend", "Alleinerziehende", "Neu", "Neubürger",
        "The", "A", "An", "Not", "Here", "Sorry", "Happy", "Interested", "Looking", "New", "Your", "Yours", "Thank",
    ]);

    private static readonly FrozenSet<string> NameParticles = FrozenSet.Create(StringComparer.Ordinal,
    [
        "von", "van", "de", "der", "den", "zu", "vom", "zur", "ten", "ter", "da", "di", "del", "la", "le", "bin", "al",
    ]);

    /// <summary>Sentence openers that the address pattern may take for part of a street name.</summary>
    private static readonly FrozenSet<string> PreWordStopList = FrozenSet.Create(StringComparer.Ordinal,
    [
        "Der", "Die", "Das", "Dem", "Den", "Des", "Ein", "Eine", "Einen", "Ich", "Wir", "Sie", "Er", "Es", "Mein",
        "Meine", "Unser", "Unsere", "Ihr", "Ihre", "Wo", "Wie", "Was", "Wann", "Warum", "Ist", "Sind", "Hat", "Haben",
        "Kann", "Können", "Bitte", "Gibt", "Und", "Oder", "Aber", "Nach", "Bei", "Von", "Vom", "Mit", "Für", "Ab",
        "Bis", "Wohne", "Adresse", "Anschrift", "Wohnung", "Jetzt",
    ]);

    /// <summary>Common nouns that end like a street but are not one ("Parkplatz 24 …", "Wochenmarkt 2025").</summary>
    private static readonly FrozenSet<string> StreetNounStopList = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
    [
        "PARKPLATZ", "SPIELPLATZ", "ARBEITSPLATZ", "SPORTPLATZ", "STELLPLATZ", "KITAPLATZ", "KRIPPENPLATZ",
        "SCHULPLATZ", "STUDIENPLATZ", "PFLEGEPLATZ", "HEIMPLATZ", "AUSBILDUNGSPLATZ", "ZELTPLATZ", "CAMPINGPLATZ",
        "BOLZPLATZ", "WERTSTOFFPLATZ", "WOCHENMARKT", "WEIHNACHTSMARKT", "FLOHMARKT", "ARBEITSMARKT",
        "WOHNUNGSMARKT", "SUPERMARKT", "BAUMARKT", "RADWEG", "FUSSWEG", "FUßWEG", "GEHWEG", "SCHULWEG", "RÜCKWEG",
        "UMWEG", "HEIMWEG", "AUSWEG", "RECHTSWEG", "POSTWEG", "ARBEITSWEG", "WANDERWEG", "LÖSUNGSWEG", "ONLINEWEG",
        "DIENSTWEG", "ANTRAGSWEG", "HERING", "STAUDAMM",
    ]);

    /// <summary>Frequent given names; "ich bin …" / "I am …" only count as a name with one of these first.</summary>
    private static readonly FrozenSet<string> GivenNames = FrozenSet.Create(StringComparer.Ordinal,
    [
        "Adam", "Adrian", "Ahmad", "Ahmed", "Alexander", "Alexandra", "Ali", "Alina", "Andrea", "Andreas", "Angelika",
        "Anja", "Anke", "Anna", "Anne", "Annika", "Anton", "Antonia", "Ayşe", "Barbara", "Ben", "Benjamin", "Bernd",
        "Bettina", "Birgit", "Björn", "Brigitte", "Carina", "Carla", "Carolin", "Charlotte", "Christa", "Christian",
        "Christina", "Christine", "Christoph", "Claudia", "Clara", "Daniel", "Daniela", "David", "Dennis", "Dieter",
        "Dirk", "Dominik", "Doris", "Elena", "Elias", "Elisabeth", "Ella", "Emil", "Emilia", "Emily", "Emma", "Erik",
        "Eva", "Fabian", "Fatima", "Felix", "Finn", "Florian", "Frank", "Franziska", "Friedrich", "Gabriele",
        "Georg", "Gerhard", "Gisela", "Hannah", "Hannes", "Hans", "Harald", "Heike", "Heinz", "Helga", "Helmut",
        "Henrik", "Hugo", "Ida", "Ingrid", "Irina", "Jakob", "Jan", "Jana", "Janina", "Jannik", "Jens", "Jessica",
        "Johanna", "Johannes", "John", "Jonas", "Jörg", "Josef", "Julia", "Julian", "Jürgen", "Justus", "Karin",
        "Karl", "Katharina", "Kathrin", "Katja", "Kerstin", "Kevin", "Klaus", "Konstantin", "Kristina", "Lara", "Lars",
        "Laura", "Lea", "Lena", "Leon", "Leonie", "Lina", "Linda", "Lisa", "Lotta", "Louis", "Luca", "Luise", "Lukas",
        "Maja", "Manfred", "Manuela", "Marc", "Marcel", "Maria", "Marie", "Marion", "Mario", "Mark", "Markus",
        "Martin", "Martina", "Mathias", "Matthias", "Max", "Maximilian", "Mehmet", "Melanie", "Mia", "Michael",
        "Michaela", "Mila", "Mohammed", "Monika", "Moritz", "Nadine", "Natalie", "Nicole", "Niklas", "Nils", "Nina",
        "Noah", "Olaf", "Olga", "Oliver", "Olivia", "Oskar", "Patrick", "Paul", "Paula", "Peter", "Petra", "Philipp",
        "Rainer", "Ralf", "Renate", "Robert", "Roland", "Sabine", "Sandra", "Sarah", "Sascha", "Sebastian", "Simon",
        "Simone", "Sofia", "Sophie", "Stefan", "Stefanie", "Steffen", "Susanne", "Sven", "Svenja", "Tanja", "Theo",
        "Thomas", "Tim", "Tobias", "Tom", "Torsten", "Ulrich", "Ulrike", "Ursula", "Ute", "Uwe", "Vanessa", "Victoria",
        "Volker", "Walter", "Werner", "Wolfgang", "Yusuf", "Zeynep",
    ]);
}
