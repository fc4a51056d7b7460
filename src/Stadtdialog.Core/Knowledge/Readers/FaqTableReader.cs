using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Stadtdialog.Knowledge.Readers;

/// <summary>
/// Reads a curated FAQ table (CSV or sheet): one document per row with a question and an answer. Columns are
/// found by their header (case-insensitive): question (<c>Frage</c>, <c>Fragen</c>, <c>Question</c>, <c>Q</c>) and
/// answer (<c>Antwort</c>, <c>Answer</c>, <c>A</c>) are required; link (<c>URL</c>, <c>Link</c>, <c>Quelle</c>),
/// keywords (<c>Stichworte</c>, <c>Schlagworte</c>, <c>Keywords</c>; separated by commas or semicolons) and category
/// (<c>Kategorie</c>, <c>Category</c>, <c>Thema</c>; also used as a keyword) are optional.
/// </summary>
/// <remarks>
/// A row's identity (<see cref="ExtractedDocument.SubKey"/>) is derived from its normalised question, so sorting
/// or inserting rows keeps the identities of the others; a repeated question is read once (the first row wins).
/// </remarks>
public static partial class FaqTableReader
{
    private static readonly string[] QuestionNames = ["frage", "fragen", "question", "questions", "q"];
    private static readonly string[] AnswerNames = ["antwort", "antworten", "answer", "answers", "a"];
    private static readonly string[] UrlNames = ["url", "link", "quelle", "source"];
    private static readonly string[] KeywordNames = ["stichworte", "stichwörter", "schlagworte", "schlagwörter", "keywords", "tags"];
    private static readonly string[] CategoryNames = ["kategorie", "category", "thema", "topic"];

    public static bool IsFaqHeader(IReadOnlyList<string> header) =>
        Column(header, QuestionNames) >= 0 && Column(header, AnswerNames) >= 0;

    public static IReadOnlyList<ExtractedDocument> Read(IReadOnlyList<IReadOnlyList<string>> rows, string url)
    {
        if (rows.Count == 0 || !IsFaqHeader(rows[0]))
        {
            throw new DocumentReadException(
                "No FAQ table found: the first row needs a question column (Frage/Question) and an answer column (Antwort/Answer).");
        }

        var header = rows[0];
        var question = Column(header, QuestionNames);
        var answer = Column(header, AnswerNames);
        var link = Column(header, UrlNames);
        var keywords = Column(header, KeywordNames);
        var category = Column(header, CategoryNames);

        var documents = new List<ExtractedDocument>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows.Skip(1))
        {
            var title = TextNormalizer.Clean(Cell(row, question));
            var blocks = AnswerBlocks(Cell(row, answer));
            if (title.Length == 0 || blocks.Count == 0)
            {
                continue;
            }

            var subKey = SubKeyOf(title);
            if (!seen.Add(subKey))
            {
                continue;
            }

            var rowUrl = Cell(row, link).Trim();
            documents.Add(new ExtractedDocument(
                IsHttpUrl(rowUrl) || IsSiteRelative(rowUrl) ? rowUrl : $"{url}#faq-{subKey}", title, null, "de", null, blocks)
            {
                SubKey = subKey,
                Kind = DocumentKind.Faq,
                Keywords = Keywords(Cell(row, keywords), Cell(row, category)),
            });
        }

        if (documents.Count == 0)
        {
            throw new DocumentReadException("The FAQ table has no rows with a question and an answer.");
        }

        return documents;
    }

    /// <summary>First 12 hex digits of the SHA-256 of the question, lower-cased with whitespace collapsed.</summary>
    internal static string SubKeyOf(string question)
    {
        var normalized = TextNormalizer.Clean(question).ToLowerInvariant();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)))[..12];
    }

    /// <summary>A link within the municipality's own site (<c>/buergerservice/personalausweis</c>).</summary>
    internal static bool IsSiteRelative(string value) =>
        value.Length > 1 && value[0] == '/' && value[1] != '/' && Uri.TryCreate(value, UriKind.Relative, out _);

    internal static bool IsHttpUrl([NotNullWhen(true)] string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>
    /// Paragraphs split at blank lines; lines starting with <c>- </c>, <c>• </c> or <c>* </c> become list items
    /// (an indented line continues the item before it); other lines of a paragraph are joined.
    /// </summary>
    internal static List<ContentBlock> AnswerBlocks(string answer)
    {
        var blocks = new List<ContentBlock>();
        var paragraph = new List<string>();
        var items = new List<string>();

        void FlushParagraph()
        {
            var text = TextNormalizer.Clean(string.Join(' ', paragraph));
            if (text.Length > 0)
            {
                blocks.Add(new ParagraphBlock(text));
            }

            paragraph.Clear();
        }

        void FlushList()
        {
            var cleaned = items.Select(i => TextNormalizer.Clean(i)).Where(i => i.Length > 0).ToList();
            if (cleaned.Count > 0)
            {
                blocks.Add(new ListBlock(cleaned));
            }

            items.Clear();
        }

        foreach (var line in answer.ReplaceLineEndings("\n").Split('\n'))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                FlushParagraph();
                FlushList();
            }
            else if (ListItem().Match(line) is { Success: true } item)
            {
                FlushParagraph();
                items.Add(item.Groups[1].Value);
            }
            else if (items.Count > 0 && char.IsWhiteSpace(line[0]))
            {
                items[^1] += " " + line;
            }
            else
            {
                FlushList();
                paragraph.Add(line);
            }
        }

        FlushParagraph();
        FlushList();
        return blocks;
    }

    private static List<string> Keywords(string keywords, string category)
    {
        var result = new List<string>();
        foreach (var keyword in $"{keywords};{category}".Split([',', ';'], StringSplitOptions.TrimEntries))
        {
            var cleaned = TextNormalizer.Clean(keyword);
            if (cleaned.Length > 0 && !result.Contains(cleaned, StringComparer.OrdinalIgnoreCase))
            {
                result.Add(cleaned);
            }
        }

        return result;
    }

    private static int Column(IReadOnlyList<string> header, string[] names)
    {
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim().Trim('\uFEFF').Trim();
            if (names.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Cell(IReadOnlyList<string> row, int column) =>
        column >= 0 && column < row.Count ? row[column] : "";

    [GeneratedRegex(@"^\s*[-•*–]\s+(.*)$")]
    private static partial Regex ListItem();
}
