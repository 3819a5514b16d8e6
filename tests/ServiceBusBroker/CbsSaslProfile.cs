using Amqp;
using Amqp.Sasl;
using Amqp.Types;

namespace Serverless.Testing.ServiceBusBroker;

/// <summary>
/// SASL mechanism MSSBCBS, which the Service Bus client insists on: "authenticate later over <c>$cbs</c>". The SASL
/// step itself carries nothing, so the server simply answers OK; the token check happens at put-token.
/// </summary>
internal sealed class CbsSaslProfile() : SaslProfile(Name)
{
    public const string Name = "MSSBCBS";

    protected override ITransport UpgradeTransport(ITransport transport) => transport;

    protected override DescribedList GetStartCommand(string hostname) =>
        new SaslInit { Mechanism = Name, InitialResponse = [] };

    protected override DescribedList? OnCommand(DescribedList command) =>
        command is SaslInit ? new SaslOutcome { Code = SaslCode.Ok } : null;
}
