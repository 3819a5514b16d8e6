using System.Collections.Concurrent;

namespace Serverless.Testing.WhatsAppSimulator.Users;

/// <summary>Behaviour per user wa_id; users not configured get <see cref="Default"/>.</summary>
public sealed class SimulatedUsers
{
    private readonly ConcurrentDictionary<string, SimulatedUserBehavior> _behaviors = new(StringComparer.Ordinal);

    internal SimulatedUsers(SimulatedUserBehavior defaultBehavior) => Default = defaultBehavior;

    /// <summary>Behaviour of users without their own script.</summary>
    public SimulatedUserBehavior Default { get; set; }

    /// <summary>Scripts <paramref name="waId"/>.</summary>
    public void Set(string waId, SimulatedUserBehavior behavior)
    {
        ArgumentNullException.ThrowIfNull(behavior);
        _behaviors[waId] = behavior;
    }

    /// <summary>The behaviour <paramref name="waId"/> follows now.</summary>
    public SimulatedUserBehavior Get(string waId) => _behaviors.TryGetValue(waId, out var b) ? b : Default;
}
