using Serverless.Testing.WhatsAppSimulator.Calls;
using Serverless.Testing.WhatsAppSimulator.Users;

namespace Serverless.Testing.WhatsAppSimulator.Phone;

/// <summary>What a phone needs to know about the call it plays.</summary>
public sealed record SimulatedPhoneContext(
    string CallId,
    SimulatedCallDirection Direction,
    string UserWaId,
    string BusinessPhoneNumberId,
    SimulatedUserBehavior Behavior);
