using System.ComponentModel.DataAnnotations;
using Serverless.Shared.Security;

namespace Serverless.Functions.MediaEvents;

/// <summary>The MediaNode → Functions event endpoint (section <c>MediaEvents</c>).</summary>
public sealed class MediaEventsOptions : IValidatableObject
{
    public const string SectionName = "MediaEvents";

    /// <summary>Shortest node key accepted.</summary>
    public const int MinKeyLength = 16;

    /// <summary>
    /// Each MediaNode's own HMAC key by node id (<c>MediaEvents:NodeKeys:{nodeId}</c>), issued at provisioning (one Key
    /// Vault secret per node). A node holds only its own key, so a leaked key cannot speak for another node; a node id
    /// missing here cannot deliver events at all. Secrets: never logged.
    /// </summary>
    public Dictionary<string, string> NodeKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Replay window for signed events.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest event body read; events are small JSON documents with one SDP at most.</summary>
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (NodeKeys.Count == 0)
        {
            yield return new ValidationResult("MediaEvents:NodeKeys needs one key per MediaNode (MediaEvents:NodeKeys:{nodeId}).");
        }

        foreach (var (nodeId, key) in NodeKeys)
        {
            if (!MediaNodeKeys.IsValidNodeId(nodeId))
            {
                yield return new ValidationResult($"MediaEvents:NodeKeys: '{nodeId}' is not a node id (letters, digits, '-', '_', '.', at most 64).");
            }

            if (key is null || key.Length < MinKeyLength)
            {
                // The node id is not secret; the key is never echoed.
                yield return new ValidationResult($"MediaEvents:NodeKeys:{nodeId} must be at least {MinKeyLength} characters.");
            }
            else if (PlaceholderSecrets.IsPlaceholder(key))
            {
                yield return new ValidationResult(PlaceholderSecrets.Message($"MediaEvents:NodeKeys:{nodeId}"));
            }
        }

        if (NodeKeys.Values.Where(k => k is not null).Distinct(StringComparer.Ordinal).Count() != NodeKeys.Count)
        {
            yield return new ValidationResult("MediaEvents:NodeKeys: every node needs its own key (two nodes share one).");
        }

        if (MaxAge <= TimeSpan.Zero || MaxBodyBytes <= 0)
        {
            yield return new ValidationResult("MediaEvents:MaxAge and MediaEvents:MaxBodyBytes must be positive.");
        }
    }
}
