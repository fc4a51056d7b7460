using Stadtdialog.Generative;
using Xunit;

namespace Stadtdialog.Core.Tests.Generative;

public sealed class PromptLibraryTests
{
    [Theory]
    [InlineData(PromptLibrary.Answer)]
    [InlineData(PromptLibrary.PlainLanguageRule)]
    [InlineData(PromptLibrary.RewritePlain)]
    [InlineData(PromptLibrary.TranslateQuery)]
    public void Every_prompt_is_an_embedded_resource(string name)
    {
        Assert.False(string.IsNullOrWhiteSpace(PromptLibrary.Get(name)));
    }

    [Fact]
    public void Rendering_fills_every_placeholder()
    {
        var prompt = PromptLibrary.Render(PromptLibrary.Answer, new Dictionary<string, string>
        {
            ["assistant"] = "Bürgerservice", ["tenant"] = "Stadt Musterstadt", ["noAnswer"] = GroundingCheck.NoAnswerMarker,
            ["languageName"] = "Deutsch", ["languageNote"] = "", ["plainLanguage"] = "", ["canary"] = "SD-CANARY-1234",
        });

        Assert.DoesNotContain("{{", prompt, StringComparison.Ordinal);
        Assert.Contains("Stadt Musterstadt", prompt, StringComparison.Ordinal);
        Assert.Contains("[KEINE_ANTWORT]", prompt, StringComparison.Ordinal);
        Assert.Contains("SD-CANARY-1234", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_value_is_an_error_not_an_empty_prompt()
    {
        Assert.Throws<KeyNotFoundException>(() => PromptLibrary.Render(PromptLibrary.Answer, new Dictionary<string, string>()));
    }

    [Fact]
    public void Unknown_prompts_fail_clearly()
    {
        Assert.Throws<KeyNotFoundException>(() => PromptLibrary.Get("does-not-exist.v9"));
    }
}
