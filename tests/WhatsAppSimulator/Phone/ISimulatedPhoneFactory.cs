namespace Serverless.Testing.WhatsAppSimulator.Phone;

/// <summary>Creates the phone for each simulated call.</summary>
public interface ISimulatedPhoneFactory
{
    /// <summary>A new phone for the call described by <paramref name="context"/>.</summary>
    ISimulatedPhone Create(SimulatedPhoneContext context);
}
