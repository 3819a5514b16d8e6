using System.ComponentModel.DataAnnotations;

namespace Serverless.Functions.AgentConsole;

/// <summary>The agent console (section <c>Console</c>): who may sign in, its tables and the Web PubSub service pages listen on.</summary>
public sealed class ConsoleOptions
{
    public const string SectionName = "Console";

    /// <summary>The Entra app role (a <c>roles</c> claim) a principal needs to use the console; default <c>CallAgent</c>.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string AgentRole { get; set; } = "CallAgent";

    /// <summary>Prefix of the console's tables: <c>{prefix}ConsoleAgents</c>, <c>{prefix}ConsoleQueues</c>, <c>{prefix}ConsoleRings</c>.</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{0,30}$|^$")]
    public string TablePrefix { get; set; } = "";

    /// <summary>How many recent calls the console lists (newest first).</summary>
    [Range(1, 200)]
    public int RecentCalls { get; set; } = 25;

    /// <summary>Azure Web PubSub (or the local stand-in): where ringing and answers reach the pages.</summary>
    public WebPubSubOptions WebPubSub { get; set; } = new();
}

/// <summary>
/// The Web PubSub service the Functions publish to through its REST API. In Azure: <see cref="Endpoint"/> only, and
/// the app's managed identity (Web PubSub Service Owner on the resource) gets Entra tokens; locally: the stand-in's
/// endpoint and its <see cref="AccessKey"/> (HS256 tokens, as the service's access keys).
/// </summary>
public sealed class WebPubSubOptions
{
    /// <summary><c>https://{name}.webpubsub.azure.com</c>, or the local stand-in's http address. Unset: the console works without push (pages poll).</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Hub name (letters, digits, underscore).</summary>
    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9_]{0,127}$")]
    public string Hub { get; set; } = "console";

    /// <summary>An access key (local stand-in, or a service with local auth on); null: Entra ID through the app's identity.</summary>
    public string? AccessKey { get; set; }

    /// <summary>How long a page's client access token lasts (the page asks for a new one when it reconnects).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan ClientTokenLifetime { get; set; } = TimeSpan.FromHours(1);
}
