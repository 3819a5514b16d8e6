using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Serverless.Functions.Calls;

namespace Serverless.Functions.Dials;

/// <summary>Outcomes of an attempt that may be retried.</summary>
[Flags]
public enum RetryOn
{
    None = 0,

    /// <summary>The user declined (status REJECTED).</summary>
    Rejected = 1,

    /// <summary>Nobody answered. Meta reports no "busy": a busy user declines or does not answer.</summary>
    NoAnswer = 2,

    /// <summary>Busy-like failures: a Meta error, media failure or timeout ended the attempt.</summary>
    Failed = 4,
}

/// <summary>How often and when a dial is tried again: <c>{"maxAttempts":3,"spacingSeconds":300,"retryOn":["rejected","noAnswer"]}</c>.</summary>
/// <param name="MaxAttempts">Attempts in all, the first included.</param>
/// <param name="Spacing">Wait between the end of one attempt and the next.</param>
/// <param name="On">Which outcomes retry.</param>
public sealed record DialRetryPolicy(int MaxAttempts, TimeSpan Spacing, RetryOn On)
{
    /// <summary>One attempt, never retried.</summary>
    public static readonly DialRetryPolicy Once = new(1, TimeSpan.Zero, RetryOn.None);

    /// <summary>Whether an attempt that ended with <paramref name="outcome"/> may be followed by another.</summary>
    public bool Retries(CallOutcome? outcome) => outcome switch
    {
        CallOutcome.Rejected => On.HasFlag(RetryOn.Rejected),
        CallOutcome.NoAnswer => On.HasFlag(RetryOn.NoAnswer),
        CallOutcome.Failed => On.HasFlag(RetryOn.Failed),
        _ => false,
    };

    /// <summary>Reads the <c>retry</c> member; absent means <see cref="Once"/>.</summary>
    public static bool TryParse(JsonElement root, int maxAttempts, [NotNullWhen(true)] out DialRetryPolicy? policy, out string? problem)
    {
        policy = Once;
        problem = null;
        if (!root.TryGetProperty("retry", out var retry) || retry.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        policy = null;
        if (retry.ValueKind != JsonValueKind.Object
            || !retry.TryGetProperty("maxAttempts", out var attemptsElement)
            || !attemptsElement.TryGetInt32(out var attempts) || attempts < 1 || attempts > maxAttempts)
        {
            problem = $"retry.maxAttempts must be 1-{maxAttempts}.";
            return false;
        }

        var spacing = 0;
        if (retry.TryGetProperty("spacingSeconds", out var spacingElement)
            && (!spacingElement.TryGetInt32(out spacing) || spacing < 0 || spacing > 7 * 24 * 3600))
        {
            problem = "retry.spacingSeconds must be 0-604800.";
            return false;
        }

        var on = RetryOn.None;
        if (retry.TryGetProperty("retryOn", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                problem = "retry.retryOn must be an array of 'rejected', 'noAnswer', 'failed'.";
                return false;
            }

            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || !Enum.TryParse<RetryOn>(item.GetString(), ignoreCase: true, out var flag)
                    || flag == RetryOn.None || int.TryParse(item.GetString(), out _))
                {
                    problem = "retry.retryOn must be an array of 'rejected', 'noAnswer', 'failed'.";
                    return false;
                }

                on |= flag;
            }
        }
        else
        {
            on = RetryOn.Rejected | RetryOn.NoAnswer | RetryOn.Failed;
        }

        policy = new DialRetryPolicy(attempts, TimeSpan.FromSeconds(spacing), on);
        return true;
    }
}
