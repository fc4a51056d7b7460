using System.Text;

namespace Stadtdialog.Knowledge.Readers;

/// <summary>
/// Turns bytes into text the way browsers do for municipal sites: a byte order mark wins, then the declared
/// charset, then UTF-8 if the bytes are valid UTF-8, else Windows-1252 (what "ISO-8859-1" means on the web).
/// Binary content is refused.
/// </summary>
public static class TextDecoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    static TextDecoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static string Decode(byte[] bytes, string? charset = null)
    {
        var text = DecodeCore(bytes, charset);
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new DocumentReadException("The file is binary, not text.");
        }

        return text;
    }

    private static string DecodeCore(byte[] bytes, string? charset)
    {
        if (bytes.AsSpan().StartsWith("\uFEFF"u8))
        {
            return Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        }

        if (bytes.Length >= 2 && (bytes[0], bytes[1]) is (0xFF, 0xFE) or (0xFE, 0xFF))
        {
            return (bytes[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode).GetString(bytes, 2, bytes.Length - 2);
        }

        var declared = Resolve(charset);
        if (declared is not null && declared.CodePage != Encoding.UTF8.CodePage)
        {
            return declared.GetString(bytes);
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding(1252).GetString(bytes);
        }
    }

    private static Encoding? Resolve(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return null;
        }

        var name = charset.Trim().Trim('"', '\'');
        // Browsers treat Latin-1 as Windows-1252 (curly quotes and the euro sign live in 0x80..0x9F).
        if (name.Equals("iso-8859-1", StringComparison.OrdinalIgnoreCase) || name.Equals("latin1", StringComparison.OrdinalIgnoreCase))
        {
            return Encoding.GetEncoding(1252);
        }

        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
