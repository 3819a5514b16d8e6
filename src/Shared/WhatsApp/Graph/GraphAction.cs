namespace Serverless.Shared.WhatsApp.Graph;

/// <summary>The Graph operation a request performs; the resilience pipeline decides retries by it.</summary>
public enum GraphAction
{
    /// <summary>Not one of ours: treated as unsafe to repeat.</summary>
    Unknown,

    /// <summary><c>POST /calls</c> <c>action: connect</c>: rings the user's phone, so never repeated blindly.</summary>
    Connect,

    /// <summary><c>POST /calls</c> <c>action: pre_accept</c>.</summary>
    PreAccept,

    /// <summary><c>POST /calls</c> <c>action: accept</c>.</summary>
    Accept,

    /// <summary><c>POST /calls</c> <c>action: reject</c>.</summary>
    Reject,

    /// <summary><c>POST /calls</c> <c>action: terminate</c>.</summary>
    Terminate,

    /// <summary><c>POST /messages</c> interactive <c>call_permission_request</c>: a charged message, never sent twice blindly.</summary>
    SendCallPermissionRequest,

    /// <summary><c>GET /call_permissions</c>.</summary>
    GetCallPermissions,

    /// <summary><c>GET /settings</c>.</summary>
    GetCallingSettings,

    /// <summary><c>POST /settings</c>: replaces the calling settings, so repeating it is harmless.</summary>
    UpdateCallingSettings,
}

/// <summary>Facts about <see cref="GraphAction"/> the retry rules depend on.</summary>
public static class GraphActionExtensions
{
    /// <summary>
    /// True when sending the same request twice cannot cause a second effect the user notices.
    /// <c>connect</c> would ring the user twice and a permission request would be a second charged
    /// message, so those (and unknown requests) may only be repeated when Meta provably never saw them.
    /// </summary>
    public static bool IsRepeatSafe(this GraphAction action) => action switch
    {
        GraphAction.PreAccept or GraphAction.Accept or GraphAction.Reject or GraphAction.Terminate
            or GraphAction.GetCallPermissions or GraphAction.GetCallingSettings
            or GraphAction.UpdateCallingSettings => true,
        _ => false,
    };

    /// <summary>The key under which the action travels on <see cref="HttpRequestMessage.Options"/>.</summary>
    public static readonly HttpRequestOptionsKey<GraphAction> OptionKey = new("WhatsApp.Graph.Action");

    /// <summary>Reads the action a request was tagged with; <see cref="GraphAction.Unknown"/> when untagged.</summary>
    public static GraphAction GetGraphAction(this HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(OptionKey, out var action) ? action : GraphAction.Unknown;

    /// <summary>Tags a request with its action so the resilience pipeline can tell connect from terminate.</summary>
    public static void SetGraphAction(this HttpRequestMessage request, GraphAction action)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(OptionKey, action);
    }
}
