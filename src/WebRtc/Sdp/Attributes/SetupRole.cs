namespace Serverless.WebRtc.Sdp;

/// <summary><c>a=setup</c> (RFC 4145 §4, used for DTLS by RFC 8842 §5): who opens the connection.</summary>
public enum SetupRole
{
    ActPass,
    Active,
    Passive,
    HoldConn,
}

/// <summary><c>a=sendrecv</c> / <c>sendonly</c> / <c>recvonly</c> / <c>inactive</c> (RFC 8866 §6.7).</summary>
public enum MediaDirection
{
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

/// <summary>Text forms of the small enums.</summary>
internal static class SdpEnumText
{
    public static string ToText(this SetupRole role) => role switch
    {
        SetupRole.ActPass => "actpass",
        SetupRole.Active => "active",
        SetupRole.Passive => "passive",
        _ => "holdconn",
    };

    public static bool TryParseSetupRole(string? text, out SetupRole role)
    {
        (var ok, role) = text switch
        {
            "actpass" => (true, SetupRole.ActPass),
            "active" => (true, SetupRole.Active),
            "passive" => (true, SetupRole.Passive),
            "holdconn" => (true, SetupRole.HoldConn),
            _ => (false, SetupRole.ActPass),
        };
        return ok;
    }

    /// <summary>The property attribute name for a direction, e.g. <c>sendrecv</c>.</summary>
    public static string ToText(this MediaDirection direction) => direction switch
    {
        MediaDirection.SendRecv => SdpAttributeNames.SendRecv,
        MediaDirection.SendOnly => SdpAttributeNames.SendOnly,
        MediaDirection.RecvOnly => SdpAttributeNames.RecvOnly,
        _ => SdpAttributeNames.Inactive,
    };

    public static bool TryParseDirection(string name, out MediaDirection direction)
    {
        (var ok, direction) = name switch
        {
            SdpAttributeNames.SendRecv => (true, MediaDirection.SendRecv),
            SdpAttributeNames.SendOnly => (true, MediaDirection.SendOnly),
            SdpAttributeNames.RecvOnly => (true, MediaDirection.RecvOnly),
            SdpAttributeNames.Inactive => (true, MediaDirection.Inactive),
            _ => (false, MediaDirection.SendRecv),
        };
        return ok;
    }
}
