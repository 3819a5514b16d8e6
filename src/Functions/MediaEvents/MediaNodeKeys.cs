using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Serverless.Shared.Media;
using Serverless.Shared.Security;

namespace Serverless.Functions.MediaEvents;

/// <summary>
/// One <see cref="MediaEventSigner"/> per configured MediaNode (<see cref="MediaEventsOptions.NodeKeys"/>). The node
/// names itself in <see cref="MediaEventSigner.NodeHeaderName"/>; its event is verified with that node's key only, so a
/// key signs for exactly one node id.
/// </summary>
public sealed class MediaNodeKeys
{
    private const int MaxNodeIdLength = 64;
    private readonly FrozenDictionary<string, MediaEventSigner> _signers;

    public MediaNodeKeys(IOptions<MediaEventsOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        _signers = value.NodeKeys.ToFrozenDictionary(
            pair => pair.Key,
            pair => new MediaEventSigner(new HmacSha256Signature(pair.Value), time, value.MaxAge),
            StringComparer.Ordinal);
    }

    /// <summary>The verifier of <paramref name="nodeId"/>, or null for a node this deployment does not know.</summary>
    public MediaEventSigner? For(string? nodeId) =>
        nodeId is not null && _signers.TryGetValue(nodeId, out var signer) ? signer : null;

    /// <summary>Node ids are queue-name and header safe: letters, digits, '-', '_', '.', 1 to 64 characters.</summary>
    public static bool IsValidNodeId(string? nodeId) =>
        !string.IsNullOrEmpty(nodeId)
        && nodeId.Length <= MaxNodeIdLength
        && nodeId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
