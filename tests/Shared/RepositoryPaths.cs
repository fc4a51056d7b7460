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

    public static string CommittedOpenApi => Path.Combine(Root, "docs", "api", "openapi.json");

    public static string DemoScreenshot => Path.Combine(Root, "docs", "images", "demo.png");
}
