namespace Sae.Cluster.Tests;

/// <summary>
/// Where tests leave files for people to look at (screenshots, rendered reports): the folder named
/// by SAE_TEST_ARTIFACTS if set, else artifacts/test under the repository root (git-ignored).
/// </summary>
public static class TestArtifacts
{
    /// <summary>The environment variable that overrides the folder.</summary>
    public const string Variable = "SAE_TEST_ARTIFACTS";

    /// <summary>The artifacts folder (created).</summary>
    public static string Directory
    {
        get
        {
            string? overridden = Environment.GetEnvironmentVariable(Variable);
            string dir = string.IsNullOrEmpty(overridden) ? Path.Combine(RepositoryRoot(), "artifacts", "test") : Path.GetFullPath(overridden);
            System.IO.Directory.CreateDirectory(dir);
            return dir;
        }
    }

    /// <summary>A path for <paramref name="fileName"/> inside the artifacts folder.</summary>
    public static string PathFor(string fileName) => Path.Combine(Directory, fileName);

    /// <summary>The nearest folder above the test assembly that holds Orleans.Sae.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.Sae.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no Orleans.Sae.sln above {AppContext.BaseDirectory}; set {Variable} to choose where test artifacts go");
    }
}
