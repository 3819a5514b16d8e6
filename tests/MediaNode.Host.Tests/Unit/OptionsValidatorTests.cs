namespace Serverless.MediaNode.Host.Tests.Unit;

public sealed class OptionsValidatorTests
{
    private static MediaNodeOptions Valid() => new()
    {
        NodeId = "node-1",
        PublicAddress = "203.0.113.7",
        EventsUrl = new Uri("https://func.example/api/media/events"),
        EventsSecret = "s",
        StorageConnectionString = "UseDevelopmentStorage=true",
    };

    [Fact]
    public void ValidOptions_Pass()
    {
        Assert.True(new MediaNodeOptionsValidator().Validate(null, Valid()).Succeeded);
    }

    [Theory]
    [InlineData("NodeId")]
    [InlineData("PublicAddress")]
    [InlineData("EventsUrl")]
    [InlineData("EventsSecret")]
    [InlineData("MaxCalls")]
    [InlineData("StunServer")]
    [InlineData("Storage")]
    public void EachBrokenSetting_FailsWithItsName(string broken)
    {
        var options = Valid();
        switch (broken)
        {
            case "NodeId": options.NodeId = "Bad_Id!"; break;
            case "PublicAddress": options.PublicAddress = "not-an-ip"; break;
            case "EventsUrl": options.EventsUrl = new Uri("/relative", UriKind.Relative); break;
            case "EventsSecret": options.EventsSecret = ""; break;
            case "MaxCalls": options.MaxCalls = 0; break;
            case "StunServer": options.StunServer = "stun.example.com"; break;
            case "Storage": options.StorageConnectionString = " "; break;
        }

        var result = new MediaNodeOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(broken, result.FailureMessage, StringComparison.Ordinal);
    }
}
