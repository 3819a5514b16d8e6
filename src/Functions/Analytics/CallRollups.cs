using Serverless.Functions.Calls;

namespace Serverless.Functions.Analytics;

/// <summary>
/// The hook where calls end: counts a call into the rollups when <c>call.ended</c> is due (final, node report in or
/// given up on), and again on a redelivery of that input (the first handling may have failed before counting; the
/// store's markers make the second count a no-op).
/// </summary>
public sealed class CallRollups(CallRollupStore store)
{
    public Task OnAppliedAsync(ApplyResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result is { Call: { IsReported: true } call, Event.Result: TransitionKind.Applied }
            && (result.Status == ApplyStatus.DuplicateDelivery || (result.Status == ApplyStatus.Applied && result.Previous is not { IsReported: true }))
            ? store.RecordAsync(call, cancellationToken)
            : Task.CompletedTask;
    }
}
