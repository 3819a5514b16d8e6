using System.Diagnostics.CodeAnalysis;

namespace Serverless.WebRtc.Sdp;

/// <summary>
/// One raw <c>a=</c> line (RFC 8866 §5.13): a property attribute (<c>a=name</c>, <see cref="Value"/> null)
/// or a value attribute (<c>a=name:value</c>). Attributes are kept raw so unknown ones round-trip verbatim;
/// typed views (<see cref="RtpMap"/>, <see cref="IceCandidateLine"/>, ...) are parsed from them on demand.
/// </summary>
internal sealed record SdpAttributeLine
{
    public SdpAttributeLine(string name, string? value = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!SdpText.IsToken(name))
        {
            throw new ArgumentException("Attribute name must be an RFC 8866 token.", nameof(name));
        }

        if (value is not null && !SdpLineText.IsValidValue(value))
        {
            throw new ArgumentException("Attribute value must not contain NUL, CR or LF.", nameof(value));
        }

        Name = name;
        Value = value;
    }

    /// <summary>Attribute name, e.g. <c>rtpmap</c>; compared case-sensitively as browsers emit lowercase.</summary>
    public string Name { get; }

    /// <summary>Text after the first colon; null for a property attribute, "" for <c>a=name:</c>.</summary>
    public string? Value { get; }

    /// <summary>Parses the text after <c>a=</c>: <c>att-field [":" att-value]</c>.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out SdpAttributeLine? attribute)
    {
        attribute = null;
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? text : text[..colon];
        if (!SdpText.IsToken(name))
        {
            return false;
        }

        var value = colon < 0 ? null : text[(colon + 1)..];
        if (value is not null && !SdpLineText.IsValidValue(value))
        {
            return false;
        }

        attribute = new SdpAttributeLine(name, value);
        return true;
    }

    /// <summary>The line body after <c>a=</c>.</summary>
    public override string ToString() => Value is null ? Name : Name + ":" + Value;
}
