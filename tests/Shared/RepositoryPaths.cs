namespace Stadtdialog.Tests;

/// <summary>Shared by the test projects (linked, not copied). Files of the repository the tests run from (found by walking up to <c>Stadtdialog.slnx</c>).</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Stadtdialog.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No folder above {AppContext.BaseDirectory} contains Stadtdialog.slnx; run the tests from the repository.");
    });

    public static string Root => RootPath.Value;

    public static string Samples => Path.Combine(Root, "samples");

    /// <summary>
    /// The shared test data (<c>shared/data</c>, see its README): beside the clone (<c>../shared/data</c>), as CI checks
    /// it out, or inside the repository root where a copy of the working tree carries it.
    /// </summary>
    public static string SharedData
    {
        get
        {
            var inside = Path.Combine(Root, "shared", "data");
            return Directory.Exists(inside) ? inside : Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));
        }
    }

    public static string CommittedOpenApi => Path.Combine(Root, "docs", "api", "openapi.json");

    public static string DemoScreenshot => Path.Combine(Root, "docs", "images", "demo.png");

    /// <summary>The screenshot of a live-data answer with its chart in docs/live-data.md.</summary>
    public static string LiveDataScreenshot => Path.Combine(Root, "docs", "images", "live-data.png");
}
