using System.Text.Json;
using Serverless.Testing.WhatsAppSimulator.Clock;

namespace Serverless.Testing.WhatsAppSimulator.Permissions;

/// <summary>
/// Per-user call permissions and the counters behind <c>call_permissions</c> (meta-calling-api.md §3):
/// permission requests (1 per 24 h, 2 per 7 days, reset by any connected call) and connected
/// business-initiated calls per 24 h. Tests grant and revoke directly.
/// </summary>
public sealed class CallPermissionTable
{
    /// <summary>Temporary permission lifetime: 7 days from approval.</summary>
    public static readonly TimeSpan TemporaryPermissionLifetime = TimeSpan.FromDays(7);

    /// <summary>Consecutive unanswered or rejected business calls after which Meta revokes the permission (§3).</summary>
    public const int UnansweredCallsBeforeRevoke = 4;

    private const int RequestsPer24Hours = 1;
    private const int RequestsPer7Days = 2;
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    private readonly object _gate = new();
    private readonly Dictionary<string, UserState> _users = new(StringComparer.Ordinal);
    private readonly SimulatorClock _clock;
    private readonly int _startCallsPer24Hours;

    internal CallPermissionTable(SimulatorClock clock, int startCallsPer24Hours)
    {
        _clock = clock;
        _startCallsPer24Hours = startCallsPer24Hours;
    }

    /// <summary>Grants permission: temporary (7 days) unless <paramref name="permanent"/>.</summary>
    public void Grant(string waId, bool permanent = false)
    {
        lock (_gate)
        {
            var user = Get(waId);
            user.Status = permanent ? CallPermissionStatus.Permanent : CallPermissionStatus.Temporary;
            user.ExpiresAt = permanent ? null : _clock.UtcNow + TemporaryPermissionLifetime;
        }
    }

    /// <summary>Removes any permission the user granted.</summary>
    public void Revoke(string waId)
    {
        lock (_gate)
        {
            var user = Get(waId);
            user.Status = CallPermissionStatus.NoPermission;
            user.ExpiresAt = null;
        }
    }

    /// <summary>The user's permission now, with expiry applied.</summary>
    public CallPermissionStatus StatusOf(string waId)
    {
        lock (_gate)
        {
            return Effective(Get(waId));
        }
    }

    internal bool TryStartCall(string waId, out long nextAllowedUnix)
    {
        lock (_gate)
        {
            var user = Get(waId);
            var used = InWindow(user.ConnectedCalls, Day);
            nextAllowedUnix = used.Count > 0 ? (used[0] + Day).ToUnixTimeSeconds() : 0;
            return used.Count < _startCallsPer24Hours;
        }
    }

    /// <summary>A connected call counts against start_call and resets the request counters (§3).</summary>
    internal void RecordConnectedCall(string waId, bool businessInitiated)
    {
        lock (_gate)
        {
            var user = Get(waId);
            if (businessInitiated)
            {
                user.ConnectedCalls.Add(_clock.UtcNow);
            }

            user.PermissionRequests.Clear();
            user.ConsecutiveUnanswered = 0;
        }
    }

    /// <summary>An unanswered or rejected business call; the fourth in a row revokes the permission (§3).</summary>
    internal void RecordUnansweredCall(string waId)
    {
        lock (_gate)
        {
            var user = Get(waId);
            if (++user.ConsecutiveUnanswered >= UnansweredCallsBeforeRevoke)
            {
                user.Status = CallPermissionStatus.NoPermission;
                user.ExpiresAt = null;
                user.ConsecutiveUnanswered = 0;
            }
        }
    }

    internal bool TryRecordPermissionRequest(string waId)
    {
        lock (_gate)
        {
            var user = Get(waId);
            if (!CanSendRequest(user))
            {
                return false;
            }

            user.PermissionRequests.Add(_clock.UtcNow);
            return true;
        }
    }

    internal void WriteCallPermissions(Utf8JsonWriter writer, string waId)
    {
        lock (_gate)
        {
            var user = Get(waId);
            var status = Effective(user);
            writer.WriteStartObject();
            writer.WriteString("messaging_product", "whatsapp");
            writer.WriteStartObject("permission");
            writer.WriteString("status", status switch
            {
                CallPermissionStatus.Temporary => "temporary",
                CallPermissionStatus.Permanent => "permanent",
                _ => "no_permission",
            });
            if (status == CallPermissionStatus.Temporary && user.ExpiresAt is { } expires)
            {
                writer.WriteNumber("expiration_time", expires.ToUnixTimeSeconds());
            }

            writer.WriteEndObject();
            writer.WriteStartArray("actions");

            writer.WriteStartObject();
            writer.WriteString("action_name", "send_call_permission_request");
            writer.WriteBoolean("can_perform_action", CanSendRequest(user));
            writer.WriteStartArray("limits");
            WriteLimit(writer, "PT24H", RequestsPer24Hours, InWindow(user.PermissionRequests, Day), Day);
            WriteLimit(writer, "P7D", RequestsPer7Days, InWindow(user.PermissionRequests, Week), Week);
            writer.WriteEndArray();
            writer.WriteEndObject();

            writer.WriteStartObject();
            writer.WriteString("action_name", "start_call");
            var calls = InWindow(user.ConnectedCalls, Day);
            writer.WriteBoolean("can_perform_action", status != CallPermissionStatus.NoPermission && calls.Count < _startCallsPer24Hours);
            writer.WriteStartArray("limits");
            WriteLimit(writer, "PT24H", _startCallsPer24Hours, calls, Day);
            writer.WriteEndArray();
            writer.WriteEndObject();

            writer.WriteEndArray();
            writer.WriteEndObject();
        }
    }

    // limit_expiration_time only appears once usage is at the maximum (§3).
    private static void WriteLimit(Utf8JsonWriter writer, string period, int max, List<DateTimeOffset> used, TimeSpan window)
    {
        writer.WriteStartObject();
        writer.WriteString("time_period", period);
        writer.WriteNumber("max_allowed", max);
        writer.WriteNumber("current_usage", used.Count);
        if (used.Count >= max && used.Count > 0)
        {
            writer.WriteNumber("limit_expiration_time", (used[0] + window).ToUnixTimeSeconds());
        }

        writer.WriteEndObject();
    }

    private bool CanSendRequest(UserState user) =>
        Effective(user) != CallPermissionStatus.Permanent
        && InWindow(user.PermissionRequests, Day).Count < RequestsPer24Hours
        && InWindow(user.PermissionRequests, Week).Count < RequestsPer7Days;

    private List<DateTimeOffset> InWindow(List<DateTimeOffset> instants, TimeSpan window)
    {
        var since = _clock.UtcNow - window;
        return instants.Where(i => i > since).Order().ToList();
    }

    private CallPermissionStatus Effective(UserState user) =>
        user.Status == CallPermissionStatus.Temporary && user.ExpiresAt <= _clock.UtcNow
            ? CallPermissionStatus.NoPermission
            : user.Status;

    private UserState Get(string waId)
    {
        if (!_users.TryGetValue(waId, out var user))
        {
            user = new UserState();
            _users[waId] = user;
        }

        return user;
    }

    private sealed class UserState
    {
        public CallPermissionStatus Status { get; set; } = CallPermissionStatus.NoPermission;

        public DateTimeOffset? ExpiresAt { get; set; }

        public List<DateTimeOffset> PermissionRequests { get; } = [];

        public List<DateTimeOffset> ConnectedCalls { get; } = [];

        public int ConsecutiveUnanswered { get; set; }
    }
}
