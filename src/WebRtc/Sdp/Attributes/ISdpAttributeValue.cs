using System.Diagnostics.CodeAnalysis;

namespace Serverless.WebRtc.Sdp;

/// <summary>A typed view of one <c>a=</c> attribute, parsed from and written back to <see cref="SdpAttributeLine"/>.</summary>
/// <typeparam name="TSelf">The implementing type.</typeparam>
internal interface ISdpAttributeValue<TSelf>
    where TSelf : ISdpAttributeValue<TSelf>
{
    /// <summary>The attribute name this type reads, e.g. <c>rtpmap</c>.</summary>
    static abstract string AttributeName { get; }

    /// <summary>Parses the attribute value (text after the colon).</summary>
    static abstract bool TryParse(string value, [NotNullWhen(true)] out TSelf? result);

    /// <summary>The attribute value text, without the name.</summary>
    string ToValueString();
}
