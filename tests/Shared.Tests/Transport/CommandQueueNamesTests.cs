using Serverless.Shared.Transport;

namespace Serverless.Shared.Tests.Transport;

public class CommandQueueNamesTests
{
    private readonly CommandQueueNames _names = new("commands-new", "commands-");

    [Fact]
    public void Routes_start_commands_to_new_calls_and_follow_ups_to_the_node()
    {
        var at = DateTimeOffset.UnixEpoch;

        Assert.Equal("commands-new", _names.For(Commands.Start("c", at)));
        Assert.Equal("commands-node-7", _names.For(Commands.Answer("c", "node-7", at)));
        Assert.Equal("commands-node-7", _names.For(Commands.Tone("c", "node-7", at, 2)));
        Assert.Equal("commands-node-7", _names.For(Commands.End("c", "node-7", at, 3)));
        Assert.Equal("commands-node-7-poison", CommandQueueNames.PoisonOf("commands-node-7"));
    }

    [Theory]
    [InlineData("Node-A")]
    [InlineData("node_a")]
    [InlineData("node--a")]
    [InlineData("node-")]
    [InlineData("a-very-long-node-identifier-that-does-not-fit-in-a-queue-name")]
    public void Node_ids_that_do_not_form_storage_queue_names_are_refused(string nodeId)
    {
        Assert.Throws<CommandRoutingException>(() => _names.ForNode(nodeId));
    }

    [Theory]
    [InlineData("ab", false)]
    [InlineData("abc", true)]
    [InlineData("-abc", false)]
    [InlineData("a-b-c", true)]
    [InlineData("a--b", false)]
    public void Queue_name_rule_follows_Azure_Storage(string name, bool valid)
    {
        Assert.Equal(valid, CommandQueueNames.IsValidQueueName(name));
    }

    [Fact]
    public void Room_is_left_for_the_poison_suffix()
    {
        var longest = new string('a', CommandQueueNames.MaxQueueNameLength - CommandQueueNames.PoisonSuffix.Length);

        Assert.True(CommandQueueNames.IsValidQueueName(longest));
        Assert.False(CommandQueueNames.IsValidQueueName(longest + "a"));
    }
}
