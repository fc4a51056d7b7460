namespace Stadtdialog.Knowledge.Readers;

/// <summary>Plain text: paragraphs separated by blank lines; the first line is the title.</summary>
public static class PlainTextReader
{
    public static ExtractedDocument Read(string text, string url)
    {
        var paragraphs = text.Replace("\r\n", "\n", StringComparison.Ordinal)
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => TextNormalizer.Clean(p))
            .Where(p => p.Length > 0)
            .ToList();
        if (paragraphs.Count == 0)
        {
            throw new DocumentReadException("The document has no text to index.");
        }

        var title = paragraphs[0].Length <= 120 ? paragraphs[0] : Path.GetFileNameWithoutExtension(url);
        return new ExtractedDocument(url, title, null, "de", null, [.. paragraphs.Select(p => new ParagraphBlock(p))]);
    }
}
