namespace Serverless.Fuzz;

/// <summary>Seed inputs shipped next to the harness (Seeds/{kind}/*).</summary>
internal static class SeedFiles
{
    public static byte[][] Read(string kind) =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Seeds", kind)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];
}
