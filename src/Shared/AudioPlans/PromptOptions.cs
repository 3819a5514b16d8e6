using Microsoft.Extensions.Options;

namespace Serverless.Shared.AudioPlans;

/// <summary>
/// Where audio-plan prompts may come from (section <c>Prompts</c>, the same in the Functions app and the MediaNode).
/// Without a container only bundled prompts and allowlisted URLs play.
/// </summary>
public sealed class PromptOptions
{
    public const string SectionName = "Prompts";

    /// <summary>
    /// The prompts container of the media storage account, e.g. <c>https://acct.blob.core.windows.net/prompts</c>
    /// (Azurite: <c>http://127.0.0.1:10000/devstoreaccount1/prompts</c>; plain http only on loopback).
    /// </summary>
    public Uri? ContainerUrl { get; set; }

    /// <summary>Optional https URL prefixes (each ending in <c>/</c>) whose files may be played as prompts.</summary>
    public IList<string>? AllowedUrlPrefixes { get; set; }

    /// <summary>Every reason these options are unusable; empty when they are fine.</summary>
    public static IEnumerable<string> Problems(PromptOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ContainerUrl is { } container)
        {
            var path = container.IsAbsoluteUri ? container.AbsolutePath.Trim('/') : string.Empty;
            if (!container.IsAbsoluteUri
                || !(container.Scheme == Uri.UriSchemeHttps || (container.Scheme == Uri.UriSchemeHttp && container.IsLoopback))
                || container.Query.Length > 0 || container.UserInfo.Length > 0 || path.Length == 0)
            {
                yield return "Prompts:ContainerUrl must be the https URL of a blob container (plain http only on loopback), without a query.";
            }
            else if (string.Equals(path.Split('/')[^1], PromptSourcePolicy.RecordingsContainer, StringComparison.OrdinalIgnoreCase))
            {
                yield return "Prompts:ContainerUrl must not be the recordings container: recordings are never played as prompts.";
            }
        }

        foreach (var prefix in options.AllowedUrlPrefixes ?? [])
        {
            if (!Uri.TryCreate(prefix, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps
                || !prefix.EndsWith('/') || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0
                || prefix.Contains('%', StringComparison.Ordinal))
            {
                yield return $"Prompts:AllowedUrlPrefixes entry '{prefix}' must be an https URL ending in '/', without query, user info or percent-encoding.";
            }
        }
    }
}

/// <summary>Checks <see cref="PromptOptions"/> at start-up.</summary>
public sealed class PromptOptionsValidator : IValidateOptions<PromptOptions>
{
    public ValidateOptionsResult Validate(string? name, PromptOptions options)
    {
        var problems = PromptOptions.Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
