using Serverless.MediaNode.Sessions;

namespace Serverless.MediaNode.Host.Tests.Unit;

public sealed class SessionRegistryTests
{
    [Fact]
    public void Draining_RefusesNewCalls()
    {
        var registry = new SessionRegistry(5, TimeProvider.System);
        registry.BeginDrain();

        var admission = registry.Admit("c1", () => throw new InvalidOperationException("must not create"), out var session);

        Assert.Equal(Admission.Full, admission);
        Assert.Null(session);
        Assert.Equal(0, registry.FreeCapacity);
    }

    [Fact]
    public async Task WaitUntilEmpty_IsCompleteWithNoCalls()
    {
        var registry = new SessionRegistry(1, TimeProvider.System);
        await registry.WaitUntilEmptyAsync(CancellationToken.None).WaitAsync(TestKit.Wait);
        Assert.Equal(1, registry.FreeCapacity);
    }
}
