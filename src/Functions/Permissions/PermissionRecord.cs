using Serverless.Shared.WhatsApp.Graph.Models;

namespace Serverless.Functions.Permissions;

/// <summary>What we know about one (business number, user) pair; one Table row.</summary>
public sealed record PermissionRecord
{
    /// <summary>Our business number's Graph id (the partition).</summary>
    public required string PhoneNumberId { get; init; }

    /// <summary>The user's WhatsApp id (the row).</summary>
    public required string WaId { get; init; }

    /// <summary>Meta's last <c>call_permissions</c> answer, with reply webhooks applied on top; null before the first lookup.</summary>
    public CallPermissions? Snapshot { get; init; }

    /// <summary>When <see cref="Snapshot"/> was last read from Graph.</summary>
    public DateTimeOffset? FetchedAt { get; init; }

    /// <summary>Meta's timestamp of the last reply webhook applied (older replies are ignored).</summary>
    public DateTimeOffset? LastReplyAt { get; init; }

    /// <summary>When we sent permission requests (our guard's memory; trimmed to 7 days).</summary>
    public IReadOnlyList<DateTimeOffset> RequestsSent { get; init; } = [];

    /// <summary>When the user opted out (revoked permission or sent an opt-out keyword); null when not opted out.</summary>
    public DateTimeOffset? OptedOutAt { get; init; }

    /// <summary>What opted the user out (<see cref="OptOutSource"/>).</summary>
    public string? OptOutSource { get; init; }

    /// <summary>Consecutive unanswered or rejected business-initiated calls.</summary>
    public int ConsecutiveUnanswered { get; init; }

    /// <summary>The permission state, or no permission when unknown.</summary>
    public CallPermissionStatus Status => Snapshot?.Permission?.Status ?? CallPermissionStatus.NoPermission;

    /// <summary>A fresh record for a pair we have never seen.</summary>
    public static PermissionRecord Empty(string phoneNumberId, string waId) => new() { PhoneNumberId = phoneNumberId, WaId = waId };
}
