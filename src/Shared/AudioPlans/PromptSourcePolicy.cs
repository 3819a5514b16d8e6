using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Serverless.Shared.AudioPlans;

/// <summary>Where a prompt step's audio comes from, once its source passed <see cref="PromptSourcePolicy"/>.</summary>
public enum PromptSourceKind
{
    /// <summary>A WAV shipped with the MediaNode (<c>Audio/Prompts/{name}.wav</c>).</summary>
    Bundled,

    /// <summary>A blob of the configured prompts container, read with the node's own storage credentials.</summary>
    PromptsContainer,

    /// <summary>An https URL under one of the configured allowlisted prefixes.</summary>
    AllowedUrl,
}

/// <summary>A prompt source the policy allows: its kind, and the blob name for <see cref="PromptSourceKind.PromptsContainer"/>.</summary>
public sealed record AllowedPromptSource(PromptSourceKind Kind, string Source, string? BlobName = null);

/// <summary>
/// The one rule for prompt sources, applied by the API at dial time and again by the MediaNode before it reads
/// anything: a bundled name, a blob of the configured prompts container (<see cref="PromptOptions.ContainerUrl"/>),
/// or an https URL under an allowlisted prefix. Anything else (another container such as <c>recordings</c>, another
/// account, a query string, percent-encoding or dot segments that could step out of the container) is refused,
/// so a plan cannot play another call's recording or make the node fetch an arbitrary URL.
/// </summary>
public sealed partial class PromptSourcePolicy
{
    /// <summary>Where recordings are stored; never a prompts container.</summary>
    public const string RecordingsContainer = "recordings";

    private readonly Uri? _container;
    private readonly string? _containerPath;
    private readonly string[] _prefixes;

    public PromptSourcePolicy(PromptOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (PromptOptions.Problems(options).FirstOrDefault() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _container = options.ContainerUrl;
        _containerPath = _container?.AbsolutePath.TrimEnd('/') + "/";
        _prefixes = (options.AllowedUrlPrefixes ?? []).Select(p => new Uri(p, UriKind.Absolute).AbsoluteUri).ToArray();
    }

    /// <summary>Bundled prompts only: no container, no allowlist.</summary>
    public static PromptSourcePolicy BundledOnly { get; } = new(new PromptOptions());

    /// <summary>The configured prompts container, if any.</summary>
    public Uri? ContainerUrl => _container;

    /// <summary>True for a name that may refer to a bundled prompt file (no paths, no extension).</summary>
    public static bool IsBundledName(string name) => BundledName().IsMatch(name);

    /// <summary>Classifies <paramref name="source"/>; false with a reason when it is not an allowed prompt.</summary>
    public bool TryAllow(string source, [NotNullWhen(true)] out AllowedPromptSource? allowed, [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(source);
        allowed = null;
        if (IsBundledName(source))
        {
            allowed = new AllowedPromptSource(PromptSourceKind.Bundled, source);
            reason = null;
            return true;
        }

        // Percent-encoding and backslashes are refused outright: they are how a path steps out of a prefix
        // after one side decodes it and the other does not.
        if (!Uri.TryCreate(source, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || source.Contains('%', StringComparison.Ordinal) || source.Contains('\\', StringComparison.Ordinal)
            || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            reason = "must be a bundled prompt name or a plain http(s) URL (no query, fragment, user info or percent-encoding)";
            return false;
        }

        if (_container is not null && SameOrigin(uri, _container)
            && uri.AbsolutePath.StartsWith(_containerPath!, StringComparison.Ordinal)
            && uri.AbsolutePath[_containerPath!.Length..] is var blobName && BlobName().IsMatch(blobName)
            && !blobName.Split('/').Any(segment => segment is "." or ".."))
        {
            allowed = new AllowedPromptSource(PromptSourceKind.PromptsContainer, source, blobName);
            reason = null;
            return true;
        }

        if (uri.Scheme == Uri.UriSchemeHttps && !source.Contains("/./", StringComparison.Ordinal) && !source.Contains("/../", StringComparison.Ordinal)
            && _prefixes.Any(prefix => uri.AbsoluteUri.StartsWith(prefix, StringComparison.Ordinal)))
        {
            allowed = new AllowedPromptSource(PromptSourceKind.AllowedUrl, uri.AbsoluteUri);
            reason = null;
            return true;
        }

        reason = _container is null
            ? "is not an allowed prompt source: no prompts container is configured, only bundled prompts and allowlisted URLs play"
            : $"is not an allowed prompt source: use a blob of {_container.AbsoluteUri.TrimEnd('/')}/, an allowlisted https URL or a bundled prompt name";
        return false;
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && a.Port == b.Port && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex BundledName();

    // Blob names we serve as prompts: plain path segments, no encoding.
    [GeneratedRegex("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")]
    private static partial Regex BlobName();
}
