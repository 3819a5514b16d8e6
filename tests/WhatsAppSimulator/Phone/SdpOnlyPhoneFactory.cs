namespace Serverless.Testing.WhatsAppSimulator.Phone;

/// <summary>Creates an <see cref="SdpOnlyPhone"/> per call (signalling only, no media).</summary>
public sealed class SdpOnlyPhoneFactory : ISimulatedPhoneFactory
{
    /// <inheritdoc />
    public ISimulatedPhone Create(SimulatedPhoneContext context) => new SdpOnlyPhone();
}
