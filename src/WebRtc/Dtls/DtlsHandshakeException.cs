namespace Serverless.WebRtc.Dtls;

/// <summary>Why a DTLS-SRTP handshake failed.</summary>
public enum DtlsFailure
{
    /// <summary>The peer's certificate did not match the fingerprint in its SDP (or it sent none).</summary>
    FingerprintMismatch,

    /// <summary>No SRTP protection profile in common, or use_srtp missing.</summary>
    NoCommonSrtpProfile,

    /// <summary>The handshake did not complete within its timeout.</summary>
    Timeout,

    /// <summary>The handshake was cancelled or its channel closed.</summary>
    Cancelled,

    /// <summary>The peer sent a fatal alert, or any other protocol failure.</summary>
    Protocol,
}

/// <summary>A DTLS-SRTP handshake that did not produce SRTP keys.</summary>
public sealed class DtlsHandshakeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DtlsHandshakeException(DtlsFailure failure, string message, Exception? inner = null)
        : base(message, inner) => Failure = failure;

    /// <summary>Creates an exception for a protocol failure.</summary>
    public DtlsHandshakeException()
        : this(DtlsFailure.Protocol, "DTLS handshake failed.")
    {
    }

    /// <summary>Creates an exception for a protocol failure.</summary>
    public DtlsHandshakeException(string message)
        : this(DtlsFailure.Protocol, message)
    {
    }

    /// <summary>Creates an exception for a protocol failure.</summary>
    public DtlsHandshakeException(string message, Exception inner)
        : this(DtlsFailure.Protocol, message, inner)
    {
    }

    /// <summary>Why it failed.</summary>
    public DtlsFailure Failure { get; }

    /// <summary>The fatal alert sent or received (RFC 5246 §7.2 name, e.g. <c>bad_certificate</c>), when there was one.</summary>
    public string? Alert { get; init; }

    /// <summary>True when <see cref="Alert"/> came from the peer, false when we sent it.</summary>
    public bool? AlertFromRemote { get; init; }

    /// <summary>The negotiated protocol version (e.g. <c>DTLS 1.2</c>), when the handshake got that far.</summary>
    public string? Version { get; init; }

    /// <summary>The negotiated cipher suite (IANA name), when the handshake got that far.</summary>
    public string? CipherSuite { get; init; }
}
