using System.Collections.Concurrent;
using Microsoft.Azure.Functions.Worker;

namespace Serverless.Testing.FunctionsHost.Timers;

/// <summary>
/// The schedule monitor's memory (the real host keeps it in blob storage): each monitored timer's last and next
/// occurrence. Share one store across host restarts to get the host's past-due run: when a host starts after a
/// recorded next occurrence has passed, the timer runs at once with <see cref="TimerInfo.IsPastDue"/> set.
/// </summary>
public sealed class TimerStatusStore
{
    private readonly ConcurrentDictionary<string, ScheduleStatus> _status = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The recorded status of <paramref name="functionName"/>, or null when it never ran.</summary>
    public ScheduleStatus? Get(string functionName) => _status.TryGetValue(functionName, out var status) ? status : null;

    /// <summary>Records a status (the host does this after each monitored run; tests may seed one).</summary>
    public void Set(string functionName, ScheduleStatus status)
    {
        ArgumentNullException.ThrowIfNull(functionName);
        ArgumentNullException.ThrowIfNull(status);
        _status[functionName] = status;
    }
}
