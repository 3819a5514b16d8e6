namespace Serverless.Testing.WhatsAppSimulator;

/// <summary>A business phone number the simulator serves: its Graph id, display number and owning WABA.</summary>
public sealed record BusinessPhoneNumber(string PhoneNumberId, string DisplayPhoneNumber, string WabaId);
