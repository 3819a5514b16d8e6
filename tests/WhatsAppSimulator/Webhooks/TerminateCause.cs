namespace Serverless.Testing.WhatsAppSimulator.Webhooks;

/// <summary>Why a simulated call ended; Meta's shape only shows COMPLETED/FAILED, the seed guide a <c>reason</c>.</summary>
internal enum TerminateCause
{
    UserHangUp,
    BusinessHangUp,
    Rejected,
    NotAnswered,
    Failed,
}
