using Stadtdialog.Tenancy;
using Xunit;

namespace Stadtdialog.Core.Tests;

public sealed class TenancyTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("musterstadt", true)]
    [InlineData("bad-neustadt-2", true)]
    [InlineData("a", true)]
    [InlineData("Musterstadt", false)]
    [InlineData("-musterstadt", false)]
    [InlineData("musterstadt-", false)]
    [InlineData("muster stadt", false)]
    [InlineData("münster", false)]
    [InlineData("../etc", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Tenant_ids_are_url_and_folder_safe(string? id, bool valid)
    {
        Assert.Equal(valid, TenantIds.IsValid(id));
    }

    [Fact]
    public void Tenant_id_is_at_most_64_characters()
    {
        Assert.True(TenantIds.IsValid(new string('a', 64)));
        Assert.False(TenantIds.IsValid(new string('a', 65)));
    }

    [Fact]
    public void Valid_config_has_no_errors()
    {
        Assert.Empty(ValidConfig().Validate());
    }

    [Fact]
    public void Validate_lists_every_problem()
    {
        var config = ValidConfig();
        config.Id = "Muster Stadt";
        config.Name = " ";
        config.Assistants[0].Id = "Bürger";
        config.Assistants[0].MinConfidence = 1.5;
        config.Synonyms = ["perso => ", "gut, besser"];

        var errors = config.Validate();

        Assert.Equal(5, errors.Count);
        Assert.Contains(errors, e => e.Contains("'Muster Stadt'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'Bürger'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("minConfidence", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'perso => '", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    public void MinConfidence_outside_zero_to_one_is_refused(double value)
    {
        var config = ValidConfig();
        config.Assistants[0].MinConfidence = value;

        Assert.Single(config.Validate());
    }

    [Fact]
    public void Two_assistants_with_the_same_id_are_refused()
    {
        // Provisioning would try to insert both, and the unique (tenant, slug) index fails the whole save.
        var config = ValidConfig();
        config.Assistants.Add(new AssistantConfig { Id = "buergerservice", Name = "Zweiter" });

        Assert.Contains(config.Validate(), e => e.Contains("buergerservice", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_reads_json_with_comments_trailing_commas_and_enum_names()
    {
        var path = _folder.Write("tenant.json", """
            {
              // Kommentar
              "id": "testtown",
              "name": "Stadt Testtown",
              "contact": { "phone": "0123 4" },
              "synonyms": ["perso => personalausweis"],
              "assistants": [ { "id": "intern", "name": "Intern", "audience": "Staff", "minConfidence": 0.6, }, ],
            }
            """);

        var config = TenantConfig.Load(path);

        Assert.Equal("testtown", config.Id);
        Assert.Equal("0123 4", config.Contact.Phone);
        Assert.Equal(Data.AssistantAudience.Staff, config.Assistants[0].Audience);
        Assert.Equal(0.6, config.Assistants[0].MinConfidence);
        Assert.Equal(["de"], config.Languages);
    }

    [Fact]
    public void Load_names_the_file_and_the_problems_of_an_invalid_config()
    {
        var path = _folder.Write("tenant.json", """{ "id": "Testtown", "name": "" }""");

        var error = Assert.Throws<InvalidDataException>(() => TenantConfig.Load(path));

        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("Testtown", error.Message, StringComparison.Ordinal);
        Assert.Contains("name is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_turns_malformed_json_into_a_readable_error()
    {
        var path = _folder.Write("tenant.json", """{ "id": "testtown", "name": """);

        var error = Assert.Throws<InvalidDataException>(() => TenantConfig.Load(path));

        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_demo_tenant_config_is_valid()
    {
        var root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "Stadtdialog.slnx")))
        {
            root = Path.GetDirectoryName(root);
        }

        Assert.NotNull(root);
        var config = TenantConfig.Load(Path.Combine(root, "samples", "musterstadt", "tenant.json"));

        Assert.Equal("musterstadt", config.Id);
        Assert.NotEmpty(config.Assistants);
    }

    [Fact]
    public void TenantContext_is_set_once_and_cannot_switch()
    {
        var context = new TenantContext();
        Assert.False(context.HasTenant);
        Assert.Throws<InvalidOperationException>(context.RequireTenantId);

        context.Set("musterstadt");
        context.Set("musterstadt");

        Assert.Equal("musterstadt", context.RequireTenantId());
        var error = Assert.Throws<InvalidOperationException>(() => context.Set("andere-stadt"));
        Assert.Contains("andere-stadt", error.Message, StringComparison.Ordinal);
        Assert.Equal("musterstadt", context.TenantId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void TenantContext_refuses_an_empty_id(string id)
    {
        Assert.ThrowsAny<ArgumentException>(() => new TenantContext().Set(id));
    }

    private static TenantConfig ValidConfig() => new()
    {
        Id = "testtown",
        Name = "Stadt Testtown",
        Synonyms = ["perso => personalausweis", "kita, kindergarten"],
        Assistants = [new AssistantConfig { Id = "buergerservice", Name = "Bürgerservice" }],
    };
}
