using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Stadtdialog.Server.Features.Demo;

/// <summary>A query the demo platform cannot answer (unsupported or malformed); answered with 400.</summary>
internal sealed class DemoQueryException(string message) : Exception(message);

/// <summary>
/// The OData subset of the demo SensorThings service: <c>$filter</c> with <c>and</c>/<c>or</c>/<c>not</c>, parentheses,
/// <c>eq ne gt ge lt le</c>, the functions <c>substringof</c>, <c>startswith</c>, <c>endswith</c>, <c>tolower</c>,
/// <c>toupper</c>, string/number/boolean/null literals and unquoted ISO instants, and paths such as <c>name</c>,
/// <c>properties/category</c>, <c>Thing/name</c> or <c>phenomenonTime</c>; and <c>$orderby</c> on such paths.
/// </summary>
internal static class DemoODataQuery
{
    /// <summary>A parsed filter: evaluates to true or false for an entity, whose values are read through a path resolver.</summary>
    public delegate object? Expression(Func<string, object?> resolve);

    public static Func<Func<string, object?>, bool> ParseFilter(string text)
    {
        var parser = new Parser(Tokenize(text));
        var expression = parser.ParseOr();
        parser.ExpectEnd();
        return resolve => expression(resolve) is true;
    }

    /// <summary><c>path [asc|desc], …</c> → (path, descending) pairs.</summary>
    public static IReadOnlyList<(string Path, bool Descending)> ParseOrderBy(string text)
    {
        var result = new List<(string, bool)>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var words = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length > 2 || (words.Length == 2 && words[1] is not ("asc" or "desc")) || !IsPath(words[0]))
            {
                throw new DemoQueryException($"Failed to parse $orderby: '{part}' is not 'path [asc|desc]'.");
            }

            result.Add((words[0], words.Length == 2 && words[1] == "desc"));
        }

        return result.Count > 0 ? result : throw new DemoQueryException("Failed to parse $orderby: it is empty.");
    }

    /// <summary>Orders by comparable values (numbers, instants, strings; nulls first), as OData does.</summary>
    public static int Compare(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : -1) : 1;
        }

        (a, b) = Align(a, b);
        return (a, b) switch
        {
            (double x, double y) => x.CompareTo(y),
            (DateTimeOffset x, DateTimeOffset y) => x.CompareTo(y),
            (bool x, bool y) => x.CompareTo(y),
            _ => string.CompareOrdinal(Convert.ToString(a, CultureInfo.InvariantCulture), Convert.ToString(b, CultureInfo.InvariantCulture)),
        };
    }

    /// <summary>The value at <paramref name="path"/> (<c>a/b/c</c>; <c>id</c> is <c>@iot.id</c>) of a JSON object, as double, string, bool or null.</summary>
    public static object? Resolve(JsonObject root, string path)
    {
        JsonNode? node = root;
        foreach (var segment in path.Split('/'))
        {
            var name = segment == "id" ? "@iot.id" : segment;
            node = node is JsonObject o && o.TryGetPropertyValue(name, out var child) ? child : null;
            if (node is null)
            {
                return null;
            }
        }

        return node is JsonValue value
            ? value.GetValueKind() switch
            {
                JsonValueKind.Number => value.GetValue<double>(),
                JsonValueKind.String => value.GetValue<string>(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => null,
            }
            : null;
    }

    private static bool IsPath(string text) =>
        text.Length > 0 && (char.IsAsciiLetter(text[0]) || text[0] == '@')
        && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '@' or '.' or '_');

    private enum Kind { Open, Close, Comma, String, Number, Time, Word, End }

    private readonly record struct Token(Kind Kind, string Text);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '(' or ')' or ',')
            {
                tokens.Add(new Token(c == '(' ? Kind.Open : c == ')' ? Kind.Close : Kind.Comma, c.ToString()));
                i++;
            }
            else if (c == '\'')
            {
                var literal = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new DemoQueryException("Failed to parse $filter: a string literal is not closed.");
                    }

                    if (text[i] == '\'')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '\'')
                        {
                            literal.Append('\'');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    literal.Append(text[i++]);
                }

                tokens.Add(new Token(Kind.String, literal.ToString()));
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('(' or ')' or ',' or '\''))
                {
                    i++;
                }

                var word = text[start..i];
                var kind = char.IsAsciiDigit(word[0]) || (word[0] == '-' && word.Length > 1)
                    ? (word.Contains('T', StringComparison.Ordinal) && word.Count(ch => ch == '-') >= 2 ? Kind.Time : Kind.Number)
                    : Kind.Word;
                tokens.Add(new Token(kind, word));
            }
        }

        tokens.Add(new Token(Kind.End, ""));
        return tokens;
    }

    private sealed class Parser(List<Token> tokens)
    {
        private static readonly HashSet<string> Comparisons = new(StringComparer.Ordinal) { "eq", "ne", "gt", "ge", "lt", "le" };
        private int _at;

        private Token Peek => tokens[_at];

        public void ExpectEnd()
        {
            if (Peek.Kind != Kind.End)
            {
                throw Unexpected();
            }
        }

        public Expression ParseOr()
        {
            var left = ParseAnd();
            while (IsWord("or"))
            {
                _at++;
                var l = left;
                var r = ParseAnd();
                left = resolve => l(resolve) is true || r(resolve) is true;
            }

            return left;
        }

        private Expression ParseAnd()
        {
            var left = ParseNot();
            while (IsWord("and"))
            {
                _at++;
                var l = left;
                var r = ParseNot();
                left = resolve => l(resolve) is true && r(resolve) is true;
            }

            return left;
        }

        private Expression ParseNot()
        {
            if (IsWord("not"))
            {
                _at++;
                var inner = ParseNot();
                return resolve => inner(resolve) is not true;
            }

            return ParseComparison();
        }

        private Expression ParseComparison()
        {
            var left = ParseOperand();
            if (Peek.Kind == Kind.Word && Comparisons.Contains(Peek.Text))
            {
                var op = tokens[_at++].Text;
                var right = ParseOperand();
                return resolve => Evaluate(op, left(resolve), right(resolve));
            }

            if (Peek.Kind == Kind.Word && Peek.Text is "add" or "sub" or "mul" or "div" or "mod" or "has" or "in")
            {
                throw new DemoQueryException($"Failed to parse $filter: the operator '{Peek.Text}' is not supported by the demo platform.");
            }

            return left;
        }

        private Expression ParseOperand()
        {
            var token = tokens[_at++];
            switch (token.Kind)
            {
                case Kind.Open:
                    var inner = ParseOr();
                    Expect(Kind.Close);
                    return inner;
                case Kind.String:
                    return _ => token.Text;
                case Kind.Number:
                    if (!double.TryParse(token.Text.TrimEnd('L', 'd', 'f', 'm'), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                    {
                        throw new DemoQueryException($"Failed to parse $filter: '{token.Text}' is not a number.");
                    }

                    return _ => number;
                case Kind.Time:
                    var time = DemoPlatformData.ParseTime(token.Text)
                        ?? throw new DemoQueryException($"Failed to parse $filter: '{token.Text}' is not an ISO 8601 instant.");
                    return _ => time;
                case Kind.Word when token.Text is "true" or "false":
                    var flag = token.Text == "true";
                    return _ => flag;
                case Kind.Word when token.Text == "null":
                    return _ => null;
                case Kind.Word when Peek.Kind == Kind.Open:
                    return ParseFunction(token.Text);
                case Kind.Word when IsPath(token.Text) && !Comparisons.Contains(token.Text) && token.Text is not ("and" or "or" or "not"):
                    var path = token.Text;
                    return resolve => resolve(path);
                default:
                    _at--;
                    throw Unexpected();
            }
        }

        private Expression ParseFunction(string name)
        {
            Expect(Kind.Open);
            var arguments = new List<Expression>();
            if (Peek.Kind != Kind.Close)
            {
                arguments.Add(ParseOr());
                while (Peek.Kind == Kind.Comma)
                {
                    _at++;
                    arguments.Add(ParseOr());
                }
            }

            Expect(Kind.Close);
            (int Arity, Func<object?[], object?> Apply) function = name switch
            {
                // substringof(needle, haystack): the SensorThings v1.1 form; contains(haystack, needle): OData 4.
                "substringof" => (2, a => Strings(a, (x, y) => y.Contains(x, StringComparison.Ordinal))),
                "contains" => (2, a => Strings(a, (x, y) => x.Contains(y, StringComparison.Ordinal))),
                "startswith" => (2, a => Strings(a, (x, y) => x.StartsWith(y, StringComparison.Ordinal))),
                "endswith" => (2, a => Strings(a, (x, y) => x.EndsWith(y, StringComparison.Ordinal))),
                "tolower" => (1, a => (a[0] as string)?.ToLowerInvariant()),
                "toupper" => (1, a => (a[0] as string)?.ToUpperInvariant()),
                "length" => (1, a => a[0] is string s ? (double)s.Length : null),
                _ => throw new DemoQueryException($"Failed to parse $filter: the function '{name}' is not supported by the demo platform."),
            };
            if (arguments.Count != function.Arity)
            {
                throw new DemoQueryException($"Failed to parse $filter: {name} takes {function.Arity} argument(s), not {arguments.Count}.");
            }

            return resolve => function.Apply([.. arguments.Select(a => a(resolve))]);

            static object? Strings(object?[] a, Func<string, string, bool> test) =>
                a[0] is string x && a[1] is string y ? test(x, y) : false;
        }

        private static bool Evaluate(string op, object? left, object? right)
        {
            if (left is null || right is null)
            {
                return op switch
                {
                    "eq" => left is null && right is null,
                    "ne" => !(left is null && right is null),
                    _ => false,
                };
            }

            var (a, b) = Align(left, right);
            if (a.GetType() != b.GetType())
            {
                return op == "ne";
            }

            var order = Compare(a, b);
            return op switch
            {
                "eq" => order == 0,
                "ne" => order != 0,
                "gt" => order > 0,
                "ge" => order >= 0,
                "lt" => order < 0,
                _ => order <= 0,
            };
        }

        private void Expect(Kind kind)
        {
            if (Peek.Kind != kind)
            {
                throw Unexpected();
            }

            _at++;
        }

        private bool IsWord(string word) => Peek.Kind == Kind.Word && Peek.Text == word;

        private DemoQueryException Unexpected() => new(Peek.Kind == Kind.End
            ? "Failed to parse $filter: the expression ends too early."
            : $"Failed to parse $filter: unexpected '{Peek.Text}'.");
    }

    /// <summary>Strings next to instants are read as instants (<c>phenomenonTime ge 2026-01-01T00:00:00Z</c>).</summary>
    private static (object A, object B) Align(object a, object b) => (a, b) switch
    {
        (DateTimeOffset, string s) when DemoPlatformData.ParseTime(s) is { } t => (a, t),
        (string s, DateTimeOffset) when DemoPlatformData.ParseTime(s) is { } t => (t, b),
        _ => (a, b),
    };
}
