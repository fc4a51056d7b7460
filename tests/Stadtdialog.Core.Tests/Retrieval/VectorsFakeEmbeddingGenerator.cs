using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Stadtdialog.Core.Tests.Retrieval;

/// <summary>
/// A deterministic stand-in for an embedding endpoint: a hashed bag of words over the lower-cased words of a text
/// (FNV-1a, so the same text gives the same vector in every process). <paramref name="concepts"/> maps words to a
/// shared concept word first, so that a paraphrase ("identity renewal") lands where the German page
/// ("Personalausweis beantragen") is, as a real multilingual model would put it. <see cref="Fail"/> decides per
/// call (numbered from 1) whether the endpoint throws.
/// </summary>
internal sealed partial class FakeEmbeddingGenerator(
    int dimensions = 256, IReadOnlyDictionary<string, string>? concepts = null) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly Lock _lock = new();

    /// <summary>Every text embedded, in order (failed calls not included).</summary>
    public List<string> Inputs { get; } = [];

    public int Calls { get; private set; }

    /// <summary>Given the call number, returns the exception to throw, or null to answer.</summary>
    public Func<int, Exception?>? Fail { get; set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var texts = values.ToList();
        lock (_lock)
        {
            Calls++;
            if (Fail?.Invoke(Calls) is { } exception)
            {
                return Task.FromException<GeneratedEmbeddings<Embedding<float>>>(exception);
            }

            Inputs.AddRange(texts);
        }

        var embeddings = texts.Select(t => new Embedding<float>(Vector(t)) { ModelId = options?.ModelId });
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(embeddings));
    }

    public float[] Vector(string text)
    {
        var vector = new float[dimensions];
        foreach (var word in Words().Split(text.ToLower(CultureInfo.InvariantCulture)))
        {
            if (word.Length == 0)
            {
                continue;
            }

            var key = concepts is not null && concepts.TryGetValue(word, out var concept) ? concept : word;
            vector[Bucket(key)] += 1f;
        }

        return vector;
    }

    private int Bucket(string word)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(word))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return (int)(hash % (uint)dimensions);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    [GeneratedRegex(@"[^\p{L}\p{Nd}]+")]
    private static partial Regex Words();
}
