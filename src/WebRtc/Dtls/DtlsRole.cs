namespace Serverless.WebRtc.Dtls;

/// <summary>Which end of the DTLS handshake we are (RFC 5763 §5: from <c>a=setup</c>).</summary>
internal enum DtlsRole
{
    /// <summary>We send the ClientHello (<c>a=setup:active</c> on our side).</summary>
    Client,

    /// <summary>We wait for the ClientHello (<c>a=setup:passive</c>, or <c>actpass</c> answered by <c>active</c>).</summary>
    Server,
}
