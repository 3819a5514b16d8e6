using System.Diagnostics;

namespace Serverless.Shared.Media;

/// <summary>
/// W3C trace context (<c>traceparent</c>, <c>tracestate</c>) carried in a message so the receiving side continues
/// the sender's trace: one call = one trace.
/// </summary>
public readonly record struct TraceContext(string? TraceParent, string? TraceState)
{
    /// <summary>The context of <see cref="Activity.Current"/>, or empty when there is none or it is not W3C.</summary>
    public static TraceContext Current()
    {
        var activity = Activity.Current;
        return activity is { IdFormat: ActivityIdFormat.W3C }
            ? new TraceContext(activity.Id, activity.TraceStateString)
            : default;
    }

    /// <summary>Parses the carried context; false when absent or not a valid W3C traceparent.</summary>
    public bool TryGetActivityContext(out ActivityContext context)
    {
        context = default;
        return TraceParent is not null
            && ActivityContext.TryParse(TraceParent, TraceState, isRemote: true, out context);
    }

    /// <summary>
    /// Starts an activity that continues this trace. Uses <paramref name="source"/> when it has listeners;
    /// otherwise starts a plain <see cref="Activity"/> so the trace id still flows into logs and onward messages.
    /// </summary>
    public Activity StartActivity(string operationName, ActivitySource? source = null, ActivityKind kind = ActivityKind.Consumer)
    {
        ArgumentException.ThrowIfNullOrEmpty(operationName);
        var hasParent = TryGetActivityContext(out var parent);
        var fromSource = hasParent
            ? source?.StartActivity(operationName, kind, parent)
            : source?.StartActivity(operationName, kind);
        if (fromSource is not null)
        {
            return fromSource;
        }

        var activity = new Activity(operationName);
        activity.SetIdFormat(ActivityIdFormat.W3C);
        if (hasParent)
        {
            activity.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
            activity.TraceStateString = parent.TraceState;
        }

        return activity.Start();
    }
}
