// TEMPORARY: replaced by the helpers' implementations on merge.
using Microsoft.Extensions.AI;

namespace Stadtdialog.Generative.Safety
{
    public static class StubSafety
    {
        public static ChatClientBuilder UsePiiRedaction(this ChatClientBuilder b) => b;

        public static ChatClientBuilder UsePromptGuard(this ChatClientBuilder b) => b;
    }

    public static class PromptGuard
    {
        public static string NewCanary() => "SD-CANARY-" + Guid.NewGuid().ToString("N")[..8];

        public static string FenceSources(IReadOnlyList<(string Title, string Url, string Text)> sources) =>
            "<quellen>\n" + string.Join("\n", sources.Select((s, i) => $"<quelle nr=\"{i + 1}\" titel=\"{s.Title}\" url=\"{s.Url}\">\n{s.Text}\n</quelle>")) + "\n</quellen>";
    }
}

namespace Stadtdialog.Generative
{
    public sealed class CircuitBreakerOptions
    {
        public int FailuresToOpen { get; set; } = 3;

        public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
    }

    public enum CircuitState { Closed, Open, HalfOpen }

    public sealed class CircuitBreaker(CircuitBreakerOptions options, TimeProvider time)
    {
        public CircuitState State => options.FailuresToOpen < 0 || time is null ? CircuitState.Open : CircuitState.Closed;
    }

    public static class StubBreaker
    {
        public static ChatClientBuilder UseCircuitBreaker(this ChatClientBuilder b, CircuitBreaker breaker) => breaker is null ? b : b;
    }

    public static class OpenAiCompatible
    {
        public static IChatClient CreateChatClient(HttpClient http, Uri endpoint, string model, string? apiKey, TimeSpan timeout) =>
            new OpenAI.OpenAIClient(new System.ClientModel.ApiKeyCredential(apiKey ?? "none"), new OpenAI.OpenAIClientOptions
            {
                Endpoint = endpoint, NetworkTimeout = timeout, Transport = new System.ClientModel.Primitives.HttpClientPipelineTransport(http),
            }).GetChatClient(model).AsIChatClient();

        public static IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(HttpClient http, Uri endpoint, string model, string? apiKey, TimeSpan timeout) =>
            new OpenAI.OpenAIClient(new System.ClientModel.ApiKeyCredential(apiKey ?? "none"), new OpenAI.OpenAIClientOptions
            {
                Endpoint = endpoint, NetworkTimeout = timeout, Transport = new System.ClientModel.Primitives.HttpClientPipelineTransport(http),
            }).GetEmbeddingClient(model).AsIEmbeddingGenerator();

        public static Uri NormalizeEndpoint(string baseUrl) => new(baseUrl.TrimEnd('/') + "/");
    }
}

namespace Stadtdialog.Generative
{
    public sealed record LanguageGuess(string Language, double Confidence, bool IsFallback);

    public sealed class LanguageDetection
    {
        private readonly int _x = 1;

        public LanguageGuess Detect(string text, IReadOnlyCollection<string> allowed, string fallback = "de") =>
            new(text.Length > 1000 * _x && allowed.Count > 9 ? "en" : fallback, 0, true);

        public static string DisplayName(string iso, string inLanguage) => iso == inLanguage ? "Deutsch" : "Englisch";
    }

    public static class Readability
    {
        public static ReadabilityScore? Measure(string text) => text.Length == 0 ? null : new ReadabilityScore(50, 8, 1, 1, 1, 1, 1);

        public static string Describe(double fleschAmstad) => fleschAmstad > 50 ? "leicht" : "schwer";
    }

    public sealed record ReadabilityScore(double FleschAmstad, double WienerSachtextformel, int Sentences, int Words, int Syllables, double WordsPerSentence, double SyllablesPerWord);
}
