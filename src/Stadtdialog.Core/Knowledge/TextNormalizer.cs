using System.Text;
using System.Text.RegularExpressions;

namespace Stadtdialog.Knowledge;

internal static partial class TextNormalizer
{
    /// <summary>Collapses all whitespace (incl. non-breaking spaces) to single spaces and trims.</summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var collapsed = Whitespace().Replace(text, " ").Trim();
        return collapsed.Normalize(NormalizationForm.FormC);
    }

    [GeneratedRegex(@"[\s\u00A0\u200B]+")]
    private static partial Regex Whitespace();
}
