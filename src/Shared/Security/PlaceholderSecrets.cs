namespace Serverless.Shared.Security;

/// <summary>
/// Recognises the placeholders the examples ship with (<c>REPLACE-app-secret</c>, <c>&lt;app-secret&gt;</c>,
/// <c>change-me</c> ...), so a deployment that copied an example without filling it in stops at start with a message
/// instead of running with a secret everyone can read in this repository.
/// </summary>
public static class PlaceholderSecrets
{
    private static readonly string[] Markers =
        ["replace", "change-me", "changeme", "change_me", "placeholder", "your-", "your_", "<", ">", "${", "{{"];

    /// <summary>True when <paramref name="value"/> looks like an example placeholder rather than a real value.</summary>
    public static bool IsPlaceholder(string? value) =>
        value is not null && Markers.Any(m => value.Contains(m, StringComparison.OrdinalIgnoreCase));

    /// <summary>The start-up message for <paramref name="setting"/> holding a placeholder; never includes the value.</summary>
    public static string Message(string setting) =>
        $"{setting} still holds an example placeholder (like 'REPLACE-…', '<…>' or 'change-me'); set the real value.";
}
