using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stadtdialog.Data;
using Stadtdialog.Tenancy;
using Xunit;

namespace Stadtdialog.Core.Tests;

public sealed class TenantIsolationTests : IAsyncLifetime
{
    private CoreHost _host = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _host = await CoreHost.StartAsync(Token);
        var a = _host.Content.Write("a/personalausweis.md", "# Personalausweis\n\nDen Ausweis beantragen Sie im Bürgerbüro.\n");
        var b = _host.Content.Write("b/hundesteuer.md", "# Hundesteuer\n\nJeder Hund kostet 96 Euro im Jahr.\n");
        await _host.IngestAsync("stadt-a", Path.GetDirectoryName(a)!, Token);
        await _host.IngestAsync("stadt-b", Path.GetDirectoryName(b)!, Token);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_tenant_reads_only_its_own_rows()
    {
        var aKeys = await _host.InTenantAsync("stadt-a", sp => Db(sp).Documents.Select(d => d.Key).ToListAsync(Token));
        var bKeys = await _host.InTenantAsync("stadt-b", sp => Db(sp).Documents.Select(d => d.Key).ToListAsync(Token));
        var aChunks = await _host.InTenantAsync("stadt-a", sp => Db(sp).Chunks.Select(c => c.Text).ToListAsync(Token));
        var aSources = await _host.InTenantAsync("stadt-a", sp => Db(sp).KnowledgeSources.CountAsync(Token));

        Assert.Equal(["personalausweis.md"], aKeys);
        Assert.Equal(["hundesteuer.md"], bKeys);
        Assert.All(aChunks, t => Assert.DoesNotContain("Hund", t, StringComparison.Ordinal));
        Assert.Equal(1, aSources);
    }

    [Fact]
    public async Task Looking_up_another_tenants_row_by_id_finds_nothing()
    {
        var bDocument = await _host.InTenantAsync("stadt-b", sp => Db(sp).Documents.Select(d => d.Id).SingleAsync(Token));

        var seenByA = await _host.InTenantAsync("stadt-a", sp => Db(sp).Documents.Where(d => d.Id == bDocument).ToListAsync(Token));
        var chunksByA = await _host.InTenantAsync("stadt-a", sp => Db(sp).Chunks.CountAsync(c => c.DocumentId == bDocument, Token));

        Assert.Empty(seenByA);
        Assert.Equal(0, chunksByA);
    }

    [Fact]
    public async Task Without_a_tenant_no_tenant_scoped_rows_are_visible()
    {
        var documents = await _host.WithoutTenantAsync(sp => Db(sp).Documents.CountAsync(Token));
        var assistants = await _host.WithoutTenantAsync(sp => Db(sp).Assistants.CountAsync(Token));
        var all = await _host.WithoutTenantAsync(sp => Db(sp).Documents.IgnoreQueryFilters().CountAsync(Token));

        Assert.Equal(0, documents);
        Assert.Equal(0, assistants);
        Assert.Equal(2, all);
    }

    [Fact]
    public async Task Saving_a_new_row_for_another_tenant_is_refused()
    {
        var error = await _host.InTenantAsync("stadt-a", async sp =>
        {
            var db = Db(sp);
            var source = await db.KnowledgeSources.SingleAsync(Token);
            db.Documents.Add(new Document { Id = Guid.NewGuid(), TenantId = "stadt-b", SourceId = source.Id, Key = "fremd.md", Url = "fremd.md" });
            return await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Token));
        });

        Assert.Contains("stadt-b", error.Message, StringComparison.Ordinal);
        Assert.Contains("stadt-a", error.Message, StringComparison.Ordinal);
        Assert.Equal(["hundesteuer.md"], await _host.InTenantAsync("stadt-b", sp => Db(sp).Documents.Select(d => d.Key).ToListAsync(Token)));
    }

    [Fact]
    public async Task Changing_another_tenants_row_is_refused_even_when_loaded_around_the_filter()
    {
        await _host.InTenantAsync("stadt-a", async sp =>
        {
            var db = Db(sp);
            var foreign = await db.Documents.IgnoreQueryFilters().SingleAsync(d => d.TenantId == "stadt-b", Token);
            foreign.Title = "Übernommen";

            await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Token));
        });

        await _host.InTenantAsync("stadt-a", async sp =>
        {
            var db = Db(sp);
            var foreign = await db.Documents.IgnoreQueryFilters().SingleAsync(d => d.TenantId == "stadt-b", Token);
            db.Documents.Remove(foreign);

            Assert.Throws<InvalidOperationException>(() => db.SaveChanges());
        });

        var title = await _host.InTenantAsync("stadt-b", sp => Db(sp).Documents.Select(d => d.Title).SingleAsync(Token));
        Assert.Equal("Hundesteuer", title);
    }

    [Fact]
    public async Task Moving_an_own_row_to_another_tenant_is_refused()
    {
        await _host.InTenantAsync("stadt-a", async sp =>
        {
            var db = Db(sp);
            var own = await db.Documents.SingleAsync(Token);
            own.TenantId = "stadt-b";

            await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Token));
        });
    }

    [Fact]
    public async Task New_rows_without_tenant_are_stamped_with_the_scopes_tenant()
    {
        var id = await _host.InTenantAsync("stadt-a", async sp =>
        {
            var db = Db(sp);
            var assistant = await db.Assistants.SingleAsync(Token);
            var conversation = new Conversation { Id = Guid.NewGuid(), AssistantId = assistant.Id };
            db.Conversations.Add(conversation);
            await db.SaveChangesAsync(Token);
            return conversation.Id;
        });

        var tenant = await _host.WithoutTenantAsync(sp =>
            Db(sp).Conversations.IgnoreQueryFilters().Where(c => c.Id == id).Select(c => c.TenantId).SingleAsync(Token));
        Assert.Equal("stadt-a", tenant);
    }

    [Fact]
    public async Task Writing_tenant_scoped_rows_without_a_tenant_is_refused()
    {
        await _host.WithoutTenantAsync(async sp =>
        {
            var db = Db(sp);
            db.Conversations.Add(new Conversation { Id = Guid.NewGuid(), AssistantId = Guid.NewGuid() });
            return await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Token));
        });
    }

    [Fact]
    public async Task Provisioning_creates_the_tenant_with_a_default_assistant_once()
    {
        var first = await _host.InTenantAsync("neustadt", sp => Db(sp).Assistants.ToListAsync(Token));
        var second = await _host.InTenantAsync("neustadt", sp => Db(sp).Assistants.ToListAsync(Token));

        var assistant = Assert.Single(first);
        Assert.Equal(TenantProvisioning.DefaultAssistant, assistant.Slug);
        Assert.Equal(_host.Time.GetUtcNow(), assistant.CreatedAt);
        Assert.Equal(assistant.Id, Assert.Single(second).Id);
        var tenant = await _host.InTenantAsync("neustadt", sp => Db(sp).Tenants.SingleAsync(t => t.Id == "neustadt", Token));
        Assert.Equal("Neustadt", tenant.Name);
    }

    [Fact]
    public async Task Applying_a_config_updates_the_tenant_and_its_assistants()
    {
        var config = new TenantConfig
        {
            Id = "stadt-a",
            Name = "Stadt A",
            Contact = new ContactInfo { Phone = "0123 9" },
            Synonyms = ["perso => personalausweis"],
            Assistants = [new AssistantConfig { Id = TenantProvisioning.DefaultAssistant, Name = "Neu", MinConfidence = 0.7, MaxCitations = 9 }],
        };

        await _host.WithoutTenantAsync(sp => sp.GetRequiredService<TenantProvisioning>().ApplyAsync(config, Token));

        var (tenant, assistants) = await _host.InTenantAsync("stadt-a", async sp =>
            (await Db(sp).Tenants.SingleAsync(t => t.Id == "stadt-a", Token), await Db(sp).Assistants.ToListAsync(Token)));
        Assert.Equal("Stadt A", tenant.Name);
        Assert.Equal("0123 9", tenant.Contact.Phone);
        Assert.Equal(["perso => personalausweis"], tenant.Synonyms);
        var assistant = Assert.Single(assistants);
        Assert.Equal("Neu", assistant.Name);
        Assert.Equal(0.7, assistant.MinConfidence);
        Assert.Equal(3, assistant.MaxCitations);
    }

    [Fact]
    public async Task Applying_an_invalid_config_changes_nothing()
    {
        var config = new TenantConfig { Id = "Stadt A", Name = "" };

        await Assert.ThrowsAsync<ArgumentException>(() =>
            _host.WithoutTenantAsync(sp => sp.GetRequiredService<TenantProvisioning>().ApplyAsync(config, Token)));
    }

    private static StadtdialogDbContext Db(IServiceProvider services) => services.GetRequiredService<StadtdialogDbContext>();
}
