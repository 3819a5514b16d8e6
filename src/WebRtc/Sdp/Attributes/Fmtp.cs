using System.Diagnostics.CodeAnalysis;

namespace Serverless.WebRtc.Sdp;

/// <summary>
/// <c>a=fmtp:&lt;format&gt; &lt;parameters&gt;</c> (RFC 8866 §6.15). The parameter text is kept verbatim;
/// <see cref="Parameters"/> reads the common <c>key=value;key=value</c> form (RFC 7587 §7 for Opus).
/// A bare item such as telephone-event's <c>0-15</c> becomes a key with an empty value.
/// </summary>
internal sealed record Fmtp(int PayloadType, string ParameterText) : ISdpAttributeValue<Fmtp>
{
    public static string AttributeName => SdpAttributeNames.Fmtp;

    /// <summary>Parameters in order of appearance; keys compare case-insensitively (RFC 7587 §7 uses lowercase).</summary>
    public IReadOnlyDictionary<string, string> Parameters
    {
        get
        {
            var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var item in ParameterText.Split(';'))
            {
                var trimmed = item.Trim();
                if (trimmed.Length == 0)
                {
                    continue;
                }

                var eq = trimmed.IndexOf('=', StringComparison.Ordinal);
                var key = eq < 0 ? trimmed : trimmed[..eq].Trim();
                var val = eq < 0 ? string.Empty : trimmed[(eq + 1)..].Trim();
                map.TryAdd(key, val);
            }

            return map;
        }
    }

    /// <summary>Builds <c>key=value;key=value</c> text in the given order.</summary>
    public static Fmtp FromParameters(int payloadType, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var text = string.Join(';', parameters.Select(p => p.Value.Length == 0 ? p.Key : p.Key + "=" + p.Value));
        return new Fmtp(payloadType, text);
    }

    public static bool TryParse(string value, [NotNullWhen(true)] out Fmtp? result)
    {
        result = null;
        ArgumentNullException.ThrowIfNull(value);
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !SdpText.TryParseInt(value.AsSpan(0, space), 0, 127, out var pt))
        {
            return false;
        }

        result = new Fmtp(pt, value[(space + 1)..]);
        return true;
    }

    public string ToValueString() => SdpText.Invariant(PayloadType) + " " + ParameterText;
}
