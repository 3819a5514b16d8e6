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
}
